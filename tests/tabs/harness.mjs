// What the tab tests and the tab benchmark share: the reference backend (resume extension on) behind
// the counting proxy, a static server for the test page and the SDK's own files (unbundled), headless
// Chromium over raw CDP, and helpers to open tabs signed in as a user and to push events to them.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, startBackend } from '../support/backend.mjs';
import { launchBrowser } from './cdp.mjs';
import { startCountingProxy } from './proxy.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PAGE = path.join(ROOT, 'tests', 'tabs', 'page');
const SDK = path.join(ROOT, 'js');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

async function serveTestPage() {
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    const [root, rel] = pathname.startsWith('/sdk/') ? [SDK, pathname.slice(5)] : [PAGE, pathname === '/' ? 'index.html' : pathname.slice(1)];
    const file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

export async function startWorld({ users = ['alice', 'bob'] } = {}) {
  const backend = await startBackend({ env: { NUMENEON_RESUME: '1' } });
  const [proxy, site, browser] = await Promise.all([
    startCountingProxy(`ws://127.0.0.1:${backend.port}`), serveTestPage(), launchBrowser(),
  ]);
  const api = new Api(backend.baseUrl);
  const accounts = {};
  for (const name of users) accounts[name] = await api.createUser(name, { first_name: name[0].toUpperCase() + name.slice(1) });
  const contexts = new Set();
  const consoleLines = [];

  // A browser profile of its own (a context): its pages share locks, channels and storage.
  async function profile() {
    const context = await browser.newContext();
    contexts.add(context);
    return {
      // A tab with a started client; `options` are createClient's (url defaults to the proxy's).
      async tab(account, options = {}, { initScript } = {}) {
        const page = await context.newPage(site.url, {
          initScript, onConsole: (type, text) => consoleLines.push({ type, text }),
        });
        await page.evaluate((o) => window.tab.start(o), { url: proxy.url, token: account?.access ?? null, ...options });
        return page;
      },
      close: () => context.close(),
    };
  }

  let messages = 0;
  return {
    backend, proxy, site, browser, api, accounts, consoleLines, profile,
    // A new_message from `from` to `to`: `to`'s sockets get one frame each. Returns the message.
    message: (from, to, content = `message ${++messages}`) => api.sendMessage(accounts[from].access, accounts[to].user.id, content),
    async close() {
      for (const c of contexts) await c.close();
      await browser.close();
      await Promise.all([proxy.close(), site.close()]);
      await backend.stop();
    },
  };
}

export const roleOf = (page) => page.evaluate(() => window.tab.client.role);
export const view = (page) => page.evaluate(() => window.tab.view());

// The pages' roles, once every page is open and exactly one of them holds the connection.
export async function settled(pages, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(pages.map((p) => p.evaluate(async () => {
      await window.tab.until(() => window.tab.client.state === 'open');
      return { role: window.tab.client.role, changes: window.tab.roles.length };
    })));
    const roles = views.map((v) => v.role);
    if (roles.filter((r) => r === 'holder').length === 1 && roles.every((r) => r === 'holder' || r === 'follower')) return roles;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no single holder: ${roles.join(', ')}`);
    await Promise.race(pages.map((p, i) => p.evaluate(([n, ms]) => window.tab.until(() => window.tab.roles.length > n, ms), [views[i].changes, left])))
      .catch(() => {});
  }
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
