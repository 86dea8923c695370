// Shared by the example app's Chromium tests (app*.test.mjs): the build, the browser, one page per user
// that records what the console said, and axe-core.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP = path.join(ROOT, 'examples', 'react-app');
export const DIST = path.join(APP, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// What Chromium itself prints when a WebSocket cannot connect; no page code can keep it quiet.
export const WEBSOCKET_FAILED = /^WebSocket connection to '.*' failed/;
// What Chromium prints for a fetch that failed (the server down) or answered an error status.
export const REQUEST_FAILED = /^Failed to load resource: /;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const st = statSync(entry);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

// Builds the app unless dist/ is newer than everything it is built from.
export async function ensureBuilt() {
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

export const launch = () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

// A folder of screenshots under artifacts/browser/, emptied first.
export function shotsDir(name) {
  const dir = path.join(ROOT, 'artifacts', 'browser', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

// A page of its own (own storage) that records console errors, page errors and HTTP errors, each with
// the test's phase at the time: `user.phase = 'outage'` labels what follows.
export async function openUser(browser, account = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const user = { ...account, context, phase: 'normal', errors: [], httpErrors: [], sockets: [] };
  user.watch = (page) => {
    page.setDefaultTimeout(20_000);
    page.on('console', (msg) => {
      if (msg.type() === 'error' || /Content.Security.Policy/i.test(msg.text())) user.errors.push({ phase: user.phase, text: msg.text() });
    });
    page.on('pageerror', (err) => user.errors.push({ phase: user.phase, text: `pageerror: ${err.message}` }));
    page.on('response', (res) => {
      if (res.status() >= 400) user.httpErrors.push({ phase: user.phase, status: res.status(), url: res.url() });
    });
    page.on('websocket', (ws) => user.sockets.push(ws));
    return page;
  };
  user.page = user.watch(await context.newPage());
  return user;
}

// The errors of `user` that `allowed(error)` does not explain.
export const unexpectedErrors = (user, allowed = () => false) => user.errors.filter((e) => !allowed(e));

export function waitStatus(page, pattern, timeout = 20_000) {
  return page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector('[data-testid="connection-status"]')?.textContent ?? ''),
    pattern.source, { timeout, polling: 'raf' },
  );
}

export async function signIn(page, { email, password }) {
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

// axe-core 4 on the whole page (injected with evaluate, which the page's CSP does not govern): no
// serious or critical violation. Returns the others' ids for the test's diagnostics.
export async function checkA11y(page, screen) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(severe, [], `axe on the ${screen} screen`);
  return violations.map((v) => `${v.impact} ${v.id}`);
}
