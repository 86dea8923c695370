// Hostile servers and careless callers against the SDK (docs/RELIABILITY.md lists every attack and its
// outcome). Each attack must end in a reported error, a state, or nothing at all: never a crash,
// corruption, a bypass of the schema, a silent loss or a leaked token.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { WebSocket } from 'ws';
import { createClient, diagnostics } from '../../js/src/node.js';
import { createClientFactory } from '../../js/src/client.js';
import { moduleLoader } from '../../js/src/wasm.js';
import { collectErrors, frame, next, state } from '../../js/test/helpers.js';
import { startRawServer } from './raw-server.mjs';

const servers = [];
after(() => Promise.all(servers.map((s) => s.stop())));
async function server(options) {
  const s = await startRawServer(options);
  servers.push(s);
  return s;
}

const fast = { reconnect: { initialDelayMs: 40, maxDelayMs: 160, minDelayMs: 10 }, heartbeat: { intervalMs: 0 } };
const make = (srv, options = {}) => createClient({ url: srv.url, getToken: () => 'token-abc-123', WebSocket, logger: null, ...fast, ...options });
const message = (id, extra = {}) => ({ id, sender: { id: 2, username: 'a' }, content: 'x', created_at: 't', ...extra });

test('a close frame with the TCP connection kept open: the link is let go, and no send is reported as sent and lost', async () => {
  const srv = await server();
  const client = await make(srv);
  const received = [];
  srv.on('frame', (text) => received.push(JSON.parse(text)));
  const first = srv.nextConnection();
  client.connect();
  await state(client, 'open');
  const zombie = await first;
  const lost = state(client, 'backing_off');
  zombie.sendCloseKeepOpen(1000);
  // The socket is now CLOSING; the app keeps sending.
  const results = [];
  await new Promise((r) => setTimeout(r, 20));  // let the close frame reach the client's socket
  for (let i = 0; i < 10; i++) results.push(client.send('chat', { i }));
  assert.ok(results.every((r) => r === 'queued'), `send() while the socket is closing: ${results.join()}`);
  const t0 = performance.now();
  await lost;
  assert.ok(performance.now() - t0 < 3000, 'the link is let go within seconds, not after ws\'s 30 s');
  await state(client, 'open');
  await new Promise((resolve) => { const off = srv.on('frame', () => { if (received.filter((f) => f.type === 'chat').length === 10) { off(); resolve(); } }); });
  assert.deepEqual(received.filter((f) => f.type === 'chat').map((f) => f.data.i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(client.stats().framesDropped, 0);
  client.dispose();
});

test('after close() nothing is delivered, however long the server keeps sending', async () => {
  const srv = await server();
  const client = await make(srv);
  let delivered = 0;
  client.subscribe('new_message', () => delivered++);
  const conn = srv.nextConnection();
  client.connect();
  await state(client, 'open');
  const c = await conn;
  srv.on('client-close', () => { for (let i = 0; i < 300; i++) c.send(JSON.stringify({ type: 'new_message', data: message(i) })); });
  const closed = state(client, 'closed');
  client.close();
  await closed;
  assert.equal(delivered, 0);
  const s = client.stats();
  assert.equal(s.framesDelivered, 1, 'only connection_established, which the client reads for the server\'s features');
  assert.equal(s.framesReceived, s.ignored + s.unsubscribed + s.heartbeats + s.framesDelivered, 'every frame counted');
  client.dispose();
});

test('a blocked event loop right after a ping does not kill a healthy link (the echo waiting in the socket is read first)', async () => {
  const srv = await server();
  const client = await make(srv, { heartbeat: { intervalMs: 100, timeoutMs: 300 } });
  const lost = [];
  client.on('state', (s) => s.to === 'backing_off' && lost.push(s.reason));
  client.connect();
  await state(client, 'open');
  const ping = await srv.nextFrame();  // echoed at once by the server
  assert.match(ping.text, /"ping"/);
  const until = performance.now() + 600;  // longer than the timeout: the timer fires late, after the echo arrived
  while (performance.now() < until) { /* a long synchronous task */ }
  for (let i = 0; i < 3; i++) await srv.nextFrame();  // three more pings: each needs the one before answered
  assert.deepEqual(lost, []);
  client.dispose();
});

test('frames built to pass the schema and deliver something else are rejected, or read as JSON.parse reads them', async () => {
  const srv = await server();
  const client = await make(srv);
  const errors = collectErrors(client);
  const got = [];
  client.subscribe('new_message', (d) => got.push(d.id));
  client.subscribe('echo', () => got.push('echo'));
  client.connect();
  await state(client, 'open');
  const last = new Promise((resolve) => client.subscribe('new_message', (d) => d.id === 4 && resolve()));
  const [c] = srv.connections;
  c.send(`{"type":"new_message","data":${JSON.stringify(message(1))},"data":null}`);       // the last data wins: null
  c.send(`{"type":"new_message","d\\u0061ta":${JSON.stringify(message(2))}}`);             // an escaped name is the same member
  c.send('{"type":"echo","typ\\u0065":"new_message","data":{}}');                          // two types
  c.send('{"type":"new_message","data":{"id":"x","\\u0069d":3,"sender":{},"content":"y"}}'); // the escaped id wins: 3
  c.send(JSON.stringify({ type: 'new_message', data: message(3) }));                          // so this is its duplicate
  c.send(JSON.stringify({ type: 'new_message', data: message(4) }));
  await last;
  assert.deepEqual(got, [2, 3, 4]);
  assert.deepEqual(errors.map((e) => e.code), ['invalid_payload', 'duplicate_type']);
  assert.equal(client.stats().duplicates, 1);
  client.dispose();
});

test('ids compare by value: claim() of "12", 12.0 and 1.2e1 all match frame 12', async () => {
  const srv = await server();
  const client = await make(srv);
  client.subscribe('new_message', () => {});
  client.connect();
  await state(client, 'open');
  const delivered = frame(client, 'new_message');
  srv.push('new_message', message(12));
  await delivered;
  assert.equal(client.claim('new_message', '12'), false);
  assert.equal(client.claim('new_message', 12.0), false);
  assert.equal(client.claim('new_message', 0), true);
  assert.equal(client.claim('new_message', -0), false, '-0 is 0');
  for (const bad of [undefined, null, NaN, Infinity, { id: 1 }]) assert.throws(() => client.claim('new_message', bad), TypeError);
  client.dispose();
});

test('a token-bearing getToken error never reaches a log line, an error message or a cause', async () => {
  const srv = await server();
  const token = 'opaque-9f8e7d6c5b4a3210';  // never returned before the error that names it
  const short = 'k9';                       // a token shorter than 4 characters, returned earlier
  const lines = [];
  const logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  let calls = 0;
  const client = await make(srv, {
    logger,
    getToken: () => {
      calls++;
      if (calls === 1) return short;
      if (calls === 2) throw new Error(`refresh failed for ${token} (was ${short})`, { cause: new Error(`upstream said ${token}`) });
      return token;
    },
  });
  const errors = collectErrors(client);
  client.connect();
  await state(client, 'open');
  srv.connections[0].drop();
  await next(client, 'error', (e) => e.code === 'token_provider_failed');
  await state(client, 'open');
  const everything = JSON.stringify({ lines, errors: errors.map((e) => [e.code, e.message, e.cause?.message, e.cause?.cause?.message, e.cause?.stack]) });
  assert.equal(everything.includes(token), false, everything);
  assert.ok(!/\bk9\b/.test(everything), `the short token: ${everything}`);
  assert.ok(lines.some((l) => l.includes('token=[redacted]')));
  client.dispose();
});

test('maxFrameBytes is enforced by the socket, before the frame is buffered (Node)', async () => {
  const srv = await server();
  const client = await make(srv, { limits: { maxFrameBytes: 4096 } });
  const errors = collectErrors(client);
  client.connect();
  await state(client, 'open');
  const reopened = state(client, 'open');
  const big = JSON.stringify({ type: 'new_message', data: 'x'.repeat(20 * 1024 * 1024) });
  srv.connections[0].send(big);
  await reopened;
  assert.deepEqual(errors.map((e) => e.code), ['frame_too_large']);
  assert.equal(client.stats().rejected, 1);
  client.dispose();
});

test('a getToken slower than connectTimeoutMs still connects', async () => {
  const srv = await server();
  const client = await make(srv, {
    reconnect: { ...fast.reconnect, connectTimeoutMs: 100 },
    getToken: () => new Promise((resolve) => setTimeout(() => resolve('slow-token'), 400)),
  });
  client.connect();
  const opened = await state(client, 'open');
  assert.equal(opened.reason, 'opened');
  assert.equal(srv.state.handshakes.length, 1);
  client.dispose();
});

test('Retry-After on a 503 is honoured (within the backoff cap)', async () => {
  const srv = await server();
  srv.state.refuse = { status: 503, headers: { 'Retry-After': '1' } };
  const client = await make(srv, { reconnect: { initialDelayMs: 40, maxDelayMs: 5000, minDelayMs: 10 } });
  client.connect();
  const backoff = await state(client, 'backing_off');
  assert.ok(backoff.delayMs >= 1000, `delay ${backoff.delayMs} ms`);
  srv.state.refuse = null;
  await state(client, 'open');
  const [a, b] = srv.state.handshakes;
  assert.ok(b - a >= 1000, `second attempt ${b - a} ms after the first`);
  client.dispose();
});

test('one warning line per kind of hostile frame, not one per frame', async () => {
  const srv = await server();
  const lines = [];
  const client = await make(srv, { logger: { warn: (m) => lines.push(m) } });
  client.subscribe('new_message', () => {});
  client.connect();
  await state(client, 'open');
  const done = frame(client, 'new_message');
  for (const c of srv.connections) {
    for (let i = 0; i < 5000; i++) c.send('{"type":"new_message",');
    c.send(JSON.stringify({ type: 'new_message', data: message(1) }));
  }
  await done;
  assert.ok(lines.length <= 4, `${lines.length} lines`);
  assert.equal(client.stats().rejected, 5000, 'every one counted');
  client.dispose();
});

test('subscribing to many distinct types and unsubscribing leaves no route behind', async () => {
  const srv = await server();
  const client = await make(srv);
  const before = (await diagnostics()).heapBytes;
  for (let round = 0; round < 3; round++) {
    const offs = [];
    for (let i = 0; i < 2000; i++) offs.push(client.subscribe(`t_${round}_${i}`, () => {}));
    for (const off of offs) off();
  }
  const afterRounds = (await diagnostics()).heapBytes;
  assert.ok(afterRounds <= before + 1024 * 1024, `${before} → ${afterRounds}`);
  client.dispose();
});

test('out of Wasm memory for a frame: that frame is reported, nothing is written to address 0, other clients go on', async () => {
  const srv = await server();
  const real = await moduleLoader(() => readFile(new URL('../../js/wasm/numeneon_core.wasm', import.meta.url)))();
  let starve = false;
  // The same module, with its buffer allocator failing on demand (as malloc does when the heap is full).
  const x = { ...real.x, nrt_buffer: (n) => (starve && n > 64 * 1024 ? 0 : real.x.nrt_buffer(n)) };
  const mod = Object.create(real, { x: { value: x } });
  const factory = createClientFactory(async () => mod);
  const opts = { url: srv.url, getToken: () => 'token-abc-123', WebSocket, logger: null, ...fast };
  const victim = await factory(opts);
  const bystander = await factory(opts);
  const errors = collectErrors(victim);
  const seen = { victim: [], bystander: [] };
  victim.subscribe('new_message', (d) => seen.victim.push(d.id));
  bystander.subscribe('new_message', (d) => seen.bystander.push(d.id));
  victim.connect();
  bystander.connect();
  await Promise.all([state(victim, 'open'), state(bystander, 'open')]);
  const zero = real.heap.slice(0, 16);
  starve = true;  // no buffer larger than 64 KB can be had
  const afterIt = Promise.all([frame(victim, 'new_message'), frame(bystander, 'new_message')]);
  srv.push('new_message', message(1, { content: 'y'.repeat(200 * 1024) }));
  srv.push('new_message', message(2));
  await afterIt;
  assert.deepEqual(real.fresh().heap.slice(0, 16), zero, 'address 0 untouched');
  assert.ok(errors.some((e) => e.code === 'out_of_memory'), errors.map((e) => e.code).join());
  assert.ok(seen.victim.includes(2) && seen.bystander.includes(2));
  victim.dispose();
  bystander.dispose();
});
