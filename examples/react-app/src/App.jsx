// The app shell: who is signed in decides whether the realtime connection exists (enabled={!!user}).
import { useCallback, useEffect, useState } from 'react';
import { WebSocketProvider, useClientEvent } from '@numeneon/realtime/react';
import { AuthContext } from './auth.js';
import { API_URL } from './config.js';
import { api, endSession, getToken, hasSession, login, onSessionEnd } from './session.js';
import { FriendsProvider } from './FriendsContext.jsx';
import { MessageProvider } from './MessageContext.jsx';
import { NotificationProvider } from './NotificationContext.jsx';
import TopBar from './TopBar.jsx';
import Login from './Login.jsx';
import Friends from './Friends.jsx';
import Messages from './Messages.jsx';

// The client reports a session that can no longer be renewed (refresh answered 401): sign out.
function SignOutOnAuthFailure({ onFailure }) {
  useClientEvent('auth_failed', onFailure);
  return null;
}

export default function App() {
  const [user, setUser] = useState(null);
  const [checking, setChecking] = useState(hasSession());
  const [chatWith, setChatWith] = useState(null);

  const signOut = useCallback(() => {
    endSession();
    setUser(null);
    setChatWith(null);
  }, []);
  const signIn = useCallback(async (email, password) => {
    await login(email, password);
    setUser(await api('GET', '/api/auth/me/'));
  }, []);

  useEffect(() => onSessionEnd(() => setUser(null)), []);
  useEffect(() => {
    if (!hasSession()) return;
    api('GET', '/api/auth/me/').then(setUser, signOut).finally(() => setChecking(false));
  }, [signOut]);

  return (
    <AuthContext.Provider value={{ user, signIn, signOut }}>
      <WebSocketProvider
        baseUrl={API_URL}
        auth="subprotocol"
        authProbeUrl={`${API_URL}/api/auth/me/`}
        getToken={getToken}
        enabled={!!user}
      >
        <SignOutOnAuthFailure onFailure={signOut} />
        <NotificationProvider>
          <FriendsProvider>
            <MessageProvider>
              <TopBar />
              {user ? (
                <main className="layout">
                  <Friends onOpenChat={setChatWith} />
                  <Messages friend={chatWith} />
                </main>
              ) : checking ? null : (
                <Login />
              )}
            </MessageProvider>
          </FriendsProvider>
        </NotificationProvider>
      </WebSocketProvider>
    </AuthContext.Provider>
  );
}
