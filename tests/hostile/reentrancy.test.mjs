// Any method, from any callback, at any time, is safe: every callback the SDK makes × close / connect /
// dispose from inside it. The process must not crash (it once did: the driver kept calling a deleted
// core), nothing may throw out of a socket listener or reject unhandled, and the core must be freed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { createClient, diagnostics } from '../../js/src/node.js';
import { state } from '../../js/test/helpers.js';
import { startRawServer } from './raw-server.mjs';

const fast = { reconnect: { initialDelayMs: 40, maxDelayMs: 160, minDelayMs: 10 }, heartbeat: { intervalMs: 0 } };
const settleMs = 2 * fast.reconnect.maxDelayMs;  // longer than any retry the policy could schedule

class ThrowingWebSocket {
  constructor() { throw new Error('this socket cannot be made'); }
}

// Connects and resolves with the server side of this client's socket once it is open.
async function opened(c, srv) {
  const conn = srv.nextConnection();
  c.connect();
  await state(c, 'open');
  return conn;
}

// How to make each callback fire. `arm(client, act)` registers the callback (calling act once);
// `run(client, srv)` drives the client there.
const TRIGGERS = {
  "on('state')": { arm: (c, act) => c.on('state', (s) => s.to === 'open' && act()), run: (c) => c.connect() },
  "on('open')": { arm: (c, act) => c.on('open', act), run: (c) => c.connect() },
  "on('close') after open": {
    arm: (c, act) => c.on('close', act),
    run: async (c, srv) => (await opened(c, srv)).drop(),
  },
  "on('close') during the handshake": {
    arm: (c, act) => c.on('close', act),
    run: (c, srv) => { srv.state.refuse = { status: 403 }; c.connect(); },
  },
  "on('error') after a bad frame": {
    arm: (c, act) => c.on('error', act),
    run: async (c, srv) => (await opened(c, srv)).send('{"type":'),
  },
  "on('error') after a non-string token": {
    options: { getToken: () => 42 },
    arm: (c, act) => c.on('error', act),
    run: (c) => c.connect(),
  },
  "on('error') after socket_error": {
    options: { WebSocket: ThrowingWebSocket },
    arm: (c, act) => c.on('error', act),
    run: (c) => c.connect(),
  },
  "on('resync')": {
    arm: (c, act) => c.on('resync', act),
    run: async (c, srv) => (await opened(c, srv)).drop(),
  },
  "on('auth_failed')": { options: { getToken: () => null }, arm: (c, act) => c.on('auth_failed', act), run: (c) => c.connect() },
  'a frame handler': {
    arm: (c, act) => c.subscribe('new_message', act),
    run: async (c, srv) => (await opened(c, srv)).send(JSON.stringify({ type: 'new_message', data: { id: 1, sender: { id: 2 }, content: 'x' } })),
  },
  'a synchronous getToken on a reconnect': {
    options: (act) => ({ getToken: ({ reason }) => { if (reason === 'reconnect') act(); return 'token-abc-123'; } }),
    arm: () => {},
    run: async (c, srv) => (await opened(c, srv)).drop(),
  },
};

const ACTIONS = {
  close: (c) => c.close(),
  connect: (c) => c.connect(),
  dispose: (c) => c.dispose(),
};

describe('every callback × close / connect / dispose', () => {
  const uncaught = [];
  const onError = (e) => uncaught.push(e);
  let srv;
  before(async () => {
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    srv = await startRawServer();
  });
  after(async () => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
    await srv.stop();
  });

  for (const [where, trigger] of Object.entries(TRIGGERS)) {
    for (const [what, action] of Object.entries(ACTIONS)) {
      test(`${what}() from ${where}`, async () => {
        srv.state.refuse = null;
        const { liveCores } = await diagnostics();
        let fired;
        const firedOnce = new Promise((resolve) => { fired = resolve; });
        let client = null;
        let done = false;
        const act = () => {
          if (done) return;
          done = true;
          try {
            action(client);
          } finally {
            fired();
          }
        };
        const options = typeof trigger.options === 'function' ? trigger.options(act) : trigger.options;
        client = await createClient({ url: srv.url, getToken: () => 'token-abc-123', WebSocket, logger: null, ...fast, ...options });
        trigger.arm(client, act);
        await trigger.run(client, srv);
        await firedOnce;
        await new Promise((resolve) => setTimeout(resolve, settleMs));
        assert.deepEqual(uncaught.map((e) => e?.stack ?? String(e)), []);
        if (what === 'dispose') assert.equal(client.stats(), null, 'disposed from inside the callback');
        client.dispose();
        client.dispose();
        assert.equal((await diagnostics()).liveCores, liveCores, 'the core was freed');
      });
    }
  }

  test('a logger that throws on every line changes nothing', async () => {
    const boom = () => { throw new Error('logger down'); };
    const client = await createClient({
      url: srv.url, getToken: () => 'token-abc-123', WebSocket, ...fast,
      logger: { debug: boom, info: boom, warn: boom, error: boom },
    });
    const conn = await opened(client, srv);
    conn.send('{"type":');  // a warning, through the broken logger
    conn.drop();
    await state(client, 'open');
    assert.deepEqual(uncaught, []);
    client.dispose();
  });
});
