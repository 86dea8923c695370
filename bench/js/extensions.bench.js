// Row 10: the protocol extensions on the reference backend, one user with `friends` friends (each an SDK
// client in this process), in-memory channel layer vs Redis (two workers, friends split across them).
//  - Presence fan-out: the user's socket opens (or the user calls close()) → each friend's 'presence'
//    handler. Its baseline, from the same run and the same sockets: the backend's own fan-out of a
//    new_post (POST starts → each friend's new_post handler), the path every app event already takes.
//  - Typing: a burst of keystrokes every 100 ms, then send (an explicit stop). Frames the SDK sends and
//    frames the friend receives, beside a raw ws client that sends a frame per keystroke.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { Api, BACKEND_DIR, startBackend, startRedis } from '../../tests/support/backend.mjs';
import { argOptions, isMain, median, percentile, printTable, sleep } from './lib.js';
import { createClient } from './sdk.js';

const KEYSTROKE_MS = 100;

const sdkClient = (wsUrl, access) => createClient({ url: wsUrl, getToken: () => access, WebSocket, logger: null });

function opened(client) {
  return new Promise((resolve) => {
    const off = client.on('features', () => {
      off();
      resolve();
    });
    client.connect();
  });
}

// Resolves with each friend's arrival time of the first matching payload (client event or frame type).
function arrivals(friends, subscribe, predicate) {
  return Promise.all(friends.map((f) => new Promise((resolve) => {
    const off = subscribe(f.client, (payload) => {
      if (!predicate(payload)) return;
      off();
      resolve(performance.now());
    });
  })));
}

async function setUp(workers, friendCount) {
  const apis = workers.map((w) => new Api(w.baseUrl));
  const tag = Math.random().toString(36).slice(2, 8);
  const hub = await apis[0].createUser(`hub${tag}`);
  const friends = [];
  for (let i = 0; i < friendCount; i++) {
    const worker = i % workers.length;
    const user = await apis[worker].createUser(`f${i}${tag}`);
    await apis[0].sendFriendRequest(hub.access, user.user.id);
    const [request] = await apis[worker].pendingRequests(user.access);
    await apis[worker].acceptFriendRequest(user.access, request.id);
    friends.push({ ...user, client: await sdkClient(workers[worker].wsUrl, user.access) });
  }
  await Promise.all(friends.map((f) => opened(f.client)));
  return { api: apis[0], hub, friends };
}

async function fanOut(workers, { friends: friendCount, rounds }) {
  const { api, hub, friends } = await setUp(workers, friendCount);
  const samples = { online: [], offline: [], post: [] };
  const hubClient = await sdkClient(workers[0].wsUrl, hub.access);
  const presence = (c, h) => c.on('presence', h);
  try {
    for (let round = 0; round < rounds; round++) {
      let t0;
      const hubOpen = new Promise((resolve) => {
        const off = hubClient.on('open', () => {
          t0 = performance.now();
          off();
          resolve();
        });
      });
      const online = arrivals(friends, presence, (p) => p.userId === hub.user.id && p.online);
      hubClient.connect();
      await hubOpen;
      for (const t of await online) samples.online.push(t - t0);

      const content = `bench ${round}`;
      const posted = arrivals(friends, (c, h) => c.subscribe('new_post', h), (p) => p.content === content);
      const p0 = performance.now();
      await api.createPost(hub.access, { content });
      for (const t of await posted) samples.post.push(t - p0);

      const offline = arrivals(friends, presence, (p) => p.userId === hub.user.id && !p.online);
      const c0 = performance.now();
      hubClient.close();
      for (const t of await offline) samples.offline.push(t - c0);
    }
  } finally {
    hubClient.dispose();
  }
  return { friends, hub, samples };
}

// One burst: `keystrokes` every 100 ms, then the message is sent (a stop). Counts what each side sends and
// what the friend receives; the friend's frames are counted until a last marker arrives after the stop.
async function typingBurst(workers, hub, friend, keystrokes) {
  const received = { sdk: 0, raw: 0 };
  let current = 'sdk';
  const off = friend.client.subscribe('typing', (d) => {
    if (d.user_id === hub.user.id) received[current]++;
  });
  const stopped = () => new Promise((resolve) => {
    const done = friend.client.subscribe('typing', (d) => {
      if (d.user_id === hub.user.id && !d.typing) {
        done();
        resolve();
      }
    });
  });

  const hubClient = await sdkClient(workers[0].wsUrl, hub.access);
  await opened(hubClient);
  const before = hubClient.stats().framesSent;
  let sdkStop = stopped();
  for (let i = 0; i < keystrokes; i++) {
    hubClient.setTyping(friend.user.id, true);
    await sleep(KEYSTROKE_MS);
  }
  hubClient.setTyping(friend.user.id, false);
  await sdkStop;
  const sdkSent = hubClient.stats().framesSent - before;
  hubClient.dispose();

  // The baseline: a frame per keystroke on a raw socket (the server's own rate limit still applies).
  await sleep(1100);  // the server's per-pair typing limit (1 s) starts afresh, as it did for the SDK
  current = 'raw';
  const raw = new WebSocket(`${workers[0].wsUrl}?token=${encodeURIComponent(hub.access)}`);
  await new Promise((resolve, reject) => { raw.once('open', resolve); raw.once('error', reject); });
  sdkStop = stopped();
  const frame = (typing) => JSON.stringify({ type: 'typing', data: { to: friend.user.id, typing } });
  for (let i = 0; i < keystrokes; i++) {
    raw.send(frame(true));
    await sleep(KEYSTROKE_MS);
  }
  raw.send(frame(false));
  await sdkStop;
  raw.close();
  off();
  return { sdkSent, rawSent: keystrokes + 1, sdkReceived: received.sdk, rawReceived: received.raw };
}

async function measure(layer, workers, opts) {
  const { friends, hub, samples } = await fanOut(workers, opts);
  try {
    const typing = await typingBurst(workers, hub, friends[0], opts.keystrokes);
    return { layer, samples, typing };
  } finally {
    for (const f of friends) f.client.dispose();
  }
}

export async function run({ friends = 100, rounds = 5, keystrokes = 50, redis = 1, quiet = false } = {}) {
  if (!existsSync(path.join(BACKEND_DIR, '.venv')) && !process.env.NUMENEON_BACKEND_PYTHON) {
    if (!quiet) console.log('\n### Row 10: skipped (no backend virtualenv: run scripts/setup-backend.sh)');
    return [];
  }
  const opts = { friends, rounds, keystrokes };
  const results = [];
  const be = await startBackend();
  try {
    results.push(await measure('in-memory', [be], opts));
  } finally {
    await be.stop();
  }
  if (redis) {
    const rs = await startRedis();
    const w1 = await startBackend({ env: { REDIS_URL: rs.url } });
    const w2 = await startBackend({ env: { REDIS_URL: rs.url }, dbPath: w1.dbPath });
    try {
      results.push(await measure('redis, 2 workers', [w1, w2], opts));
    } finally {
      await w1.stop();
      await w2.stop();
      await rs.stop();
    }
  }
  if (!quiet) {
    const cell = (v) => `${median(v).toFixed(1)} / ${percentile(v, 99).toFixed(1)}`;
    printTable(`Row 10a: presence fan-out, one user and ${friends} friends (${rounds} rounds; median / p99 ms to each friend's handler)`,
      ['channel layer', 'comes online', 'goes offline (close())', 'baseline: new_post fan-out (POST → handler)'],
      results.map((r) => [r.layer, cell(r.samples.online), cell(r.samples.offline), cell(r.samples.post)]),
      ['Online is timed from the user\'s socket opening, offline from close(), the baseline from the POST starting (it includes the REST request).'],
    );
    printTable(`Row 10b: typing frames per burst (${keystrokes} keystrokes ${KEYSTROKE_MS} ms apart, then send)`,
      ['channel layer', 'SDK frames sent', 'friend received', 'baseline: frame per keystroke, sent', 'friend received', 'goal: ≤ 1 per 2 s + stop'],
      results.map((r) => {
        const limit = Math.ceil((keystrokes * KEYSTROKE_MS) / 2000) + 1;
        return [r.layer, r.typing.sdkSent, r.typing.sdkReceived, r.typing.rawSent, r.typing.rawReceived, r.typing.sdkSent <= limit ? 'met' : 'missed'];
      }),
      ['The server relays at most one "typing: true" per second per pair, and every stop; the SDK sends one per 2 s while keys keep coming.'],
    );
  }
  return results;
}

if (isMain(import.meta.url)) await run(argOptions());
