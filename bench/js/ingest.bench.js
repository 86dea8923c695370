// Rows 1 and 2: ingest → handler in-process (no socket), the SDK versus the pure-JS pipeline.
// Both get the same frames in the same order; rounds alternate SDK/baseline so machine noise hits both.
import { createClient } from './sdk.js';
import { PureJsPipeline } from './baseline.js';
import { fakeConnectedClient } from './fake-socket.js';
import { SUBSCRIBED_TYPES, avgBytes, makeFrames } from './frames.js';
import { argOptions, isMain, median, printTable } from './lib.js';

const SCENARIOS = [
  { row: 1, name: 'unique ids, all types subscribed', dup: 0, unsub: 0, goal: 0.85 },
  { row: 2, name: '30% duplicates + 30% unsubscribed', dup: 0.3, unsub: 0.3, goal: 1.5 },
];

// Runs `frames` through `deliver` `count` times (cycling); returns frames per second.
function timeRun(deliver, frames, count) {
  const n = frames.length;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) deliver(frames[i % n]);
  const ns = Number(process.hrtime.bigint() - t0);
  return count / (ns / 1e9);
}

export async function run({ pool = 8192, frames: count = 200_000, rounds = 7, warmup = 2, quiet = false } = {}) {
  const results = [];
  for (const s of SCENARIOS) {
    // A pool larger than the 1,024-key window: ids repeat only after they have left both windows.
    const frames = makeFrames(pool, s.dup, s.unsub);
    let sdkDelivered = 0;
    let jsDelivered = 0;
    const sdk = await fakeConnectedClient(createClient);
    for (const t of SUBSCRIBED_TYPES) sdk.client.subscribe(t, (data) => { sdkDelivered += data ? 1 : 0; });
    const js = new PureJsPipeline({ capacity: 1024 });
    for (const t of SUBSCRIBED_TYPES) js.subscribe(t, (data) => { jsDelivered += data ? 1 : 0; });
    const jsDeliver = (text) => js.ingest(text);

    for (let w = 0; w < warmup; w++) {
      timeRun(sdk.deliver, frames, count);
      timeRun(jsDeliver, frames, count);
    }
    sdkDelivered = 0;
    jsDelivered = 0;
    const sdkRates = [];
    const jsRates = [];
    for (let r = 0; r < rounds; r++) {
      sdkRates.push(timeRun(sdk.deliver, frames, count));
      jsRates.push(timeRun(jsDeliver, frames, count));
    }
    const stats = sdk.client.stats();
    sdk.client.dispose();
    const sdkRate = median(sdkRates);
    const jsRate = median(jsRates);
    results.push({
      ...s, avgBytes: avgBytes(frames), sdkRate, jsRate, ratio: sdkRate / jsRate,
      sdkDeliveredShare: sdkDelivered / (count * rounds), jsDeliveredShare: jsDelivered / (count * rounds),
      duplicates: stats.duplicates, unsubscribed: stats.unsubscribed, rejected: stats.rejected,
    });
  }
  if (!quiet) {
    printTable(
      `Rows 1-2: ingest → handler in-process (Node ${process.versions.node}), ${count.toLocaleString('en-US')} frames/round, median of ${rounds} rounds`,
      ['#', 'workload', 'avg bytes', 'SDK frames/s', 'pure JS frames/s', 'ratio', 'goal', 'delivered SDK / JS', 'met'],
      results.map((r) => [r.row, r.name, Math.round(r.avgBytes), Math.round(r.sdkRate), Math.round(r.jsRate),
        `${r.ratio.toFixed(2)}×`, `≥ ${r.goal}×`,
        `${(100 * r.sdkDeliveredShare).toFixed(1)}% / ${(100 * r.jsDeliveredShare).toFixed(1)}%`,
        r.ratio >= r.goal ? 'yes' : 'no']),
      ['Pure JS = JSON.parse + Map dispatch + per type a Set of raw ids with a 1,024-id ring (bench/js/baseline.js). SDK = the real client per-frame path (encodeInto + _nrt_ingest, JSON.parse only when delivered), fed through a fake WebSocket.'],
    );
  }
  return results;
}

if (isMain(import.meta.url)) await run(argOptions());
