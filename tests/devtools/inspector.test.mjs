// The inspector behind the panel, in Node against the package's test server: a bounded ring, one
// publication per scheduled flush however many frames arrive, frames only while retained, and the
// page registry that finds clients by their connect() and forgets them on dispose().
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { createClient } from '@numeneon/realtime';
import { createInspector, pageClients } from '@numeneon/realtime/devtools';
import { startTestServer } from '@numeneon/realtime/testing';

const message = (id) => ({ id, sender: { id: 2, username: 'bob' }, content: 'hi', created_at: '2026-01-01T00:00:00Z' });
let server;
before(async () => {
  server = await startTestServer();
});
after(() => server.stop());

const opened = (client) => new Promise((resolve) => {
  const off = client.on('state', (s) => {
    if (s.to === 'open') {
      off();
      resolve();
    }
  });
});

// A schedule the test runs by hand: flushes happen when the test says so.
function manualSchedule() {
  const queue = [];
  const schedule = (fn) => {
    queue.push(fn);
    return () => queue.splice(queue.indexOf(fn) >>> 0, 1);
  };
  schedule.run = () => queue.splice(0).forEach((fn) => fn());
  schedule.pending = () => queue.length;
  return schedule;
}

test('connect() puts a client in the page registry before its first transition; dispose() takes it out', async () => {
  const client = await createClient({ url: server.url, getToken: () => 'token-0123456789', WebSocket, logger: null });
  assert.equal(pageClients.list().includes(client), false, 'created but not connected: not yet');
  let registeredAtFirstTransition;
  client.on('state', () => { registeredAtFirstTransition ??= pageClients.latest() === client; });
  client.connect();
  assert.equal(registeredAtFirstTransition, true);
  assert.equal(pageClients.latest(), client);
  client.dispose();
  assert.equal(pageClients.list().includes(client), false);
});

test('frames: a bounded ring, newest first, one flush for a burst, and the snapshot left alone by frames', async () => {
  const client = await createClient({ url: server.url, getToken: () => 'token-0123456789', WebSocket, logger: null });
  const schedule = manualSchedule();
  const inspector = createInspector(client, { maxEntries: 50, schedule, tickMs: 60_000 });
  let snapshots = 0;
  let paints = 0;
  inspector.subscribe(() => snapshots++);
  inspector.subscribeFrames(() => paints++);
  try {
    client.subscribe('new_message', () => {});
    const release = inspector.retain();
    const open = opened(client);
    client.connect();
    await open;
    schedule.run();
    const first = inspector.getSnapshot();
    assert.deepEqual(first.timeline.map((e) => (e.kind === 'state' ? `${e.from} → ${e.to}` : e.kind)).reverse(),
      ['attached', 'idle → connecting', 'connecting → open']);
    snapshots = 0;
    paints = 0;

    const delivered = new Promise((resolve) => client.subscribe('new_message', (d) => d.id === 199 && resolve()));
    for (let id = 0; id < 200; id++) server.push(1, 'new_message', message(id));
    await delivered;
    assert.equal(schedule.pending(), 1, '200 frames, one flush scheduled');
    schedule.run();
    assert.equal(paints, 1);
    assert.equal(snapshots, 0, 'frames alone do not publish the snapshot (the ticker does)');
    const entries = inspector.entries();
    assert.equal(entries.length, 50);
    assert.equal(inspector.total, 201, 'connection_established and the 200 messages');
    assert.deepEqual(entries.slice(0, 3).map((e) => [e.verdict, e.type, e.key]), [
      ['deliver', 'new_message', '199'], ['deliver', 'new_message', '198'], ['deliver', 'new_message', '197'],
    ]);

    release();
    schedule.run();
    const more = new Promise((resolve) => client.subscribe('new_message', (d) => d.id === 300 && resolve()));
    server.push(1, 'new_message', message(300));
    await more;
    assert.equal(inspector.total, 201, 'released: frames are no longer recorded');
    assert.equal(inspector.getSnapshot().recording, false);
  } finally {
    inspector.dispose();
    client.dispose();
  }
});

test('the timeline is bounded and the last state change is the one the status is read from', async () => {
  const client = await createClient({
    url: server.url, getToken: () => 'token-0123456789', WebSocket, logger: null,
    reconnect: { initialDelayMs: 20, maxDelayMs: 20, minDelayMs: 10 }, heartbeat: { intervalMs: 0 },
  });
  const schedule = manualSchedule();
  const inspector = createInspector(client, { maxTimeline: 5, schedule });
  inspector.subscribe(() => {});
  try {
    let open = opened(client);
    client.connect();
    await open;
    for (let i = 0; i < 3; i++) {
      open = opened(client);
      server.terminateAll();
      await open;
    }
    schedule.run();
    const snap = inspector.getSnapshot();
    assert.equal(snap.timeline.length, 5);
    assert.equal(snap.change.to, 'open');
    assert.equal(snap.stats.reconnects, 3);
    assert.equal(snap.role, 'this tab');
  } finally {
    inspector.dispose();
    client.dispose();
  }
});
