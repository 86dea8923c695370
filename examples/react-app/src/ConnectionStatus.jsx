// The realtime link in one word: offline / connecting / reconnecting in N s / connected / failed /
// signed out, from useWebSocket() (state, online) and useConnectionState() (why, and the retry delay).
import { useMemo } from 'react';
import { useConnectionState, useWebSocket } from '@numeneon/realtime/react';
import { useAuth } from './auth.js';
import { useSecondsUntil } from './clock.js';

function describe({ user, restoring }, { state, online }, change) {
  if (!user) return restoring ? 'connecting' : 'signed out';  // restoring: a reload, checking the session
  if (change.reason === 'auth_failed') return 'signed out';
  if (state === 'failed') return 'failed';
  // The browser says offline at once; the client then checks the link (2 s) and waits for the network.
  if (!online || change.reason === 'offline') return 'offline';
  switch (state) {
    case 'open': return 'connected';
    case 'backing_off': return 'reconnecting';
    case 'connecting': return change.attempt > 0 ? 'reconnecting' : 'connecting';
    case 'idle': return 'connecting';  // the client is loading
    default: return 'disconnected';
  }
}

export default function ConnectionStatus() {
  const auth = useAuth();
  const socket = useWebSocket();
  const change = useConnectionState();
  const retryAt = useMemo(() => (change.to === 'backing_off' && change.delayMs > 0 ? Date.now() + change.delayMs : null), [change]);
  const seconds = useSecondsUntil(retryAt);
  const word = describe(auth, socket, change);
  const countdown = word === 'reconnecting' && change.to === 'backing_off' && seconds > 0;
  return (
    // role="status": screen readers hear each new word once; the ticking countdown is aria-hidden.
    <span role="status" className={`status status-${word.replace(' ', '-')}`} data-testid="connection-status" data-state={socket.state}>
      {word}
      {countdown ? <span aria-hidden="true"> in {seconds} s</span> : ['connecting', 'reconnecting'].includes(word) && '…'}
    </span>
  );
}

// What a failed load means (the .wasm did not load): live updates are off, the rest of the app works.
export function ConnectionProblem() {
  const { user } = useAuth();
  const { state, error, retry } = useWebSocket();
  if (!user || state !== 'failed') return null;
  return (
    <div className="banner" role="alert" data-testid="connection-error">
      <p>
        Live updates are off; everything else still works.{' '}
        <button type="button" onClick={retry}>Try again</button>
      </p>
      <p className="cause">Why: {error.message.replace(/^@numeneon\/realtime: /, '')}</p>
    </div>
  );
}
