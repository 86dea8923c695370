// The README's drop-in WebSocketContext (the migration guide) in the NUMENEON-shaped fixture app, unchanged,
// with three tabs of one signed-in user: one socket for the three, every live event in each, and the
// socket moving to another tab when the one holding it is closed. React's development build, so
// StrictMode mounts every effect twice.
//
// Built by tests/support/migration-app.mjs (the guide's ```jsx block copied verbatim from
// README.md into tests/numeneon-app), served by tests/browser's static server; Chromium maps localhost:8000 (what
// the app's URL rule picks on 127.0.0.1) to the counting relay in front of the reference backend, which
// passes REST through and counts the sockets per user.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { Api, startBackend } from '../support/backend.mjs';
import { buildMigrationApp } from '../support/migration-app.mjs';
import { signIn } from '../browser/app-support.mjs';
import { serveApp } from '../browser/static-server.mjs';
import { startCountingProxy } from './proxy.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const CONNECTED = '[data-testid="connection-status"][data-connected="true"]';

describe('the migration guide\'s app with three tabs of one user', { timeout: 120_000 }, () => {
  let backend;
  let proxy;
  let site;
  let browser;
  let outDir;
  let accounts;
  const tabs = [];   // { page, sockets: [], lines: [] }

  before(async () => {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'numeneon-migration-tabs-'));
    [backend] = await Promise.all([startBackend(), buildMigrationApp(outDir)]);
    proxy = await startCountingProxy(`ws://127.0.0.1:${backend.port}`);
    site = await serveApp({ root: outDir, config: {} });
    const api = new Api(backend.baseUrl);
    accounts = {
      api,
      alice: await api.createUser('alice', { first_name: 'Alice', last_name: 'Anders' }),
      bob: await api.createUser('bob', { first_name: 'Bob', last_name: 'Brown' }),
      carol: await api.createUser('carol', { first_name: 'Carol', last_name: 'Cole' }),
    };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP localhost:8000 127.0.0.1:${proxy.port}`] });
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await proxy?.close();
    await backend?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  const bob = () => proxy.user(accounts.bob.user.id);

  test('signed in once, three tabs: one socket for all of them, under StrictMode', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const tab = { page, sockets: [], lines: [] };
      page.on('websocket', (ws) => tab.sockets.push(ws));
      page.on('console', (msg) => tab.lines.push({ type: msg.type(), text: msg.text() }));
      page.on('pageerror', (err) => tab.lines.push({ type: 'pageerror', text: err.message }));
      await page.goto(site.url);
      if (i === 0) await signIn(page, accounts.bob);  // the others restore the session from localStorage
      await page.getByTestId('current-user').filter({ hasText: 'bob' }).waitFor();
      await page.locator(CONNECTED).waitFor();
      tabs.push(tab);
    }
    assert.equal(bob().open, 1, 'one socket open');
    assert.equal(bob().opened, 1, 'one socket ever');
    assert.equal(tabs.reduce((n, t) => n + t.sockets.length, 0), 1, 'one WebSocket opened by the three pages');
    assert.ok(tabs[0].lines.some((l) => /Download the React DevTools/.test(l.text)), 'React development build (StrictMode active)');
  });

  test('a friend request appears live in every tab', async () => {
    await accounts.api.sendFriendRequest(accounts.alice.access, accounts.bob.user.id);
    for (const { page } of tabs) await page.getByTestId('pending-request-alice').waitFor();
    assert.equal(bob().received.get('friend_request'), 1, 'sent once by the server');
  });

  test('the tab holding the socket is closed: another takes over, and live events still reach both', async () => {
    const holder = tabs.find((t) => t.sockets.length === 1);
    await holder.page.close();
    tabs.splice(tabs.indexOf(holder), 1);
    await proxy.until(() => bob().opened === 2 && bob().open === 1, 10_000, 'the new holder\'s socket');
    for (const { page } of tabs) await page.locator(CONNECTED).waitFor();
    await accounts.api.sendFriendRequest(accounts.carol.access, accounts.bob.user.id);
    for (const { page } of tabs) await page.getByTestId('pending-request-carol').waitFor();
    for (const { page } of tabs) assert.equal(await page.getByTestId('pending-request-alice').count(), 1, 'nothing twice');
    assert.equal(tabs.reduce((n, t) => n + t.sockets.length, 0), 1, 'one of the two opened it');
  });

  test('no errors in the pages\' consoles', () => {
    for (const tab of tabs) assert.deepEqual(tab.lines.filter((l) => l.type === 'error' || l.type === 'pageerror'), []);
  });
});
