// Bad input of every class gets a typed error (or a TypeError at configuration); the link stays up
// and later frames are still delivered.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { createClient } from '../src/node.js';
import { startTestServer } from '../src/testing/server.js';
import { collectErrors, frame, makeClient, state } from './helpers.js';

describe('bad frames', () => {
  let server;
  before(async () => { server = await startTestServer(); });
  after(() => server.stop());

  const cases = [
    ['invalid JSON', '{"type":"new_message",', 'invalid_json'],
    ['non-object JSON', '[1,2,3]', 'not_object'],
    ['missing type', '{"data":{}}', 'missing_type'],
    ['non-string type', '{"type":42}', 'type_not_string'],
    ['unknown type', '{"type":"surprise","data":{}}', 'unknown_type'],
    ['100,000-deep nesting', `{"type":"new_message","data":${'['.repeat(100000)}${']'.repeat(100000)}}`, 'too_deep'],
    ['missing required field', '{"type":"new_message","data":{"id":1}}', 'invalid_payload'],
    ['two type members', '{"type":"new_message","typ\\u0065":"echo","data":{}}', 'duplicate_type'],
    ['binary frame', Buffer.from('{"type":"new_message"}'), 'binary_frame'],
    ['invalid UTF-8 in a binary frame', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'binary_frame'],
  ];

  for (const [name, payload, code] of cases) {
    test(`${name} → '${code}' error, link up, next frame delivered`, async () => {
      const client = await makeClient(server);
      const errors = collectErrors(client);
      const ids = [];
      client.subscribe('new_message', (d) => ids.push(d.id));
      client.connect();
      await state(client, 'open');
      const delivered = frame(client, 'new_message');
      server.sendRaw(payload, { binary: Buffer.isBuffer(payload) });
      server.push(1, 'new_message', { id: 5, sender: { id: 2, username: 'a' }, content: 'after', created_at: 't' });
      await delivered;
      assert.deepEqual(errors.map((e) => e.code), [code]);
      assert.ok(errors[0] instanceof Error && errors[0].name === 'RealtimeError');
      assert.deepEqual(ids, [5]);
      assert.equal(client.state, 'open');
      client.dispose();
    });
  }
});

// In Node the limit is handed to the socket (ws's maxPayload), so a huge frame is refused before it is
// buffered: the socket closes (1009) and the client reconnects; the frame is reported, the link comes back.
test('a 10 MB frame is refused by the socket, reported, and the link comes back', async () => {
  const server = await startTestServer();
  const client = await makeClient(server);
  const errors = collectErrors(client);
  const ids = [];
  client.subscribe('new_message', (d) => ids.push(d.id));
  client.connect();
  await state(client, 'open');
  const reopened = state(client, 'open');
  server.sendRaw(`{"type":"new_message","data":"${'x'.repeat(10 * 1024 * 1024)}"}`);
  await reopened;
  const delivered = frame(client, 'new_message');
  server.push(1, 'new_message', { id: 5, sender: { id: 2, username: 'a' }, content: 'after', created_at: 't' });
  await delivered;
  assert.deepEqual(errors.map((e) => e.code), ['frame_too_large']);
  assert.deepEqual(ids, [5]);
  assert.equal(client.stats().rejected, 1, 'counted by the core');
  client.dispose();
  await server.stop();
});

describe('bad options', () => {
  const base = { url: 'ws://127.0.0.1:1/ws/notifications/', WebSocket, logger: null };
  const cases = [
    [{}, /url or baseUrl is required/],
    [{ ...base, url: 'http://x' }, /url must be a ws:\/\/ or wss:\/\/ URL/],
    [{ ...base, baseUrl: 'http://x' }, /pass url or baseUrl, not both/],
    [{ ...base, getToken: 'abc' }, /getToken must be a function/],
    [{ ...base, auth: 'cookie' }, /auth must be 'query' or 'subprotocol'/],
    [{ ...base, WebSocket: 42 }, /no WebSocket implementation/],
    [{ ...base, reconnect: { initialDelayMs: -1 } }, /reconnect\.initialDelayMs must be between 0 and/],
    [{ ...base, reconnect: { jitter: 3 } }, /reconnect\.jitter must be between 0 and 1/],
    [{ ...base, reconnect: { maxAttempts: 'many' } }, /reconnect\.maxAttempts must be a finite number, got string/],
    [{ ...base, reconnect: { initialDelay: 5 } }, /unknown option reconnect\.initialDelay/],
    [{ ...base, dedupe: { capacity: 0 } }, /dedupe\.capacity must be between 1/],
    [{ ...base, heartbeat: { ping: 'ping' } }, /heartbeat\.ping must be a JSON object/],
    [{ ...base, limits: { maxDepth: Infinity } }, /limits\.maxDepth must be a finite number, got Infinity/],
    [{ ...base, reconnect: { tokenTimeoutMs: 0 } }, /reconnect\.tokenTimeoutMs must be between 1/],
    [{ ...base, outbox: [] }, /outbox must be an object/],
    [{ ...base, retries: 3 }, /unknown option 'retries'/],
    [{ ...base, types: [{ name: 'x', required: { 'data.id': 'int' } }] }, /required\['data\.id'\] must be one of/],
    [{ ...base, types: [{ name: 'x', dedupekey: 'data.id' }] }, /unknown type spec member 'dedupekey'/],
    [{ ...base, types: ['x'] }, /registerType\(spec\): spec must be an object/],
    [{ ...base, authProbeUrl: 'ftp://x' }, /authProbeUrl must be an http\(s\):\/\/ URL/],
    [{ ...base, types: [{ name: 'x', dedupeKey: 'a.b.c.d.e' }] }, /registerType: .*a\.b\.c\.d\.e/],
    [{ ...base, resume: 'yes' }, /resume must be a boolean/],
    [{ ...base, share: 'no' }, /share must be a boolean/],
    [{ ...base, shareKey: '' }, /shareKey must be a non-empty string/],
    [null, /options must be an object/],
  ];
  for (const [options, pattern] of cases) {
    test(`rejects ${JSON.stringify(options)?.slice(0, 80)}`, async () => {
      await assert.rejects(createClient(options), (err) => err instanceof TypeError && pattern.test(err.message));
    });
  }

  test('the tab-sharing options are accepted where there are no tabs (an app shares its options with its Node tests)', async () => {
    const client = await createClient({ ...base, share: false, shareKey: 'account-1' });
    assert.equal(client.state, 'idle');
    client.dispose();
  });

  test('bad calls throw TypeError too', async () => {
    const client = await createClient(base);
    assert.throws(() => client.subscribe('', () => {}), TypeError);
    assert.throws(() => client.subscribe('x', null), TypeError);
    assert.throws(() => client.on('nope', () => {}), TypeError);
    assert.throws(() => client.close(1006), TypeError);
    assert.throws(() => client.registerType({ name: 'x', dedupeKey: 'a..b' }), /registerType: .*a\.\.b/);
    for (const id of [undefined, null, NaN, Infinity, {}, [1]]) assert.throws(() => client.claim('new_message', id), TypeError);
    assert.throws(() => client.claim('friend_accepted', 3), /no de-duplication key/);
    client.dispose();
  });
});

describe('secrets', () => {
  test('the token never appears in a log line, an error, the state or the stats', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiMiJ9.c2lnbmF0dXJlLXNlY3JldA';
    const server = await startTestServer({ authenticate: (t) => (t === token ? { id: 1, username: 'u' } : null) });
    const lines = [];
    const logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const client = await makeClient(server, { getToken: () => token, logger, heartbeat: { intervalMs: 30, timeoutMs: 30 } });
    const errors = collectErrors(client);
    const states = [];
    client.on('state', (s) => states.push(s));
    client.subscribe('new_message', () => { throw new Error(`handler saw ${token}?`); });
    client.connect();
    await state(client, 'open');
    server.sendRaw('{"type":"new_message",');
    server.push(1, 'new_message', { id: 1, sender: { id: 2, username: 'a' }, content: token, created_at: 't' });
    server.terminateAll();
    await state(client, 'open');
    server.rejectHandshakes(403);
    server.terminateAll();
    await state(client, 'closed');
    const everything = JSON.stringify({ lines, errors: errors.map((e) => [e.code, e.message]), states, stats: client.stats(), s: client.state });
    assert.ok(lines.some((l) => l.includes('?token=[redacted]')), 'the connect line is logged, redacted');
    assert.ok(lines.length > 5);
    assert.equal(everything.includes(token), false);
    assert.equal(everything.includes(token.split('.')[2]), false);
    client.dispose();
    await server.stop();
  });
});
