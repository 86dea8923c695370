// The protocol extensions through the client: presence, typing and read receipts against a server that
// advertises them, and nothing sent, nothing guessed against one that does not.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { makeClient, next, state } from './helpers.js';

// A server that says `features` (or nothing) and records what it receives.
async function featureServer(features) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const received = [];
  const waiting = [];
  const sockets = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (raw) => {
      received.push(JSON.parse(String(raw)));
      for (const w of waiting.splice(0)) {
        if (received.length >= w.count) w.resolve();
        else waiting.push(w);
      }
    });
    ws.send(JSON.stringify({ type: 'connection_established', message: 'Connected as a', user_id: 1, ...(features ? { features } : {}) }));
  });
  return {
    url: `ws://127.0.0.1:${wss.address().port}/ws/notifications/`,
    received,
    // Resolves once `count` frames have arrived.
    receivedCount: (count) => (received.length >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve }))),
    push: (type, data) => { for (const s of sockets) s.send(JSON.stringify({ type, data })); },
    stop: () => new Promise((r) => { for (const s of sockets) s.terminate(); wss.close(r); }),
  };
}

test('against a server without extensions: unsupported, nothing sent, nothing guessed', async () => {
  const srv = await featureServer(null);
  const client = await makeClient(srv);
  assert.equal(client.supports('typing'), null, 'not known before a connection said');
  const known = next(client, 'features');
  client.connect();
  assert.deepEqual((await known).features, []);
  assert.equal(client.supports('presence'), false);
  assert.equal(client.setTyping(2, true), 'dropped');
  assert.equal(client.markRead(2, 10), 'dropped');
  assert.equal(client.presenceOf(2), null);
  client.send('probe', {});  // a frame that is sent: anything sent before it would arrive first
  await srv.receivedCount(1);
  assert.deepEqual(srv.received.map((f) => f.type), ['probe']);
  client.dispose();
  await srv.stop();
});

test('presence, typing and read receipts against a server that has them', async () => {
  const srv = await featureServer(['presence', 'typing', 'read_receipts']);
  const client = await makeClient(srv);
  const seen = [];
  client.on('presence', (p) => seen.push(['presence', p.userId, p.online]));
  client.on('typing', (t) => seen.push(['typing', t.userId, t.typing]));
  client.on('read', (r) => seen.push(['read', r.readerId, r.upTo]));
  client.connect();
  await next(client, 'features');
  assert.equal(client.supports('typing'), true);

  srv.push('presence_snapshot', { users: [{ user_id: 2, online: true, last_seen: 't0' }, { user_id: 3, online: false, last_seen: null }] });
  srv.push('presence', { user_id: 3, online: true, last_seen: 't1' });
  srv.push('typing', { user_id: 2, typing: true });
  srv.push('message_read', { reader_id: 2, up_to: 10, read_at: 't2' });
  srv.push('message_read', { reader_id: 2, up_to: 8, read_at: 't3' });  // older: never moves the mark back
  const last = next(client, 'typing', (t) => !t.typing);
  srv.push('typing', { user_id: 2, typing: false });
  await last;
  assert.deepEqual(seen, [['presence', 2, true], ['presence', 3, false], ['presence', 3, true], ['typing', 2, true], ['read', 2, 10], ['typing', 2, false]]);
  assert.deepEqual(client.presenceOf(3), { online: true, lastSeen: 't1' });
  assert.deepEqual(client.readReceipt(2), { upTo: 10, readAt: 't2' });

  assert.equal(client.setTyping(2, true), 'sent');
  assert.equal(client.setTyping(2, true), 'dropped', 'throttled: one frame per 2 s');
  assert.equal(client.setTyping(2, false), 'sent');
  assert.equal(client.markRead(2, 12), 'sent');
  await srv.receivedCount(3);
  assert.deepEqual(srv.received, [
    { type: 'typing', data: { to: 2, typing: true } },
    { type: 'typing', data: { to: 2, typing: false } },
    { type: 'mark_read', data: { with: 2, up_to: 12 } },
  ]);
  client.dispose();
  await srv.stop();
});
