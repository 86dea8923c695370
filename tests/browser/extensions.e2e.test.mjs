// The protocol extensions in the example app, end to end in headless Chromium against the reference
// backend: presence dots, "… is typing…" and "Seen" between alice and bob (friends, made over REST),
// each in a browser context of their own; and the same app against NUMENEON_FEATURES='' (exactly the
// live protocol), where none of it shows and nothing fails.
//
//   node --test --test-concurrency=1 tests/browser/extensions.e2e.test.mjs
//
// Each test starts its own backend, static server and browser on free 127.0.0.1 ports and stops them.
// What the pages sent and received over the socket is recorded, to tell a live frame from REST.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Api, startBackend } from '../support/backend.mjs';
import { DIST, checkA11y, ensureBuilt, launch, openUser, signIn, unexpectedErrors, waitStatus } from './app-support.mjs';
import { serveApp } from './static-server.mjs';

const PROFILES = {
  alice: { first_name: 'Alice', last_name: 'Anders' },
  bob: { first_name: 'Bob', last_name: 'Brown' },
  carol: { first_name: 'Carol', last_name: 'Clark' },
};

// A backend (with `env`), the app served for it, a browser; alice and bob are friends, carol is not.
async function start(t, env = {}) {
  const backend = await startBackend({ env });
  const site = await serveApp({ root: DIST, config: { apiUrl: backend.baseUrl }, fallback: 'routes' });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await site.close();
    await backend.stop();
  });
  const api = new Api(backend.baseUrl);
  const people = {};
  for (const [name, profile] of Object.entries(PROFILES)) people[name] = await api.createUser(name, profile);
  await api.sendFriendRequest(people.alice.access, people.bob.user.id);
  const [request] = await api.pendingRequests(people.bob.access);
  await api.acceptFriendRequest(people.bob.access, request.id);
  return { site, browser, api, people };
}

// Visibility is stubbed (headless pages are always visible): window.__setHidden(bool) switches it and
// dispatches visibilitychange as the browser would.
function stubVisibility() {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

// `name` signed in and connected, recording the frames its page sends and receives (parsed) and the
// URLs it requests.
async function join(world, name) {
  const user = await openUser(world.browser, { ...world.people[name], username: name });
  Object.assign(user, { sent: [], received: [], requests: [] });
  await user.context.addInitScript(stubVisibility);
  const parse = (payload) => {
    try {
      return JSON.parse(payload);
    } catch {
      return {};
    }
  };
  user.page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => user.sent.push(parse(payload)));
    ws.on('framereceived', ({ payload }) => user.received.push(parse(payload)));
  });
  user.page.on('request', (req) => user.requests.push(new URL(req.url()).pathname));
  await user.page.goto(world.site.url);
  await signIn(user.page, user);
  await waitStatus(user.page, /^connected$/);
  return user;
}

const testId = (user, id) => user.page.getByTestId(id);
const message = (user, text) => testId(user, 'message').filter({ hasText: text });
const ofType = (frames, ...types) => frames.filter((f) => types.includes(f.type));

async function openChat(user, username) {
  await testId(user, `friend-${username}`).click();
  await user.page.locator(`[data-testid="conversation"][data-with="${username}"]`).waitFor();
}

async function send(user, text) {
  await testId(user, 'message-input').fill(text);
  await testId(user, 'message-send').click();
  await message(user, text).waitFor();
}

// Keystrokes in the message input until `shown` is on the other page. Usually the first does it; the
// server relays at most one "typing" a second per pair, so a start soon after a stop can be dropped
// and the client's next one (2 s on while keys keep coming) is what gets through.
async function typeUntil(user, shown) {
  for (let key = 0; ; key++) {
    await testId(user, 'message-input').press('abcdefghij'[key % 10]);
    try {
      await shown.waitFor({ timeout: 500 });
      return;
    } catch (err) {
      if (key === 10) throw err;
    }
  }
}

// No console errors, no failed requests, and axe finds nothing at all on what `user` sees now.
async function clean(user, screen) {
  assert.deepEqual(unexpectedErrors(user), [], `${user.username}: console`);
  assert.deepEqual(user.httpErrors, [], `${user.username}: HTTP errors`);
  assert.deepEqual(await checkA11y(user.page, screen), [], `${user.username}: axe on ${screen}`);
}

describe('protocol extensions in the example app', { timeout: 60_000 }, () => {
  before(async () => {
    if (await ensureBuilt()) console.log('# built examples/react-app/dist');
  });

  test('presence: bob sees alice come online and go offline (dot and words), a non-friend gets no dot', async (t) => {
    const world = await start(t);
    const b = await join(world, 'bob');
    const dot = testId(b, 'presence-alice');
    await dot.filter({ hasText: /^offline$/ }).waitFor();  // never connected: offline, no last seen
    assert.equal(await dot.getAttribute('data-online'), 'false');

    const a = await join(world, 'alice');
    await b.page.getByRole('link', { name: 'Alice Anders online', exact: true }).waitFor();
    assert.equal(await dot.getAttribute('data-online'), 'true');
    await openChat(b, 'alice');
    await testId(b, 'conversation-presence').filter({ hasText: /^online$/ }).waitFor();

    // carol is online too, but not bob's friend: the server says nothing of her, so no dot (never "offline").
    const c = await join(world, 'carol');
    await testId(b, 'user-search').fill('a');
    await testId(b, 'user-search-submit').click();
    await testId(b, 'search-presence-alice').filter({ hasText: /^online$/ }).waitFor();
    await testId(b, 'search-result-carol').waitFor();
    assert.equal(await testId(b, 'search-presence-carol').count(), 0, 'no dot for carol, a non-friend');
    await clean(b, 'presence online');

    await a.context.close();
    await b.page.getByRole('link', { name: /^Alice Anders offline, last seen \S/ }).waitFor();
    await testId(b, 'conversation-presence').filter({ hasText: /^offline, last seen \S/ }).waitFor();
    assert.equal(await dot.getAttribute('data-online'), 'false');
    await clean(b, 'presence offline');
    await c.context.close();
  });

  test('typing: alice types and bob reads "Alice Anders is typing…" (polite); her send, and leaving the input, end it at once', async (t) => {
    const world = await start(t);
    const [a, b] = await Promise.all([join(world, 'alice'), join(world, 'bob')]);
    await Promise.all([openChat(a, 'bob'), openChat(b, 'alice')]);
    const note = testId(b, 'typing');
    assert.equal(await note.getAttribute('aria-live'), 'polite');
    assert.equal(await note.textContent(), '');
    const shown = note.filter({ hasText: 'Alice Anders is typing…' });

    await typeUntil(a, shown);
    await clean(b, 'typing');
    // Sent with Enter, so the input keeps the focus: the send's own stop. Without the app's stops the
    // client's would come only after 5 s without keystrokes.
    await testId(a, 'message-input').press('Enter');
    await shown.waitFor({ state: 'detached', timeout: 3000 });
    assert.equal(await testId(a, 'message-input').evaluate((input) => input === document.activeElement), true);

    await typeUntil(a, shown);
    await testId(a, 'user-search').focus();
    await shown.waitFor({ state: 'detached', timeout: 3000 });
    assert.equal(await testId(a, 'typing').textContent(), '', 'alice sees nothing of her own typing');
    const stops = ofType(a.sent, 'typing').filter((f) => f.data.typing === false);
    assert.ok(stops.length >= 2, `alice sent a stop on send and on blur (${stops.length})`);
    await clean(a, 'after typing');
  });

  test('seen: under the newest of alice\'s messages bob has read, live, only while his page is visible, and after a reload (REST)', async (t) => {
    const world = await start(t);
    const a = await join(world, 'alice');
    await openChat(a, 'bob');
    await send(a, 'first from alice');
    await send(a, 'second from alice');
    assert.equal(await testId(a, 'seen').count(), 0, 'bob has not read anything yet');

    const b = await join(world, 'bob');
    await openChat(b, 'alice');
    await message(a, 'second from alice').getByTestId('seen').filter({ hasText: 'Seen' }).waitFor();
    assert.equal(await testId(a, 'seen').count(), 1, 'once, under the newest one read');

    // A message arriving while bob's page is hidden is read when he comes back to it.
    await b.page.evaluate(() => window.__setHidden(true));
    await send(a, 'while you were hidden');
    await message(b, 'while you were hidden').waitFor();
    const [hiddenOne] = await world.api.conversation(world.people.alice.access, world.people.bob.user.id)
      .then((list) => list.filter((m) => m.content === 'while you were hidden'));
    const marks = () => ofType(b.sent, 'mark_read').map((f) => f.data.up_to);
    assert.ok(!marks().includes(hiddenOne.id), 'not marked read while the page is hidden');
    await b.page.evaluate(() => window.__setHidden(false));
    await message(a, 'while you were hidden').getByTestId('seen').waitFor();
    assert.equal(await testId(a, 'seen').count(), 1);
    assert.ok(marks().includes(hiddenOne.id), 'marked read once visible');

    // bob is gone; alice reloads: no frame says it now, REST does.
    await b.context.close();
    a.received.length = 0;
    await a.page.reload();
    await waitStatus(a.page, /^connected$/);
    await message(a, 'while you were hidden').getByTestId('seen').waitFor();
    assert.equal(await testId(a, 'seen').count(), 1);
    assert.deepEqual(ofType(a.received, 'message_read'), [], 'after the reload "Seen" came from REST, not a frame');
    assert.ok(a.requests.includes(`/api/messages/read/${world.people.bob.user.id}/`));
    await clean(a, 'seen');
  });

  test("without extensions (NUMENEON_FEATURES=''): messages work; no dot, typing line or \"Seen\", no extension frames, no errors", async (t) => {
    const world = await start(t, { NUMENEON_FEATURES: '' });
    const [a, b] = await Promise.all([join(world, 'alice'), join(world, 'bob')]);
    await Promise.all([openChat(a, 'bob'), openChat(b, 'alice')]);
    await testId(a, 'message-input').pressSequentially('hello without extensions');
    await testId(a, 'message-send').click();
    await message(b, 'hello without extensions').waitFor();
    await send(b, 'a reply, read by bob');
    await message(a, 'a reply, read by bob').waitFor();
    await testId(b, 'user-search').fill('alice');
    await testId(b, 'user-search-submit').click();
    await testId(b, 'request-status-alice').filter({ hasText: 'friends' }).waitFor();

    for (const u of [a, b]) {
      assert.equal(await u.page.locator('.presence, [data-testid="typing"], [data-testid="seen"]').count(), 0, `${u.username}: nothing shown`);
      assert.deepEqual(ofType(u.sent, 'typing', 'mark_read'), [], `${u.username}: no extension frames sent`);
      assert.deepEqual(ofType(u.received, 'echo', 'presence_snapshot'), [], `${u.username}: nothing echoed, no presence`);
      assert.ok(!u.requests.some((p) => p.startsWith('/api/messages/read/')), `${u.username}: read marks not asked over REST`);
      await clean(u, 'no extensions');
    }
  });
});
