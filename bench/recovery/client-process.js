// Recovery benchmark: one client library, N instances, in a process of its own, driven over IPC.
// `node client-process.js <kind>`; records per instance when it opened, lost an open link, was told of
// an auth failure, gave up or was told of a gap (resync), and which frames reached the app.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CLIENTS, attempts } from './clients.js';
import { serve } from './ipc.js';
import { now } from './server.js';

const kind = process.argv[2];
const factory = CLIENTS[kind];
if (!factory) throw new Error(`unknown client ${kind}`);

const source = { current: null };   // the token the app holds (the same source for every library)
const records = [];
const handles = [];
const waiters = new Set();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });

function record(i, event) {
  const r = records[i];
  const t = now();
  if (event.startsWith('frame:')) r.frames[event.slice(6)] = (r.frames[event.slice(6)] ?? 0) + 1;
  (r.events[event] ??= []).push(t);
  for (const w of waiters) w.check();
}

// The time of each instance's first `event` at or after `since`, or null.
const firstSince = (event, since) => records.map((r) => (r.events[event] ?? []).find((t) => t >= since) ?? null);

serve({
  async start({ url, n, token }) {
    source.current = token;
    const startedAt = now();
    for (let i = 0; i < n; i++) {
      records.push({ events: {}, frames: {} });
      const on = {
        open: () => record(i, 'open'),
        leftOpen: () => record(i, 'leftOpen'),
        authFailed: () => record(i, 'authFailed'),
        gaveUp: () => record(i, 'gaveUp'),
        frame: (type) => record(i, `frame:${type}`),
        resync: (downtimeMs) => {
          records[i].downtimeMs = downtimeMs;
          record(i, 'resync');
        },
      };
      handles.push(await factory.create({ url, source, on }));
    }
    return { startedAt, label: factory.label };
  },

  // Resolves once every instance has had `event` at or after `since` (an event, not a poll), or
  // after timeoutMs with null for those that have not: "never" within the limit.
  waitFor(event, since, timeoutMs) {
    return new Promise((resolve) => {
      const w = {
        check() {
          const times = firstSince(event, since);
          if (times.every((t) => t != null)) done(times);
        },
      };
      const timer = setTimeout(() => done(firstSince(event, since)), timeoutMs);
      function done(times) {
        clearTimeout(timer);
        waiters.delete(w);
        resolve(times);
      }
      waiters.add(w);
      w.check();
    });
  },

  setToken(token) {
    source.current = token;
    return now();
  },

  resetLoopDelay() {
    loopDelay.reset();
    loopDelay.enable();
  },

  report() {
    loopDelay.disable();
    return {
      attempts,
      records,
      stats: handles.map((h) => h.stats?.() ?? null),
      loopDelay: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    };
  },

  close() {
    for (const h of handles) h.close();
    return now();
  },
});
