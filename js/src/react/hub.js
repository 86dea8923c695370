// The provider's one stable object: it relays subscriptions to whichever client currently exists,
// so consumers can subscribe before the client has loaded and keep their subscriptions across a
// client re-creation. Plain JS, no React: the only state it keeps is the latest StateChange.

const INITIAL = Object.freeze({ from: 'idle', to: 'idle', reason: 'none', attempt: 0, delayMs: 0 });
const IDLE_SNAPSHOT = Object.freeze({ client: null, change: INITIAL });

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

    // Hands every pending and future subscription to `c`; the returned function takes them back.
    attach(c) {
      client = c;
      for (const sub of [...frameSubs, ...eventSubs]) sub.off = c[frameSubs.has(sub) ? 'subscribe' : 'on'](sub.name, sub.handler);
      const offState = c.on('state', (change) => publish({ client: c, change }));
      publish({ client: c, change: { ...INITIAL, from: snapshot.change.to, to: c.state } });
      return () => {
        offState();
        for (const sub of [...frameSubs, ...eventSubs]) {
          sub.off?.();
          sub.off = null;
        }
        client = null;
        // The client is going away without reporting its last transitions: say it is closed.
        const last = snapshot.change;
        const closed = last.to === 'closed' || last.to === 'idle' ? last : { ...INITIAL, from: last.to, to: 'closed', reason: 'client_closed' };
        publish({ client: null, change: closed });
      };
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
