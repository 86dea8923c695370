// The example app in Chromium when its .wasm does not load: the static server answers the module's
// URL with a 404 (not deployed) or with index.html (what a dev server's fallback does). The page must
// not go blank: the user signs in, the indicator says "failed" with the cause in words, "Try again"
// loads again, and everything that is REST (friends, the conversation, sending, search) still works.
// Screenshots go to artifacts/browser/app-wasm/.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Api, startBackend } from '../support/backend.mjs';
import { DIST, checkA11y, ensureBuilt, launch, openUser, shotsDir, signIn, unexpectedErrors, waitStatus } from './app-support.mjs';
import { serveApp } from './static-server.mjs';

const CASES = [
  { wasm: 404, name: 'a 404', user: 'wendy', cause: /the \.wasm at http:\S+\.wasm answered HTTP 404/ },
  { wasm: 'html', name: 'HTML', user: 'xavier', cause: /the \.wasm at http:\S+\.wasm answered .*(HTML|text\/html)/ },
];

describe('example app in Chromium without its .wasm', { timeout: 60_000 }, () => {
  let backend;
  let browser;
  let api;
  let shots;
  let yara;  // everyone's friend, over REST
  const accounts = {};
  const sites = [];

  before(async () => {
    shots = shotsDir('app-wasm');
    const [rebuilt, be] = await Promise.all([ensureBuilt(), startBackend()]);
    backend = be;
    if (rebuilt) console.log('# built examples/react-app/dist');
    api = new Api(backend.baseUrl);
    yara = await api.createUser('yara', { first_name: 'Yara' });
    for (const { user } of CASES) {
      const account = await api.createUser(user);
      const request = await api.sendFriendRequest(account.access, yara.user.id);
      await api.acceptFriendRequest(yara.access, request.id);
      await api.sendMessage(yara.access, account.user.id, `hello ${user}, from yara`);
      accounts[user] = { ...account, username: user };
    }
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await Promise.all(sites.map((s) => s.close()));
    await backend?.stop();
  });

  for (const { wasm, name, user, cause } of CASES) {
    test(`a .wasm answered with ${name}: the app works without live updates and says why`, async () => {
      const site = await serveApp({ root: DIST, config: { apiUrl: backend.baseUrl }, fallback: 'routes', wasm });
      sites.push(site);
      const u = await openUser(browser, accounts[user]);
      const { page } = u;
      await page.goto(site.url);
      await page.getByTestId('login-email').waitFor();  // not blank
      await signIn(page, u);
      await waitStatus(page, /^failed$/);
      const banner = page.getByTestId('connection-error');
      const text = await banner.textContent();
      assert.match(text, /^Live updates are off; everything else still works\. Try again ?Why: /);
      assert.match(text, cause);
      assert.doesNotMatch(text, /@numeneon\/realtime:/, 'the cause in words, without the package prefix');
      await checkA11y(page, `failed (${name})`);
      await page.screenshot({ path: path.join(shots, `failed-${wasm}-${user}.png`) });

      // REST does not need the module: friends, the conversation, sending, searching.
      await page.getByTestId('friend-yara').click();
      await page.getByTestId('message').filter({ hasText: `hello ${user}, from yara` }).waitFor();
      await page.getByTestId('message-input').fill(`sent without live updates (${name})`);
      await page.getByTestId('message-send').click();
      await page.getByTestId('message').filter({ hasText: `sent without live updates (${name})` }).waitFor();
      assert.equal(await page.getByTestId('message-input').inputValue(), '');
      const stored = await api.conversation(yara.access, u.user.id);
      assert.ok(stored.some((m) => m.content === `sent without live updates (${name})`), 'the message reached the server');
      await page.getByTestId('user-search').fill('yara');
      await page.getByTestId('user-search-submit').click();
      await page.getByTestId('request-status-yara').filter({ hasText: 'friends' }).waitFor();

      // "Try again" loads the module again (and fails again: the server still answers the same).
      const reload = page.waitForRequest((req) => req.url().endsWith('.wasm'));
      await banner.getByRole('button', { name: 'Try again' }).click();
      await reload;
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="connection-error"]').length === 1);
      await waitStatus(page, /^failed$/);
      await page.screenshot({ path: path.join(shots, `after-retry-${wasm}-${user}.png`) });

      // The console has the SDK's own line about the load (and, for a 404, Chromium's), nothing else.
      const fromSdk = (e) => /^@numeneon\/realtime: the \.wasm/.test(e.text);
      const missing = (e) => wasm === 404 && /^Failed to load resource: the server responded with a status of 404/.test(e.text);
      assert.deepEqual(unexpectedErrors(u, (e) => fromSdk(e) || missing(e)), []);
      assert.equal(u.errors.filter(fromSdk).length, 2, 'one line per failed load');
      assert.deepEqual(u.httpErrors.filter((e) => !e.url.endsWith('.wasm')), []);
      assert.equal(u.httpErrors.length, wasm === 404 ? 2 : 0);
      await u.context.close();
    });
  }
});
