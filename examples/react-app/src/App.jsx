// The app shell: who is signed in decides whether the realtime connection exists (enabled={!!user}).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { WebSocketProvider, useClientEvent } from '@numeneon/realtime/react';
import { AuthContext } from './auth.js';
import { useSecondsUntil } from './clock.js';
import { API_URL } from './config.js';
import { useChat } from './route.js';
import { api, endSession, getToken, hasSession, login, onSessionEnd, signup } from './session.js';
import { FriendsProvider } from './FriendsContext.jsx';
import { MessageProvider } from './MessageContext.jsx';
import { NotificationProvider } from './NotificationContext.jsx';
import TopBar from './TopBar.jsx';
import Login from './Login.jsx';
import Friends from './Friends.jsx';
import Conversation from './Messages.jsx';

const RETRY_MS = [2000, 4000, 8000, 15000];

// A stored session (a reload) is checked with "who am I?". Only a 401 means signed out; a server that
// cannot be reached or fails keeps the session and asks again. → { pending, problem, retryAt, retryNow }
function useRestoredSession(setUser) {
  const [check, setCheck] = useState(() => ({ pending: hasSession(), problem: null, retryAt: null }));
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!hasSession()) return undefined;
    let cancelled = false;
    let timer;
    api('GET', '/api/auth/me/').then((me) => {
      if (cancelled) return;
      setUser(me);
      setCheck({ pending: false, problem: null, retryAt: null });
    }, (err) => {
      if (cancelled) return;
      if (err.status === 401) {
        setCheck({ pending: false, problem: null, retryAt: null });
        return;
      }
      const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      setCheck({ pending: true, problem: err, retryAt: Date.now() + delay });
      timer = setTimeout(() => setAttempt((n) => n + 1), delay);
    });
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [attempt, setUser]);
  return { ...check, retryNow: () => setAttempt((n) => n + 1) };
}

function Restoring({ problem, retryAt, retryNow }) {
  const seconds = useSecondsUntil(retryAt);
  return (
    <main className="panel narrow" data-testid="session-restore">
      <h2>Signing you back in</h2>
      {problem ? (
        <p role="status">
          {problem.message} You are still signed in: {seconds ? `trying again in ${seconds} s` : 'trying again…'}{' '}
          <button type="button" onClick={retryNow}>Try now</button>
        </p>
      ) : <p role="status">Checking your session…</p>}
    </main>
  );
}

// The client reports a session that can no longer be renewed (refresh answered 401): sign out.
function SignOutOnAuthFailure({ onFailure }) {
  useClientEvent('auth_failed', onFailure);
  return null;
}

export default function App() {
  const [user, setUser] = useState(null);
  const [, setChat] = useChat();
  const restore = useRestoredSession(setUser);

  const signOut = useCallback(() => {
    endSession();
    setUser(null);
    setChat(null);
  }, [setChat]);
  const auth = useMemo(() => ({
    user,
    restoring: restore.pending,
    signIn: async (email, password) => {
      await login(email, password);
      setUser(await api('GET', '/api/auth/me/'));
    },
    signUp: async (fields) => {
      await signup(fields);
      setUser(await api('GET', '/api/auth/me/'));
    },
    signOut,
  }), [user, restore.pending, signOut]);

  useEffect(() => onSessionEnd(() => setUser(null)), []);

  return (
    <AuthContext.Provider value={auth}>
      {/* No authProbeUrl: getToken refreshes when a token can be stale, and a probe would be one more
          failing request (and console error) per retry while the server is down. */}
      <WebSocketProvider baseUrl={API_URL} auth="subprotocol" getToken={getToken} enabled={!!user}>
        <SignOutOnAuthFailure onFailure={signOut} />
        <NotificationProvider>
          <FriendsProvider>
            <MessageProvider>
              <TopBar />
              {user ? (
                <main className="layout">
                  <Friends />
                  <Conversation />
                </main>
              ) : restore.pending ? <Restoring {...restore} /> : <Login />}
            </MessageProvider>
          </FriendsProvider>
        </NotificationProvider>
      </WebSocketProvider>
    </AuthContext.Provider>
  );
}
