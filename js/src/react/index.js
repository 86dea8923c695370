// React bindings: a provider that owns one client per connection config, and hooks that read it.
// No logic of its own: the client decides everything; this file only wires it to React's lifecycle.
// SSR-safe: nothing touches window, WebSocket or Wasm outside useEffect.
import {
  createContext, createElement, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState,
  useSyncExternalStore,
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

// ------------------------------------------------------------ protocol extensions (presence, typing, read receipts)

// A value the client keeps, read again whenever one of its `event`s concerns `matches`.
function useClientValue(name, event, read, matches = () => true) {
  const hub = useHub(name);
  const { client } = useSnapshot(hub);
  const [, bump] = useReducer((n) => n + 1, 0);
  const latest = useRef(matches);
  useEffect(() => {
    latest.current = matches;
  });
  useEffect(() => hub.on(event, (payload) => latest.current(payload) && bump()), [hub, event]);
  useEffect(() => hub.on('features', bump), [hub]);
  return read(client);
}

// The server's features, or null until a connection said (the unmodified NUMENEON backend: []).
export function useFeatures() {
  return useClientValue('useFeatures', 'features', (c) => c?.features ?? null);
}

// { online: true | false | null (not known), lastSeen, supported: true | false | null (not known yet) }.
export function usePresence(userId) {
  return useClientValue('usePresence', 'presence', (c) => {
    const p = c?.presenceOf(userId);
    return { online: p ? p.online : null, lastSeen: p?.lastSeen ?? null, supported: c ? c.supports('presence') : null };
  }, (e) => e.userId === userId);
}

// { typing, supported }: whether `userId` is typing to me now (it clears by itself if their stop is lost).
export function useTyping(userId) {
  return useClientValue('useTyping', 'typing', (c) => ({
    typing: c ? c.isTyping(userId) : false, supported: c ? c.supports('typing') : null,
  }), (e) => e.userId === userId);
}

// For the message input: onInput() on each keystroke (throttled by the client), stop() on send or blur;
// it also stops when the conversation changes or the component goes away.
export function useTypingNotifier(toUserId) {
  const hub = useHub('useTypingNotifier');
  const { client } = useSnapshot(hub);
  const current = useRef(client);
  useEffect(() => {
    current.current = client;
  });
  useEffect(() => () => {
    if (toUserId != null) current.current?.setTyping(toUserId, false);
  }, [toUserId]);
  return useMemo(() => ({
    onInput: () => (toUserId == null ? 'dropped' : current.current?.setTyping(toUserId, true) ?? 'dropped'),
    stop: () => (toUserId == null ? 'dropped' : current.current?.setTyping(toUserId, false) ?? 'dropped'),
  }), [toUserId]);
}

// { upTo, readAt, supported, markRead(upToMessageId), seed(upTo, readAt) }: how far `withUserId` has read my
// messages, live. seed() what REST says after a reload (GET /api/messages/read/<id>/ on the reference
// backend): the larger mark wins.
export function useReadReceipts(withUserId) {
  const hub = useHub('useReadReceipts');
  const value = useClientValue('useReadReceipts', 'read', (c) => {
    const r = c?.readReceipt(withUserId);
    return { upTo: r?.upTo ?? null, readAt: r?.readAt ?? null, supported: c ? c.supports('read_receipts') : null };
  }, (e) => e.readerId === withUserId);
  const { client } = useSnapshot(hub);
  const markRead = useCallback((upTo) => (client ? client.markRead(withUserId, upTo) : 'dropped'), [client, withUserId]);
  const seed = useCallback((upTo, readAt) => client?.seedReadReceipt(withUserId, upTo, readAt), [client, withUserId]);
  return { ...value, markRead, seed };
}
