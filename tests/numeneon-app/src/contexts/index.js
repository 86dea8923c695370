export { AuthProvider, useAuth } from "./AuthContext";
export { WebSocketProvider, useWebSocket } from "./WebSocketContext";
export { FriendsProvider, useFriends } from "./FriendsContext";
export { MessageProvider, useMessages } from "./MessageContext";
export { NotificationProvider, useNotifications } from "./NotificationContext";
