// End to end: the README's migration guide ("Migrating NUMENEON's WebSocketContext.jsx") in an app laid
// out like NUMENEON (tests/numeneon-app), in headless Chromium, against the reference backend, with two
// users in isolated browser contexts.
//
//   node --test tests/browser/
//
// The guide's ```jsx block is copied verbatim from README.md to
// tests/numeneon-app/src/contexts/WebSocketContext.jsx (gitignored), then the app is built with Vite into a
// temp dir. NODE_ENV=development gives React's development build, where StrictMode really mounts every
// effect twice (a production build ignores StrictMode).
//
// How the browser reaches the backend: the app keeps its real URL rule (on 127.0.0.1 it talks to
// http://localhost:8000 and ws://localhost:8000), while the backend listens on a free port. Chromium is
// launched with --host-resolver-rules="MAP localhost:8000 127.0.0.1:<port>", so its own network stack
// sends every connection for localhost:8000 to the backend. The REST calls and the WebSocket are the
// page's own, not proxied: page.on('websocket') sees the socket, frames go both ways, and a server
// restart reaches the page as a close. Playwright's routing cannot move a socket to another port:
// WebSocketRoute.connectToServer() (playwright-core 1.65) opens the server side from the page to the
// page's own URL, and a relay written in Node would replace the page's socket by Playwright's in-page
// mock, which page.on('websocket') does not see.
//
// Screenshots of each step go to artifacts/browser/migration/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Api, startBackend } from '../support/backend.mjs';
import { buildMigrationApp } from '../support/migration-app.mjs';
import { serveApp } from './static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = path.join(ROOT, 'artifacts', 'browser', 'migration');
const APP_API = 'http://localhost:8000';  // what the app's URL rule picks on 127.0.0.1
const APP_SOCKET = 'ws://localhost:8000/ws/notifications/';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// Chromium's own line for a failed socket attempt: it prints the URL, so with ?token= the token too.
const BROWSER_SOCKET_FAILURE = /^WebSocket connection to '.*' failed/;
const CONNECTED = '[data-testid="connection-status"][data-connected="true"]';
const DISCONNECTED = '[data-testid="connection-status"][data-connected="false"]';

// Resolves when `socket` has received a frame matching `pattern` (already or later).
function frameSeen(socket, pattern) {
  if (socket.frames.some((f) => pattern.test(f))) return Promise.resolve();
  return socket.ws.waitForEvent('framereceived', { predicate: (f) => pattern.test(String(f.payload)) });
}

function closed(socket) {
  return socket.closed ? Promise.resolve() : socket.ws.waitForEvent('close');
}

const storedTokens = (page) => page.evaluate(() => ({
  access: localStorage.getItem('accessToken'),
  refresh: localStorage.getItem('refreshToken'),
}));

describe('the README migration guide in a NUMENEON-shaped app', { timeout: 120_000 }, () => {
  let backend;
  let site;
  let browser;
  let outDir;
  const users = {};  // a, b: { user, email, password, page, sockets, lines, tokens, ... }
  let phase = 'normal';
  let shot = 0;

  async function screenshot(name) {
    const label = String(++shot).padStart(2, '0');
    await Promise.all(Object.entries(users).map(([who, { page }]) => page.screenshot({ path: path.join(SHOTS, `${label}-${name}-${who}.png`) })));
  }

  // Connected, or a clear failure as soon as the SDK reports that it ended the session.
  async function waitConnected(u, timeout) {
    const ended = u.authFailed.then((line) => {
      throw new Error(`user ${u.user.username}: the connection ended instead of reconnecting (${line})`);
    });
    await Promise.race([u.page.locator(CONNECTED).waitFor({ timeout }), ended]);
  }

  before(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    outDir = mkdtempSync(path.join(os.tmpdir(), 'numeneon-migration-'));
    [backend] = await Promise.all([startBackend(), buildMigrationApp(outDir)]);
    site = await serveApp({ root: outDir, config: {} });
    const api = new Api(backend.baseUrl);
    const [alice, bob] = await Promise.all([
      api.createUser('alice', { first_name: 'Alice', last_name: 'Anders' }),
      api.createUser('bob', { first_name: 'Bob', last_name: 'Brown' }),
    ]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP localhost:8000 127.0.0.1:${backend.port}`],
    });
    for (const [who, account] of [['a', alice], ['b', bob]]) {
      const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      let reportAuthFailed;
      const u = {
        user: account.user, email: account.email, password: account.password, page,
        sockets: [],       // { ws, url, frames, closed } per WebSocket the page opened
        lines: [],         // { phase, type, text, fromBrowser } per console line
        tokens: new Set(), // every token the page used or received
        parsing: [],
        authFailed: new Promise((resolve) => { reportAuthFailed = resolve; }),
      };
      page.on('websocket', (ws) => {
        const socket = { ws, url: ws.url(), frames: [], closed: false };
        ws.on('framereceived', (f) => socket.frames.push(String(f.payload)));
        ws.on('close', () => { socket.closed = true; });
        u.sockets.push(socket);
        const token = new URL(ws.url()).searchParams.get('token');
        if (token) u.tokens.add(token);
      });
      page.on('console', (msg) => {
        // Lines the page's code writes carry arguments; Chromium's own (network errors) carry none.
        const line = { phase, type: msg.type(), text: msg.text(), fromBrowser: msg.args().length === 0 };
        u.lines.push(line);
        if (/session ended: auth_failed/.test(line.text)) reportAuthFailed(line.text);
      });
      page.on('pageerror', (err) => u.lines.push({ phase, type: 'pageerror', text: err.message, fromBrowser: false }));
      page.on('response', (res) => {
        if (!res.ok() || !/\/api\/auth\/(login|token\/refresh)\/$/.test(res.url())) return;
        u.parsing.push(res.json().then((body) => {
          for (const t of [body.access, body.refresh]) if (t) u.tokens.add(t);
        }, () => {}));
      });
      users[who] = u;
    }
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  test('both users sign in through the login form and connect to ws://localhost:8000', async () => {
    await Promise.all(Object.values(users).map(async (u) => {
      await u.page.goto(site.url);
      await u.page.getByTestId('login-email').fill(u.email);
      await u.page.getByTestId('login-password').fill(u.password);
      await u.page.getByTestId('login-submit').click();
      await u.page.getByTestId('current-user').filter({ hasText: u.user.username }).waitFor();
      await waitConnected(u);
      const { access } = await storedTokens(u.page);
      assert.equal(u.sockets.length, 1);
      assert.equal(u.sockets[0].url, `${APP_SOCKET}?token=${access}`);
      await frameSeen(u.sockets[0], new RegExp(`"connection_established".*Connected as ${u.user.username}`));
    }));
    await screenshot('signed-in');
  });

  test('a friend request from Alice appears live for Bob', async () => {
    const { a, b } = users;
    await a.page.getByTestId('user-search').fill('bob');
    await a.page.getByTestId('user-search-submit').click();
    await a.page.getByTestId('add-friend-bob').click();
    await a.page.getByTestId('request-status-bob').filter({ hasText: 'request sent' }).waitFor();
    await b.page.getByTestId('pending-request-alice').waitFor();
    await frameSeen(b.sockets[0], /"friend_request"/);
    await screenshot('friend-request');
  });

  test('Bob accepts: Alice gets the friend_accepted toast and both friend lists update', async () => {
    const { a, b } = users;
    await b.page.getByTestId('accept-alice').click();
    await b.page.getByTestId('pending-request-alice').waitFor({ state: 'detached' });
    await b.page.getByTestId('friend-alice').waitFor();
    await a.page.getByTestId('toast').filter({ hasText: 'Bob Brown accepted your friend request!' }).waitFor();
    await a.page.getByTestId('friend-bob').waitFor();
    await a.page.locator('[data-testid="notification"][data-type="friend_accepted"]').waitFor();
    await frameSeen(a.sockets[0], /"friend_accepted"/);
    await screenshot('accepted');
  });

  test('a message from Alice appears live in Bob\'s open conversation', async () => {
    const { a, b } = users;
    await a.page.getByTestId('friend-bob').click();
    await b.page.getByTestId('friend-alice').click();
    await a.page.locator('[data-testid="conversation"][data-with="bob"]').waitFor();
    await b.page.locator('[data-testid="conversation"][data-with="alice"]').waitFor();
    await a.page.getByTestId('message-input').fill('hello bob');
    await a.page.getByTestId('message-send').click();
    await b.page.getByTestId('message').filter({ hasText: 'hello bob' }).waitFor();
    await frameSeen(b.sockets[0], /"new_message".*hello bob/);
    await a.page.getByTestId('message').filter({ hasText: 'hello bob' }).waitFor();
    await screenshot('message');
  });

  test('one WebSocket per page under StrictMode, and every event shown once', async () => {
    const { a, b } = users;
    for (const u of [a, b]) {
      assert.ok(u.lines.some((l) => /Download the React DevTools/.test(l.text)), 'React development build (StrictMode active)');
      assert.equal(u.sockets.length, 1, `${u.user.username}: WebSockets opened`);
      assert.equal(u.sockets[0].closed, false);
    }
    assert.equal(await b.page.getByTestId('message').filter({ hasText: 'hello bob' }).count(), 1);
    assert.equal(await b.page.getByTestId('friend-alice').count(), 1);
    assert.equal(await a.page.getByTestId('friend-bob').count(), 1);
    assert.equal(await a.page.locator('[data-testid="notification"][data-type="friend_accepted"]').count(), 1);
  });

  test('after a backend restart both reconnect, nobody is signed out, and a message still arrives live', async () => {
    const { a, b } = users;
    const everyone = [a, b];
    phase = 'restart';
    const live = everyone.map((u) => u.sockets.at(-1));
    // The downtime lasts until each page's getToken has thrown (its refresh could not reach the server),
    // so every run goes through the transient-failure path instead of depending on the retry jitter.
    const refreshFailed = everyone.map((u) => u.page.waitForEvent('requestfailed', {
      predicate: (r) => r.url() === `${APP_API}/api/auth/token/refresh/`, timeout: 30_000,
    }));
    for (const p of refreshFailed) p.catch(() => {});  // awaited below; no unhandled rejection if a step before fails
    await backend.stop();
    await Promise.all(live.map(closed));
    await Promise.all(everyone.map((u) => u.page.locator(DISCONNECTED).waitFor()));
    await screenshot('backend-down');
    await Promise.all(refreshFailed);
    await backend.restart();
    await Promise.all(everyone.map((u) => waitConnected(u, 30_000)));
    phase = 'after-restart';
    await screenshot('reconnected');

    for (const u of everyone) {
      await u.page.getByTestId('current-user').filter({ hasText: u.user.username }).waitFor();
      assert.equal(await u.page.getByTestId('login-email').count(), 0, `${u.user.username} is still signed in`);
      const open = u.sockets.filter((s) => !s.closed);
      assert.equal(open.length, 1, `${u.user.username}: one open socket`);
      const { access, refresh } = await storedTokens(u.page);
      assert.ok(access && refresh, `${u.user.username}: tokens kept`);
      assert.equal(open[0].url, `${APP_SOCKET}?token=${access}`, 'the socket uses the stored (possibly refreshed) token');
    }
    await a.page.getByTestId('message-input').fill('still here after the restart');
    await a.page.getByTestId('message-send').click();
    await b.page.getByTestId('message').filter({ hasText: 'still here after the restart' }).waitFor();
    await frameSeen(b.sockets.at(-1), /"new_message".*still here after the restart/);
    await screenshot('message-after-restart');
  });

  test('logging out closes the socket and shows the login form', async () => {
    const { b } = users;
    phase = 'logout';
    await b.page.getByTestId('logout').click();
    await b.page.getByTestId('login-email').waitFor();
    await b.page.locator(DISCONNECTED).waitFor();
    await Promise.all(b.sockets.map(closed));
    assert.deepEqual(await storedTokens(b.page), { access: null, refresh: null });
    await screenshot('b-logged-out');
  });

  test('no console line written by the page contains a token, no errors outside the restart', async (t) => {
    for (const u of Object.values(users)) {
      await Promise.all(u.parsing);
      const { access, refresh } = await storedTokens(u.page);
      for (const token of [access, refresh]) if (token) u.tokens.add(token);
      const tokens = [...u.tokens];
      assert.ok(tokens.length >= 2, 'tokens collected');
      const withToken = u.lines.filter((l) => tokens.some((token) => l.text.includes(token)));
      const browserFailures = withToken.filter((l) => l.fromBrowser && l.phase === 'restart' && BROWSER_SOCKET_FAILURE.test(l.text));
      assert.deepEqual(withToken.filter((l) => !browserFailures.includes(l)), [], `${u.user.username}: lines with a token`);
      const errors = u.lines.filter((l) => (l.type === 'error' || l.type === 'pageerror') && l.phase !== 'restart');
      assert.deepEqual(errors, [], `${u.user.username}: errors outside the restart`);
      t.diagnostic(`${u.user.username}: ${u.lines.length} console lines, ${browserFailures.length} of them Chromium's own "WebSocket connection to '…?token=…' failed" while the backend was down`);
    }
  });
});
