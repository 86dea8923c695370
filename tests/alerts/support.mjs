// Shared by the alerts' Chromium tests: the example app built into a temp folder, the reference backend with alice, bob and carol, and pages whose Notification, audio, focus and visibility are instrumented.
//
// Frames come from the reference backend (REST calls cause them), not a local ws server: the tests
// then exercise what NUMENEON would run (the real frames and ids the tabs coordinate on, the app's
// bell and its isVisible/onClick wiring), and the backend starts in about a second.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Api, startBackend } from '../support/backend.mjs';
import { ROOT, launch, signIn, waitStatus } from '../browser/app-support.mjs';
import { serveApp } from '../browser/static-server.mjs';

const APP = path.join(ROOT, 'examples', 'react-app');
const PEOPLE = [['alice', { first_name: 'Alice', last_name: 'Anders' }], ['bob', { first_name: 'Bob', last_name: 'Brown' }], ['carol', { first_name: 'Carol', last_name: 'Clark' }]];

// Runs in every page before the app. Playwright pages are never hidden (headless or not), so
// visibility is stubbed: document.visibilityState/hidden read a flag that __setHidden(bool) switches,
// dispatching visibilitychange as the browser would (the flag survives a reload, in sessionStorage).
// Notification is wrapped to record each one (and `permission` stubbed when the test says so, since
// Playwright can grant a permission but not deny it, and a real prompt never answers in headless);
// window.focus and AudioBufferSourceNode.start are recorded. Records go to Node through the
// __alertsRecord binding, which, unlike evaluate(), gives the page no user activation.
function instrument({ permission, answer }) {
  const record = (kind, detail = {}) => window.__alertsRecord({ kind, ...detail });
  let hidden = sessionStorage.getItem('alerts-test:hidden') === '1';
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  window.__setHidden = (value) => {
    hidden = value;
    sessionStorage.setItem('alerts-test:hidden', value ? '1' : '0');
    document.dispatchEvent(new Event('visibilitychange'));
  };

  const Real = window.Notification;
  let state = permission;  // 'real': whatever the browser context says
  const status = new EventTarget();
  Object.defineProperty(status, 'state', { get: () => (state === 'default' ? 'prompt' : state) });
  window.__notifications = [];
  class Recorded extends Real {
    constructor(title, options = {}) {
      super(title, options);
      window.__notifications.push(this);
      record('notification', { title, body: options.body, tag: options.tag, renotify: options.renotify === true });
    }
    close() {
      record('closed', { tag: this.tag });
      super.close();
    }
    static get permission() {
      return state === 'real' ? Real.permission : state;
    }
    static requestPermission(callback) {
      record('request', { during: window.event?.type ?? null, activation: navigator.userActivation?.isActive ?? null });
      if (state === 'real') return Real.requestPermission(callback);
      if (state === 'default') {
        state = answer;
        status.dispatchEvent(new Event('change'));
      }
      callback?.(state);
      return Promise.resolve(state);
    }
  }
  window.Notification = Recorded;
  if (state !== 'real') {
    const query = navigator.permissions.query.bind(navigator.permissions);
    navigator.permissions.query = (descriptor) => (descriptor?.name === 'notifications' ? Promise.resolve(status) : query(descriptor));
  }

  const focus = window.focus.bind(window);
  window.focus = () => {
    record('focus');
    focus();
  };
  const RealContext = window.AudioContext;
  window.AudioContext = class extends RealContext {
    constructor(...args) {
      super(...args);
      record('audio_context', { activation: navigator.userActivation?.hasBeenActive ?? null });
    }
  };
  const { connect, start } = AudioBufferSourceNode.prototype;
  AudioBufferSourceNode.prototype.connect = function connectRecorded(destination, ...rest) {
    if (destination instanceof GainNode) this.recordedGain = destination.gain.value;
    return connect.call(this, destination, ...rest);
  };
  AudioBufferSourceNode.prototype.start = function startRecorded(...args) {
    record('sound', { gain: this.recordedGain, seconds: this.buffer?.duration });
    return start.apply(this, args);
  };
}

// The app (built into a temp folder, so a concurrent run of tests/browser keeps its dist/), the
// backend, alice, bob and carol (bob is friends with both), the site and the browser.
export async function startWorld() {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'numeneon-alerts-app-'));
  const { build } = await import('vite');
  const [backend] = await Promise.all([startBackend(), build({ root: APP, logLevel: 'warn', build: { outDir, emptyOutDir: true } })]);
  const api = new Api(backend.baseUrl);
  const people = {};
  for (const [name, profile] of PEOPLE) people[name] = await api.createUser(name, profile);
  for (const friend of [people.alice, people.carol]) {
    await api.sendFriendRequest(friend.access, people.bob.user.id);
    const [request] = await api.pendingRequests(people.bob.access);
    await api.acceptFriendRequest(people.bob.access, request.id);
  }
  const site = await serveApp({ root: outDir, config: { apiUrl: backend.baseUrl }, fallback: 'routes' });
  const browser = await launch();
  return {
    api, people, site, browser,
    say: (from, text) => api.sendMessage(people[from].access, people.bob.user.id, text),
    async stop() {
      await browser.close();
      await site.close();
      await backend.stop();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

// A browser context (its tabs share storage and locks) whose pages are instrumented.
// permission: 'real' (the context's own: grantPermissions sets it), or 'default' / 'denied' stubbed;
// `answer` is what a stubbed prompt answers. `events`: what every tab recorded, with its page.
export async function openContext(world, { permission = 'real', answer = 'granted', grant = false } = {}) {
  const context = await world.browser.newContext({ viewport: { width: 1000, height: 700 } });
  if (grant) await context.grantPermissions(['notifications'], { origin: world.site.url });
  const events = [];
  const errors = [];
  await context.exposeBinding('__alertsRecord', ({ page }, event) => {
    events.push({ ...event, page, at: Date.now() });
  });
  await context.addInitScript(instrument, { permission, answer });
  const of = (kind, page) => events.filter((e) => e.kind === kind && (!page || e.page === page));
  return {
    context, events, errors, of,
    async tab(user = 'bob') {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      await page.goto(world.site.url);
      await signIn(page, world.people[user]);
      await waitStatus(page, /^connected$/);
      await page.locator('a[data-testid^="friend-"]').first().waitFor();  // the names the app's formatter uses
      return page;
    },
    // Resolves once `count` events of `kind` are recorded (of `page`, when given).
    async waitFor(kind, count, { page, timeout = 10_000 } = {}) {
      const until = Date.now() + timeout;
      while (of(kind, page).length < count) {
        if (Date.now() > until) throw new Error(`waited ${timeout} ms for ${count} '${kind}' events, have ${of(kind, page).length}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return of(kind, page);
    },
    clear: () => events.splice(0),
    close: () => context.close(),
  };
}

export const setHidden = (page, hidden) => page.evaluate((value) => window.__setHidden(value), hidden);
export const settle = (ms = 600) => new Promise((resolve) => setTimeout(resolve, ms));
