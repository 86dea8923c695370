// The election of the tab that holds the connection (src/shared/group.js), on a virtual clock with fake
// Web Locks and BroadcastChannel: one holder, the next one at once when it closes, and a frozen, hung or
// throttled holder told apart by its answers, with one steal at most.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Group, TIMING } from '../src/shared/group.js';
import { fakeWorld } from './shared-fakes.js';

const NAME = 'numeneon-realtime|ws://x/|user:1';

function member(world, name, timing = {}) {
  const tab = world.tab(name);
  const m = { tab, name, log: [], messages: [], holding: false, elections: 0, losses: 0 };
  m.group = new Group(NAME, {
    id: name, locks: tab.locks, Channel: world.channelFor(tab), clock: tab.clock, defer: tab.defer, timing,
    hooks: {
      message: (msg) => m.messages.push(msg),
      elected: (epoch, announce) => {
        m.holding = true;
        m.elections++;
        m.epoch = epoch;
        m.log.push(`elected ${epoch}`);
        announce();
      },
      deposed: () => {
        m.holding = false;
        m.log.push('deposed');
      },
      lost: () => {
        m.losses++;
        m.log.push('lost');
      },
      holder: (msg) => m.log.push(`holder ${msg.f}@${msg.h}`),
      hello: () => ({}),
      pulse: () => ({}),
      joined: () => {},
    },
  });
  m.close = () => {
    tab.close();  // the page goes away with no goodbye (a crash or a killed renderer)
    m.holding = false;
  };
  return m;
}

const holders = (members) => members.filter((m) => m.group.holding && !m.tab.closed);

async function start(world, n, timing) {
  const members = Array.from({ length: n }, (_, i) => member(world, `tab${i}`, timing));
  for (const m of members) m.group.start();
  await world.clock.until(() => holders(members).length === 1);
  return members;
}

test('five tabs: one holder, and the others follow it without stealing', async () => {
  const world = fakeWorld();
  const members = await start(world, 5);
  await world.clock.run(5000);
  assert.equal(holders(members).length, 1);
  assert.equal(world.locks.steals, 0);
  const [holder] = holders(members);
  for (const m of members) if (m !== holder) assert.ok(m.log.includes(`holder ${holder.name}@1`), `${m.name} follows ${holder.name}`);
  assert.equal(members.reduce((n, m) => n + m.elections, 0), 1, 'one election only');
});

test('the holder leaves: the next tab in the lock queue holds it at once, with no timeout involved', async () => {
  const world = fakeWorld();
  const members = await start(world, 3);
  const [holder] = holders(members);
  holder.group.stop();
  const took = await world.clock.until(() => holders(members).length === 1 && !holders(members).includes(holder));
  assert.ok(took < 5, `handed over in ${took} virtual ms`);
  const [next] = holders(members);
  assert.equal(next.epoch, 2);
  for (const m of members) if (m !== holder && m !== next) assert.ok(m.losses >= 1 && m.log.includes(`holder ${next.name}@2`));
});

test('a crashed holder (no goodbye): the browser releases its lock, the next tab takes over at once', async () => {
  const world = fakeWorld();
  const members = await start(world, 3);
  const [holder] = holders(members);
  holder.close();
  const took = await world.clock.until(() => holders(members).length === 1);
  assert.ok(took < 5, `${took} ms`);
  assert.equal(world.locks.steals, 0);
});

test('a frozen holder (its channel handler still runs, nothing else): one tab steals the lock within ping + answer', async () => {
  const world = fakeWorld();
  const members = await start(world, 5);
  const [holder] = holders(members);
  holder.tab.frozen = true;
  const took = await world.clock.until(() => holders(members.filter((m) => m !== holder)).length === 1);
  assert.ok(took <= TIMING.pingMs * 1.5 + TIMING.answerMs + 10, `stolen after ${took} virtual ms`);
  await world.clock.run(3000);
  assert.equal(world.locks.steals, 1, 'one steal');
  assert.equal(holders(members.filter((m) => m !== holder)).length, 1);
  // Thawed, it learns it was replaced, and follows.
  holder.tab.wake();
  await world.clock.until(() => !holder.group.holding);
  assert.ok(holder.log.includes('deposed'));
  await world.clock.run(3000);
  assert.equal(holders(members).length, 1);
  assert.equal(world.locks.steals, 1, 'and it does not steal it back');
});

test('a hung holder is replaced the same way; what it says after it recovers is ignored', async () => {
  const world = fakeWorld();
  const members = await start(world, 3);
  const [holder] = holders(members);
  holder.tab.hung = true;
  await world.clock.until(() => holders(members.filter((m) => m !== holder)).length === 1);
  const [next] = holders(members.filter((m) => m !== holder));
  const followers = members.filter((m) => m !== holder && m !== next);
  const before = followers.map((m) => m.messages.length);
  holder.group.post({ k: 'fr', n: 'stale' }, holder.epoch);  // queued while hung: sent once it runs again
  holder.tab.wake();
  await world.clock.run(100);
  followers.forEach((m, i) => assert.equal(m.messages.slice(before[i]).filter((x) => x.n === 'stale').length, 0, 'stale frame dropped'));
  assert.equal(holder.group.holding, false);
});

test('a throttled background holder answers late but within the window: nobody steals', async () => {
  const world = fakeWorld();
  const members = await start(world, 3);
  const [holder] = holders(members);
  // Its port messages take 300 ms (below answerMs): alive, only slow.
  const defer = holder.tab.defer;
  holder.tab.defer = (fn) => world.clock.setTimeout(() => defer(fn), 300);
  await world.clock.run(10_000);
  assert.equal(world.locks.steals, 0);
  assert.equal(holders(members)[0], holder);
});

test('pause() (freeze, pagehide) hands over before the page stops; resume() queues it again', async () => {
  const world = fakeWorld();
  const members = await start(world, 3);
  const [holder] = holders(members);
  holder.group.pause();
  holder.holding = false;
  holder.tab.frozen = true;
  const took = await world.clock.until(() => holders(members).length === 1 && !holder.group.holding);
  assert.ok(took < 5, `${took} ms`);
  assert.equal(world.locks.steals, 0, 'no steal needed');
  holder.tab.wake();
  holder.group.resume();
  await world.clock.run(2000);
  assert.equal(holders(members).length, 1);
  assert.notEqual(holders(members)[0], holder);
  // It waits in the queue: when the others leave, it holds the lock.
  for (const m of members) if (m !== holder) m.group.stop();
  await world.clock.until(() => holder.group.holding);
});

test('a tab whose channel hears nothing cannot keep stealing: its steals are spaced out', async () => {
  const world = fakeWorld();
  const members = await start(world, 1);
  // The deaf tab hears no one: to it the holder looks frozen. It steals; the holder, which cannot hear
  // it either, steals back when its own backoff allows. Each tab's steals double their spacing.
  const deaf = member(world, 'deaf');
  const Channel = world.channelFor(deaf.tab);
  deaf.group = new Group(NAME, {
    id: 'deaf', locks: deaf.tab.locks, clock: deaf.tab.clock, defer: deaf.tab.defer,
    Channel: class extends Channel { deliver() {} },
    hooks: { message() {}, elected: (e, announce) => announce(), deposed() {}, lost() {}, holder() {}, hello: () => ({}), pulse: () => ({}), joined() {} },
  });
  deaf.group.start();
  await world.clock.run(60_000);
  const steals = world.locks.stealsBy.get('deaf') ?? 0;
  assert.ok(steals >= 1 && steals <= 6, `${steals} steals in 60 s (spaced 1, 2, 4, 8, 16, 32 s)`);
  assert.equal(holders([...members, deaf]).length, 1);
});
