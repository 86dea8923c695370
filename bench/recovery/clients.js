// Recovery benchmark: the five clients under test, each with its library's defaults, behind one interface.
// They all get the same WebSocket class: ws's own, counting every connection attempt with its time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { WebSocket as WsWebSocket } from 'ws';
import { createClient } from '../../js/src/node.js';
import PartySocket from 'partysocket/ws';
import { now } from './server.js';
import { seedLoop } from './seed-loop.js';

const require = createRequire(import.meta.url);
// Read from the file: partysocket's "exports" does not expose its package.json.
const version = (pkg) => JSON.parse(readFileSync(new URL(`../../node_modules/${pkg}/package.json`, import.meta.url))).version;

// Times of every socket this process constructed: an attempt is a `new WebSocket` (a TCP connect,
// refused while the server is down, a handshake once it is up), whichever library makes it.
export const attempts = [];
export class CountingWebSocket extends WsWebSocket {
  constructor(...args) {
    super(...args);
    attempts.push(now());
  }
}

// A fresh copy of reconnecting-websocket per instance: its default minReconnectionDelay is
// `1000 + Math.random() * 4000` drawn once when the module loads, so instances sharing one copy
// would share one draw; every real user loads the library in their own page and gets their own.
function freshReconnectingWebSocket() {
  const file = require.resolve('reconnecting-websocket');
  delete require.cache[file];
  return require(file);
}

// Each factory: ({ url, source, on }) → { close(), stats?() }, where source.current is the token the
// app holds now and `on` takes open(), leftOpen() (an open link was lost), authFailed(), gaveUp(),
// frame(type) and resync(downtimeMs). `announcesGaps`: the library tells the app it may have missed frames.
// Peers get the token in the URL, as the server reads it; the URL-provider peers re-read it each attempt.
export const CLIENTS = {
  sdk: {
    announcesGaps: true,
    label: `@numeneon/realtime ${require('../../js/package.json').version}`,
    async create({ url, source, on }) {
      let cached = source.current;
      const client = await createClient({
        url, WebSocket: CountingWebSocket, logger: null,
        // 'initial'/'reconnect': the token the app has is fine; anything else: fetch a fresh one.
        getToken: ({ reason }) => (reason === 'initial' || reason === 'reconnect' ? cached : (cached = source.current)),
      });
      client.on('open', () => on.open());
      client.on('state', (s) => { if (s.from === 'open') on.leftOpen(); });
      client.on('auth_failed', () => on.authFailed());
      client.on('resync', ({ downtimeMs }) => on.resync(downtimeMs));
      client.subscribe('new_message', () => on.frame('new_message'));
      client.subscribe('bench_done', () => on.frame('bench_done'));
      client.connect();
      return { close: () => client.dispose(), stats: () => client.stats() };
    },
  },
  rws: {
    label: `reconnecting-websocket ${version('reconnecting-websocket')}`,
    create({ url, source, on }) {
      const ReconnectingWebSocket = freshReconnectingWebSocket();
      const ws = new ReconnectingWebSocket(() => `${url}?token=${source.current}`, undefined, { WebSocket: CountingWebSocket });
      eventTargetHooks(ws, on);
      return { close: () => ws.close() };
    },
  },
  partysocket: {
    label: `partysocket ${version('partysocket')}`,
    create({ url, source, on }) {
      const ws = new PartySocket(() => `${url}?token=${source.current}`, undefined, { WebSocket: CountingWebSocket });
      eventTargetHooks(ws, on);
      return { close: () => ws.close() };
    },
  },
  sockette: {
    label: `sockette ${version('sockette')}`,
    create({ url, source, on }) {
      // sockette constructs the global WebSocket (there is no option for it).
      globalThis.WebSocket = CountingWebSocket;
      const Sockette = require('sockette');
      let open = false;
      const s = new Sockette(`${url}?token=${source.current}`, {
        onopen: () => { open = true; on.open(); },
        onclose: () => { if (open) on.leftOpen(); open = false; },
        onmessage: (ev) => on.frame(JSON.parse(ev.data).type),
        onmaximum: () => on.gaveUp(),
      });
      return { close: () => s.close() };
    },
  },
  seed: {
    label: "the seed's own loop",
    create({ url, source, on }) {
      let open = false;
      const loop = seedLoop({
        url, token: source.current, WebSocket: CountingWebSocket,
        onOpen: () => { open = true; on.open(); },
        onClose: () => { if (open) on.leftOpen(); open = false; },
        onMessage: (frame) => on.frame(frame.type),
        onGiveUp: () => on.gaveUp(),
      });
      return { close: () => loop.close() };
    },
  },
};

// reconnecting-websocket and partysocket dispatch close for failed attempts too: only a close after
// an open is a lost link.
function eventTargetHooks(ws, on) {
  let open = false;
  ws.addEventListener('open', () => { open = true; on.open(); });
  ws.addEventListener('close', () => { if (open) on.leftOpen(); open = false; });
  ws.addEventListener('message', (ev) => on.frame(JSON.parse(ev.data).type));
}

export const KINDS = Object.keys(CLIENTS);
