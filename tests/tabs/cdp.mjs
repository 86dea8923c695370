// Headless Chromium driven over raw CDP (a WebSocket to its DevTools endpoint), for the tab tests.
//
// Why not Playwright here: Page.setWebLifecycleState({ state: 'frozen' }) sent through Playwright's
// CDP sessions has no effect on the pages it manages, while on a Chromium launched with
// --remote-debugging-port and driven over raw CDP it freezes the page as the browser itself would
// (timers, ports and lock callbacks stop; its 'freeze' event fires first). Each browser context is a
// profile of its own (its own locks, channels and storage); the pages of one context are its tabs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--remote-debugging-port=0', '--remote-allow-origins=*',
];

export async function launchBrowser({ args = [] } = {}) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'numeneon-tabs-'));
  const proc = spawn(CHROMIUM, [...ARGS, ...args, `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${text}`)), 30_000);
    proc.stderr.on('data', (chunk) => {
      text += chunk;
      const m = /DevTools listening on (ws:\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${text}`)));
  });
  proc.stderr.resume();
  const ws = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let nextId = 0;
  const calls = new Map();
  const sessions = new Map();  // sessionId → (method, params) => void
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw);
    if (msg.id) {
      const call = calls.get(msg.id);
      calls.delete(msg.id);
      if (msg.error) call?.reject(new Error(`${call.method}: ${msg.error.message}`));
      else call?.resolve(msg.result);
    } else if (msg.sessionId) {
      sessions.get(msg.sessionId)?.(msg.method, msg.params);
    }
  });
  const send = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
    const id = ++nextId;
    calls.set(id, { resolve, reject, method });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });

  async function openPage(browserContextId, url, { initScript, onConsole } = {}) {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank', browserContextId });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const waiters = new Set();
    let closed = false;
    sessions.set(sessionId, (method, params) => {
      if (method === 'Runtime.consoleAPICalled') onConsole?.(params.type, params.args.map((a) => a.value ?? a.description).join(' '));
      if (method === 'Runtime.exceptionThrown') onConsole?.('pageerror', params.exceptionDetails?.exception?.description ?? params.exceptionDetails?.text);
      if (method === 'Inspector.detached' || method === 'Inspector.targetCrashed') closed = true;
      for (const w of [...waiters]) if (w.method === method) {
        waiters.delete(w);
        w.resolve(params);
      }
    });
    const event = (method) => new Promise((resolve) => waiters.add({ method, resolve }));
    await send('Page.enable', {}, sessionId);
    await send('Runtime.enable', {}, sessionId);
    if (initScript) await send('Page.addScriptToEvaluateOnNewDocument', { source: initScript }, sessionId);
    const loaded = event('Page.loadEventFired');
    await send('Page.navigate', { url }, sessionId);
    await loaded;

    // Runs `fn(arg)` in the page (an async function is awaited) and returns its JSON-able result.
    async function evaluate(fn, arg) {
      const { result, exceptionDetails } = await send('Runtime.evaluate', {
        expression: `(${fn})(${arg === undefined ? '' : JSON.stringify(arg)})`, awaitPromise: true, returnByValue: true,
      }, sessionId);
      if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value;
    }
    return {
      targetId,
      evaluate,
      get closed() { return closed; },
      freeze: () => send('Page.setWebLifecycleState', { state: 'frozen' }, sessionId),
      unfreeze: () => send('Page.setWebLifecycleState', { state: 'active' }, sessionId),
      bringToFront: () => send('Page.bringToFront', {}, sessionId),
      // Kills the page's renderer process, as a crash would (no pagehide, no goodbye). Not awaited: a
      // dead renderer never answers the command.
      crash() {
        send('Page.crash', {}, sessionId).catch(() => {});
      },
      // As the user closing the tab: the page gets pagehide, then its document goes away.
      close: () => send('Target.closeTarget', { targetId }),
    };
  }

  return {
    async newContext() {
      const { browserContextId } = await send('Target.createBrowserContext', { disposeOnDetach: true });
      return {
        newPage: (url, options) => openPage(browserContextId, url, options),
        close: () => send('Target.disposeBrowserContext', { browserContextId }).catch(() => {}),
      };
    },
    async close() {
      await send('Browser.close').catch(() => {});
      ws.close();
      if (proc.exitCode === null) await new Promise((resolve) => proc.once('exit', resolve));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
