// End to end through the SDK against the real reference backend (Django + Channels + Daphne).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, startBackend, startRedis } from '../support/backend.mjs';
import { nextEvent, nextState, once, signIn } from './session.mjs';

const latencies = [];
after(() => {
  if (!latencies.length) return;
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`# REST call → SDK handler latency over ${sorted.length} events: median ${median.toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`);
});

describe('two users through the SDK (in-memory channel layer)', () => {
  let backend;
  let api;
  let alice;
  let bob;
  before(async () => {
    backend = await startBackend();
    api = new Api(backend.baseUrl);
    alice = await signIn(api, backend.baseUrl, await api.createUser('alice', { first_name: 'Alice', last_name: 'Anders' }));
    bob = await signIn(api, backend.baseUrl, await api.createUser('bob', { first_name: 'Bob', last_name: 'Brown' }));
    const opened = [once(alice.client, 'open'), once(bob.client, 'open')];
    alice.client.connect();
    bob.client.connect();
    await Promise.all(opened);
  });
  after(async () => {
    alice?.client.dispose();
    bob?.client.dispose();
    await backend?.stop();
  });

  test('friend request, acceptance and a message arrive with the right payloads', async () => {
    const t0 = performance.now();
    const request = nextEvent(bob.client, 'friend_request', () => true, t0);
    const sent = await api.sendFriendRequest(alice.access, bob.user.id);
    const [fr, frMs] = await request;
    assert.equal(fr.request_id, sent.id);
    assert.deepEqual(fr.from_user, { id: alice.user.id, username: 'alice', first_name: 'Alice', last_name: 'Anders' });

    const t1 = performance.now();
    const accepted = nextEvent(alice.client, 'friend_accepted', () => true, t1);
    await api.acceptFriendRequest(bob.access, fr.request_id);
    const [fa, faMs] = await accepted;
    assert.equal(fa.friend.username, 'bob');
    assert.equal(fa.friend.id, bob.user.id);

    const t2 = performance.now();
    const message = nextEvent(bob.client, 'new_message', () => true, t2);
    const sentMessage = await api.sendMessage(alice.access, bob.user.id, 'hello bob');
    const [msg, msgMs] = await message;
    assert.equal(msg.id, sentMessage.id);
    assert.equal(msg.content, 'hello bob');
    assert.equal(msg.sender.username, 'alice');
    latencies.push(frMs, faMs, msgMs);
  });

  test('the frame that races its REST response is inserted once, in either order', async () => {
    const inbox = new Map();  // what B's app shows: request id → request
    let inserts = 0;
    const insert = (id, item) => {
      inserts++;
      inbox.set(id, item);
    };
    const off = bob.client.subscribe('friend_request', (data) => insert(data.request_id, data));
    const senders = [];
    for (let i = 0; i < 6; i++) senders.push(await api.createUser(`racer${i}`));
    for (const s of senders) {
      const frame = nextEvent(bob.client, 'friend_request', (d) => d.from_user.id === s.user.id);
      await api.sendFriendRequest(s.access, bob.user.id);
      // B's app also refreshes its pending list over REST, racing the pushed frame.
      for (const req of await api.pendingRequests(bob.access)) {
        if (bob.client.claim('friend_request', req.id)) insert(req.id, req);
      }
      await Promise.race([frame, new Promise((r) => setImmediate(r))]);
    }
    off();
    assert.equal(inbox.size, senders.length, JSON.stringify([...inbox.keys()]));
    assert.equal(inserts, senders.length, 'each request inserted exactly once');
  });

  test('kill and restart: both reconnect on their own, resync with the downtime, later messages arrive', async () => {
    const resynced = [once(alice.client, 'resync'), once(bob.client, 'resync')];
    const lost = [nextState(alice.client, 'backing_off'), nextState(bob.client, 'backing_off')];
    await backend.kill();
    const drops = await Promise.all(lost);
    for (const d of drops) assert.equal(d.closeCode, 1006);
    await backend.restart();
    const [ra, rb] = await Promise.all(resynced);
    assert.ok(ra.downtimeMs > 0 && rb.downtimeMs > 0);
    const message = nextEvent(bob.client, 'new_message', (d) => d.content === 'after the restart');
    await api.sendMessage(alice.access, bob.user.id, 'after the restart');
    const [msg] = await message;
    assert.equal(msg.sender.username, 'alice');
    assert.equal(alice.client.stats().authRejections, 0);
  });
});

describe('tokens', () => {
  test('an expired access token makes the SDK ask for a fresh one, then it connects', async () => {
    const backend = await startBackend({ env: { ACCESS_TOKEN_LIFETIME_S: '1' } });
    try {
      const api = new Api(backend.baseUrl);
      const carol = await api.createUser('carol');
      // Wait for the token to expire, observed through the API itself.
      while (await api.me(carol.access).then(() => true, () => false)) await new Promise((r) => setTimeout(r, 100));
      const session = await signIn(api, backend.baseUrl, carol);
      const opened = once(session.client, 'open');
      session.client.connect();
      await opened;
      assert.deepEqual(session.tokenCalls, ['initial', 'handshake_rejected']);
      session.client.dispose();
    } finally {
      await backend.stop();
    }
  });

  test('a garbage token (or a deleted user) ends in auth_failed after authFailureLimit handshakes', async () => {
    const backend = await startBackend();
    try {
      const api = new Api(backend.baseUrl);
      const dave = await api.createUser('dave');
      const session = await signIn(api, backend.baseUrl, { ...dave, access: 'garbage', refresh: 'garbage' });
      const failed = once(session.client, 'auth_failed');
      session.client.connect();
      await failed;
      // initial → 403 → fresh token asked; the refresh endpoint answers 401 → no session → auth_failed.
      assert.deepEqual(session.tokenCalls, ['initial', 'handshake_rejected']);
      assert.equal(session.client.state, 'closed');
      session.client.dispose();
    } finally {
      await backend.stop();
    }
  });

  test('a token the socket keeps rejecting stops at authFailureLimit handshakes', async () => {
    const backend = await startBackend();
    try {
      const calls = [];
      const { WebSocket } = await import('ws');
      const { createClient } = await import('@numeneon/realtime');
      const client = await createClient({
        baseUrl: backend.baseUrl,
        getToken: ({ reason }) => { calls.push(reason); return 'not-a-jwt'; },
        WebSocket,
        logger: null,
        reconnect: { initialDelayMs: 50, minDelayMs: 10, authFailureLimit: 3 },
      });
      const closes = [];
      client.on('close', (c) => closes.push(c.code));
      const failed = once(client, 'auth_failed');
      client.connect();
      await failed;
      assert.equal(closes.length, 3, 'exactly authFailureLimit handshakes');
      assert.deepEqual(calls, ['initial', 'handshake_rejected', 'handshake_rejected']);
      client.dispose();
    } finally {
      await backend.stop();
    }
  });
});

describe('two Daphne workers sharing Redis', () => {
  test('A on worker 1 and B on worker 2 exchange events', async () => {
    const redis = await startRedis();
    const env = { REDIS_URL: redis.url };
    const w1 = await startBackend({ env });
    const w2 = await startBackend({ env, dbPath: w1.dbPath });
    const api1 = new Api(w1.baseUrl);
    const api2 = new Api(w2.baseUrl);
    let a;
    let b;
    try {
      a = await signIn(api1, w1.baseUrl, await api1.createUser('ann'));
      b = await signIn(api2, w2.baseUrl, await api2.createUser('ben'));
      const opened = [once(a.client, 'open'), once(b.client, 'open')];
      a.client.connect();
      b.client.connect();
      await Promise.all(opened);
      const t0 = performance.now();
      const request = nextEvent(b.client, 'friend_request', () => true, t0);
      await api1.sendFriendRequest(a.access, b.user.id);
      const [fr, ms] = await request;
      assert.equal(fr.from_user.username, 'ann');
      const accepted = nextEvent(a.client, 'friend_accepted');
      await api2.acceptFriendRequest(b.access, fr.request_id);
      assert.equal((await accepted)[0].friend.username, 'ben');
      console.log(`# across workers via Redis: REST → handler ${ms.toFixed(1)} ms`);
    } finally {
      a?.client.dispose();
      b?.client.dispose();
      await w1.stop();
      await w2.stop();
      await redis.stop();
    }
  });
});

describe('resume extension (opt-in on both sides)', () => {
  async function scenario(env) {
    const backend = await startBackend({ env });
    const api = new Api(backend.baseUrl);
    const alice = await api.createUser('alice');
    const bob = await signIn(api, backend.baseUrl, await api.createUser('bob'), { resume: true });
    const got = [];
    const resyncs = [];
    bob.client.subscribe('new_message', (d) => got.push(d.content));
    bob.client.on('resync', (r) => resyncs.push(r));
    try {
      let opened = once(bob.client, 'open');
      bob.client.connect();
      await opened;
      const first = nextEvent(bob.client, 'new_message');
      await api.sendMessage(alice.access, bob.user.id, 'before');
      await first;
      const closed = nextState(bob.client, 'closed');
      bob.client.close();
      await closed;
      await api.sendMessage(alice.access, bob.user.id, 'while away 1');
      await api.sendMessage(alice.access, bob.user.id, 'while away 2');
      opened = once(bob.client, 'open');
      bob.client.connect();
      await opened;
      const live = nextEvent(bob.client, 'new_message', (d) => d.content === 'after');
      await api.sendMessage(alice.access, bob.user.id, 'after');
      await live;
      return { got, resyncs, stats: bob.client.stats() };
    } finally {
      bob.client.dispose();
      await backend.stop();
    }
  }

  test('against a server with it: what was sent while away is replayed, in order, once, with no resync', async () => {
    const { got, resyncs, stats } = await scenario({ NUMENEON_RESUME: '1' });
    assert.deepEqual(got, ['before', 'while away 1', 'while away 2', 'after']);
    assert.equal(resyncs.length, 0);
    assert.equal(stats.duplicates, 0);
  });

  test('against the plain protocol: nothing is replayed and the gap is reported by resync', async () => {
    const { got, resyncs } = await scenario({});
    assert.deepEqual(got, ['before', 'after']);
    assert.equal(resyncs.length, 1);
  });
});
