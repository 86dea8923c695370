// The tab tests' page: one client of the browser entry, and a recorder of everything it reports, read
// and driven by the test through window.tab (tests/tabs/harness.mjs).
import { createClient } from '/sdk/src/browser.js';

const listeners = new Set();
// Milliseconds since the epoch, sub-millisecond: comparable with the test process's clock.
const now = () => performance.timeOrigin + performance.now();
const changed = () => {
  for (const check of [...listeners]) check();
};

const tab = {
  client: null,
  token: null,
  tokenCalls: [],
  frames: [],   // { type, id, eventId, content, at }
  states: [],   // StateChange
  roles: [],    // { role, previous, at }
  resyncs: [],  // { downtimeMs, at }
  errors: [],   // { code, message }
  closes: [],

  async start({ token, ...options }) {
    tab.token = token;
    const client = await createClient({
      logger: null,
      ...options,
      getToken: ({ reason }) => {
        tab.tokenCalls.push({ reason, at: now() });
        return tab.token;
      },
    });
    tab.client = client;
    client.subscribe('*', (data, frame) => {
      const id = data?.id ?? data?.request_id ?? data?.post?.id ?? data?.comment?.id ?? data?.reply?.id;
      tab.frames.push({ type: frame.type, id, eventId: frame.event_id, content: data?.content, at: now() });
      changed();
    });
    client.on('state', (c) => { tab.states.push(c); changed(); });
    client.on('role', (r) => { tab.roles.push({ ...r, at: now() }); changed(); });
    client.on('resync', (r) => { tab.resyncs.push({ ...r, at: now() }); changed(); });
    client.on('error', (e) => { tab.errors.push({ code: e.code, message: e.message }); changed(); });
    client.on('close', (c) => { tab.closes.push(c); changed(); });
    client.connect();
    return tab.client.role;
  },

  // Resolves once predicate() holds: checked now and after everything the client reports.
  until(predicate, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        let ok = false;
        try {
          ok = predicate();
        } catch (err) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(err);
          return;
        }
        if (!ok) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms: ${predicate}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  },

  view() {
    const c = tab.client;
    return { role: c?.role, state: c?.state, stats: c?.stats(), frames: tab.frames.length, resyncs: tab.resyncs.length, errors: tab.errors };
  },
};

window.tab = tab;
