// The React layer (@numeneon/realtime/react) against a real `ws` server: one socket per provider,
// queued subscriptions, stable subscribe, clean shutdown, SSR without window/WebSocket/Wasm.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Component, StrictMode, createElement as h, useEffect, version as reactVersion } from 'react';
import { renderToString } from 'react-dom/server';
import { WebSocket, WebSocketServer } from 'ws';
import {
  WebSocketProvider, useClientEvent, useConnectionState, useEvent, useWebSocket,
} from '@numeneon/realtime/react';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// A WebSocket constructor that counts the sockets the client opens.
function countingWebSocket() {
  const Counted = class extends WebSocket {
    constructor(...args) {
      super(...args);
      Counted.created.push(this);
    }
  };
  Counted.created = [];
  return Counted;
}

// A bare ws server: records connections, pushes frames on demand, echoes what clients send.
async function startServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const connections = [];
  wss.on('connection', (ws, req) => {
    const conn = { ws, url: req.url, closed: once(ws, 'close').then(([code]) => code) };
    connections.push(conn);
    ws.on('message', (raw) => ws.send(JSON.stringify({ type: 'echo', data: JSON.parse(String(raw)) })));
    ws.send(JSON.stringify({ type: 'connection_established', message: 'Connected as tester', user_id: 1 }));
  });
  return {
    url: `ws://127.0.0.1:${wss.address().port}/ws/notifications/`,
    connections,
    open: () => connections.filter((c) => c.ws.readyState === WebSocket.OPEN),
    nextConnection: () => once(wss, 'connection').then(() => connections.at(-1)),
    push: (type, data) => { for (const c of connections) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(JSON.stringify({ type, data })); },
    stop: () => new Promise((resolve) => {
      for (const c of connections) c.ws.terminate();
      wss.close(resolve);
    }),
  };
}

// Records what a component saw at each commit; until() resolves once a commit matches.
function recorder() {
  const seen = [];
  const waiters = new Set();
  return {
    seen,
    get last() { return seen.at(-1); },
    record(value) {
      seen.push(value);
      for (const w of [...waiters]) if (w.pred(value)) { waiters.delete(w); w.resolve(value); }
    },
    // Resolves with the first commit at index >= `from` that matches.
    until(pred, from = 0) {
      const hit = seen.slice(from).find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve) => waiters.add({ pred, resolve }));
    },
  };
}

function Probe({ rec }) {
  const ws = useWebSocket();
  const change = useConnectionState();
  useEffect(() => rec.record({ ...ws, change }));
  return h('span', { id: 'state' }, `${ws.state}:${ws.isConnected}`);
}

// The package supports React 18 and 19; tests/react18 runs this file again on 18 (NRT_REACT_MAJOR=18).
test(`runs on a supported React (${reactVersion})`, () => {
  const major = process.env.NRT_REACT_MAJOR;
  assert.match(reactVersion, major ? new RegExp(`^${major}\\.`) : /^(18|19)\./);
});

// ------------------------------------------------------------------ SSR (runs before any DOM exists)

describe('server rendering', () => {
  test('renderToString of a provider tree touches no window, WebSocket or Wasm', () => {
    assert.equal(typeof globalThis.window, 'undefined');
    assert.equal(typeof globalThis.WebSocket, 'undefined');
    const Forbidden = class { constructor() { throw new Error('a socket was opened during SSR'); } };
    const getToken = () => { throw new Error('getToken was called during SSR'); };
    function Consumer() {
      const { isConnected, state, subscribe } = useWebSocket();
      const change = useConnectionState();
      useEvent('new_message', () => {});
      useEffect(() => subscribe('friend_request', () => {}), [subscribe]);
      return h('p', null, `${state} ${isConnected} ${change.to}`);
    }
    const html = renderToString(
      h(WebSocketProvider, { url: 'ws://127.0.0.1:1/ws/notifications/', getToken, WebSocket: Forbidden },
        h(Consumer)),
    );
    assert.equal(html, '<p>idle false idle</p>');
    assert.equal(typeof globalThis.window, 'undefined');
  });

  test('hooks outside a provider throw a clear error', () => {
    function Orphan() {
      useWebSocket();
      return null;
    }
    assert.throws(() => renderToString(h(Orphan)), /useWebSocket\(\) must be used inside <WebSocketProvider>/);
  });
});

// ------------------------------------------------------------------ DOM (jsdom)

describe('in a DOM', () => {
  let dom;
  let createRoot;
  let flushSync;
  let server;
  const roots = new Set();

  before(async () => {
    const { JSDOM } = await import('jsdom');
    dom = new JSDOM('<!doctype html><html><body></body></html>');
    globalThis.window = dom.window;
    globalThis.document = dom.window.document;
    Object.defineProperty(globalThis, 'navigator', { value: dom.window.navigator, configurable: true, writable: true });
    ({ createRoot } = await import('react-dom/client'));
    ({ flushSync } = await import('react-dom'));
  });

  after(() => {
    delete globalThis.window;
    delete globalThis.document;
    delete globalThis.navigator;
    dom.window.close();
  });

  async function withServer(fn) {
    server = await startServer();
    try {
      await fn(server);
    } finally {
      for (const root of roots) flushSync(() => root.unmount());
      roots.clear();
      await server.stop();
    }
  }

  function mount(element) {
    const root = createRoot(document.createElement('div'));
    roots.add(root);
    flushSync(() => root.render(element));
    return {
      // flushSync commits and runs the effects (and their cleanups) before it returns.
      update: (next) => flushSync(() => root.render(next)),
      unmount: () => {
        roots.delete(root);
        flushSync(() => root.unmount());
      },
    };
  }

  test('StrictMode opens exactly one socket per provider', () => withServer(async (srv) => {
    const WS = countingWebSocket();
    const rec = recorder();
    const connected = srv.nextConnection();
    mount(h(StrictMode, null,
      h(WebSocketProvider, { url: srv.url, WebSocket: WS, getToken: () => 'tok' }, h(Probe, { rec }))));
    await connected;
    const { client } = await rec.until((v) => v.isConnected);
    // A round trip on the one socket: anything opened alongside it would have connected by now too.
    const echoed = new Promise((resolve) => client.once('echo', resolve));
    client.send('ping', { n: 1 });
    await echoed;
    assert.equal(WS.created.length, 1);
    assert.equal(srv.connections.length, 1);
    assert.equal(srv.open().length, 1);
  }));

  test('subscribe from the context works before the client exists and stays referentially stable', () => withServer(async (srv) => {
    const rec = recorder();
    const identities = new Set();
    let deliver;
    const received = new Promise((resolve) => { deliver = resolve; });
    // NUMENEON's FriendsContext, verbatim in shape.
    function Friends() {
      const { subscribe, isConnected } = useWebSocket();
      identities.add(subscribe);
      useEffect(() => subscribe('friend_request', (data) => deliver(data)), [subscribe]);
      return h('i', null, String(isConnected));
    }
    const connected = srv.nextConnection();
    mount(h(StrictMode, null,
      h(WebSocketProvider, { url: srv.url, WebSocket, getToken: () => 'tok' }, h(Friends), h(Probe, { rec }))));
    assert.equal(rec.last.client, null, 'the client loads asynchronously; the subscription is queued');
    await connected;
    await rec.until((v) => v.isConnected);
    const payload = { request_id: 7, from_user: { id: 2, username: 'alice', first_name: 'A', last_name: 'B' } };
    srv.push('friend_request', payload);
    assert.deepEqual(await received, payload);
    assert.ok(rec.seen.length >= 3, 'several renders happened (idle, connecting, open)');
    assert.equal(identities.size, 1);
  }));

  test('useEvent keeps its handler fresh without re-subscribing, and re-subscribes when the type changes', () => withServer(async (srv) => {
    const rec = recorder();
    const got = [];
    let signal = null;
    const next = () => new Promise((resolve) => { signal = resolve; });
    function Listener({ type, tag }) {
      useEvent(type, (data) => {
        got.push(`${tag}:${type}:${data.n}`);
        signal?.();
      });
      return null;
    }
    const tree = (type, tag) => h(WebSocketProvider, { url: srv.url, WebSocket, getToken: () => 'tok' },
      h(Listener, { type, tag }), h(Probe, { rec }));
    const view = mount(tree('alpha', 'first'));
    const { client } = await rec.until((v) => v.isConnected);
    let subscribeCalls = 0;
    const subscribe = client.subscribe.bind(client);
    client.subscribe = (...args) => { subscribeCalls++; return subscribe(...args); };

    let arrived = next();
    srv.push('alpha', { n: 1 });
    await arrived;

    view.update(tree('alpha', 'second'));  // new handler identity, same type
    assert.equal(subscribeCalls, 0);
    arrived = next();
    srv.push('alpha', { n: 2 });
    await arrived;

    view.update(tree('beta', 'second'));
    assert.equal(subscribeCalls, 1);
    arrived = next();
    srv.push('alpha', { n: 3 });  // no longer subscribed: dropped before 'beta' arrives (frames are ordered)
    srv.push('beta', { n: 4 });
    await arrived;
    assert.deepEqual(got, ['first:alpha:1', 'second:alpha:2', 'second:beta:4']);
  }));

  test('a new getToken or an equal options object each render does not reconnect; a new url does', () => withServer(async (srv) => {
    const rec = recorder();
    const WS = countingWebSocket();
    const tree = (token, url = srv.url) => h(WebSocketProvider, {
      url, WebSocket: WS, getToken: () => token, reconnect: { initialDelayMs: 50, minDelayMs: 10 },
    }, h(Probe, { rec }));
    const first = srv.nextConnection();
    const view = mount(tree('one'));
    const conn1 = await first;
    assert.match(conn1.url, /token=one/);
    const { client } = await rec.until((v) => v.isConnected);

    view.update(tree('two'));  // cleanups run inside flushSync: a re-creation would have closed it
    assert.equal(rec.last.client, client);
    assert.notEqual(client.stats(), null, 'the client is not disposed');
    assert.equal(WS.created.length, 1);

    // The server drops the socket: the reconnect asks the latest getToken.
    const second = srv.nextConnection();
    const mark = rec.seen.length;
    conn1.ws.terminate();
    assert.match((await second).url, /token=two/);
    await rec.until((v) => v.change.from === 'connecting' && v.isConnected, mark);

    const third = srv.nextConnection();
    view.update(tree('two', `${srv.url}?v=2`));
    assert.equal(client.stats(), null, 'the old client is disposed');
    assert.equal(await srv.connections[1].closed, 1000);
    assert.match((await third).url, /v=2/);
    await rec.until((v) => v.isConnected && v.client !== client);
  }));

  test('enabled=false closes with 1000 and stays down', () => withServer(async (srv) => {
    const rec = recorder();
    const WS = countingWebSocket();
    const tree = (enabled) => h(WebSocketProvider, { url: srv.url, WebSocket: WS, getToken: () => 'tok', enabled },
      h(Probe, { rec }));
    const connected = srv.nextConnection();
    const view = mount(tree(true));
    const conn = await connected;
    const { client } = await rec.until((v) => v.isConnected);
    const states = [];
    client.on('state', (s) => states.push(s));

    const mark = rec.seen.length;
    view.update(tree(false));
    assert.equal(await conn.closed, 1000);
    assert.equal(client.stats(), null, 'disposed: no timer or socket can bring it back');
    assert.deepEqual(states.map((s) => [s.from, s.to, s.reason]), [['open', 'closed', 'disposed']],
      "the client's own last transition, then silence");
    const down = await rec.until((v) => v.client === null, mark);
    assert.equal(down.change.to, 'closed');
    assert.equal(down.change.reason, 'disposed', 'what the hooks show is the real transition, not an invented one');
    assert.equal(down.isConnected, false);

    view.update(tree(false));  // re-rendering while disabled changes nothing
    assert.equal(WS.created.length, 1);
    assert.equal(srv.open().length, 0);
  }));

  test('a Wasm core that does not load never takes the page down: failed, with the error, and retry() loads again', () => withServer(async (srv) => {
    const rec = recorder();
    const lines = [];
    const logger = { error: (m) => lines.push(m) };
    let source = new TextEncoder().encode('<!doctype html><html>');  // what a dev server's fallback page looks like
    const heard = [];
    let pageRenders = 0;
    function Page() {
      const { on, state } = useWebSocket();
      useEffect(() => on('error', (e) => heard.push(e.code)), [on]);
      pageRenders++;
      return h('main', null, `still here: ${state}`);
    }
    const tree = () => h(WebSocketProvider, { url: srv.url, WebSocket, getToken: () => 'tok', logger, wasm: source },
      h(Page), h(Probe, { rec }));
    const view = mount(tree());
    const failed = await rec.until((v) => v.state === 'failed');
    assert.equal(failed.isConnected, false);
    assert.equal(failed.error.code, 'wasm_load_failed');
    assert.match(failed.error.message, /not WebAssembly/);
    assert.deepEqual(heard, ['wasm_load_failed']);
    assert.equal(lines.length, 1, 'one clear line');
    assert.match(lines[0], /not WebAssembly/);
    const renders = pageRenders;
    assert.ok(renders >= 2, 'the page rendered, and again with the failure');
    source = undefined;  // the package's own module
    view.update(tree());
    flushSync(() => failed.retry());
    await rec.until((v) => v.isConnected);
  }));

  test('invalid options reach the nearest error boundary', async () => {
    let caught;
    const shown = new Promise((resolve) => { caught = resolve; });
    class Boundary extends Component {
      state = { error: null };
      static getDerivedStateFromError(error) { return { error }; }
      componentDidCatch(error) { caught(error); }
      render() { return this.state.error ? null : this.props.children; }
    }
    const root = createRoot(document.createElement('div'), { onCaughtError: () => {} });
    flushSync(() => root.render(h(Boundary, null, h(WebSocketProvider, { url: 'http://not-a-socket/', WebSocket }))));
    const error = await shown;
    assert.equal(error.name, 'TypeError');
    assert.match(error.message, /url must be a ws:\/\/ or wss:\/\/ URL/);
    flushSync(() => root.unmount());
  });

  test('unmount closes with 1000 and leaves no open socket', () => withServer(async (srv) => {
    const rec = recorder();
    let resyncs = 0;
    function Resync() {
      useClientEvent('resync', () => resyncs++);
      return null;
    }
    const connected = srv.nextConnection();
    const view = mount(h(WebSocketProvider, { url: srv.url, WebSocket, getToken: () => 'tok' }, h(Resync), h(Probe, { rec })));
    const conn = await connected;
    const { client } = await rec.until((v) => v.isConnected);
    view.unmount();
    assert.equal(await conn.closed, 1000);
    assert.equal(client.stats(), null);
    assert.equal(srv.open().length, 0);
    assert.equal(resyncs, 0);
  }));
});

// ------------------------------------------------------------------ types

for (const [module, moduleResolution] of [['esnext', 'bundler'], ['nodenext', 'nodenext']]) test(`types: the hooks are typed by EventMap (moduleResolution ${moduleResolution})`, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'numeneon-react-types-'));
  try {
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }');
    await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, module, moduleResolution, target: 'es2022',
        jsx: 'react-jsx', skipLibCheck: false, types: [],
      },
      files: ['ok.tsx', 'bad.tsx'],
    }));
    await writeFile(path.join(dir, 'ok.tsx'), `
import { useEffect } from 'react';
import { WebSocketProvider, useEvent, useWebSocket, useConnectionState, useClientEvent } from '@numeneon/realtime/react';
export function Inbox() {
  useEvent('new_message', (data) => { const name: string = data.sender.username; void name; });
  useEvent('*', (_data, frame) => { const t: string = frame.type; void t; });
  useClientEvent('resync', (e) => { const ms: number = e.downtimeMs; void ms; });
  const { subscribe, isConnected, state, send, client } = useWebSocket();
  useEffect(() => subscribe('friend_request', (data) => { const id: number = data.request_id; void id; }), [subscribe]);
  const change = useConnectionState();
  const delay: number = change.delayMs;
  void delay; void send; void client?.stats();
  return <p>{String(isConnected)} {state}</p>;
}
export const App = () => (
  <WebSocketProvider baseUrl="http://x" enabled getToken={async ({ reason }) => reason} reconnect={{ maxDelayMs: 5000 }}>
    <Inbox />
  </WebSocketProvider>
);
`);
    await writeFile(path.join(dir, 'bad.tsx'), `
import { useEvent, WebSocketProvider } from '@numeneon/realtime/react';
export function Bad() {
  // @ts-expect-error: new_message has no 'title'
  useEvent('new_message', (data) => data.title);
  // @ts-expect-error: unknown option
  return <WebSocketProvider url="ws://x" bogus={1} />;
}
`);
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = promisify(execFile);
    await run(process.execPath, [tsc, '-p', dir]).catch((err) => {
      assert.fail(`tsc reported errors:\n${err.stdout}${err.stderr}`);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
