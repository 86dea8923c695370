import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '../src/testing/server.js';
import { WebSocket } from 'ws';
import { BrowserLikeWebSocket, collectErrors, fast, frame, makeClient, next, state } from './helpers.js';

const message = (id, content = 'hi') => ({ id, sender: { id: 2, username: 'alice' }, content, created_at: '2026-11-25T21:22:20Z' });

describe('routing', () => {
  let server;
  before(async () => { server = await startTestServer(); });
  after(() => server.stop());

  test('delivers data by type, the whole frame second, and every type to *', async () => {
    const client = await makeClient(server);
    const seen = [];
    client.subscribe('*', (data, f) => seen.push(f.type));
    const established = frame(client, 'connection_established');
    client.connect();
    const ce = await established;
    assert.equal(ce.data.user_id, 1, 'top-level types hand over the frame itself');
    const got = frame(client, 'new_message');
    server.push(1, 'new_message', message(1, 'hello bob'));
    const { data, frame: f } = await got;
    assert.equal(data.content, 'hello bob');
    assert.equal(f.type, 'new_message');
    assert.deepEqual(seen, ['connection_established', 'new_message']);
    client.dispose();
  });

  test('a throwing handler is reported and the other handlers still run', async () => {
    const client = await makeClient(server);
    const errors = collectErrors(client);
    client.subscribe('new_message', () => { throw new Error('boom'); });
    const second = frame(client, 'new_message');
    client.connect();
    await state(client, 'open');
    server.push(1, 'new_message', message(2));
    assert.equal((await second).data.id, 2);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'handler_threw');
    assert.match(errors[0].message, /boom/);
    assert.equal(client.state, 'open');
    client.dispose();
  });

  test('once() fires a single time; unsubscribe stops delivery', async () => {
    const client = await makeClient(server);
    let onceCount = 0;
    let count = 0;
    client.once('new_post', () => onceCount++);
    const off = client.subscribe('new_post', () => count++);
    const last = [];
    client.subscribe('new_message', (d) => last.push(d.id));
    client.connect();
    await state(client, 'open');
    const post = (id) => ({ id, author: { id: 2, username: 'a', first_name: 'A', last_name: 'B' }, content: 'x', created_at: 't' });
    const second = new Promise((resolve) => client.subscribe('new_post', (d) => d.id === 2 && resolve()));
    server.push(1, 'new_post', post(1));
    server.push(1, 'new_post', post(2));
    await second;
    const done = frame(client, 'new_message');
    off();
    server.push(1, 'new_post', post(3));
    server.push(1, 'new_message', message(9));
    await done;
    assert.equal(onceCount, 1);
    assert.equal(count, 2);
    assert.equal(client.stats().framesDelivered, 5, 'connection_established (read for the features), posts 1-3 (one subscriber remains), the message');
    client.dispose();
  });

  test('frames of a known type without their required fields are errors, not deliveries', async () => {
    const client = await makeClient(server);
    const errors = collectErrors(client);
    const got = [];
    client.subscribe('friend_request', (d) => got.push(d.from_user.username));
    client.connect();
    await state(client, 'open');
    const err = next(client, 'error');
    server.push(1, 'friend_request', { request_id: 1 });
    const e = await err;
    assert.equal(e.code, 'invalid_payload');
    assert.match(e.message, /friend_request.*data\.from_user/);
    const ok = frame(client, 'friend_request');
    server.push(1, 'friend_request', { request_id: 2, from_user: { id: 2, username: 'alice', first_name: 'A', last_name: 'B' } });
    await ok;
    assert.deepEqual(got, ['alice']);
    assert.equal(errors.length, 1);
    client.dispose();
  });

  test('app types register a schema and a dedupe key', async () => {
    const client = await makeClient(server, { types: [{ name: 'typing', required: { 'data.user': 'string' }, dedupeKey: 'data.seq' }] });
    const seen = [];
    client.subscribe('typing', (d) => seen.push(d.seq));
    client.connect();
    await state(client, 'open');
    server.push(1, 'typing', { user: 'a', seq: 1 });
    server.push(1, 'typing', { user: 'a', seq: 1 });
    const last = frame(client, 'typing');
    server.push(1, 'typing', { user: 'a', seq: 2 });
    await last;
    assert.deepEqual(seen, [1, 2]);
    client.dispose();
  });
});

describe('reconnect and de-duplication', () => {
  let server;
  before(async () => { server = await startTestServer(); });
  after(() => server.stop());

  test('reconnects after the server drops the link, inside the jitter bounds, and resyncs', async () => {
    const client = await makeClient(server);
    client.connect();
    await state(client, 'open');
    const backoff = state(client, 'backing_off');
    const resync = next(client, 'resync');
    const t0 = performance.now();
    server.terminateAll();
    const b = await backoff;
    assert.equal(b.reason, 'connection_lost');
    assert.equal(b.closeCode, 1006);
    assert.ok(b.delayMs >= fast.reconnect.minDelayMs && b.delayMs <= fast.reconnect.initialDelayMs, `delay ${b.delayMs}`);
    const r = await resync;
    assert.ok(r.downtimeMs >= b.delayMs - 1, `downtime ${r.downtimeMs} >= delay ${b.delayMs}`);
    assert.ok(performance.now() - t0 >= b.delayMs - 1);
    assert.equal(client.stats().reconnects, 1);
    client.dispose();
  });

  test('drops a frame delivered before the reconnect when it comes again after', async () => {
    const client = await makeClient(server);
    const ids = [];
    client.subscribe('new_message', (d) => ids.push(d.id));
    client.connect();
    await state(client, 'open');
    const first = frame(client, 'new_message');
    server.push(1, 'new_message', message(41));
    await first;
    server.terminateAll();
    await state(client, 'open');
    server.push(1, 'new_message', message(41));
    const fresh = frame(client, 'new_message');
    server.push(1, 'new_message', message(42));
    await fresh;
    assert.deepEqual(ids, [41, 42]);
    assert.equal(client.stats().duplicates, 1);
    client.dispose();
  });

  test('claim() lets the REST result and the racing frame be inserted once', async () => {
    const client = await makeClient(server);
    const ids = [];
    client.subscribe('new_message', (d) => ids.push(d.id));
    client.connect();
    await state(client, 'open');
    assert.equal(client.claim('new_message', 7), true, 'REST response first');
    server.push(1, 'new_message', message(7));
    const f = frame(client, 'new_message');
    server.push(1, 'new_message', message(8));
    await f;
    assert.equal(client.claim('new_message', 8), false, 'frame first: REST result is a duplicate');
    assert.deepEqual(ids, [8]);
    client.dispose();
  });

  test('a server-sent 1000 reconnects; a client close stays down', async () => {
    const client = await makeClient(server);
    client.connect();
    await state(client, 'open');
    const lost = state(client, 'backing_off');
    server.closeAll(1000, 'websocket_timeout');
    assert.equal((await lost).reason, 'server_closed');
    await state(client, 'open');
    const handshakes = server.handshakes;
    const closed = state(client, 'closed');
    client.close();
    assert.equal((await closed).reason, 'client_closed');
    assert.equal(client.isConnected, false);
    // A reconnect would come within the policy's longest delay: watch for twice that long.
    const attempts = [];
    client.on('state', (s) => attempts.push(s));
    await new Promise((resolve) => setTimeout(resolve, 2 * fast.reconnect.maxDelayMs));
    assert.deepEqual(attempts, []);
    assert.equal(server.handshakes, handshakes);
    client.dispose();
  });

  test('dispose() right after close() still closes with 1000 (not an abort)', async () => {
    const client = await makeClient(server);
    const conn = server.nextConnection();
    client.connect();
    await state(client, 'open');
    const { ws } = await conn;
    const closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    client.close(1000);
    client.dispose();
    assert.equal(await closed, 1000);
  });

  test('close() and dispose() during a handshake leave no unhandled error', async () => {
    const unhandled = [];
    const onError = (e) => unhandled.push(e);
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    try {
      for (let i = 0; i < 20; i++) {
        const client = await makeClient(server, { getToken: () => 'token-abc-123' });
        client.connect();
        await new Promise((r) => setImmediate(r));  // the socket exists and is CONNECTING
        if (i % 2) client.close();
        client.dispose();
      }
      const client = await makeClient(server);
      client.connect();
      await state(client, 'open');
      client.dispose();
    } finally {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    }
    assert.deepEqual(unhandled, []);
  });
});

describe('auth', () => {
  test('HTTP 403 at the handshake asks for a fresh token, then ends within the limit', async () => {
    const server = await startTestServer({ authenticate: (t) => (t === 'good' ? { id: 1, username: 'u' } : null) });
    const reasons = [];
    const client = await makeClient(server, { getToken: ({ reason }) => { reasons.push(reason); return 'expired'; } });
    const failed = next(client, 'auth_failed');
    client.connect();
    const f = await failed;
    assert.equal(f.to, 'closed');
    assert.deepEqual(reasons, ['initial', 'handshake_rejected']);
    assert.equal(server.handshakes, 2, 'exactly authFailureLimit handshakes');
    assert.equal(client.stats().authRejections, 2);
    client.dispose();
    await server.stop();
  });

  test('a fresh token from the provider recovers the session', async () => {
    const server = await startTestServer({ authenticate: (t) => (t === 'fresh' ? { id: 1, username: 'u' } : null) });
    const client = await makeClient(server, { getToken: ({ reason }) => (reason === 'initial' ? 'expired' : 'fresh') });
    client.connect();
    const opened = await state(client, 'open');
    assert.equal(opened.reason, 'opened');
    assert.equal(server.handshakes, 2);
    client.dispose();
    await server.stop();
  });

  test('a provider with no session (null) ends at once', async () => {
    const server = await startTestServer();
    const client = await makeClient(server, { getToken: () => null });
    const failed = next(client, 'auth_failed');
    client.connect();
    await failed;
    assert.equal(server.handshakes, 0);
    client.dispose();
    await server.stop();
  });

  test('a server down for a while never ends the session, and the client comes back', async () => {
    const server = await startTestServer();
    const client = await makeClient(server);
    let authFailed = false;
    client.on('auth_failed', () => { authFailed = true; });
    client.connect();
    await state(client, 'open');
    await server.stop();  // port closed: connection refused on every attempt
    let failures = 0;
    await new Promise((resolve) => {
      const off = client.on('state', (s) => {
        if (s.to === 'backing_off' && ++failures >= 8) { off(); resolve(); }
      });
    });
    assert.equal(authFailed, false);
    const back = next(client, 'resync');
    await server.restart();
    const r = await back;
    assert.ok(r.downtimeMs > 0);
    assert.equal(client.state, 'open');
    assert.equal(client.stats().authRejections, 0);
    client.dispose();
    await server.stop();
  });

  test('browser-like 1006s: a probe answering 401 ends the session within the limit', async () => {
    const server = await startTestServer({ authenticate: (t) => (t === 'good' ? { id: 1, username: 'u' } : null) });
    const reasons = [];
    const client = await makeClient(server, {
      WebSocket: BrowserLikeWebSocket,
      authProbeUrl: `${server.baseUrl}/api/auth/me/`,
      getToken: ({ reason }) => { reasons.push(reason); return 'revoked'; },
      // The probe runs during the backoff delay; a realistic delay lets it answer before the retry.
      reconnect: { initialDelayMs: 1000, minDelayMs: 1000, jitter: 0 },
    });
    const failed = next(client, 'auth_failed');
    client.connect();
    await failed;
    assert.equal(server.handshakes, 2);
    assert.equal(server.probes, 2);
    assert.deepEqual(reasons, ['initial', 'handshake_rejected']);
    client.dispose();
    await server.stop();
  });

  test('browser-like 1006s with no probe or a server that is down never end the session', async () => {
    const server = await startTestServer();
    server.rejectHandshakes(403);  // rejected, but the client cannot see why
    const client = await makeClient(server, { WebSocket: BrowserLikeWebSocket, authProbeUrl: 'http://127.0.0.1:9/api/auth/me/' });
    let authFailed = false;
    client.on('auth_failed', () => { authFailed = true; });
    const tokenReasons = [];
    client.on('state', (s) => s.to === 'backing_off' && tokenReasons.push(s.reason));
    client.connect();
    while (tokenReasons.length < 6) await next(client, 'state', (s) => s.to === 'backing_off');
    assert.equal(authFailed, false);
    assert.ok(tokenReasons.every((r) => r === 'handshake_failed'), tokenReasons.join());
    server.rejectHandshakes(0);
    await state(client, 'open');
    client.dispose();
    await server.stop();
  });

  test('accept-then-4001 (a common Channels pattern) is an auth failure, not a reconnect storm', async () => {
    const server = await startTestServer();
    server.on('connection', (conn) => conn.ws.close(4001, 'unauthorized'));
    const reasons = [];
    const client = await makeClient(server, { getToken: ({ reason }) => { reasons.push(reason); return 'tok-xyz-1'; } });
    const failed = next(client, 'auth_failed');
    client.connect();
    await failed;
    assert.deepEqual(reasons, ['initial', 'auth_closed']);
    assert.equal(server.handshakes, 2);
    client.dispose();
    await server.stop();
  });
});

describe('heartbeat and outbox', () => {
  let server;
  before(async () => { server = await startTestServer(); });
  after(() => server.stop());

  test('detects a server that goes silent and reconnects', async () => {
    // A ping every 50 ms of silence, 2 s to answer: an answering server is never mistaken for a dead one
    // on a loaded machine. A ping goes out only if the one before was answered, so three pings at the
    // server prove two answers.
    const client = await makeClient(server, { heartbeat: { intervalMs: 50, timeoutMs: 2000 } });
    client.connect();
    await state(client, 'open');
    let lost = null;
    client.on('state', (s) => { if (s.to === 'backing_off') lost ??= s; });
    for (let i = 0; i < 3; i++) await server.nextFrame();
    assert.equal(lost, null, 'an answering server kept the link');
    server.setEcho(false);
    const dead = await state(client, 'backing_off');
    assert.equal(dead.reason, 'heartbeat_timeout');
    server.setEcho(true);
    await state(client, 'open');
    assert.ok(client.stats().heartbeats >= 1, 'echoes of our pings are consumed');
    client.dispose();
  });

  test('queues while down, flushes in order on open, drops volatile frames', async () => {
    const client = await makeClient(server);
    assert.equal(client.send('chat', { n: 1 }), 'queued');
    assert.equal(client.send('typing', {}, { volatile: true }), 'dropped');
    assert.equal(client.send('chat', { n: 2 }), 'queued');
    const frames = [];
    const two = new Promise((resolve) => server.on('frame', (f) => { frames.push(f); if (frames.length === 2) resolve(); }));
    client.connect();
    await two;
    assert.deepEqual(frames, [{ type: 'chat', data: { n: 1 } }, { type: 'chat', data: { n: 2 } }]);
    assert.equal(client.send('typing', {}, { volatile: true }), 'sent');
    client.dispose();
  });

  test('outbox overflow is an error event, not a silent loss', async () => {
    const client = await makeClient(server, { outbox: { capacity: 1 } });
    const errors = collectErrors(client);
    client.send('a', 1);
    assert.equal(client.send('a', 2), 'dropped');
    assert.equal(errors[0]?.code, 'outbox_overflow');
    client.dispose();
  });
});

describe('rehearsing failures', () => {
  test('dropLink() drops the socket and the client comes back by itself, with a resync', async () => {
    const server = await startTestServer();
    const client = await makeClient(server);
    client.connect();
    await state(client, 'open');
    const lost = state(client, 'backing_off');
    const back = next(client, 'resync');
    client.dropLink();
    assert.equal((await lost).reason, 'connection_lost');
    await back;
    assert.equal(client.state, 'open');
    client.dispose();
    await server.stop();
  });
});

describe('resume from a kept event id', () => {
  test('resumeFrom(id) before connect(): the socket asks from it, and a server that cannot replay gets a resync', async () => {
    const server = await startTestServer();
    const urls = [];
    class Recording extends WebSocket {
      constructor(url, protocols, options) {
        super(url, protocols, options);
        urls.push(url);
      }
    }
    const client = await makeClient(server, { resume: true, WebSocket: Recording });
    assert.throws(() => client.resumeFrom(0), TypeError);
    assert.throws(() => client.resumeFrom(1.5), TypeError);
    client.resumeFrom(41);
    const resync = next(client, 'resync');
    client.connect();
    assert.equal((await resync).downtimeMs, 0, 'this client never had a link: the downtime is not known');
    assert.equal(new URL(urls[0]).searchParams.get('last_event_id'), '41');
    client.dispose();
    await server.stop();
  });
});
