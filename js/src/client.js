// The JS driver: owns the WebSocket and one timer, feeds the Wasm core, and delivers routed frames.
//
// Data path: socket 'message' → encodeInto(Wasm buffer) → nrt_ingest (route + schema + dedupe, in Wasm)
// → JSON.parse only if the verdict is "deliver" → the type's handlers (and '*').
// Everything else (state, backoff, auth policy, heartbeat, outbox) is decided by the core; this file
// only carries out its actions and reports what the socket did.
import {
  ActionKind, AuthEvidence, ERROR_CODES, EventKind, HandshakeFailure, REASONS, SEND_RESULTS, STATES,
  TOKEN_REASONS, Verdict,
} from './codes.js';
import { consoleWarnings, createLogger, redact } from './logger.js';
import { DEFAULT_PATH, connectTarget, socketUrlFromBase } from './url.js';

const OPTION_KEYS = new Set([
  'url', 'baseUrl', 'path', 'getToken', 'auth', 'WebSocket', 'reconnect', 'heartbeat', 'dedupe', 'outbox',
  'limits', 'logger', 'authProbeUrl', 'types', 'fetch', 'resume',
]);
const CORE_SECTIONS = ['reconnect', 'heartbeat', 'dedupe', 'outbox', 'limits'];
const CLIENT_EVENTS = new Set(['state', 'open', 'close', 'resync', 'error', 'auth_failed']);
const FIELD_KINDS = new Set(['any', 'string', 'number', 'object', 'array', 'boolean']);
const WASM_ABI = 2;  // bindings/wasm.cpp nrt_abi(): the packed verdict layout this file reads
const OPEN = 1;  // WebSocket.OPEN
const CONNECTING = 0;

export class RealtimeError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
    Object.assign(this, details);
  }
}

function bad(message) {
  throw new TypeError(`@numeneon/realtime: ${message}`);
}

function checkTypeSpec(spec, where) {
  if (spec === null || typeof spec !== 'object') bad(`${where} must be an object`);
  if (typeof spec.name !== 'string' || !spec.name || spec.name === '*') bad(`${where}.name must be a non-empty string other than '*'`);
  if (spec.required != null) {
    if (typeof spec.required !== 'object' || Array.isArray(spec.required)) bad(`${where}.required must be an object of { path: kind }`);
    for (const [path, kind] of Object.entries(spec.required)) {
      if (!FIELD_KINDS.has(kind)) bad(`${where}.required['${path}'] must be one of ${[...FIELD_KINDS].join(', ')}`);
    }
  }
  if (spec.dedupeKey != null && typeof spec.dedupeKey !== 'string') bad(`${where}.dedupeKey must be a dotted path string`);
  if (spec.dedupeContent != null && typeof spec.dedupeContent !== 'boolean') bad(`${where}.dedupeContent must be a boolean`);
}

// Validates everything that can be checked without the Wasm module; the core validates its policies.
export function normalizeOptions(o) {
  if (o === null || typeof o !== 'object') bad('options must be an object');
  for (const key of Object.keys(o)) if (!OPTION_KEYS.has(key)) bad(`unknown option '${key}'`);
  let url;
  if (o.url != null && o.baseUrl != null) bad('pass url or baseUrl, not both');
  if (o.url != null) {
    if (typeof o.url !== 'string' || !/^wss?:\/\//i.test(o.url)) bad('url must be a ws:// or wss:// URL string');
    try {
      url = new URL(o.url).toString();
    } catch {
      bad('url is not a valid URL');
    }
  } else if (o.baseUrl != null) {
    if (typeof o.baseUrl !== 'string') bad('baseUrl must be an http:// or https:// URL string');
    if (o.path != null && typeof o.path !== 'string') bad('path must be a string');
    try {
      url = socketUrlFromBase(o.baseUrl, o.path ?? DEFAULT_PATH);
    } catch (e) {
      bad(`baseUrl: ${e.message}`);
    }
  } else {
    bad('url or baseUrl is required');
  }
  if (o.getToken != null && typeof o.getToken !== 'function') bad('getToken must be a function ({ reason }) => string | Promise<string>');
  const auth = o.auth ?? 'query';
  if (auth !== 'query' && auth !== 'subprotocol') bad(`auth must be 'query' or 'subprotocol', got ${JSON.stringify(auth)}`);
  const WebSocketImpl = o.WebSocket ?? globalThis.WebSocket;
  if (typeof WebSocketImpl !== 'function') bad('no WebSocket implementation: pass { WebSocket } (in Node 20: import { WebSocket } from "ws")');
  const sink = o.logger === undefined ? consoleWarnings : o.logger;
  if (sink !== null && typeof sink !== 'object') bad('logger must be an object with debug/info/warn/error methods, or null');
  if (o.authProbeUrl != null && (typeof o.authProbeUrl !== 'string' || !/^https?:\/\//i.test(o.authProbeUrl))) {
    bad('authProbeUrl must be an http(s):// URL string');
  }
  const fetchImpl = o.fetch ?? globalThis.fetch;
  if (o.authProbeUrl != null && typeof fetchImpl !== 'function') bad('authProbeUrl needs fetch: pass { fetch }');
  const core = {};
  if (o.resume != null) {
    if (typeof o.resume !== 'boolean') bad('resume must be a boolean');
    core.resume = o.resume;
  }
  for (const section of CORE_SECTIONS) {
    if (o[section] == null) continue;
    if (typeof o[section] !== 'object' || Array.isArray(o[section])) bad(`${section} must be an object`);
    core[section] = o[section];
  }
  const types = o.types ?? [];
  if (!Array.isArray(types)) bad('types must be an array of { name, required, dedupeKey, dedupeContent }');
  types.forEach((spec, i) => checkTypeSpec(spec, `types[${i}]`));
  return {
    url, getToken: o.getToken ?? null, auth, WebSocketImpl, sink, authProbeUrl: o.authProbeUrl ?? null,
    fetchImpl, coreJson: JSON.stringify(core), types,
  };
}

const now = () => performance.now();

// Releases the Wasm-side core if a client is garbage-collected without dispose().
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((core) => { if (!core.isDeleted()) core.delete(); })
  : null;

// Per module instance: the shared ingest buffer (JS is single-threaded; each frame is copied in just
// before it is ingested) and a view on it that is renewed when memory grows.
class IngestBuffer {
  constructor(mod) {
    this.mod = mod;
    this.encoder = new TextEncoder();
    this.capacity = 0;
    this.ptr = 0;
    this.view = null;
  }

  // Copies `text` in as UTF-8; returns its byte length, or -1 if it needs more than `max` bytes.
  write(text, max) {
    const need = Math.min(text.length * 3, max + 1);  // UTF-16 → UTF-8 is at most 3 bytes per unit
    if (need > this.capacity) {
      this.ptr = this.mod._nrt_buffer(need);
      this.capacity = need;
      this.view = null;
    }
    const heap = this.mod.HEAPU8;
    if (!this.view || this.view.buffer !== heap.buffer) this.view = heap.subarray(this.ptr, this.ptr + this.capacity);
    const { read, written } = this.encoder.encodeInto(text, this.view);
    return read < text.length || written > max ? -1 : written;
  }
}
const buffers = new WeakMap();

export function createClientFactory(loadModule) {
  return async function createClient(options) {
    const opts = normalizeOptions(options);
    const mod = await loadModule();
    if (mod._nrt_abi() !== WASM_ABI) {
      throw new Error(`@numeneon/realtime: the .wasm (ABI ${mod._nrt_abi()}) does not match this JS (ABI ${WASM_ABI}): rebuild or reinstall the package`);
    }
    const problem = mod.validateOptions(opts.coreJson);
    if (problem) bad(problem);
    if (!buffers.has(mod)) buffers.set(mod, new IngestBuffer(mod));
    const client = new RealtimeClient(mod, opts);
    try {
      for (const spec of opts.types) client.registerType(spec);
    } catch (err) {
      client.dispose();  // a type the core refuses: do not leak the core that was just made
      throw err;
    }
    return client;
  };
}

export class RealtimeClient {
  #mod;
  #core;
  #handle;
  #buffer;
  #opts;
  #log;
  #secrets = [];       // tokens handed to sockets (kept only to redact them from logs)
  #socket = null;
  #socketGen = 0;      // events of an older socket are ignored
  #pendingFailure = null;  // what the socket's 'error' told us before its 'close'
  #timer = null;
  #timerAt = Infinity;
  #listeners = new Map();   // client event → Set(handler)
  // Handler lists are replaced, never mutated (copy-on-write): delivery iterates a snapshot without
  // copying it per frame, and a handler that unsubscribes during delivery does not disturb the loop.
  #routes = new Map();      // route id → { type, handlers: [handler] }
  #wildcard = [];
  #state = 'idle';
  #disposed = false;
  #maxFrameBytes;
  #unbindEnvironment = null;
  #lastToken = null;
  #closeReason = '';

  constructor(mod, opts) {
    this.#mod = mod;
    this.#opts = opts;
    this.#core = mod.createCore(opts.coreJson);
    this.#handle = this.#core.handle();
    this.#buffer = buffers.get(mod);
    this.#maxFrameBytes = this.#core.maxFrameBytes();
    this.#log = createLogger(opts.sink, () => this.#secrets);
    registry?.register(this, this.#core, this);
  }

  // ------------------------------------------------------------ public API

  get state() { return this.#state; }
  get isConnected() { return this.#state === 'open'; }

  connect() {
    if (this.#disposed) return;
    this.#bindEnvironment();
    this.#core.connect(now());
    this.#pump();
  }

  close(code = 1000, reason = '') {
    if (this.#disposed) return;
    if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
      bad(`close code must be 1000 or 3000-4999, got ${code}`);
    }
    this.#closeReason = String(reason);
    this.#core.close(now(), code);
    this.#pump();
  }

  dispose() {
    if (this.#disposed) return;
    if (this.#state !== 'idle' && this.#state !== 'closed') this.close(1000, 'disposed');
    this.#disposed = true;
    this.#unbindEnvironment?.();
    this.#clearTimer();
    this.#abandonSocket(1000, 'disposed', false);  // let the close() above finish its handshake
    this.#listeners.clear();
    this.#routes.clear();
    this.#wildcard = [];
    registry?.unregister(this);
    this.#core.delete();
    this.#core = null;
  }

  subscribe(type, handler) {
    if (typeof type !== 'string' || !type) bad('subscribe(type, handler): type must be a non-empty string');
    if (typeof handler !== 'function') bad('subscribe(type, handler): handler must be a function');
    if (this.#disposed) return () => {};
    // Lists hold the handlers themselves; each unsubscribe removes one occurrence, once.
    let subscribed = true;
    const remove = (list) => {
      const i = list.indexOf(handler);
      return [...list.slice(0, i), ...list.slice(i + 1)];
    };
    if (type === '*') {
      this.#wildcard = [...this.#wildcard, handler];
      this.#core.setWildcard(true);
      return () => {
        if (!subscribed || this.#disposed) return;
        subscribed = false;
        this.#wildcard = remove(this.#wildcard);
        this.#core.setWildcard(this.#wildcard.length > 0);
      };
    }
    let route = this.#core.findRoute(type);
    if (route < 0) route = this.registerType({ name: type });
    let entry = this.#routes.get(route);
    if (!entry) this.#routes.set(route, entry = { type, handlers: [] });
    entry.handlers = [...entry.handlers, handler];
    this.#core.addSubscriber(route);
    return () => {
      if (!subscribed || this.#disposed) return;
      subscribed = false;
      entry.handlers = remove(entry.handlers);
      this.#core.removeSubscriber(route);
    };
  }

  once(type, handler) {
    if (typeof handler !== 'function') bad('once(type, handler): handler must be a function');
    const off = this.subscribe(type, (data, frame) => {
      off();
      handler(data, frame);
    });
    return off;
  }

  on(event, handler) {
    if (!CLIENT_EVENTS.has(event)) bad(`on(event): unknown event '${event}' (one of ${[...CLIENT_EVENTS].join(', ')})`);
    if (typeof handler !== 'function') bad('on(event, handler): handler must be a function');
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, set = new Set());
    const entry = { handler };
    set.add(entry);
    return () => set.delete(entry);
  }

  // Registers (or re-declares) a frame type: required fields the core enforces, and its dedupe key.
  registerType(spec) {
    checkTypeSpec(spec, 'registerType(spec)');
    if (this.#disposed) return -1;
    const route = this.#core.registerType(JSON.stringify(spec));
    if (route < 0) bad(`registerType: ${this.#core.lastError()}`);
    return route;
  }

  send(type, data, { volatile = false } = {}) {
    if (typeof type !== 'string' || !type) bad('send(type, data): type must be a non-empty string');
    if (this.#disposed) return 'dropped';
    const result = SEND_RESULTS[this.#core.send(now(), JSON.stringify({ type, data }), !!volatile)];
    this.#pump();
    return result;
  }

  // Marks an event as already seen (e.g. it came back in a REST response), so the pushed frame that
  // races it is dropped as a duplicate. Returns false if the frame was already delivered.
  claim(type, id) {
    if (this.#disposed) return false;
    const route = this.#core.findRoute(type);
    if (route < 0) bad(`claim: unknown type '${type}'`);
    return this.#core.claim(route, JSON.stringify(id), now());
  }

  stats() {
    if (this.#disposed) return null;
    const s = this.#core.stats();
    return { ...s, state: STATES[s.state] };
  }

  // Network and visibility hints (wired to window/document automatically in browsers).
  setOnline(online) {
    if (this.#disposed) return;
    this.#core.handleNetwork(now(), !!online);
    this.#pump();
  }

  wake() {
    if (this.#disposed) return;
    this.#core.handleWake(now());
    this.#pump();
  }

  // ------------------------------------------------------------ core driving

  #pump() {
    const core = this.#core;
    if (!core) return;
    for (;;) {
      const a = core.pollAction();
      if (a.kind >= 0) {
        this.#perform(a);
        continue;
      }
      const e = core.pollEvent();
      if (e.kind < 0) break;
      this.#report(e);
      if (!this.#core) return;  // a handler disposed the client
    }
    this.#schedule();
  }

  #schedule() {
    const at = this.#core.nextDeadline();
    if (at < 0) {
      this.#clearTimer();
      return;
    }
    if (this.#timer && at >= this.#timerAt) return;  // the armed timer fires first; the core re-checks then
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      if (this.#disposed) return;
      this.#core.handleTimeout(now(), Math.random());
      this.#pump();
    }, Math.max(0, Math.ceil(at - now())));
  }

  #clearTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }

  #perform(a) {
    switch (a.kind) {
      case ActionKind.openSocket:
        this.#open(TOKEN_REASONS[a.tokenReason], a.attempt, a.resumeFrom);
        break;
      case ActionKind.closeSocket:
        this.#onCoreClose(a.closeCode, a.payload);
        break;
      case ActionKind.sendFrame:
        if (this.#socket?.readyState === OPEN) this.#socket.send(a.payload);
        break;
      case ActionKind.probeAuth:
        this.#probe();
        break;
    }
  }

  #report(e) {
    switch (e.kind) {
      case EventKind.stateChanged: {
        const change = {
          from: STATES[e.from], to: STATES[e.to], reason: REASONS[e.reason], attempt: e.attempt,
          delayMs: e.delayMs, closeCode: e.closeCode || undefined,
        };
        this.#state = change.to;
        this.#log.debug(`state ${change.from} → ${change.to} (${change.reason}${change.to === 'backing_off' ? `, retry ${change.attempt} in ${change.delayMs} ms` : ''})`);
        this.#emit('state', change);
        if (change.to === 'open') this.#emit('open', change);
        if (change.to === 'closed' && change.reason === 'auth_failed') {
          this.#log.warn('session ended: auth_failed');
          this.#emit('auth_failed', change);
        }
        if (change.to === 'closed' || change.to === 'idle') this.#unbindEnvironment?.();
        break;
      }
      case EventKind.resync:
        this.#emit('resync', { downtimeMs: e.downtimeMs });
        break;
      case EventKind.error:
        this.#error(ERROR_CODES[e.error] ?? 'unknown', e.detail);
        break;
    }
  }

  #emit(event, payload) {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const { handler } of [...set]) {
      try {
        handler(payload);
      } catch (err) {
        if (event === 'error') this.#log.error(`an 'error' listener threw: ${err?.message ?? err}`);
        else this.#error('handler_threw', `a '${event}' listener threw: ${err?.message ?? err}`, { cause: err });
      }
    }
  }

  #error(code, message, details = {}) {
    const err = new RealtimeError(code, redact(message, this.#secrets), details);
    if (this.#listeners.get('error')?.size) this.#emit('error', err);
    else this.#log.warn(`${code}: ${message}`);
  }

  // ------------------------------------------------------------ socket

  async #open(reason, attempt, resumeFrom) {
    const gen = ++this.#socketGen;
    this.#pendingFailure = null;
    let token = null;
    if (this.#opts.getToken) {
      try {
        token = await this.#opts.getToken({ reason, attempt });
      } catch (err) {
        if (gen !== this.#socketGen || this.#disposed) return;
        this.#error('token_provider_failed', `getToken threw: ${err?.message ?? err}`, { cause: err });
        token = null;
      }
      if (gen !== this.#socketGen || this.#disposed) return;  // closed or superseded while waiting
      if (token == null || token === '') {
        this.#log.info('getToken has no session: ending');
        this.#core.handleAuthEvidence(now(), AuthEvidence.noSession, Math.random());
        this.#pump();
        return;
      }
      if (typeof token !== 'string') {
        this.#error('token_provider_failed', `getToken must return a string, got ${typeof token}`);
        this.#core.handleAuthEvidence(now(), AuthEvidence.noSession, Math.random());
        this.#pump();
        return;
      }
      this.#lastToken = token;
      if (!this.#secrets.includes(token)) this.#secrets = [token, ...this.#secrets].slice(0, 4);
    }
    const target = connectTarget(this.#opts.url, token, this.#opts.auth, resumeFrom);
    this.#log.debug(`connecting to ${target.url} (attempt ${attempt}, token reason ${reason})`);
    let ws;
    try {
      ws = target.protocols ? new this.#opts.WebSocketImpl(target.url, target.protocols) : new this.#opts.WebSocketImpl(target.url);
    } catch (err) {
      this.#error('socket_error', `cannot open the socket: ${err?.message ?? err}`);
      this.#core.handleHandshakeFailure(now(), HandshakeFailure.unknown, 0, Math.random());
      this.#pump();
      return;
    }
    this.#socket = ws;
    try {
      ws.binaryType = 'arraybuffer';
    } catch { /* some implementations fix it */ }
    ws.addEventListener('open', () => {
      if (gen !== this.#socketGen) return;
      this.#core.handleOpen(now());
      this.#pump();
    });
    ws.addEventListener('message', (ev) => {
      if (gen === this.#socketGen) this.#ingest(ev.data);
    });
    // Always listening for 'error': Node's ws throws on an unhandled one (e.g. close() during the handshake).
    ws.addEventListener('error', (ev) => {
      if (gen !== this.#socketGen) return;
      const message = String(ev?.message ?? ev?.error?.message ?? '');
      const status = /Unexpected server response: (\d{3})/.exec(message);
      const refused = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH/.test(`${message} ${ev?.error?.code ?? ''}`);
      if (status) this.#pendingFailure = { what: HandshakeFailure.httpStatus, status: Number(status[1]) };
      else if (refused) this.#pendingFailure = { what: HandshakeFailure.refused, status: 0 };
      this.#log.debug(`socket error: ${message || 'unknown'}`);
    });
    ws.addEventListener('close', (ev) => {
      if (gen !== this.#socketGen) return;
      this.#socket = null;
      this.#emit('close', { code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
      const failure = this.#pendingFailure;
      this.#pendingFailure = null;
      if (failure && STATES[this.#core.state()] === 'connecting') {
        this.#core.handleHandshakeFailure(now(), failure.what, failure.status, Math.random());
      } else {
        this.#core.handleClose(now(), ev.code, Math.random());
      }
      this.#pump();
    });
  }

  // The core asked for the socket to go. After close() (core state `closing`) we keep listening for
  // the close event, which completes it; otherwise the core has already moved on: abort and forget.
  #onCoreClose(code, reason) {
    if (STATES[this.#core.state()] === 'closing') {
      if (this.#socket) {
        this.#shutdown(this.#socket, code, this.#closeReason || reason);
      } else {
        this.#socketGen++;  // the token was still pending: nothing to wait for
        this.#core.handleClose(now(), code, Math.random());
      }
      return;
    }
    this.#abandonSocket(code, reason, true);
  }

  // Forgets the socket (its later events are stale). `abort`: drop it at once (a dead or hung link)
  // rather than close it politely.
  #abandonSocket(code, reason, abort) {
    this.#socketGen++;
    const ws = this.#socket;
    this.#socket = null;
    if (ws) this.#shutdown(ws, code, reason, abort);
  }

  #shutdown(ws, code, reason, abort = false) {
    try {
      if (abort && typeof ws.terminate === 'function') ws.terminate();
      else if (ws.readyState === CONNECTING || ws.readyState === OPEN) ws.close(code, String(reason).slice(0, 120));
    } catch {
      ws.terminate?.();
    }
  }

  #ingest(data) {
    const core = this.#core;
    if (typeof data !== 'string') {
      const size = data?.byteLength ?? data?.size ?? 0;
      this.#error('binary_frame', `binary frame of ${size} bytes ignored: the protocol is JSON text`);
      return;
    }
    const t = now();
    const len = this.#buffer.write(data, this.#maxFrameBytes);
    if (len < 0) {
      this.#error('frame_too_large', `frame larger than limits.maxFrameBytes (${this.#maxFrameBytes} bytes) dropped`);
      return;
    }
    const packed = this.#mod._nrt_ingest(this.#handle, t, len);
    const verdict = packed & 7;
    if (packed & 0x1000) this.#pump();  // the frame settled something (a resumed re-open's resync)
    if (verdict === Verdict.deliver) {
      this.#deliver((packed >>> 13) - 1, data);
    } else if (verdict === Verdict.rejected) {
      const code = ERROR_CODES[(packed >>> 3) & 31] ?? 'unknown';
      const route = (packed >>> 13) - 1;
      const type = route >= 0 ? core.routeName(route) : undefined;
      let message = `frame rejected: ${code}`;
      if (code === 'invalid_payload') {
        const field = core.requiredPath(route, (packed >>> 8) & 15);
        message = `'${type}' frame without a valid ${field}: dropped`;
      } else if (code === 'unknown_type') {
        message = 'frame of a type nobody subscribes to and no schema declares: dropped';
      }
      this.#error(code, message, { type });
    }
  }

  #deliver(route, text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (err) {
      this.#error('invalid_json', `frame is not valid JSON: ${err.message}`);
      return;
    }
    // connection_established and error carry their fields at the top level: hand over the frame itself.
    const data = frame.data !== undefined ? frame.data : frame;
    const handlers = route >= 0 ? this.#routes.get(route)?.handlers : undefined;
    if (handlers) for (let i = 0; i < handlers.length; i++) this.#call(handlers[i], data, frame);
    const wildcard = this.#wildcard;
    for (let i = 0; i < wildcard.length; i++) this.#call(wildcard[i], data, frame);
  }

  #call(handler, data, frame) {
    try {
      handler(data, frame);
    } catch (err) {
      this.#error('handler_threw', `a '${frame.type}' handler threw: ${err?.message ?? err}`, { type: frame.type, cause: err });
    }
  }

  async #probe() {
    const { authProbeUrl, fetchImpl } = this.#opts;
    if (!authProbeUrl || !this.#lastToken) return;
    const gen = this.#socketGen;
    let evidence = null;
    try {
      const res = await fetchImpl(authProbeUrl, { headers: { Authorization: `Bearer ${this.#lastToken}` } });
      if (res.status === 401 || res.status === 403) evidence = AuthEvidence.probeUnauthorized;
      else if (res.ok) evidence = AuthEvidence.probeOk;
    } catch {
      return;  // network error: the server is down, which says nothing about the token
    }
    if (evidence === null || this.#disposed || gen !== this.#socketGen) return;
    this.#core.handleAuthEvidence(now(), evidence, Math.random());
    this.#pump();
  }

  #bindEnvironment() {
    if (this.#unbindEnvironment || typeof window === 'undefined' || typeof window.addEventListener !== 'function') return;
    const online = () => this.setOnline(true);
    const offline = () => this.setOnline(false);
    const visible = () => {
      if (document.visibilityState === 'visible') this.wake();
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', visible);
    if (typeof navigator !== 'undefined' && navigator.onLine === false) this.setOnline(false);
    this.#unbindEnvironment = () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', visible);
      this.#unbindEnvironment = null;
    };
  }
}
