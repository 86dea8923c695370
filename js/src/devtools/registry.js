// The clients of this page, for a panel that is not handed one (e.g. mounted beside the app, outside
// its <WebSocketProvider>). The SDK has no hook that announces new clients, so this entry notes every
// client that calls connect() and forgets it on dispose(), by wrapping those two methods once per
// class. Only pages that import the devtools entry get the wrappers. Each noted client gets its
// inspector before connect() runs, so the timeline starts with idle → connecting.
import { RealtimeClient } from '@numeneon/realtime';
import { inspectorFor } from './inspector.js';

const KEY = Symbol.for('@numeneon/realtime/devtools');

// One registry per page, even if two copies of this file are bundled.
function shared() {
  const existing = globalThis[KEY];
  if (existing) return existing;
  const clients = [];
  const listeners = new Set();
  let latest = null;
  const changed = () => {
    latest = clients.at(-1) ?? null;
    for (const fn of [...listeners]) fn();
  };
  const registry = {
    add(client) {
      const i = clients.indexOf(client);
      if (i === clients.length - 1 && i >= 0) return;
      if (i >= 0) clients.splice(i, 1);
      clients.push(client);
      changed();
    },
    remove(client) {
      const i = clients.indexOf(client);
      if (i < 0) return;
      clients.splice(i, 1);
      changed();
    },
    list: () => [...clients],
    // The client that connected last: what a page with one connection shows.
    latest: () => latest,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  globalThis[KEY] = registry;
  return registry;
}

export const pageClients = shared();

function watch(Client) {
  const proto = Client?.prototype;
  if (!proto || proto[KEY]) return;
  const { connect, dispose } = proto;
  Object.defineProperty(proto, KEY, { value: true });
  proto.connect = function connectAndAnnounce(...args) {
    try {
      if (this.stats() !== null) {  // null once disposed: connect() does nothing then
        inspectorFor(this);
        pageClients.add(this);
      }
    } catch {
      // The devtools failing must never keep a client from connecting.
    }
    return connect.apply(this, args);
  };
  proto.dispose = function disposeAndForget(...args) {
    try {
      return dispose.apply(this, args);
    } finally {
      pageClients.remove(this);
    }
  };
}

watch(RealtimeClient);
