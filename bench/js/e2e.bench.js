// Row 4: end to end on loopback. A `ws` server in another process pushes N frames of the shared mix;
// the time from asking for them to the N-th frame reaching a handler, for three clients:
// raw `ws` + JSON.parse, reconnecting-websocket + the pure-JS pipeline, and the SDK.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';
import ReconnectingWebSocket from 'reconnecting-websocket';
import { WebSocket } from 'ws';
import { PureJsPipeline } from './baseline.js';
import { SUBSCRIBED_TYPES } from './frames.js';
import { ROOT, argOptions, isMain, median, printTable } from './lib.js';
import { createClient } from './sdk.js';

async function startServer(pool) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'js', 'blast-server.js')], {
    stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, POOL: String(pool) },
  });
  let out = '';
  for await (const chunk of child.stdout) {
    out += chunk;
    const m = /PORT (\d+)/.exec(out);
    if (m) return { url: `ws://127.0.0.1:${m[1]}/ws/notifications/`, stop: () => child.stdin.end() };
  }
  throw new Error('blast server did not start');
}

// Each client: { name, send(text), onFrameCount: set by the runner, close() }.
async function rawClient(url) {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  const c = { name: 'raw ws + JSON.parse', count: 0, send: (t) => ws.send(t), close: () => ws.close() };
  ws.on('message', (data) => {
    if (JSON.parse(data.toString())) c.tick();
  });
  return c;
}

async function rwsClient(url) {
  const ws = new ReconnectingWebSocket(url, [], { WebSocket, maxRetries: 0 });
  const pipeline = new PureJsPipeline({ capacity: 1024 });
  const c = { name: 'reconnecting-websocket + JSON.parse + dispatch + dedupe', send: (t) => ws.send(t), close: () => ws.close() };
  for (const t of SUBSCRIBED_TYPES) pipeline.subscribe(t, () => c.tick());
  ws.addEventListener('message', (ev) => pipeline.ingest(ev.data));
  await new Promise((resolve) => ws.addEventListener('open', resolve, { once: true }));
  return c;
}

async function sdkClient(url) {
  const client = await createClient({ url, WebSocket, logger: null, heartbeat: { intervalMs: 0 } });
  const c = { name: 'SDK (@numeneon/realtime)', send: (t) => client.send('go', JSON.parse(t).data), close: () => client.dispose() };
  for (const t of SUBSCRIBED_TYPES) client.subscribe(t, () => c.tick());
  const opened = new Promise((resolve) => client.on('open', resolve));
  client.connect();
  await opened;
  return c;
}

// Asks for n frames and resolves with frames/s once the n-th has reached a handler.
function round(c, n) {
  return new Promise((resolve) => {
    let count = 0;
    const t0 = performance.now();
    c.tick = () => {
      if (++count === n) resolve(n / ((performance.now() - t0) / 1000));
    };
    c.send(JSON.stringify({ type: 'go', data: { n } }));
  });
}

export async function run({ frames: n = 100_000, rounds = 5, pool = 8192, quiet = false } = {}) {
  const server = await startServer(pool);
  const clients = [await rawClient(server.url), await rwsClient(server.url), await sdkClient(server.url)];
  const rates = clients.map(() => []);
  try {
    for (const c of clients) await round(c, Math.min(n, 20_000));  // warm-up
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < clients.length; i++) rates[i].push(await round(clients[i], n));
    }
  } finally {
    for (const c of clients) c.close();
    server.stop();
  }
  const raw = median(rates[0]);
  const results = clients.map((c, i) => ({ name: c.name, rate: median(rates[i]), ratio: median(rates[i]) / raw }));
  if (!quiet) {
    printTable(`Row 4: end to end on loopback, ${n.toLocaleString('en-US')} frames/round (server in its own process), median of ${rounds} rounds`,
      ['client', 'frames/s delivered', 'vs raw ws', 'goal'],
      results.map((r, i) => [r.name, Math.round(r.rate), `${r.ratio.toFixed(2)}×`,
        i === 2 ? `≥ 0.9× raw: ${r.ratio >= 0.9 ? 'met' : 'missed'}` : '']),
      ['Workload: the shared mix, unique ids, every type subscribed (every frame is delivered).'],
    );
  }
  return results;
}

if (isMain(import.meta.url)) await run(argOptions());
