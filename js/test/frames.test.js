// The built-in schemas accept what the real server sends: one captured frame per type (and echo with
// every kind of payload) is delivered, with the payload JSON.parse gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startTestServer } from '../src/testing/server.js';
import { collectErrors, makeClient, state } from './helpers.js';

const { frames } = JSON.parse(readFileSync(new URL('./fixtures/captured-frames.json', import.meta.url), 'utf8'));

test('every captured frame is delivered to its subscribers, as parsed', async () => {
  const server = await startTestServer();
  const client = await makeClient(server);
  const errors = collectErrors(client);
  const got = [];
  for (const type of new Set(frames.map((f) => JSON.parse(f).type))) client.subscribe(type, (data, frame) => got.push(frame));
  client.connect();
  await state(client, 'open');
  got.length = 0;  // connection_established of the test server itself
  const all = new Promise((resolve) => {
    const off = client.subscribe('*', () => { if (got.length === frames.length) { off(); resolve(); } });
  });
  for (const f of frames) server.sendRaw(f);
  await all;
  assert.deepEqual(errors.map((e) => `${e.code}: ${e.message}`), []);
  assert.deepEqual(got, frames.map((f) => JSON.parse(f)));
  client.dispose();
  await server.stop();
});
