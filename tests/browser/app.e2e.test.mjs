// End to end in headless Chromium: the built example app (examples/react-app) under a strict CSP,
// against the reference backend, with two users in isolated browser contexts.
//
//   node --test tests/browser/            (builds the app first if dist/ is missing or stale)
//
// The backend URL reaches the built app through /config.js, which the static server answers.
// Screenshots of each step go to artifacts/browser/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Api, startBackend } from '../support/backend.mjs';
import { CSP, serveApp } from './static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP = path.join(ROOT, 'examples', 'react-app');
const DIST = path.join(APP, 'dist');
const SHOTS = path.join(ROOT, 'artifacts', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// What Chromium itself logs while the backend is down; allowed only during the restart step.
const NETWORK_NOISE = /WebSocket connection to .* failed|net::ERR_CONNECTION_REFUSED|Failed to load resource/;

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const st = statSync(entry);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

// Builds the app unless dist/ is newer than everything it is built from.
async function ensureBuilt() {
  if (!existsSync(path.join(ROOT, 'js', 'wasm', 'numeneon_core.wasm'))) {
    throw new Error('js/wasm/numeneon_core.wasm is missing: run `bash scripts/build.sh` first');
  }
  const sources = ['src', 'public', 'index.html', 'vite.config.js', 'package.json'].map((p) => path.join(APP, p))
    .concat([path.join(ROOT, 'js', 'src'), path.join(ROOT, 'js', 'wasm')]);
  const built = existsSync(path.join(DIST, 'index.html')) ? statSync(path.join(DIST, 'index.html')).mtimeMs : 0;
  if (built > Math.max(...sources.map(newestMtime))) return false;
  const { build } = await import('vite');
  await build({ root: APP, logLevel: 'warn' });
  return true;
}

describe('example app in Chromium', { timeout: 120_000 }, () => {
  let backend;
  let site;
  let browser;
  const users = {};   // a, b: { user, email, password, page, errors }
  let phase = 'normal';
  let shot = 0;

  async function screenshot(name) {
    shot++;
    const label = String(shot).padStart(2, '0');
    await Promise.all(['a', 'b'].map((who) => users[who].page.screenshot({ path: path.join(SHOTS, `${label}-${name}-${who}.png`) })));
  }

  const status = (page) => page.getByTestId('connection-status');
  const waitStatus = (page, pattern, timeout) => page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector('[data-testid="connection-status"]')?.textContent ?? ''),
    pattern.source, { timeout, polling: 'raf' },
  );

  before(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    const [rebuilt, be] = await Promise.all([ensureBuilt(), startBackend()]);
    backend = be;
    if (rebuilt) console.log('# built examples/react-app/dist');
    site = await serveApp({ root: DIST, config: { apiUrl: backend.baseUrl } });
    const api = new Api(backend.baseUrl);
    const [alice, bob] = await Promise.all([
      api.createUser('alice', { first_name: 'Alice', last_name: 'Anders' }),
      api.createUser('bob', { first_name: 'Bob', last_name: 'Brown' }),
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    for (const [who, account] of [['a', alice], ['b', bob]]) {
      const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const errors = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' || /Content.Security.Policy/i.test(msg.text())) errors.push({ phase, text: msg.text() });
      });
      page.on('pageerror', (err) => errors.push({ phase, text: `pageerror: ${err.message}` }));
      const sockets = [];
      page.on('websocket', (ws) => sockets.push(ws));
      users[who] = { ...account, page, errors, sockets };
    }
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  test('both users sign in on the CSP page and connect', async () => {
    await Promise.all(Object.values(users).map(async ({ page, email, password }) => {
      const res = await page.goto(site.url);
      assert.equal(res.headers()['content-security-policy'], CSP);
      await page.getByTestId('login-email').fill(email);
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-submit').click();
      await waitStatus(page, /^connected$/);
    }));
    await screenshot('signed-in');
  });

  test('a friend request appears in the other window without a reload', async () => {
    const { a, b } = users;
    await a.page.getByTestId('user-search').fill('bob');
    await a.page.getByTestId('user-search-submit').click();
    await a.page.getByTestId('add-friend-bob').click();
    await a.page.getByTestId('request-status-bob').filter({ hasText: 'request sent' }).waitFor();
    await b.page.getByTestId('pending-request-alice').waitFor();
    await b.page.getByTestId('toast').filter({ hasText: 'Alice Anders sent you a friend request' }).waitFor();
    await screenshot('friend-request');
  });

  test('accepting shows the sender a toast and both friend lists update', async () => {
    const { a, b } = users;
    await b.page.getByTestId('accept-alice').click();
    await a.page.getByTestId('toast').filter({ hasText: 'Bob Brown accepted your friend request!' }).waitFor();
    await a.page.getByTestId('friend-bob').waitFor();
    await b.page.getByTestId('friend-alice').waitFor();
    await b.page.getByTestId('pending-request-alice').waitFor({ state: 'detached' });
    await screenshot('accepted');
  });

  test('a message appears in the open conversation of the receiver', async () => {
    const { a, b } = users;
    await a.page.getByTestId('friend-bob').click();
    await b.page.getByTestId('friend-alice').click();
    await a.page.locator('[data-testid="conversation"][data-with="bob"]').waitFor();
    await b.page.locator('[data-testid="conversation"][data-with="alice"]').waitFor();
    await a.page.getByTestId('message-input').fill('hello bob');
    await a.page.getByTestId('message-send').click();
    await b.page.getByTestId('message').filter({ hasText: 'hello bob' }).waitFor();
    await a.page.getByTestId('message').filter({ hasText: 'hello bob' }).waitFor();
    await screenshot('message');
  });

  test('a backend restart shows reconnecting, then connected, and messages still arrive', async () => {
    const { a, b } = users;
    phase = 'restart';
    const label = String(++shot).padStart(2, '0');
    const reconnecting = Object.entries(users).map(async ([who, { page }]) => {
      await waitStatus(page, /^reconnecting/, 30_000);
      await page.screenshot({ path: path.join(SHOTS, `${label}-reconnecting-${who}.png`) });
    });
    await backend.restart();
    await Promise.all(reconnecting);
    await Promise.all([a, b].map(({ page }) => waitStatus(page, /^connected$/, 30_000)));
    phase = 'after-restart';
    await screenshot('reconnected');
    await a.page.getByTestId('message-input').fill('still here after the restart');
    await a.page.getByTestId('message-send').click();
    await b.page.getByTestId('message').filter({ hasText: 'still here after the restart' }).waitFor();
    assert.equal(await status(a.page).textContent(), 'connected');
    await screenshot('message-after-restart');
  });

  test('signing out closes the connection and stays signed out', async () => {
    const { b } = users;
    await b.page.getByTestId('logout').click();
    await b.page.getByTestId('login-email').waitFor();
    await waitStatus(b.page, /^signed out$/);
    const open = b.sockets.filter((ws) => !ws.isClosed());
    await Promise.all(open.map((ws) => ws.waitForEvent('close')));
    assert.ok(b.sockets.length >= 2, 'one socket before the restart, one after');
    await screenshot('b-signed-out');
  });

  test('no console errors, no CSP violations (only connection failures while the backend was down)', async (t) => {
    for (const who of ['a', 'b']) {
      const { errors } = users[who];
      const unexpected = errors.filter((e) => !(e.phase === 'restart' && NETWORK_NOISE.test(e.text)));
      assert.deepEqual(unexpected, [], `user ${who}`);
      t.diagnostic(`user ${who}: ${errors.length} connection-failure messages while the backend was down`);
    }
    // The policy is really in force: an injected inline script is refused.
    const violation = await users.a.page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    }));
    assert.match(violation, /^script-src/);
    assert.equal(await users.a.page.evaluate(() => window.inlineRan), undefined);
  });
});
