// connected / connecting / reconnecting in Ns / offline / signed out, from useConnectionState().
import { useEffect, useMemo, useState } from 'react';
import { useConnectionState } from '@numeneon/realtime/react';
import { useAuth } from './auth.js';

// Whole seconds until the next attempt while backing off.
function useSecondsToRetry(change) {
  const retryAt = useMemo(() => Date.now() + change.delayMs, [change]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (change.to !== 'backing_off') return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [change]);
  return Math.max(0, Math.ceil((retryAt - Math.max(now, retryAt - change.delayMs)) / 1000));
}

function describe(user, change, seconds) {
  if (!user || change.reason === 'auth_failed') return 'signed out';
  switch (change.to) {
    case 'open': return 'connected';
    case 'backing_off': return `reconnecting in ${seconds}s`;
    case 'connecting': return change.attempt > 0 ? 'reconnecting…' : 'connecting…';
    default: return 'offline';
  }
}

export default function ConnectionStatus() {
  const { user } = useAuth();
  const change = useConnectionState();
  const seconds = useSecondsToRetry(change);
  const text = describe(user, change, seconds);
  return (
    <span className={`status status-${text.split(' ')[0].replace('…', '')}`} data-testid="connection-status" data-state={change.to}>
      {text}
    </span>
  );
}
