// Row 6: memory. The Wasm heap and the JS heap (after a forced GC) at the start, while 1 M frames of
// the mixed workload go through one client, and while 10,000 clients are created and disposed.
// Run with --expose-gc (bench/run.sh does); without it the JS heap figures are not after a GC.
import { fakeConnectedClient } from './fake-socket.js';
import { SUBSCRIBED_TYPES, makeFrames } from './frames.js';
import { argOptions, isMain, printTable } from './lib.js';
import { createClient, diagnostics } from './sdk.js';

const gc = globalThis.gc ?? (() => {});
const MB = (n) => (n / 1048576).toFixed(2);

async function sample(label) {
  gc();
  gc();
  const d = await diagnostics();
  return { label, heapBytes: d.heapBytes, liveCores: d.liveCores, jsHeap: process.memoryUsage().heapUsed };
}

export async function run({ frames: total = 1_000_000, clients = 10_000, checkpoints = 4, quiet = false } = {}) {
  const samples = [await sample('start')];
  const frames = makeFrames(8192, 0.3, 0.3);
  const { client, deliver } = await fakeConnectedClient(createClient);
  let delivered = 0;
  for (const t of SUBSCRIBED_TYPES) client.subscribe(t, () => { delivered++; });
  const step = Math.ceil(total / checkpoints);
  for (let done = 0; done < total;) {
    const end = Math.min(total, done + step);
    for (; done < end; done++) deliver(frames[done % frames.length]);
    samples.push(await sample(`after ${done.toLocaleString('en-US')} frames`));
  }
  client.dispose();
  samples.push(await sample('frames client disposed'));
  const cstep = Math.ceil(clients / checkpoints);
  for (let made = 0; made < clients;) {
    const end = Math.min(clients, made + cstep);
    for (; made < end; made++) {
      const c = await fakeConnectedClient(createClient);
      c.client.subscribe('new_message', () => {});
      c.deliver(frames[made % frames.length]);
      c.client.dispose();
    }
    samples.push(await sample(`after ${made.toLocaleString('en-US')} clients created + disposed`));
  }
  const start = samples[0];
  const peakWasm = Math.max(...samples.map((s) => s.heapBytes));
  const leaked = samples[samples.length - 1].liveCores - start.liveCores;
  if (!quiet) {
    printTable(`Row 6: memory (Wasm heap = HEAPU8.length; JS heap = heapUsed${globalThis.gc ? ' after gc()' : ', NO --expose-gc'})`,
      ['point', 'Wasm heap MB', 'JS heap MB', 'JS heap vs start MB', 'liveCores'],
      samples.map((s) => [s.label, MB(s.heapBytes), MB(s.jsHeap), MB(s.jsHeap - start.jsHeap), s.liveCores]),
      [`Wasm heap: start ${MB(start.heapBytes)} MB, peak ${MB(peakWasm)} MB; leaked cores: ${leaked} (goal: flat, 0). Frames delivered: ${delivered.toLocaleString('en-US')}.`],
    );
  }
  return { samples, leaked, peakWasm, delivered };
}

if (isMain(import.meta.url)) await run(argOptions());
