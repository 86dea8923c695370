// The clients of this page, for a panel that is not handed one (e.g. mounted beside the app, outside
// its <WebSocketProvider>). Every client the app creates tells the object under KEY when it connects
// and when it is disposed (the SDK's announce(); nothing listens on pages without this entry). Each
// client gets its inspector before its connect() runs, so the timeline starts with idle → connecting.
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

// What the SDK calls. A client that connects again moves to the end of the list.
pageClients.connecting = (client) => {
  inspectorFor(client);
  pageClients.add(client);
};
pageClients.disposed = (client) => pageClients.remove(client);
