// The provider's one stable object: it relays subscriptions to whichever client currently exists,
// so consumers can subscribe before the client has loaded and keep their subscriptions across a
// client re-creation. Plain JS, no React: it keeps only the latest StateChange and load error.

const INITIAL = Object.freeze({ from: 'idle', to: 'idle', reason: 'none', attempt: 0, delayMs: 0 });
const IDLE_SNAPSHOT = Object.freeze({ client: null, change: INITIAL, error: null, online: true });

function check(what, name, handler) {
  if (typeof name !== 'string' || !name) throw new TypeError(`@numeneon/realtime/react: ${what}: the name must be a non-empty string`);
  if (typeof handler !== 'function') throw new TypeError(`@numeneon/realtime/react: ${what}: handler must be a function`);
}

export function createHub() {
  let client = null;
  let snapshot = IDLE_SNAPSHOT;
  const frameSubs = new Set();  // { name, handler, off } for client.subscribe
  const eventSubs = new Set();  // { name, handler, off } for client.on
  const storeListeners = new Set();
  let retry = null;

  const publish = (next) => {
    snapshot = next;
    for (const listener of [...storeListeners]) listener();
  };
  const bind = (set, method) => (name, handler) => {
    check(method, name, handler);
    const sub = { name, handler, off: client ? client[method](name, handler) : null };
    set.add(sub);
    return () => {
      if (!set.delete(sub)) return;
      sub.off?.();
      sub.off = null;
    };
  };

  return {
    subscribe: bind(frameSubs, 'subscribe'),
    on: bind(eventSubs, 'on'),
    send: (type, data, options) => (client ? client.send(type, data, options) : 'dropped'),
    // Loads again after a failure (the provider sets what that means); returns the unsetter.
    retry: () => {
      if (!retry) return;
      publish({ ...snapshot, change: { ...INITIAL, from: snapshot.change.to }, error: null });  // loading again
      retry();
    },
    setRetry(fn) {
      retry = fn;
      return () => { if (retry === fn) retry = null; };
    },

    // Hands every pending and future subscription to `c`; the returned function takes them back.
    attach(c) {
      client = c;
      for (const sub of [...frameSubs, ...eventSubs]) sub.off = c[frameSubs.has(sub) ? 'subscribe' : 'on'](sub.name, sub.handler);
      const offState = c.on('state', (change) => publish({ ...snapshot, client: c, change, error: null }));
      const offNetwork = c.on('network', ({ online }) => publish({ ...snapshot, online }));
      publish({ client: c, change: { ...INITIAL, from: snapshot.change.to, to: c.state }, error: null, online: c.online });
      return () => {
        offState();
        offNetwork();
        for (const sub of [...frameSubs, ...eventSubs]) {
          sub.off?.();
          sub.off = null;
        }
        client = null;
        publish({ ...snapshot, client: null });
      };
    },

    // No client could be made (the Wasm core did not load): 'failed', with the error, and the app's
    // 'error' listeners hear it as they would from a client.
    fail(error) {
      publish({ ...snapshot, client: null, change: { ...INITIAL, from: snapshot.change.to, to: 'failed', reason: 'load_failed' }, error });
      for (const sub of [...eventSubs]) {
        if (sub.name !== 'error') continue;
        try {
          sub.handler(error);
        } catch {
          // An error listener that throws on the error it was told about: nothing more to tell.
        }
      }
    },

    // useSyncExternalStore's pair.
    subscribeStore(listener) {
      storeListeners.add(listener);
      return () => storeListeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    getServerSnapshot: () => IDLE_SNAPSHOT,
  };
}
