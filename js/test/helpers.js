// Shared test helpers: a client wired to a local test server, and event waiting without sleeps.
import { WebSocket } from 'ws';
import { createClient } from '../src/node.js';

export const quietLogger = null;

// Fast policies so reconnect tests take milliseconds, not seconds.
export const fast = {
  reconnect: { initialDelayMs: 40, maxDelayMs: 160, minDelayMs: 10, stableAfterMs: 5000, connectTimeoutMs: 2000 },
  heartbeat: { intervalMs: 0 },
};

export function makeClient(server, options = {}) {
  return createClient({
    url: server.url,
    getToken: () => 'token-abc-123',
    WebSocket,
    logger: quietLogger,
    ...fast,
    ...options,
  });
}

// Resolves with the first payload of `event` that satisfies `predicate`.
export function next(client, event, predicate = () => true) {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!predicate(payload)) return;
      off();
      resolve(payload);
    });
  });
}

export const state = (client, to, reason) => next(client, 'state', (s) => s.to === to && (!reason || s.reason === reason));

// Resolves with the next frame of `type` a handler receives.
export function frame(client, type) {
  return new Promise((resolve) => {
    const off = client.subscribe(type, (data, f) => {
      off();
      resolve({ data, frame: f });
    });
  });
}

export function collectErrors(client) {
  const errors = [];
  client.on('error', (e) => errors.push(e));
  return errors;
}

// What a browser reports: a failed handshake is an 'error' with no detail and a 1006 close, whether
// the server answered 403 or is not there at all (and there is no 'unexpected-response' to read).
export class BrowserLikeWebSocket extends WebSocket {
  addEventListener(type, listener, options) {
    if (type !== 'error') return super.addEventListener(type, listener, options);
    return super.addEventListener('error', () => listener({ type: 'error' }), options);
  }

  on(type, listener) {
    return type === 'unexpected-response' ? this : super.on(type, listener);
  }
}
