// React bindings: a provider that owns one client per connection config, and hooks that read it.
// No logic of its own: the client decides everything; this file only wires it to React's lifecycle.
// SSR-safe: nothing touches window, WebSocket or Wasm outside useEffect.
import {
  createContext, createElement, useContext, useEffect, useRef, useState, useSyncExternalStore,
} from 'react';
import { connectionStatus, createClient } from '@numeneon/realtime';
import { createHub } from './hub.js';

const Context = createContext(null);

// Options that only change behaviour, not the connection, and may be new objects every render.
const LIVE_OPTIONS = new Set(['getToken', 'WebSocket', 'logger', 'fetch', 'wasm']);

// The client is re-created only when this key changes: serializable options by value, never by identity.
function configKey(options) {
  const config = {};
  for (const [name, value] of Object.entries(options)) {
    if (!LIVE_OPTIONS.has(name) && value !== undefined) config[name] = value;
  }
  config.withToken = typeof options.getToken === 'function';
  return JSON.stringify(config);
}

// A runtime failure (the Wasm core did not load) never takes the page down: the children keep
// rendering, the hooks say 'failed' with the error, and the next `enabled` change or retry() loads
// again. Invalid options are a programming error: that TypeError is thrown during render.
export function WebSocketProvider({ children, enabled = true, ...options }) {
  const [hub] = useState(createHub);
  const [invalid, setInvalid] = useState(null);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const key = enabled ? configKey(options) : null;
  useEffect(() => hub.setRetry(() => setAttempt((n) => n + 1)), [hub]);

  useEffect(() => {
    if (key === null) return undefined;
    let cancelled = false;
    let teardown = null;
    const { getToken, ...rest } = latest.current;
    // The latest getToken is read at call time, so a new function identity never reconnects.
    const tokenOption = getToken ? { getToken: (info) => latest.current.getToken(info) } : {};
    createClient({ ...rest, ...tokenOption }).then((client) => {
      if (cancelled) {
        client.dispose();  // StrictMode's first effect, or the config changed while loading
        return;
      }
      const detach = hub.attach(client);
      teardown = () => {
        client.dispose();  // its last transition reaches the hooks, then the subscriptions are taken back
        detach();
      };
      client.connect();
    }, (err) => {
      if (cancelled) return;
      if (err instanceof TypeError) {
        setInvalid(err);
        return;
      }
      const sink = latest.current.logger === undefined ? console : latest.current.logger;
      try {
        sink?.error?.(err?.message ?? String(err));
      } catch {
        // the app's logger failing must not fail the page either
      }
      hub.fail(err);
    });
    return () => {
      cancelled = true;
      teardown?.();
    };
  }, [hub, key, attempt]);

  if (invalid) throw invalid;  // invalid options: let an error boundary show it
  return createElement(Context.Provider, { value: hub }, children);
}

function useHub(name) {
  const hub = useContext(Context);
  if (!hub) throw new Error(`@numeneon/realtime/react: ${name}() must be used inside <WebSocketProvider>`);
  return hub;
}

function useSnapshot(hub) {
  return useSyncExternalStore(hub.subscribeStore, hub.getSnapshot, hub.getServerSnapshot);
}

// { isConnected, subscribe } is the shape of NUMENEON's own WebSocketContext; subscribe, on and send
// are stable for the provider's lifetime, so `useEffect(() => subscribe(...), [subscribe])` runs once.
export function useWebSocket() {
  const hub = useHub('useWebSocket');
  const { client, change, error, online } = useSnapshot(hub);
  return {
    isConnected: change.to === 'open',
    state: change.to,
    online,
    error,
    retry: hub.retry,
    subscribe: hub.subscribe,
    on: hub.on,
    send: hub.send,
    client,
  };
}

// What a connection indicator shows: { status, retryAt? } (connectionStatus in the main entry).
export function useConnectionStatus() {
  const { change, online } = useSnapshot(useHub('useConnectionStatus'));
  return connectionStatus(change, online);
}

// The latest StateChange ({ from, to, reason, attempt, delayMs, closeCode }).
export function useConnectionState() {
  return useSnapshot(useHub('useConnectionState')).change;
}

function useRelay(hub, method, name, handler) {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => hub[method](name, (...args) => latest.current(...args)), [hub, method, name]);
}

// Calls the latest `handler` for each frame of `type` ('*' = all); re-subscribes only when `type` changes.
export function useEvent(type, handler) {
  useRelay(useHub('useEvent'), 'subscribe', type, handler);
}

// Same for the client's own events: 'state', 'open', 'close', 'resync', 'error', 'auth_failed'.
export function useClientEvent(event, handler) {
  useRelay(useHub('useClientEvent'), 'on', event, handler);
}
