// End to end in headless Chromium: the built example app (examples/react-app) under a strict CSP,
// against the reference backend, as people meet it: alice and bob (accounts made over REST) and carol
// (signs up in the app), each in a browser context of their own, through friend requests, messages,
// toasts, the network switched off, and the backend going down and coming back. axe-core checks every
// screen on the way.
//
//   node --test tests/browser/            (builds the app first if dist/ is missing or stale)
//
// The backend URL reaches the built app through /config.js, which the static server answers.
// Screenshots of each screen go to artifacts/browser/app/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Api, startBackend } from '../support/backend.mjs';
import {
  DIST, REQUEST_FAILED, WEBSOCKET_FAILED, checkA11y, ensureBuilt, launch, openUser, shotsDir, signIn, unexpectedErrors,
  waitStatus,
} from './app-support.mjs';
import { CSP, serveApp } from './static-server.mjs';

const CAROL = { email: 'carol@example.com', password: 'pw-carol', username: 'carol', first_name: 'Carol', last_name: 'Clark' };

describe('example app in Chromium', { timeout: 180_000 }, () => {
  let backend;
  let site;
  let browser;
  let api;
  let shots;
  let shot = 0;
  const people = {};   // alice, bob: REST accounts; carol: signed up in the app; dave…heidi: REST only
  let a;               // the pages (openUser) of alice, bob and carol
  let b;
  let c;
  const a11y = new Set();

  async function screenshot(name, ...users) {
    const label = String(++shot).padStart(2, '0');
    await Promise.all(users.map((u) => u.page.screenshot({ path: path.join(shots, `${label}-${name}-${u.username}.png`) })));
  }
  // axe on what `user` sees now, and a screenshot of it.
  async function screen(name, user) {
    for (const v of await checkA11y(user.page, name)) a11y.add(v);
    await screenshot(name, user);
  }
  const testId = (user, id) => user.page.getByTestId(id);
  const toast = (user, text) => testId(user, 'toast').filter({ hasText: text });
  const message = (user, text) => testId(user, 'message').filter({ hasText: text });
  const conversationWith = (user, username) => user.page.locator(`[data-testid="conversation"][data-with="${username}"]`);
  async function send(user, text) {
    await testId(user, 'message-input').fill(text);
    await testId(user, 'message-send').click();
  }
  async function searchFor(user, query) {
    await testId(user, 'user-search').fill(query);
    await testId(user, 'user-search-submit').click();
  }

  before(async () => {
    shots = shotsDir('app');
    const [rebuilt, be] = await Promise.all([ensureBuilt(), startBackend()]);
    backend = be;
    if (rebuilt) console.log('# built examples/react-app/dist');
    site = await serveApp({ root: DIST, config: { apiUrl: backend.baseUrl }, fallback: 'routes' });
    api = new Api(backend.baseUrl);
    const made = await Promise.all([
      ['alice', { first_name: 'Alice', last_name: 'Anders' }], ['bob', { first_name: 'Bob', last_name: 'Brown' }],
      ['dave', { first_name: 'Dave' }], ['erin', { first_name: 'Erin' }], ['frank', { first_name: 'Frank' }],
      ['grace', { first_name: 'Grace' }], ['heidi', { first_name: 'Heidi' }],
    ].map(([name, profile]) => api.createUser(name, profile)));
    for (const account of made) people[account.user.username] = account;
    browser = await launch();
    [a, b, c] = await Promise.all([
      openUser(browser, { ...people.alice, username: 'alice' }),
      openUser(browser, { ...people.bob, username: 'bob' }),
      openUser(browser, CAROL),
    ]);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  test('alice and bob sign in on the CSP page, carol signs up, and all three connect', async () => {
    const [res] = await Promise.all([a, b].map((u) => u.page.goto(site.url)));
    assert.equal(res.headers()['content-security-policy'], CSP);
    await testId(a, 'login-email').waitFor();
    await screen('sign-in', a);
    await Promise.all([a, b].map(async (u) => {
      await signIn(u.page, u);
      await waitStatus(u.page, /^connected$/);
    }));

    await c.page.goto(site.url);
    await testId(c, 'switch-mode').click();
    await screen('sign-up', c);
    for (const field of ['first_name', 'last_name', 'username', 'email', 'password']) await testId(c, `signup-${field}`).fill(CAROL[field]);
    await testId(c, 'signup-submit').click();
    await testId(c, 'current-user').filter({ hasText: '@carol' }).waitFor();
    await waitStatus(c.page, /^connected$/);
    await c.page.getByText('No friends yet').waitFor();
    await screen('home-empty', c);
  });

  test('search shows @usernames, and says so when nobody matches', async () => {
    await searchFor(c, 'zzz');
    await testId(c, 'search-empty').filter({ hasText: 'No users match “zzz”' }).waitFor();
    await searchFor(c, 'alice');
    await testId(c, 'search-result-alice').filter({ hasText: 'Alice Anders @alice' }).waitFor();
    await testId(c, 'search-empty').waitFor({ state: 'detached' });
  });

  test('requests arrive live with @username; decline removes one, accept makes friends and "request sent" becomes "friends"', async () => {
    await testId(c, 'add-friend-alice').click();
    await testId(c, 'request-status-alice').filter({ hasText: 'request sent' }).waitFor();
    await testId(a, 'pending-request-carol').filter({ hasText: 'Carol Clark @carol' }).waitFor();
    await toast(a, 'Carol Clark (@carol) sent you a friend request').waitFor();
    await screen('friend-request', a);
    await testId(a, 'decline-carol').click();
    await testId(a, 'pending-request-carol').waitFor({ state: 'detached' });
    assert.deepEqual(await api.pendingRequests(people.alice.access), []);

    await searchFor(c, 'bob');
    await testId(c, 'add-friend-bob').click();
    await searchFor(a, 'bob');
    await testId(a, 'add-friend-bob').click();
    await testId(a, 'request-status-bob').filter({ hasText: 'request sent' }).waitFor();
    await testId(b, 'pending-request-carol').waitFor();
    await testId(b, 'accept-carol').click();
    await testId(b, 'accept-alice').click();
    await Promise.all([
      toast(c, 'Bob Brown accepted your friend request!').waitFor(),
      toast(a, 'Bob Brown accepted your friend request!').waitFor(),
      testId(c, 'request-status-bob').filter({ hasText: 'friends' }).waitFor(),
      testId(a, 'request-status-bob').filter({ hasText: 'friends' }).waitFor(),
      testId(a, 'friend-bob').waitFor(),
      testId(b, 'friend-alice').waitFor(),
      testId(b, 'friend-carol').waitFor(),
    ]);
    await screenshot('accepted', a, b, c);
  });

  test('carol, new, messages bob: "no messages yet" first, then a toast and an unread count for bob', async () => {
    await testId(c, 'friend-bob').click();
    await testId(c, 'no-messages').filter({ hasText: 'No messages yet' }).waitFor();
    await send(c, 'hi bob, carol here');
    await message(c, 'hi bob, carol here').waitFor();
    await toast(b, 'New message from carol: hi bob, carol here').waitFor();
    await testId(b, 'unread-carol').filter({ hasText: '1 unread' }).waitFor();
  });

  test('a message in the open conversation appears in place with its time, scrolled into view, and no toast', async () => {
    await testId(a, 'friend-bob').click();
    await testId(b, 'friend-alice').click();
    await conversationWith(a, 'bob').waitFor();
    await conversationWith(b, 'alice').waitFor();
    assert.equal(new URL(b.page.url()).searchParams.get('chat'), 'alice');
    await send(a, 'hello bob');
    await message(b, 'hello bob').waitFor();
    assert.equal(await toast(b, 'from alice').count(), 0, 'no toast for the conversation being read');
    assert.match(await message(b, 'hello bob').locator('time').getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
    assert.equal(await testId(a, 'message-input').inputValue(), '', 'the draft is cleared once sent');

    // Enough messages to scroll: the newest is in view, also after one more arrives live.
    for (let i = 1; i <= 12; i++) await api.sendMessage(people.alice.access, people.bob.user.id, `filler ${i}`);
    await message(b, 'filler 12').waitFor();
    await send(a, 'the newest one');
    await message(b, 'the newest one').waitFor();
    const scrolled = await b.page.locator('ol.messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    assert.ok(scrolled < 2, `scrolled to the newest message (${scrolled} px left)`);
    await screen('conversation', b);
  });

  test('a reload reopens the conversation in the URL', async () => {
    await b.page.reload();
    await conversationWith(b, 'alice').waitFor();
    await message(b, 'the newest one').waitFor();
    await waitStatus(b.page, /^connected$/);
  });

  test('toasts: one per sender with a count, at most three, narrow, each with a close button, gone by themselves', async () => {
    const carol = await api.login(CAROL.email, CAROL.password);
    for (const text of ['one', 'two', 'three']) await api.sendMessage(carol.access, people.bob.user.id, `carol says ${text}`);
    await testId(b, 'unread-carol').filter({ hasText: '3 unread' }).waitFor();
    await toast(b, 'carol says three').filter({ hasText: '(3 new)' }).waitFor();
    assert.equal(await toast(b, 'from carol').count(), 1, 'one toast for three messages from carol');

    for (const name of ['dave', 'erin', 'frank', 'grace']) await api.sendFriendRequest(people[name].access, people.bob.user.id);
    await testId(b, 'pending-request-grace').waitFor();
    const texts = await testId(b, 'toast').allTextContents();
    assert.equal(texts.length, 3, `at most three toasts: ${texts.join(' | ')}`);
    assert.deepEqual(texts.map((t) => t.split(' ')[0]), ['Erin', 'Frank', 'Grace'], 'the newest three');
    for (const box of await Promise.all((await testId(b, 'toast').all()).map((t) => t.boundingBox()))) {
      assert.ok(box.width <= 320, `a toast is ${box.width} px wide`);
    }
    assert.equal(await testId(b, 'toasts').getAttribute('role'), 'status');
    await screen('toasts', b);
    await toast(b, 'Grace').getByRole('button', { name: 'Dismiss notification' }).click();
    await toast(b, 'Grace').waitFor({ state: 'detached' });
    await Promise.all(['Erin', 'Frank'].map((name) => toast(b, name).waitFor({ state: 'detached', timeout: 10_000 })));
  });

  test('offline: said within 1 s, never "reconnecting in 0 s"; a send is refused and kept; what came meanwhile is marked', async (t) => {
    await b.page.evaluate(() => {
      const status = document.querySelector('[data-testid="connection-status"]');
      window.statusLog = [];
      new MutationObserver(() => window.statusLog.push(status.textContent))
        .observe(status, { subtree: true, childList: true, characterData: true });
    });
    b.phase = 'offline';
    const wentOffline = Date.now();
    await b.context.setOffline(true);
    await waitStatus(b.page, /^offline$/, 1000);
    t.diagnostic(`"offline" shown ${Date.now() - wentOffline} ms after the network was switched off`);
    assert.equal(await testId(b, 'connection-status').getAttribute('role'), 'status');
    // The client's link check (2 s) concludes and it waits for the network: still just "offline".
    await b.page.locator('[data-testid="connection-status"][data-state="backing_off"]').waitFor({ timeout: 10_000 });
    assert.equal(await testId(b, 'connection-status').textContent(), 'offline');
    await screen('offline', b);

    await send(b, 'are you there?');
    await testId(b, 'send-error').filter({ hasText: 'Not sent: you are offline' }).waitFor();
    assert.equal(await testId(b, 'message-input').inputValue(), 'are you there?', 'the draft is kept');

    await send(a, 'first while you were away');
    await send(a, 'second while you were away');
    await message(a, 'second while you were away').waitFor();
    await api.sendFriendRequest(people.heidi.access, people.bob.user.id);
    const whileOffline = await b.page.evaluate(() => window.statusLog);
    assert.deepEqual([...new Set(whileOffline)], ['offline'], 'nothing but "offline" while offline');

    b.phase = 'normal';
    await b.context.setOffline(false);
    await waitStatus(b.page, /^connected$/);
    await testId(b, 'missed-note').filter({ hasText: '2 new messages while you were away' }).waitFor();
    assert.deepEqual(await b.page.locator('[data-testid="message"][data-missed]').evaluateAll((els) => els.map((e) => e.lastChild.textContent)),
      ['first while you were away', 'second while you were away']);
    await b.page.locator('[data-testid="pending-request-heidi"][data-missed]').filter({ hasText: 'new' }).waitFor();
    await toast(b, '1 new friend request while you were away').waitFor();
    await screen('missed-while-away', b);

    await testId(b, 'send-error').getByRole('button', { name: 'Try again' }).click();
    await message(a, 'are you there?').waitFor();
    await testId(b, 'send-error').waitFor({ state: 'detached' });
    assert.equal(await testId(b, 'message-input').inputValue(), '');
    assert.deepEqual(b.errors.filter((e) => e.phase === 'offline'), [], 'the app itself asked nothing of the network while offline');
  });

  test('backend down: sends, searches and sign-ins say so and can be retried; a reload keeps the session', async (t) => {
    const late = await openUser(browser, CAROL);  // carol again, in a fresh context: not signed in
    await late.page.goto(site.url);
    await testId(late, 'login-email').waitFor();
    for (const u of [a, b, c, late]) u.phase = 'outage';
    await backend.stop();
    await Promise.all([a, b, c].map((u) => waitStatus(u.page, /^reconnecting/, 30_000)));
    await screenshot('reconnecting', a, b, c);

    await send(a, 'sent while the server was down');
    await testId(a, 'send-error').filter({ hasText: "Not sent: Can't reach the server" }).waitFor();
    assert.equal(await testId(a, 'message-input').inputValue(), 'sent while the server was down', 'the draft is kept');
    await searchFor(a, 'carol');
    await testId(a, 'search-error').filter({ hasText: "Can't reach the server" }).getByRole('button', { name: 'Try again' }).waitFor();
    await screen('server-down', a);

    await signIn(late.page, CAROL);
    const loginError = testId(late, 'login-error');
    await loginError.filter({ hasText: "Can't reach the server" }).getByRole('button', { name: 'Try again' }).waitFor();
    assert.doesNotMatch(await loginError.textContent(), /Failed to fetch/);
    await screen('sign-in-server-down', late);

    await b.page.reload();
    await testId(b, 'session-restore').filter({ hasText: 'You are still signed in' }).waitFor();
    assert.notEqual(await b.page.evaluate(() => sessionStorage.getItem('numeneon.session')), null, 'the session is kept');
    await screen('session-restore', b);

    await backend.restart();
    // bob's check retries by itself; the others retry what failed.
    await conversationWith(b, 'alice').waitFor({ timeout: 30_000 });
    await Promise.all([a, b, c].map((u) => waitStatus(u.page, /^connected$/, 30_000)));
    await testId(a, 'send-error').getByRole('button', { name: 'Try again' }).click();
    await message(b, 'sent while the server was down').waitFor();
    assert.equal(await testId(a, 'message-input').inputValue(), '');
    await testId(a, 'search-error').getByRole('button', { name: 'Try again' }).click();
    await testId(a, 'search-result-carol').waitFor();
    await testId(late, 'login-error').getByRole('button', { name: 'Try again' }).click();
    await testId(late, 'current-user').filter({ hasText: '@carol' }).waitFor();
    for (const u of [a, b, c, late]) u.phase = 'normal';

    // Retrying connections print nothing but Chromium's own WebSocket lines; each failed request is
    // one a person asked for (alice: a send and a search; carol: a sign-in; bob: the reload's checks).
    const outage = (u) => u.errors.filter((e) => e.phase === 'outage');
    const requests = (u) => outage(u).filter((e) => REQUEST_FAILED.test(e.text)).length;
    assert.deepEqual(outage(c).filter((e) => !WEBSOCKET_FAILED.test(e.text)), [], 'carol, idle');
    for (const u of [a, b, late]) {
      assert.deepEqual(outage(u).filter((e) => !WEBSOCKET_FAILED.test(e.text) && !REQUEST_FAILED.test(e.text)), [], u.username);
    }
    assert.equal(requests(a), 2, 'alice: the failed send and search');
    assert.equal(requests(late), 1, 'carol: the failed sign-in');
    t.diagnostic(`while the server was down: carol (idle) ${outage(c).length} WebSocket lines; alice ${outage(a).length} lines, `
      + `bob ${outage(b).length} (${requests(b)} session checks after the reload)`);
    await late.context.close();
  });

  test('signing out closes the connection and stays signed out', async () => {
    await testId(b, 'logout').click();
    await testId(b, 'login-email').waitFor();
    await waitStatus(b.page, /^signed out$/);
    const live = b.sockets.at(-1);  // (the one cut off while offline never reports its close to the page)
    if (!live.isClosed()) await live.waitForEvent('close');
    assert.equal(new URL(b.page.url()).search, '', 'the conversation left the URL');
    await screen('signed-out', b);
  });

  test('no console errors or failed requests outside the outage, a favicon, and the CSP is in force', async (t) => {
    for (const u of [a, b, c]) {
      assert.deepEqual(unexpectedErrors(u, (e) => e.phase === 'outage'), [], u.username);
      assert.deepEqual(u.httpErrors, [], `${u.username}: no HTTP errors`);
    }
    const icon = await a.page.evaluate(async () => {
      const href = document.querySelector('link[rel="icon"]')?.href;
      return { href, status: href && (await fetch(href)).status };
    });
    assert.equal(icon.status, 200, `favicon ${icon.href}`);
    // The policy is really in force: an injected inline script is refused.
    const violation = await a.page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    }));
    assert.match(violation, /^script-src/);
    assert.equal(await a.page.evaluate(() => window.inlineRan), undefined);
    t.diagnostic(`axe, below serious: ${[...a11y].join(', ') || 'none'}`);
  });
});
