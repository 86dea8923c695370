// The browser entry's shared client (src/shared/client.js) in Node: several "tabs" in one process, each
// a SharedClient with a real Wasm core, sharing fake Web Locks and a fake BroadcastChannel, against the
// testing server. One socket for all; every frame once per tab; sends go out once, through the holder;
// claims stay in their tab; failover, logout and the fallbacks to a private socket.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { RealtimeClient } from '../src/client.js';
import { groupName, tokenUser } from '../src/shared/identity.js';
import { SharedClient, sharedClientFactory } from '../src/shared/client.js';
import { startTestServer } from '../src/testing/server.js';
import { moduleLoader } from '../src/wasm.js';
import { pageClients } from '../src/devtools/registry.js';
import { fast, next, state } from './helpers.js';
import { fakeWorld, realClock } from './shared-fakes.js';

const loadModule = moduleLoader(() => readFile(new URL('../wasm/numeneon_core.wasm', import.meta.url)));
const TIMING = { pingMs: 40, answerMs: 80, stealBackoffMs: 200 };

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const jwt = (claims) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;

// A browser profile: its tabs share locks and channels.
function profile() {
  const world = fakeWorld({ clock: realClock });
  return {
    world,
    async tab(options = {}, { token = jwt({ user_id: '1' }) } = {}) {
      const tab = world.tab(`tab${Math.random().toString(36).slice(2, 8)}`);
      const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
      const page = new EventTarget();
      const env = {
        locks: tab.locks, Channel: world.channelFor(tab), hop: () => tab.defer, page, document, clock: tab.clock, timing: TIMING,
      };
      const createClient = sharedClientFactory(loadModule, RealtimeClient, () => env);
      const t = { tab, page, document, token, frames: [], resyncs: [], roles: [], tokenCalls: 0 };
      t.client = await createClient({
        url: server.url, WebSocket, logger: null, ...fast,
        getToken: () => {
          t.tokenCalls++;
          return t.token;
        },
        ...options,
      });
      t.client.subscribe('*', (data, frame) => t.frames.push(frame));
      t.client.on('resync', (r) => t.resyncs.push(r));
      t.client.on('role', (r) => t.roles.push(r.role));
      return t;
    },
  };
}

let server;
const users = { 1: { id: 1, username: 'alice' }, 2: { id: 2, username: 'bob' } };
before(async () => {
  server = await startTestServer({ authenticate: (token) => users[tokenUser(token) ?? token] ?? null });
});
after(() => server.stop());

const open = (t) => (t.client.state === 'open' ? Promise.resolve() : state(t.client, 'open'));
const holderOf = (tabs) => tabs.find((t) => t.client.role === 'holder');
const connectionsOf = (id) => server.connections.filter((c) => c.user.id === id).length;

// Every tab open, exactly one holder; then the followers have heard its hello.
async function settle(tabs) {
  for (;;) {
    await Promise.all(tabs.map(open));
    if (tabs.filter((t) => t.client.role === 'holder').length === 1 && tabs.every((t) => t.client.role !== 'private')) return holderOf(tabs);
    await Promise.race(tabs.map((t) => next(t.client, 'role')));
  }
}

async function untilConnections(id, n) {
  while (connectionsOf(id) !== n) {
    await new Promise((resolve) => {
      const offs = [server.on('connection', done), ...server.connections.map((c) => (c.ws.once('close', done), () => c.ws.off('close', done)))];
      function done() {
        offs.forEach((off) => off());
        setImmediate(resolve);
      }
    });
  }
}

const framesOf = (t, type) => t.frames.filter((f) => f.type === type);
async function pushed(tabs, type, data) {
  const counts = tabs.map((t) => framesOf(t, type).length);
  server.push(1, type, data);
  await Promise.all(tabs.map((t, i) => (framesOf(t, type).length > counts[i] ? null : new Promise((resolve) => {
    const off = t.client.subscribe(type, () => {
      off();
      resolve();
    });
  }))));
}

function closeAll(tabs) {
  for (const t of tabs) t.client.dispose();
}

describe('identity', () => {
  test('a JWT names its user (user_id, else sub); anything else names nobody', () => {
    assert.equal(tokenUser(jwt({ user_id: '12', sub: 'x' })), '12');
    assert.equal(tokenUser(jwt({ user_id: 7 })), '7');
    assert.equal(tokenUser(jwt({ sub: 'auth0|42' })), 'auth0|42');
    for (const token of ['opaque-token', jwt({ name: 'no id' }), jwt({ user_id: '' }), 'a.b', 'a.%%%.c', null, 12]) {
      assert.equal(tokenUser(token), null, String(token));
    }
  });

  test('groups are per socket URL and per identity; a shareKey never meets a token user', () => {
    const url = 'ws://h/ws/notifications/';
    assert.notEqual(groupName(url, { user: '1' }), groupName(url, { user: '2' }));
    assert.notEqual(groupName(url, { user: '1' }), groupName('ws://other/ws/notifications/', { user: '1' }));
    assert.notEqual(groupName(url, { shareKey: 'user:1' }), groupName(url, { user: '1' }));
  });
});

describe('tabs of one user', () => {
  test('three tabs: one socket; every frame reaches every tab once; roles reported', async () => {
    const p = profile();
    const tabs = [await p.tab(), await p.tab(), await p.tab()];
    for (const t of tabs) t.client.connect();
    const holder = await settle(tabs);
    assert.equal(connectionsOf(1), 1);
    assert.equal(server.connections.length, 1);
    await pushed(tabs, 'new_message', { id: 1, sender: { id: 2, username: 'bob' }, content: 'hi', created_at: 'now' });
    for (const t of tabs) {
      assert.equal(framesOf(t, 'new_message').length, 1);
      assert.equal(framesOf(t, 'connection_established').length, 1, 'each tab sees the link\'s connection_established once');
      assert.deepEqual(t.roles, t === holder ? ['follower', 'holder'] : ['follower']);
      assert.equal(t.client.stats().framesDelivered, framesOf(t, 'new_message').length + framesOf(t, 'connection_established').length);
    }
    closeAll(tabs);
  });

  test('a follower\'s send goes out once, through the holder; volatile frames are dropped while not open', async () => {
    const p = profile();
    const tabs = [await p.tab(), await p.tab()];
    for (const t of tabs) t.client.connect();
    const holder = await settle(tabs);
    const follower = tabs.find((t) => t !== holder);
    const before = server.received.length;
    const arrived = server.nextFrame();
    assert.equal(follower.client.send('hello', { n: 1 }), 'sent');
    assert.deepEqual(await arrived, { type: 'hello', data: { n: 1 } });
    await Promise.all(tabs.map((t) => (framesOf(t, 'echo').length ? null : new Promise((resolve) => t.client.once('echo', resolve)))));
    assert.equal(server.received.length - before, 1, 'received once');
    assert.throws(() => follower.client.send(''), /type must be a non-empty string/);
    assert.throws(() => follower.client.send('x', { big: 1n }), TypeError, 'what JSON.stringify refuses, refused the same');
    closeAll(tabs);
  });

  test('the devtools list each tab\'s client as the app holds it, never the connection inside it, until dispose()', async () => {
    const p = profile();
    const tabs = [await p.tab(), await p.tab()];
    for (const t of tabs) t.client.connect();
    await settle(tabs);
    assert.deepEqual(pageClients.list().filter((c) => tabs.some((t) => t.client === c)).length, 2);
    assert.ok(pageClients.list().every((c) => !(c instanceof RealtimeClient)), 'no engine of a shared client is listed');
    assert.equal(pageClients.latest(), tabs[1].client);
    closeAll(tabs);
    assert.ok(!pageClients.list().some((c) => tabs.some((t) => t.client === c)));
  });

  test('claim() is per tab: a REST result claimed in one tab suppresses the racing frame there only', async () => {
    const p = profile();
    const tabs = [await p.tab(), await p.tab(), await p.tab()];
    for (const t of tabs) t.client.connect();
    const holder = await settle(tabs);
    const claimer = tabs.find((t) => t !== holder);
    assert.equal(claimer.client.claim('new_message', 5), true);
    assert.equal(holder.client.claim('friend_request', '9'), true);
    const others = tabs.filter((t) => t !== claimer);
    await pushed(others, 'new_message', { id: 5, sender: { id: 2, username: 'bob' }, content: 'x', created_at: 'now' });
    await pushed(tabs.filter((t) => t !== holder), 'friend_request', { request_id: 9, from_user: { id: 2, username: 'bob', first_name: 'B', last_name: 'B' } });
    await pushed(tabs, 'new_message', { id: 6, sender: { id: 2, username: 'bob' }, content: 'y', created_at: 'now' });
    assert.deepEqual(framesOf(claimer, 'new_message').map((f) => f.data.id), [6]);
    assert.deepEqual(framesOf(holder, 'friend_request'), [], 'the holder\'s own claim holds in the holder only');
    for (const t of others) assert.deepEqual(framesOf(t, 'new_message').map((f) => f.data.id), [5, 6]);
    assert.equal(claimer.client.claim('new_message', '5'), false, 'claimed before');
    assert.equal(others[0].client.claim('new_message', 5), false, 'already delivered there');
    assert.equal(claimer.client.stats().duplicates, 1);
    assert.throws(() => claimer.client.claim('friend_accepted', 1), /no de-duplication key/);
    closeAll(tabs);
  });

  test('the holder goes away: another tab opens one new socket, and each tab sees one resync', async () => {
    const p = profile();
    const tabs = [await p.tab(), await p.tab(), await p.tab()];
    for (const t of tabs) t.client.connect();
    const holder = await settle(tabs);
    const rest = tabs.filter((t) => t !== holder);
    const resynced = rest.map((t) => next(t.client, 'resync'));
    holder.client.dispose();
    await Promise.all(resynced);
    const next1 = await settle(rest);
    await untilConnections(1, 1);
    assert.ok(rest.includes(next1));
    await pushed(rest, 'new_message', { id: 7, sender: { id: 2, username: 'bob' }, content: 'z', created_at: 'now' });
    for (const t of rest) assert.equal(t.resyncs.length, 1);
    closeAll(rest);
  });

  test('freeze: the holder hands over from its freeze event; on resume it follows', async () => {
    const p = profile();
    const tabs = [await p.tab(), await p.tab()];
    for (const t of tabs) t.client.connect();
    const holder = await settle(tabs);
    const other = tabs.find((t) => t !== holder);
    const took = next(other.client, 'role', (r) => r.role === 'holder');
    holder.document.dispatchEvent(new Event('freeze'));
    assert.equal(holder.client.role, 'follower', 'stepped down inside the event');
    await took;
    holder.document.dispatchEvent(new Event('resume'));
    await settle(tabs);
    assert.equal(holder.client.role, 'follower');
    await untilConnections(1, 1);
    closeAll(tabs);
  });

  test('logout in one tab detaches that tab only; the socket closes when no tab needs it', async () => {
    const p = profile();
    const tabs = [await p.tab(), await p.tab()];
    for (const t of tabs) t.client.connect();
    const holder = await settle(tabs);
    const follower = tabs.find((t) => t !== holder);
    follower.client.close();
    assert.equal(follower.client.state, 'closed');
    assert.equal(follower.client.role, 'private');
    await pushed([holder], 'new_message', { id: 8, sender: { id: 2, username: 'bob' }, content: 'z', created_at: 'now' });
    assert.equal(framesOf(follower, 'new_message').length, 0);
    assert.equal(holder.client.state, 'open');
    holder.client.close();
    await untilConnections(1, 0);
    closeAll(tabs);
  });

  test('a holder whose getToken has no session ends its own session; a tab with one takes over', async () => {
    const p = profile();
    const tabs = [await p.tab(), await p.tab()];
    for (const t of tabs) t.client.connect();
    const holder = await settle(tabs);
    const other = tabs.find((t) => t !== holder);
    holder.token = null;
    const ended = next(holder.client, 'auth_failed');
    server.terminateAll();  // the holder reconnects, asks for a token and gets none
    await ended;
    assert.equal(holder.client.role, 'private');
    await next(other.client, 'role', (r) => r.role === 'holder');
    await open(other);
    await untilConnections(1, 1);
    closeAll(tabs);
  });

  test('close() while the tab is still asking who it is: closed, and nothing joined or opened', async () => {
    const p = profile();
    let answer;
    const t = await p.tab({ getToken: () => new Promise((resolve) => { answer = resolve; }) });
    const before = server.handshakes;
    t.client.connect();
    assert.equal(t.client.state, 'connecting');
    t.client.close();
    assert.equal(t.client.state, 'closed');
    answer(jwt({ user_id: '1' }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(t.client.role, 'private');
    assert.equal(server.handshakes, before);
    closeAll([t]);
  });

  test('a token for another user is no session for this group', async () => {
    const p = profile();
    const t = await p.tab();
    t.client.connect();
    await open(t);
    t.token = jwt({ user_id: '2' });
    const ended = next(t.client, 'auth_failed');
    server.terminateAll();
    await ended;
    assert.equal(connectionsOf(2), 0, 'never connected as the other user');
    closeAll([t]);
  });

  test('presence, typing and features are the holder\'s, mirrored; a tab that joins later gets them', async () => {
    const p = profile();
    const first = await p.tab();
    first.client.connect();
    await settle([first]);
    await pushed([first], 'presence', { user_id: 9, online: true, last_seen: null });
    assert.deepEqual(first.client.presenceOf(9), { online: true, lastSeen: null });
    const late = await p.tab();
    const heard = next(late.client, 'presence');
    const established = new Promise((resolve) => late.client.once('connection_established', resolve));
    late.client.connect();
    await settle([first, late]);
    assert.deepEqual(await heard, { userId: 9, online: true, lastSeen: null });
    assert.deepEqual(late.client.presenceOf(9), { online: true, lastSeen: null });
    assert.deepEqual(late.client.features, []);
    await established;
    assert.equal(framesOf(late, 'connection_established').length, 1, 'the link\'s connection_established, replayed');
    late.client.seedReadReceipt(2, 10);
    assert.deepEqual(late.client.readReceipt(2), { upTo: 10, readAt: null });
    assert.equal(first.client.readReceipt(2), null, 'a seed stays in its tab');
    closeAll([first, late]);
  });
});

describe('falling back to a private socket', () => {
  test('share: false, a token that names nobody, or a browser without locks: each tab has its own', async () => {
    const p = profile();
    const off = await p.tab({ share: false });
    const opaque = await p.tab({}, { token: 'opaque-token-of-user-1' });
    users['opaque-token-of-user-1'] = users[1];
    const createClient = sharedClientFactory(loadModule, RealtimeClient, () => null);
    const bare = await createClient({ url: server.url, WebSocket, logger: null, ...fast, getToken: () => jwt({ user_id: '1' }) });
    const shared = [await p.tab(), await p.tab()];
    for (const c of [off.client, opaque.client, bare, ...shared.map((t) => t.client)]) c.connect();
    await Promise.all([off, opaque, { client: bare }].map(open));
    await settle(shared);
    assert.deepEqual([off.client.role, opaque.client.role, bare.role], ['private', 'private', 'private']);
    await untilConnections(1, 4);
    closeAll([off, opaque, ...shared]);
    bare.dispose();
    delete users['opaque-token-of-user-1'];
  });

  test('bad share options are TypeErrors, as every other option', async () => {
    const createClient = sharedClientFactory(loadModule, RealtimeClient, () => null);
    await assert.rejects(createClient({ url: server.url, WebSocket, share: 'yes' }), /share must be a boolean/);
    await assert.rejects(createClient({ url: server.url, WebSocket, shareKey: '' }), /shareKey must be a non-empty string/);
    await assert.rejects(createClient({ url: server.url, WebSocket, sharing: true }), /unknown option 'sharing'/);
    await assert.rejects(createClient(null), TypeError);
  });
});

test('the shared client has every public member of RealtimeClient (a new driver method needs its shared form)', () => {
  const names = (proto) => Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor');
  const missing = names(RealtimeClient.prototype).filter((n) => !(n in SharedClient.prototype));
  assert.deepEqual(missing, []);
  assert.ok('role' in SharedClient.prototype);
});
