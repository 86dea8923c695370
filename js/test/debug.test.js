// The debug switch: what it logs for a scripted session (a snapshot), that no token reaches any line or
// preview, and that with debug off and no 'frame' listener no frame is explained at all.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { createClient } from '@numeneon/realtime';
import { startTestServer } from '@numeneon/realtime/testing';
import { fast } from './helpers.js';

const TOKEN = 'secret-token-abcdef123';
const user = { id: 2, username: 'bob', first_name: 'Bob', last_name: 'Brown' };
const message = (id, content = 'hello') => ({ id, sender: { id: 2, username: 'bob' }, content, created_at: '2026-01-01T00:00:00Z' });

// A logger that keeps every line (with its level) and lets the test wait for a line instead of sleeping.
function capture() {
  const lines = [];
  const waiters = new Set();
  const push = (level) => (text) => {
    lines.push(`${level}: ${text}`);
    for (const w of [...waiters]) w();
  };
  const logger = { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
  // Resolves once `count` lines match `pattern`.
  const until = (pattern, count = 1) => new Promise((resolve) => {
    const check = () => {
      if (lines.filter((l) => pattern.test(l)).length < count) return;
      waiters.delete(check);
      resolve();
    };
    waiters.add(check);
    check();
  });
  return { lines, logger, until };
}

// The parts that change from run to run: the server's port and the jittered retry delay.
const normalise = (line) => line.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT').replace(/retry (\d+) in \d+ ms/g, 'retry $1 in N ms');

const EXPECTED = [
  'debug: [numeneon-realtime] state idle → connecting (connect_requested)',
  'debug: [numeneon-realtime] token requested for socket 1 (initial, attempt 0)',
  'debug: [numeneon-realtime] connecting to ws://127.0.0.1:PORT/ws/notifications/?token=[redacted] (socket 1)',
  'debug: [numeneon-realtime] state connecting → open (opened)',
  'debug: [numeneon-realtime] frame connection_established deliver 77 B',
  'debug: [numeneon-realtime] frame new_message deliver key 5 150 B',
  'debug: [numeneon-realtime] frame new_message duplicate key 5 150 B',
  'debug: [numeneon-realtime] frame friend_request unsubscribed 126 B',
  'debug: [numeneon-realtime] frame new_message rejected invalid_payload key 6 38 B',
  "warn: [numeneon-realtime] invalid_payload: 'new_message' frame without a valid data.sender: dropped",
  'debug: [numeneon-realtime] socket 1 closed: 1006',
  'debug: [numeneon-realtime] state open → backing_off (connection_lost, retry 1 in N ms)',
  'debug: [numeneon-realtime] state backing_off → connecting (retry)',
  'debug: [numeneon-realtime] token requested for socket 2 (reconnect, attempt 1)',
  'debug: [numeneon-realtime] connecting to ws://127.0.0.1:PORT/ws/notifications/?token=[redacted] (socket 2)',
  'debug: [numeneon-realtime] state connecting → open (opened)',
  'debug: [numeneon-realtime] frame connection_established deliver 77 B',
  'debug: [numeneon-realtime] frame new_message deliver key 7 141 B',
  'debug: [numeneon-realtime] state open → closing (client_closed)',
  'debug: [numeneon-realtime] socket 2 closed: 1000',
  'debug: [numeneon-realtime] state closing → closed (client_closed)',
];

describe('debug: true', { timeout: 10_000 }, () => {
  let server;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('a session logs each state change, token request, socket close and frame verdict, and never the token', async () => {
    const log = capture();
    const previews = [];
    const delivered = [];
    const client = await createClient({ url: server.url, getToken: () => TOKEN, WebSocket, logger: log.logger, debug: true, ...fast });
    client.on('frame', (info) => previews.push(info.preview));
    client.subscribe('new_message', (data) => delivered.push(data.id));
    try {
      client.connect();
      await log.until(/frame connection_established/);
      // The token inside a payload: the frame preview must not carry it either.
      server.push(1, 'new_message', message(5, `look: ${TOKEN}`));
      server.push(1, 'new_message', message(5, `look: ${TOKEN}`));
      server.push(1, 'friend_request', { request_id: 1, from_user: user });
      server.push(1, 'new_message', { id: 6 });
      await log.until(/invalid_payload:/);
      server.terminateAll();
      await log.until(/frame connection_established/, 2);
      server.push(1, 'new_message', message(7, 'after the reconnect'));
      await log.until(/deliver key 7/);
      client.close();
      await log.until(/closing → closed/);

      assert.deepEqual(log.lines.map(normalise), EXPECTED);
      assert.deepEqual(delivered, [5, 7]);
      for (const line of [...log.lines, ...previews]) assert.ok(!line.includes(TOKEN), `no token in: ${line}`);
      assert.ok(previews.some((p) => p.includes('look: [redacted]')), 'the preview is redacted, not dropped');
    } finally {
      client.dispose();
    }
  });

  test('NUMENEON_DEBUG=1 turns it on without a code change', async () => {
    const saved = process.env.NUMENEON_DEBUG;
    process.env.NUMENEON_DEBUG = '1';
    const log = capture();
    let client;
    try {
      client = await createClient({ url: server.url, getToken: () => TOKEN, WebSocket, logger: log.logger, ...fast });
    } finally {
      if (saved === undefined) delete process.env.NUMENEON_DEBUG;
      else process.env.NUMENEON_DEBUG = saved;
    }
    try {
      client.connect();
      await log.until(/frame connection_established/);
      assert.equal(normalise(log.lines[0]), 'debug: [numeneon-realtime] state idle → connecting (connect_requested)');
    } finally {
      client.dispose();
    }
  });
});

// A socket whose listeners the test calls directly: frames then arrive synchronously, inside one loop,
// so nothing else in the process runs between them and every call counted below comes from the client.
class InlineSocket {
  static last = null;
  constructor() {
    this.readyState = 0;
    this.listeners = {};
    InlineSocket.last = this;
  }
  addEventListener(type, fn) { (this.listeners[type] ??= []).push(fn); }
  send() {}
  close() {}
  emit(type, event) { for (const fn of this.listeners[type] ?? []) fn(event); }
}

describe('debug off', { timeout: 10_000 }, () => {
  const FRAMES = 1000;
  let client;
  let deliver;
  let nextId = 1;

  before(async () => {
    const saved = process.env.NUMENEON_DEBUG;
    delete process.env.NUMENEON_DEBUG;
    client = await createClient({ url: 'ws://127.0.0.1:9/ws/notifications/', WebSocket: InlineSocket, logger: null, heartbeat: { intervalMs: 0 } });
    if (saved !== undefined) process.env.NUMENEON_DEBUG = saved;
    client.subscribe('new_message', () => {});
    client.connect();
    const socket = InlineSocket.last;
    socket.readyState = 1;
    socket.emit('open', {});
    assert.equal(client.state, 'open');
    const frames = Array.from({ length: FRAMES }, () => JSON.stringify({ type: 'new_message', data: message(0) }));
    deliver = () => {
      for (const text of frames) socket.emit('message', { data: text.replace('"id":0', `"id":${nextId++}`) });
    };
  });
  after(() => client.dispose());

  // Counts what explaining a frame costs: its Date.now() stamp, and decoding its type and key out of Wasm
  // memory (a delivered frame needs neither).
  function countWork(fn) {
    const now = Date.now;
    const decode = TextDecoder.prototype.decode;
    const calls = { now: 0, decode: 0 };
    Date.now = () => (calls.now++, now());
    TextDecoder.prototype.decode = function counted(...args) {
      calls.decode++;
      return decode.apply(this, args);
    };
    try {
      fn();
    } finally {
      Date.now = now;
      TextDecoder.prototype.decode = decode;
    }
    return calls;
  }

  test("with no 'frame' listener, no frame is explained; a listener turns it on, removing it turns it off", () => {
    const delivered = client.stats().framesDelivered;
    assert.deepEqual(countWork(deliver), { now: 0, decode: 0 }, 'debug off, nobody listening: no work per frame');

    const seen = [];
    const off = client.on('frame', (info) => seen.push(info));
    const on = countWork(deliver);
    assert.equal(seen.length, FRAMES);
    assert.ok(on.now >= FRAMES && on.decode >= FRAMES, `a listener explains every frame (${JSON.stringify(on)})`);
    assert.deepEqual(seen.at(-1), { ...seen.at(-1), verdict: 'deliver', type: 'new_message', key: String(nextId - 1) });

    off();
    assert.deepEqual(countWork(deliver), { now: 0, decode: 0 }, 'the last listener gone: off again');
    assert.equal(client.stats().framesDelivered - delivered, 3 * FRAMES);
  });
});
