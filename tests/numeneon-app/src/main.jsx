import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App";
import { AuthProvider } from "./contexts/AuthContext";
import { WebSocketProvider } from "./contexts/WebSocketContext";
import { FriendsProvider, MessageProvider, NotificationProvider } from "./contexts";

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <AuthProvider>
      <WebSocketProvider>
        <FriendsProvider>
          <MessageProvider>
            <NotificationProvider>
              <App />
            </NotificationProvider>
          </MessageProvider>
        </FriendsProvider>
      </WebSocketProvider>
    </AuthProvider>
  </StrictMode>,
);
