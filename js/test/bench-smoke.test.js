// Smoke run of every JS benchmark in bench/js with tiny counts, so they cannot rot. It proves they run
// and that the SDK and its baselines do the same job; it never asserts timing.
// (Row 9 needs the Python backend and is left to `bash bench/run.sh`; the native bench: `bench/run.sh --smoke`.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run as runIngest } from '../../bench/js/ingest.bench.js';
import { run as runE2e } from '../../bench/js/e2e.bench.js';
import { run as runSize } from '../../bench/js/size.bench.js';
import { run as runMemory } from '../../bench/js/memory.bench.js';
import { run as runStartup } from '../../bench/js/startup.bench.js';
import { run as runReconnect } from '../../bench/js/reconnect.bench.js';
import { makeFrames } from '../../bench/js/frames.js';

test('the frame generator is deterministic and matches the native mix', () => {
  const a = makeFrames(200, 0.3, 0.3);
  assert.deepEqual(a, makeFrames(200, 0.3, 0.3));
  for (const f of a) JSON.parse(f);
  assert.ok(a.some((f) => f.includes('"wall_post"')) && a.some((f) => f.includes('"new_message"')));
});

test('rows 1-2: the SDK and the pure-JS pipeline deliver the same share of frames', async () => {
  const rows = await runIngest({ frames: 2000, pool: 2048, rounds: 1, warmup: 0, quiet: true });
  assert.equal(rows.length, 2);
  for (const r of rows) {
    assert.ok(r.sdkRate > 0 && r.jsRate > 0);
    assert.equal(r.sdkDeliveredShare, r.jsDeliveredShare, `${r.name}: SDK and baseline disagree on what to deliver`);
  }
  assert.equal(rows[0].sdkDeliveredShare, 1);
});

test('row 4: all three clients receive every frame over loopback', async () => {
  const rows = await runE2e({ frames: 300, rounds: 1, quiet: true });
  assert.equal(rows.length, 3);
  for (const r of rows) assert.ok(r.rate > 0);
});

test('row 5: the SDK and its peers bundle', async () => {
  const r = await runSize({ quiet: true });
  assert.ok(r.sdk.wasm > 0 && r.sdk.js > 0 && r.react.gz > 0);
  assert.equal(r.peers.length, 4);
});

test('row 6: creating and disposing clients leaks no core', async () => {
  const r = await runMemory({ frames: 2000, clients: 20, checkpoints: 1, quiet: true });
  assert.equal(r.leaked, 0);
  assert.ok(r.delivered > 0);
});

test('row 7: start-up runs in a fresh process', async () => {
  const r = await runStartup({ processes: 1, quiet: true });
  assert.ok(r.firstClientMs > 0);
});

test('row 8: a restarted server is reconnected to, with resync', async () => {
  const r = await runReconnect({ rounds: 1, quiet: true });
  assert.ok(r.open > 0 && r.resync >= r.open);
});
