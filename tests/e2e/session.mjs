// A signed-in user with an SDK client: the token provider refreshes over REST when the SDK asks for a
// fresh token, and says "no session" when the refresh token is rejected.
import { WebSocket } from 'ws';
import { createClient } from '@numeneon/realtime';

export async function signIn(api, backendUrl, credentials, options = {}) {
  const session = { ...credentials, tokenCalls: [] };
  const getToken = async ({ reason }) => {
    session.tokenCalls.push(reason);
    if (reason === 'initial' || reason === 'reconnect') return session.access;
    try {
      const fresh = await api.refresh(session.refresh);
      session.access = fresh.access;
      session.refresh = fresh.refresh;
      return session.access;
    } catch (err) {
      if (err.status === 401) return null;  // no valid session: the SDK ends with auth_failed
      throw err;
    }
  };
  session.client = await createClient({
    baseUrl: backendUrl,
    getToken,
    WebSocket,
    logger: null,
    reconnect: { initialDelayMs: 250, maxDelayMs: 1000, minDelayMs: 50 },
    ...options,
  });
  return session;
}

// Resolves with [data, ms since `since`] for the next frame of `type` (optionally matching `predicate`).
export function nextEvent(client, type, predicate = () => true, since = performance.now()) {
  return new Promise((resolve) => {
    const off = client.subscribe(type, (data) => {
      if (!predicate(data)) return;
      off();
      resolve([data, performance.now() - since]);
    });
  });
}

export function nextState(client, to, predicate = () => true) {
  return new Promise((resolve) => {
    const off = client.on('state', (s) => {
      if (s.to !== to || !predicate(s)) return;
      off();
      resolve(s);
    });
  });
}

export const once = (client, event) => new Promise((resolve) => {
  const off = client.on(event, (payload) => {
    off();
    resolve(payload);
  });
});
