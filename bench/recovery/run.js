// Recovery benchmark entry: the SDK and its peers through the same faults, one Markdown table per scenario.
// Each client keeps its library's defaults; every lane has its own local server.
//   node bench/recovery/run.js [--smoke] [--runs=3] [--only=restart,storm,...] [--clients=sdk,rws,...]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { median, percentile, printTable, sleep } from '../js/lib.js';
import { CLIENTS, KINDS as ALL_KINDS } from './clients.js';
import { spawn } from './ipc.js';
import { RecoveryServer, now } from './server.js';

const CLIENT_PROCESS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client-process.js');

const args = process.argv.slice(2);
const SMOKE = args.includes('--smoke');
const RUNS = Number(/^--runs=(\d+)$/.exec(args.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? (SMOKE ? 1 : 3));
const ONLY = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const KINDS = args.find((a) => a.startsWith('--clients='))?.slice(10).split(',') ?? ALL_KINDS;

// Durations: the full run's, and the smoke run's (tiny, to prove every scenario and client still run).
const CFG = SMOKE ? {
  holdMs: 6000, restartDownMs: 1000, outageDownMs: 4000, backLimitMs: 12000, badTokenWindowMs: 5000,
  badTokenObserveMs: 12000, expiryDownMs: 1000, halfOpenLimitMs: 10000, stormClients: 20, stormDownMs: 1000,
} : {
  holdMs: 6000, restartDownMs: 3500, outageDownMs: 40000, backLimitMs: 30000, badTokenWindowMs: 30000,
  badTokenObserveMs: 45000, expiryDownMs: 5000, halfOpenLimitMs: 90000, stormClients: 500, stormDownMs: 3000,
};
const CONNECT_LIMIT_MS = 20000;
// A client that makes no attempt for this long has stopped: every peer's longest delay is 10 s.
const QUIET_MS = 11000;

const s = (ms) => (ms == null || !Number.isFinite(ms) ? '—' : (ms / 1000).toFixed(2));
const inRange = (times, from, to) => times.filter((t) => t >= from && t < to).length;
const LABELS = Object.fromEntries(KINDS.map((k) => [k, CLIENTS[k].label]));

// A lane: one fresh client process (one library, n instances) and its own server. The servers live in
// this process, the clients in theirs, so a client process's busy event loop (500 instances in the
// storm) never delays the server that counts their handshakes.
async function lane(kind, body) {
  const server = new RecoveryServer();
  await server.start();
  const client = spawn(CLIENT_PROCESS, [kind]);
  try {
    return await body({ server, client });
  } finally {
    await client.call('close').catch(() => {});
    await client.exit();
    await server.stop();
  }
}

// Starts n instances, waits for every one's `open`, then keeps the links up past the "stable" time
// after which a library forgets earlier failures (5 s in reconnecting-websocket's and partysocket's
// defaults, and in the SDK's at the time of writing) before the fault.
async function connected({ server, client }, { n = 1, token = 'A', hold = true } = {}) {
  await client.call('start', { url: server.url, n, token });
  const opened = await client.call('waitFor', 'open', 0, CONNECT_LIMIT_MS);
  if (opened.some((t) => t == null)) throw new Error(`${opened.filter((t) => t == null).length} of ${n} never opened`);
  if (hold) await sleep(CFG.holdMs);
}

// Kill (sockets dropped, port closed), stay down for downMs, come back; time the return to `open`.
async function outage(ctx, downMs) {
  await connected(ctx);
  const down = await ctx.server.stop();
  await sleep(downMs);
  const up = await ctx.server.start();
  const [back] = await ctx.client.call('waitFor', 'open', up.at, CFG.backLimitMs);
  const { attempts, records } = await ctx.client.call('report');
  return { backMs: back == null ? null : back - up.at, attemptsDown: inRange(attempts, down.at, up.at), gap: gapAnnounced(records[0], up.at) };
}

// The downtime a `resync` after `since` announced, or null.
const gapAnnounced = (record, since) => ((record.events.resync ?? []).some((t) => t >= since) ? record.downtimeMs : null);

function gapCell(kind, rs) {
  if (!CLIENTS[kind].announcesGaps) return 'no such event';
  const told = rs.filter((r) => r.gap != null);
  return told.length ? `${told.length}/${rs.length} (downtime ${s(median(told.map((r) => r.gap)))} s)` : `0/${rs.length}`;
}

function outageTable(title, results, note) {
  printTable(title, ['client', 'came back', 'return → open median s', 'worst s', 'attempts while down (median)', 'gap announced to the app (`resync`)'],
    KINDS.map((k) => {
      const rs = results[k];
      const back = rs.filter((r) => r.backMs != null).map((r) => r.backMs);
      return [LABELS[k], `${back.length}/${rs.length}`, s(median(back)), back.length < rs.length ? 'never' : s(Math.max(...back)),
        median(rs.map((r) => r.attemptsDown)), gapCell(k, rs)];
    }), [note]);
}

const SCENARIOS = {
  restart: {
    lane: (ctx) => outage(ctx, CFG.restartDownMs),
    print: (r) => outageTable(`Restart: server killed, back after ${CFG.restartDownMs / 1000} s (${RUNS} run${RUNS > 1 ? 's' : ''})`, r,
      `Measured: from the server listening again to the client's \`open\`; attempts = sockets constructed while the port was closed (refused). Back within ${CFG.backLimitMs / 1000} s or "never".`),
  },

  outage: {
    lane: (ctx) => outage(ctx, CFG.outageDownMs),
    print: (r) => outageTable(`Long outage: server down ${CFG.outageDownMs / 1000} s (${RUNS} run${RUNS > 1 ? 's' : ''})`, r,
      `Measured: as for the restart; "came back" = opened within ${CFG.backLimitMs / 1000} s of the server's return (a client that gave up never does).`),
  },

  'bad-token': {
    async lane({ server, client }) {
      const { startedAt } = await client.call('start', { url: server.url, n: 1, token: 'revoked' });
      await sleep(CFG.badTokenObserveMs);
      const { attempts, records } = await client.call('report');
      const end = startedAt + CFG.badTokenObserveMs;
      const r = records[0];
      let ended = 'looping';
      if (r.events.authFailed) ended = 'stopped with an auth error';
      else if (!attempts.some((t) => t >= end - QUIET_MS)) ended = 'gave up silently';
      return {
        handshakes: inRange(server.handshakes.map(([t]) => t), startedAt, startedAt + CFG.badTokenWindowMs),
        lastMs: attempts.at(-1) - startedAt, ended,
      };
    },
    print: (results) => printTable(`Bad token: every handshake refused with HTTP 403 (${RUNS} run${RUNS > 1 ? 's' : ''})`,
      ['client', `handshakes in the first ${CFG.badTokenWindowMs / 1000} s (median)`, 'most', `ended in (after ${CFG.badTokenObserveMs / 1000} s)`, 'last handshake at s (median)'],
      KINDS.map((k) => {
        const rs = results[k];
        const endings = [...new Set(rs.map((r) => r.ended))].join(' / ');
        return [LABELS[k], median(rs.map((r) => r.handshakes)), Math.max(...rs.map((r) => r.handshakes)), endings, s(median(rs.map((r) => r.lastMs)))];
      }),
      [`Measured: handshakes the server refused (403 before the upgrade; clients see 1006) from the client's start; "ended in": told the app of an auth failure (SDK \`auth_failed\`), still retrying in the last ${QUIET_MS / 1000} s of ${CFG.badTokenObserveMs / 1000} s (looping), or stopped without telling the app (gave up silently). The token source returns the same rejected token when asked for a fresh one.`]),
  },

  'token-expiry': {
    async lane(ctx) {
      await connected(ctx, { token: 'A' });
      await ctx.server.stop();
      await sleep(CFG.expiryDownMs);
      ctx.server.setAccept(['B']);
      await ctx.client.call('setToken', 'B');
      const up = await ctx.server.start();
      const [back] = await ctx.client.call('waitFor', 'open', up.at, CFG.backLimitMs);
      const until = back ?? up.at + CFG.backLimitMs;
      const { records } = await ctx.client.call('report');
      return { backMs: back == null ? null : back - up.at, handshakes: inRange(ctx.server.handshakes.map(([t]) => t), up.at, until + 1), gap: gapAnnounced(records[0], up.at) };
    },
    print: (results) => printTable(`Token expiry during an outage: connected with A, down ${CFG.expiryDownMs / 1000} s, back accepting only B (${RUNS} run${RUNS > 1 ? 's' : ''})`,
      ['client', 'came back', 'return → open median s', 'worst s', 'handshakes from return to open (median)', 'gap announced to the app (`resync`)'],
      KINDS.map((k) => {
        const rs = results[k];
        const back = rs.filter((r) => r.backMs != null);
        return [LABELS[k], `${back.length}/${rs.length}`, s(median(back.map((r) => r.backMs))), back.length < rs.length ? 'never' : s(Math.max(...back.map((r) => r.backMs))),
          back.length ? median(back.map((r) => r.handshakes)) : `never (${median(rs.map((r) => r.handshakes))} in ${CFG.backLimitMs / 1000} s)`, gapCell(k, rs)];
      }),
      [`Measured: from the server's return to \`open\`, and the handshakes it saw until then. From the return on the token source gives B: the SDK gets it when getToken is asked for a fresh token; reconnecting-websocket and partysocket re-read it in their URL function on every attempt; sockette and the seed keep the URL (token A) they were created with.`]),
  },

  'half-open': {
    async lane(ctx) {
      await connected(ctx);
      const frozen = ctx.server.freeze();
      const [left] = await ctx.client.call('waitFor', 'leftOpen', frozen.at, CFG.halfOpenLimitMs);
      const [back] = left == null ? [null] : await ctx.client.call('waitFor', 'open', frozen.at, Math.max(0, frozen.at + CFG.halfOpenLimitMs - now()));
      return { noticedMs: left == null ? null : left - frozen.at, backMs: back == null ? null : back - frozen.at };
    },
    print: (results) => printTable(`Half-open: the server stops reading and answering its open sockets, TCP stays up (${RUNS} run${RUNS > 1 ? 's' : ''})`,
      ['client', 'noticed', 'noticed after s (median)', 'open again after s (median)', 'worst s'],
      KINDS.map((k) => {
        const rs = results[k];
        const noticed = rs.filter((r) => r.noticedMs != null);
        const back = rs.filter((r) => r.backMs != null);
        return [LABELS[k], `${noticed.length}/${rs.length}`, noticed.length ? s(median(noticed.map((r) => r.noticedMs))) : `never in ${CFG.halfOpenLimitMs / 1000} s`,
          back.length ? s(median(back.map((r) => r.backMs))) : 'never', back.length < rs.length ? 'never' : s(Math.max(...back.map((r) => r.backMs)))];
      }),
      [`Measured: from the freeze to the client leaving \`open\` (SDK state, or the socket's close), and to \`open\` on a new connection (the server serves new connections normally). The links were idle ${CFG.holdMs / 1000} s when frozen. Only the SDK has a heartbeat (its defaults: a ping after a silence, the link declared dead when no answer follows); the peers have none, and TCP alone never tells them.`]),
  },

  storm: {
    sequential: !SMOKE,
    async lane(ctx) {
      const n = CFG.stormClients;
      await connected(ctx, { n });
      await ctx.client.call('resetLoopDelay');
      const serverLoop = monitorEventLoopDelay({ resolution: 5 });
      serverLoop.enable();
      const down = await ctx.server.stop();
      await sleep(CFG.stormDownMs);
      const up = await ctx.server.start();
      const back = await ctx.client.call('waitFor', 'open', up.at, CFG.backLimitMs);
      serverLoop.disable();
      const { attempts, loopDelay } = await ctx.client.call('report');
      const backMs = back.filter((t) => t != null).map((t) => t - up.at);
      const lastOpen = backMs.length ? Math.max(...back.filter((t) => t != null)) : up.at + CFG.backLimitMs;
      const spanStart = attempts.find((t) => t >= down.at);
      const buckets = (times, from, to) => {
        const b = new Array(Math.max(1, Math.ceil((to - from) / 100))).fill(0);
        for (const t of times) if (t >= from && t < to) b[Math.min(b.length - 1, Math.floor((t - from) / 100))]++;
        return b;
      };
      const span = buckets(attempts, spanStart, lastOpen + 1);
      const serverBuckets = buckets(ctx.server.handshakes.map(([t]) => t), up.at, lastOpen + 1);
      const peak = Math.max(...span);
      const mean = span.reduce((a, b) => a + b, 0) / span.length;
      return {
        n, missing: n - backMs.length, p50: percentile(backMs, 50), p90: percentile(backMs, 90), all: backMs.length === n ? Math.max(...backMs) : null,
        spanMs: span.length * 100, peak, mean, serverPeak: Math.max(...serverBuckets), refusedPerClient: inRange(attempts, down.at, up.at) / n,
        clientLoopP99: loopDelay.p99, serverLoopP99: serverLoop.percentile(99) / 1e6,
      };
    },
    print: (results) => {
      printTable(`Reconnect storm: ${CFG.stormClients} clients of one library in one process, server killed and back after ${CFG.stormDownMs / 1000} s (${RUNS} run${RUNS > 1 ? 's' : ''})`,
        ['client', 'p50 back s', 'p90 back s', 'all back s (median)', 'all back worst s', 'peak handshakes /100 ms (server)', 'active span s', 'peak attempts /100 ms', 'mean attempts /100 ms', 'peak ÷ mean', 'refused attempts per client while down'],
        KINDS.map((k) => {
          const rs = results[k];
          const m = (f) => median(rs.map(f));
          const all = rs.filter((r) => r.all != null).map((r) => r.all);
          return [LABELS[k], s(m((r) => r.p50)), s(m((r) => r.p90)), all.length === rs.length ? s(median(all)) : `${all.length}/${rs.length} runs`,
            all.length === rs.length ? s(Math.max(...all)) : `never (${Math.max(...rs.map((r) => r.missing))} missing)`,
            Math.max(...rs.map((r) => r.serverPeak)), s(m((r) => r.spanMs)), m((r) => r.peak), m((r) => r.mean).toFixed(1), m((r) => r.peak / r.mean).toFixed(1), m((r) => r.refusedPerClient).toFixed(2)];
        }),
        [`Measured: back = the server's return to each client's \`open\`; attempts = sockets constructed by all ${CFG.stormClients} clients per 100 ms from the first attempt after the kill to the last client's open (refused while down, handshakes once up): a herd that all lands in one burst has a short span and a peak ÷ mean near 1, so read the ratio with the span and the peak; peak handshakes = the server's own count per 100 ms after its return (worst run). Medians over runs unless "worst".`,
          `Event-loop delay p99 from the kill to the last open (median over runs, ms; client process, and the benchmark's process hosting the server): ${KINDS.map((k) => `${k} ${median(results[k].map((r) => r.clientLoopP99)).toFixed(1)} (server ${median(results[k].map((r) => r.serverLoopP99)).toFixed(1)})`).join(', ')}.`]);
    },
  },

  duplicates: {
    async lane(ctx) {
      await connected(ctx, { hold: false });
      const frames = duplicateFrames();
      ctx.server.push([...frames.texts, JSON.stringify({ type: 'bench_done' })]);
      const [done] = await ctx.client.call('waitFor', 'frame:bench_done', 0, CONNECT_LIMIT_MS);
      if (done == null) throw new Error('the end marker never arrived');
      const { records, stats } = await ctx.client.call('report');
      return { pushed: frames.texts.length, repeats: frames.repeats, delivered: records[0].frames.new_message ?? 0, dropped: stats[0]?.duplicates ?? null };
    },
    print: (results) => printTable(`Duplicates: 100 \`new_message\` frames, 30 of them repeating an earlier id (${RUNS} run${RUNS > 1 ? 's' : ''})`,
      ['client', 'frames pushed', 'repeats', 'handed to the app', 'duplicates delivered', "dropped as duplicates (the client's own count)"],
      KINDS.map((k) => {
        const r = results[k];
        const d = median(r.map((x) => x.delivered));
        return [LABELS[k], r[0].pushed, r[0].repeats, d, d - (r[0].pushed - r[0].repeats), r[0].dropped == null ? 'no de-duplication' : median(r.map((x) => x.dropped))];
      }),
      ['Measured: `new_message` frames reaching the app: the SDK\'s handler (it de-duplicates on `data.id`); for the peers every raw `message` event of that type (they have no de-duplication; the app would have to write it).']),
  },
};

// 100 new_message frames: in each ten, positions 7-9 repeat the ids of positions 2-4.
function duplicateFrames() {
  const ids = [];
  let next = 1;
  for (let i = 0; i < 100; i++) ids.push(i % 10 >= 7 ? ids[i - 5] : next++);
  const texts = ids.map((id) => JSON.stringify({ type: 'new_message', data: { id, sender: { id: 2, username: 'a' }, content: 'x', created_at: 't' } }));
  return { texts, repeats: ids.length - new Set(ids).size };
}

async function runScenario(name) {
  const sc = SCENARIOS[name];
  const jobs = Array.from({ length: RUNS }, () => KINDS).flat();
  const results = Object.fromEntries(KINDS.map((k) => [k, []]));
  const one = async (kind) => results[kind].push(await lane(kind, sc.lane));
  if (sc.sequential) for (const j of jobs) await one(j);
  else await Promise.all(jobs.map(one));
  return () => sc.print(results);
}

const names = ONLY ?? Object.keys(SCENARIOS);
for (const n of names) if (!SCENARIOS[n]) throw new Error(`unknown scenario ${n}; known: ${Object.keys(SCENARIOS).join(', ')}`);
for (const k of KINDS) if (!CLIENTS[k]) throw new Error(`unknown client ${k}; known: ${ALL_KINDS.join(', ')}`);
const t0 = now();
console.log(`\n## Recovery beside the peers (${SMOKE ? 'smoke: tiny outages, no timing meaning' : 'full'}; ${RUNS} run${RUNS > 1 ? 's' : ''}; ${names.join(', ')})`);
if (SMOKE) {
  // Every scenario at once: the lanes are independent, and the smoke run only proves they all work.
  const printers = await Promise.all(names.map(runScenario));
  for (const p of printers) p();
} else {
  for (const n of names) (await runScenario(n))();
}
console.log(`\n(recovery benchmark: ${((now() - t0) / 1000).toFixed(0)} s)`);
