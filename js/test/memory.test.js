// Everything that owns Wasm memory is released: by dispose(), or by the finalizer as a fallback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { createClient, diagnostics } from '../src/node.js';

const options = { url: 'ws://127.0.0.1:9/ws/notifications/', WebSocket, logger: null };

test('creating and disposing 10,000 clients leaves no core alive and the heap bounded', async () => {
  const warm = await createClient(options);
  warm.subscribe('new_message', () => {});
  warm.dispose();
  const start = await diagnostics();
  let afterFirstThousand = 0;
  for (let i = 0; i < 10000; i++) {
    const client = await createClient(options);
    client.subscribe('new_message', () => {});
    client.subscribe('typing', () => {});  // registers an app type: more Wasm allocations to release
    client.send('chat', { i });            // queued in the outbox
    client.dispose();
    if (i === 999) afterFirstThousand = (await diagnostics()).heapBytes;
  }
  const end = await diagnostics();
  assert.equal(end.liveCores, 0);
  assert.equal(end.heapBytes, afterFirstThousand, 'no growth after the first 1,000 clients');
  assert.ok(end.heapBytes <= start.heapBytes + 1024 * 1024, `heap ${start.heapBytes} → ${end.heapBytes}`);
});

test('a client dropped without dispose() is released by the FinalizationRegistry', { skip: typeof globalThis.gc !== 'function' && 'run node with --expose-gc' }, async () => {
  const before = (await diagnostics()).liveCores;
  (await createClient(options)).subscribe('new_message', () => {});
  assert.equal((await diagnostics()).liveCores, before + 1);
  for (let i = 0; i < 20 && (await diagnostics()).liveCores > before; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));  // finalizers run between turns
  }
  assert.equal((await diagnostics()).liveCores, before);
});
