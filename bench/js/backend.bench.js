// Row 9: REST → handler latency on the reference backend (examples/backend, Daphne + Channels).
// Bob holds two sockets at once — the SDK client and a raw `ws` client — so each message Alice POSTs
// reaches both, and we compare the two arrival times from the moment the POST starts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { Api, BACKEND_DIR, startBackend, startRedis } from '../../tests/support/backend.mjs';
import { argOptions, isMain, median, percentile, printTable } from './lib.js';
import { createClient } from './sdk.js';

async function measure(layer, backend, messages) {
  const api = new Api(backend.baseUrl);
  const tag = Math.random().toString(36).slice(2, 8);
  const alice = await api.createUser(`alice${tag}`);
  const bob = await api.createUser(`bob${tag}`);
  const waiters = new Map();  // content → { raw, sdk, resolve }
  const arrive = (who, content) => {
    const w = waiters.get(content);
    if (!w || w[who] !== undefined) return;
    w[who] = performance.now();
    if (w.raw !== undefined && w.sdk !== undefined) w.resolve();
  };
  const raw = new WebSocket(`${backend.wsUrl}?token=${encodeURIComponent(bob.access)}`);
  raw.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (f.type === 'new_message') arrive('raw', f.data.content);
  });
  await new Promise((resolve, reject) => { raw.once('open', resolve); raw.once('error', reject); });
  const client = await createClient({ url: backend.wsUrl, getToken: () => bob.access, WebSocket, logger: null });
  client.subscribe('new_message', (d) => arrive('sdk', d.content));
  const opened = new Promise((resolve) => client.on('open', resolve));
  client.connect();
  await opened;
  const rows = [];
  for (let i = 0; i < messages + 3; i++) {
    const content = `bench ${tag} ${i}`;
    const done = new Promise((resolve) => waiters.set(content, { resolve }));
    const t0 = performance.now();
    const rest = api.sendMessage(alice.access, bob.user.id, content).then(() => performance.now());
    await done;
    const restAt = await rest;
    const w = waiters.get(content);
    if (i >= 3) rows.push({ raw: w.raw - t0, sdk: w.sdk - t0, rest: restAt - t0 });  // first 3: warm-up
  }
  client.dispose();
  raw.close();
  const col = (k) => rows.map((r) => r[k]);
  const diff = rows.map((r) => r.sdk - r.raw);
  return {
    layer, n: rows.length, raw: median(col('raw')), sdk: median(col('sdk')), rest: median(col('rest')),
    diff: median(diff), diffP90: percentile(diff, 90), rawP90: percentile(col('raw'), 90), sdkP90: percentile(col('sdk'), 90),
  };
}

export async function run({ messages = 30, redis = 1, quiet = false } = {}) {
  if (!existsSync(path.join(BACKEND_DIR, '.venv')) && !process.env.NUMENEON_BACKEND_PYTHON) {
    if (!quiet) console.log('\n### Row 9: skipped (no backend virtualenv: run scripts/setup-backend.sh)');
    return [];
  }
  const results = [];
  const be = await startBackend();
  try {
    results.push(await measure('in-memory', be, messages));
  } finally {
    await be.stop();
  }
  if (redis) {
    const rs = await startRedis();
    const beR = await startBackend({ env: { REDIS_URL: rs.url } });
    try {
      results.push(await measure('redis', beR, messages));
    } finally {
      await beR.stop();
      await rs.stop();
    }
  }
  if (!quiet) {
    printTable(`Row 9: REST → handler latency on the reference backend (${messages} messages per layer, both sockets open at once)`,
      ['channel layer', 'raw ws median ms', 'SDK median ms', 'SDK − raw median ms', 'SDK − raw p90 ms', 'raw p90 / SDK p90 ms', 'REST response median ms', 'goal: within 1 ms'],
      results.map((r) => [r.layer, r.raw.toFixed(2), r.sdk.toFixed(2), r.diff.toFixed(2), r.diffP90.toFixed(2),
        `${r.rawP90.toFixed(2)} / ${r.sdkP90.toFixed(2)}`, r.rest.toFixed(2), Math.abs(r.diff) <= 1 ? 'met' : 'missed']),
      ['Both sockets belong to the same user and receive the same frame; the raw client only parses JSON.'],
    );
  }
  return results;
}

if (isMain(import.meta.url)) await run(argOptions());
