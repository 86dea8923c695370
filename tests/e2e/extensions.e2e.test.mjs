// The protocol extensions (presence, typing, read receipts) through the SDK against the reference backend:
// one worker; two workers behind Redis with one of them killed; and a server with the extensions off,
// which must see exactly the frames it would see from a client without them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Api, startBackend, startRedis } from '../support/backend.mjs';
import { once, signIn } from './session.mjs';

// Resolves with the first payload of client event `event` that matches, and the ms it took.
function nextClientEvent(client, event, predicate = () => true, since = performance.now()) {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!predicate(payload)) return;
      off();
      resolve([payload, performance.now() - since]);
    });
  });
}

async function befriend(api, a, b) {
  await api.sendFriendRequest(a.access, b.user.id);
  const [request] = await api.pendingRequests(b.access);
  await api.acceptFriendRequest(b.access, request.id);
}

async function connected(...sessions) {
  const opened = sessions.map((s) => once(s.client, 'features'));
  for (const s of sessions) s.client.connect();
  await Promise.all(opened);
}

// Ann and Ben, friends, each signed in on their own worker (the same one, or two behind Redis): all three
// extensions, then Ben reloads and his new client learns the read mark from REST.
async function allThree(annWorker, benWorker) {
  const annApi = new Api(annWorker.baseUrl);
  const benApi = new Api(benWorker.baseUrl);
  let ann;
  let ben;
  let benAgain;
  try {
    ann = await signIn(annApi, annWorker.baseUrl, await annApi.createUser('ann'));
    ben = await signIn(benApi, benWorker.baseUrl, await benApi.createUser('ben'));
    await befriend(annApi, ann, ben);
    const snapshot = nextClientEvent(ann.client, 'presence', (p) => p.userId === ben.user.id);
    await connected(ann);
    assert.deepEqual(ann.client.features, ['presence', 'typing', 'read_receipts']);
    assert.equal((await snapshot)[0].online, false, 'the snapshot says who is offline too');

    const online = nextClientEvent(ann.client, 'presence', (p) => p.userId === ben.user.id && p.online);
    const benSnapshot = nextClientEvent(ben.client, 'presence', (p) => p.userId === ann.user.id);
    await connected(ben);
    const [, onlineMs] = await online;
    assert.equal((await benSnapshot)[0].online, true);

    const typing = nextClientEvent(ann.client, 'typing', (t) => t.userId === ben.user.id && t.typing);
    assert.equal(ben.client.setTyping(ann.user.id, true), 'sent');
    const [, typingMs] = await typing;
    assert.equal(ann.client.isTyping(ben.user.id), true);
    const stopped = nextClientEvent(ann.client, 'typing', (t) => t.userId === ben.user.id && !t.typing);
    ben.client.setTyping(ann.user.id, false);
    await stopped;

    const message = await benApi.sendMessage(ben.access, ann.user.id, 'hi ann');
    const read = nextClientEvent(ben.client, 'read', (r) => r.readerId === ann.user.id);
    assert.equal(ann.client.markRead(ben.user.id, message.id), 'sent');
    const [receipt, readMs] = await read;
    assert.equal(receipt.upTo, message.id);
    assert.equal(typeof receipt.readAt, 'string');

    const offline = nextClientEvent(ann.client, 'presence', (p) => p.userId === ben.user.id && !p.online);
    ben.client.dispose();
    await offline;

    // A reload: a new client knows nothing until REST says; the socket's later marks still win over older ones.
    benAgain = await signIn(benApi, benWorker.baseUrl, { user: ben.user, access: ben.access, refresh: ben.refresh });
    assert.equal(benAgain.client.readReceipt(ann.user.id), null);
    const marks = await benApi.readMarks(benAgain.access, ann.user.id);
    benAgain.client.seedReadReceipt(ann.user.id, marks.theirs);
    assert.equal(benAgain.client.readReceipt(ann.user.id)?.upTo, message.id);
    return { onlineMs, typingMs, readMs };
  } finally {
    ann?.client.dispose();
    ben?.client.dispose();
    benAgain?.client.dispose();
  }
}

describe('one worker, extensions on (the default)', () => {
  test('presence, typing and read receipts between two friends', async () => {
    const backend = await startBackend();
    try {
      const ms = await allThree(backend, backend);
      console.log(`# one worker: presence ${ms.onlineMs.toFixed(1)} ms, typing ${ms.typingMs.toFixed(1)} ms, read receipt ${ms.readMs.toFixed(1)} ms`);
    } finally {
      await backend.stop();
    }
  });
});

describe('two workers sharing Redis', () => {
  test('presence, typing and read receipts between friends on different workers', async () => {
    const redis = await startRedis();
    const env = { REDIS_URL: redis.url };
    const w1 = await startBackend({ env });
    const w2 = await startBackend({ env, dbPath: w1.dbPath });
    try {
      const ms = await allThree(w1, w2);
      console.log(`# two workers: presence ${ms.onlineMs.toFixed(1)} ms, typing ${ms.typingMs.toFixed(1)} ms, read receipt ${ms.readMs.toFixed(1)} ms`);
    } finally {
      await w1.stop();
      await w2.stop();
      await redis.stop();
    }
  });

  test('a friend on a killed worker goes offline within the presence TTL, with no close from anyone', async () => {
    const ttlS = 1.5;
    const redis = await startRedis();
    const env = { REDIS_URL: redis.url, PRESENCE_TTL_S: String(ttlS) };
    const w1 = await startBackend({ env });
    const w2 = await startBackend({ env, dbPath: w1.dbPath });
    const api1 = new Api(w1.baseUrl);
    const api2 = new Api(w2.baseUrl);
    let ann;
    let ben;
    try {
      ann = await signIn(api1, w1.baseUrl, await api1.createUser('ann'));
      ben = await signIn(api2, w2.baseUrl, await api2.createUser('ben'), { reconnect: { maxAttempts: 1, initialDelayMs: 100 } });
      await befriend(api1, ann, ben);
      await connected(ann);
      const online = nextClientEvent(ann.client, 'presence', (p) => p.userId === ben.user.id && p.online);
      await connected(ben);
      await online;

      const typing = nextClientEvent(ann.client, 'typing', (t) => t.userId === ben.user.id && t.typing);
      ben.client.setTyping(ann.user.id, true);
      await typing;

      const t0 = performance.now();
      const offline = nextClientEvent(ann.client, 'presence', (p) => p.userId === ben.user.id && !p.online, t0);
      const cleared = nextClientEvent(ann.client, 'typing', (t) => t.userId === ben.user.id && !t.typing, t0);
      await w2.kill();
      const [, offlineMs] = await offline;
      const [, clearedMs] = await cleared;
      assert.ok(offlineMs < (ttlS + ttlS / 3) * 1000 + 1000, `offline after ${offlineMs} ms (TTL ${ttlS} s)`);
      assert.ok(clearedMs <= offlineMs + 50, `a friend gone offline is not typing (cleared after ${clearedMs} ms)`);
      console.log(`# killed worker: friend offline after ${offlineMs.toFixed(0)} ms (TTL ${ttlS * 1000} ms + sweep ${ttlS * 1000 / 3} ms), typing cleared after ${clearedMs.toFixed(0)} ms`);
    } finally {
      ann?.client.dispose();
      ben?.client.dispose();
      await w1.stop();
      await w2.stop();
      await redis.stop();
    }
  });
});

describe('a server with the extensions off (the live protocol)', () => {
  test('nothing is sent for them and nothing is guessed', async () => {
    const backend = await startBackend({ env: { NUMENEON_FEATURES: '' } });
    const api = new Api(backend.baseUrl);
    let ann;
    let ben;
    try {
      ann = await signIn(api, backend.baseUrl, await api.createUser('ann'));
      ben = await signIn(api, backend.baseUrl, await api.createUser('ben'));
      await befriend(api, ann, ben);
      await connected(ann, ben);
      assert.deepEqual(ann.client.features, []);
      assert.equal(ann.client.supports('typing'), false);
      const sentBefore = ann.client.stats().framesSent;
      assert.equal(ann.client.setTyping(ben.user.id, true), 'dropped');
      assert.equal(ann.client.markRead(ben.user.id, 1), 'dropped');
      assert.equal(ann.client.stats().framesSent, sentBefore, 'not a frame for the server to echo back');
      assert.equal(ann.client.presenceOf(ben.user.id), null, 'presence unknown, not "offline"');
      assert.equal(ann.client.stats().rejected, 0);
    } finally {
      ann?.client.dispose();
      ben?.client.dispose();
      await backend.stop();
    }
  });
});
