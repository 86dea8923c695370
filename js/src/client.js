// The JS driver: owns the WebSockets and one timer, feeds the Wasm core, and delivers routed frames.
//
// Data path: socket 'message' → encodeInto(the module's scratch buffer) → nrt_ingest (route + schema +
// dedupe, in Wasm) → JSON.parse only if the verdict is "deliver" → the type's handlers (and '*').
// Everything else (state, backoff, auth policy, heartbeat, outbox, limits) is decided by the core; this
// file carries out its actions and reports what each socket did, tagged with the socket's number, and
// never reads the core's state to decide what to report.
//
// Re-entrancy: any method may be called from any callback (a handler, a listener, getToken, the
// logger). The core is freed only when no call into it is on the stack.
import {
  ActionKind, AuthEvidence, CORE_ERRORS, EventKind, FIELD_KINDS, Feature, OPTIONS, OPTION_NAMES, OptionError, OptionErrorSlot,
  Packed, REASONS, SEND_RESULTS, STATES, STAT_NAMES, Slot, SocketError, StatSlot, TOKEN_REASONS, TokenOutcome,
  UnreadReason, Verdict,
} from './codes.js';
import { consoleWarnings, createLogger, rateLimiter, redact, redactError } from './logger.js';

const PREVIEW_CHARS = 160;
import { DEFAULT_PATH, connectTarget, socketUrlFromBase } from './url.js';

const OPTION_KEYS = new Set([
  'url', 'baseUrl', 'path', 'getToken', 'auth', 'WebSocket', 'reconnect', 'heartbeat', 'dedupe', 'outbox',
  'limits', 'logger', 'authProbeUrl', 'types', 'fetch', 'resume', 'wasm', 'debug', 'share', 'shareKey',
]);
// The core's numeric options by section, from codes.js: { reconnect: { initialDelayMs: 0, ... }, ... }.
const SECTIONS = {};
OPTION_NAMES.forEach((name, slot) => {
  const [section, key] = name.includes('.') ? name.split('.') : [null, name];
  if (section) (SECTIONS[section] ??= {})[key] = slot;
});
const SPEC_KEYS = new Set(['name', 'required', 'dedupeKey', 'dedupeContent']);
const CLIENT_EVENTS = new Set([
  'state', 'open', 'close', 'resync', 'error', 'auth_failed', 'network', 'frame', 'features', 'presence', 'typing', 'read',
]);
// Frames the client reads for itself: the server's features, and the extensions' state (docs/PROTOCOL.md).
const OWN_TYPES = ['connection_established', 'presence', 'presence_snapshot', 'typing', 'message_read'];
const FEATURE_BITS = { presence: Feature.presence, typing: Feature.typing, read_receipts: Feature.readReceipts };
const OPEN = 1;  // WebSocket.OPEN
const CONNECTING = 0;
const CLOSE_TIMEOUT_MS = 1000;  // Node's ws: a server that sent its close frame but keeps TCP open is let go after this
const SECRETS_KEPT = 8;

// The error codes the driver reports itself (the core's come from codes.js).
export const JS_ERRORS = ['handler_threw', 'token_provider_failed', 'socket_error', 'wasm_load_failed'];

// nrt_ingest's packed decision, by name.
export function decodeVerdict(packed) {
  const field = (packed >>> Packed.fieldShift) & Packed.fieldMask;
  return {
    verdict: VERDICTS[packed & Packed.verdictMask],
    error: CORE_ERRORS[(packed >>> Packed.errorShift) & Packed.errorMask],
    field: field === Packed.noField ? null : field,
    events: (packed & Packed.eventsBit) !== 0,
    route: (packed >>> Packed.routeShift) - 1,
  };
}
const VERDICTS = Object.keys(Verdict);

// What a connection indicator shows, from the latest state change and the network view: one of
// 'idle', 'connecting', 'connected', 'reconnecting' (with retryAt, a Date.now() time, when a retry is
// scheduled), 'offline', 'signed_out', 'closed' or 'failed' (the Wasm core did not load).
export function connectionStatus(change, online = true) {
  const { to, reason } = change;
  if (to === 'failed') return { status: 'failed' };
  if (to === 'closed' && reason === 'auth_failed') return { status: 'signed_out' };
  if (to === 'closed' || to === 'closing') return { status: 'closed' };
  if (to === 'idle') return { status: 'idle' };
  if (!online || reason === 'offline') return { status: 'offline' };
  if (to === 'open') return { status: 'connected' };
  if (to === 'backing_off') return { status: 'reconnecting', retryAt: (change.at ?? Date.now()) + change.delayMs };
  return { status: reason === 'connect_requested' ? 'connecting' : 'reconnecting' };
}

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

// Validates what only JS can check (URLs, functions, the socket constructor); the core validates its
// policies and the type specs, and its message becomes the TypeError.
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
  if (o.debug != null && typeof o.debug !== 'boolean') bad('debug must be a boolean');
  const debug = o.debug ?? debugSwitch();
  const sink = o.logger === undefined ? (debug ? consoleDebug : consoleWarnings) : o.logger;
  if (sink !== null && typeof sink !== 'object') bad('logger must be an object with debug/info/warn/error methods, or null');
  if (o.authProbeUrl != null && (typeof o.authProbeUrl !== 'string' || !/^https?:\/\//i.test(o.authProbeUrl))) {
    bad('authProbeUrl must be an http(s):// URL string');
  }
  const fetchImpl = o.fetch ?? globalThis.fetch;
  if (o.authProbeUrl != null && typeof fetchImpl !== 'function') bad('authProbeUrl needs fetch: pass { fetch }');
  const types = o.types ?? [];
  if (!Array.isArray(types)) bad('types must be an array of { name, required, dedupeKey, dedupeContent }');
  // Tab sharing (the browser and inline entries; where there are no tabs, nothing to share).
  if (o.share != null && typeof o.share !== 'boolean') bad(`share must be a boolean, got ${typeof o.share}`);
  if (o.shareKey != null && (typeof o.shareKey !== 'string' || !o.shareKey)) bad('shareKey must be a non-empty string');
  const { options, ping } = coreOptions(o);
  return {
    url, getToken: o.getToken ?? null, auth, WebSocketImpl, sink, authProbeUrl: o.authProbeUrl ?? null,
    fetchImpl, options, ping, types, wasm: o.wasm, debug, share: o.share ?? true, shareKey: o.shareKey ?? null,
  };
}

// The switch that needs no code change: NUMENEON_DEBUG=1 in Node, localStorage 'numeneon:debug' = '1'
// in a browser (set it in the devtools console, reload).
function debugSwitch() {
  try {
    const env = globalThis.process?.env?.NUMENEON_DEBUG;
    if (env) return /^(1|true|yes|on)$/i.test(env);
    return globalThis.localStorage?.getItem('numeneon:debug') === '1';
  } catch {
    return false;  // storage can refuse access (privacy settings, sandboxed frames)
  }
}

const consoleDebug = { ...consoleWarnings, debug: (m) => console.debug(m), info: (m) => console.info(m) };

// The core's options as numbers by slot (NaN: the default). This checks their JS shape (known names,
// numbers); the core checks their values and says which rule failed (coreOptionError words it).
function coreOptions(o) {
  const options = new Float64Array(OPTIONS).fill(NaN);
  let ping = '';
  for (const [section, slots] of Object.entries(SECTIONS)) {
    const given = o[section];
    if (given == null) continue;
    if (typeof given !== 'object' || Array.isArray(given)) bad(`${section} must be an object`);
    for (const [key, value] of Object.entries(given)) {
      if (section === 'heartbeat' && key === 'ping') {
        if (typeof value !== 'string') bad('heartbeat.ping must be a string (a JSON frame)');
        ping = value;
        continue;
      }
      if (!(key in slots)) bad(`unknown option ${section}.${key}`);
      if (typeof value !== 'number' || !Number.isFinite(value)) bad(`${section}.${key} must be a finite number, got ${value === null ? 'null' : typeof value === 'number' ? value : typeof value}`);
      options[slots[key]] = value;
    }
  }
  if (o.resume != null) {
    if (typeof o.resume !== 'boolean') bad(`resume must be a boolean, got ${typeof o.resume}`);
    options[OPTION_NAMES.indexOf('resume')] = o.resume ? 1 : 0;
  }
  return { options, ping };
}

function coreOptionError(r) {
  const name = OPTION_NAMES[r[OptionErrorSlot.option]];
  const [low, high, value] = [r[OptionErrorSlot.low], r[OptionErrorSlot.high], r[OptionErrorSlot.value]];
  switch (r[OptionErrorSlot.code]) {
    case OptionError.notInteger: return `${name} must be an integer, got ${value}`;
    case OptionError.outOfRange: return `${name} must be between ${low} and ${high}, got ${value}`;
    case OptionError.belowInitial: return 'reconnect.maxDelayMs must be >= reconnect.initialDelayMs';
    case OptionError.aboveMax: return 'reconnect.minDelayMs must be <= reconnect.maxDelayMs';
    case OptionError.notAFrame: return 'heartbeat.ping must be a JSON object with a string "type"';
    default: return 'the options were refused';
  }
}

// A type spec's JS shape is checked here; the core checks names and paths (type_spec_from_fields).
function specFields(spec) {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) bad('registerType(spec): spec must be an object');
  for (const key of Object.keys(spec)) if (!SPEC_KEYS.has(key)) bad(`registerType: unknown type spec member '${key}' (${[...SPEC_KEYS].join(', ')})`);
  const text = (what, v) => {
    if (typeof v !== 'string') bad(`registerType: ${what} must be a string`);
    if (v.includes('\0')) bad(`registerType: ${what} must not contain NUL`);
    return v;
  };
  const fields = [text('name', spec.name), spec.dedupeKey == null ? '' : text('dedupeKey', spec.dedupeKey)];
  if (spec.dedupeContent != null && typeof spec.dedupeContent !== 'boolean') bad('registerType: dedupeContent must be a boolean');
  fields.push(spec.dedupeContent ? '1' : '0');
  if (spec.required != null) {
    if (typeof spec.required !== 'object' || Array.isArray(spec.required)) bad('registerType: required must be an object of path: kind');
    for (const [path, kind] of Object.entries(spec.required)) {
      const k = FIELD_KINDS.indexOf(kind);
      if (k < 0) bad(`registerType: required['${path}'] must be one of ${FIELD_KINDS.join(', ')}`);
      fields.push(text(`required path '${path}'`, path), String(k));
    }
  }
  return fields.join('\0');
}

const now = () => performance.now();

// Frees a core whose client was garbage-collected without dispose(). The held value must not point
// back at the client, or it would never be collected.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry(({ x, h }) => x.nrt_destroy(h))
  : null;

// The de-duplication key's secret (a server that could predict it could make keys collide).
function cryptoRandomValues(array) {
  if (globalThis.crypto?.getRandomValues) return globalThis.crypto.getRandomValues(array);
  for (let i = 0; i < array.length; i++) array[i] = Math.floor(Math.random() * 2 ** 32);
  return array;
}

// Seconds or an HTTP date, to milliseconds from now (0 when absent or unreadable).
function retryAfterMs(value) {
  if (value == null) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : 0;
}

// A client's event listeners ('state', 'error', ...), for the driver and the tab-sharing client alike:
// each listener is called on its own (a throw is reported as handler_threw, never passed on), and an
// error nobody listens to becomes a rate-limited warning. `secrets()` gives the tokens to redact.
export class ClientListeners {
  #names;
  #log;
  #secrets;
  #sets = new Map();  // event → Set({ handler })
  #closed = false;    // the client was disposed: listeners are checked, then not kept
  #warnLimit = rateLimiter();

  constructor(names, log, secrets) {
    this.#names = names;
    this.#log = log;
    this.#secrets = secrets;
  }

  // Adds a listener; `changed()` runs after it is added and after it is removed.
  on(event, handler, changed) {
    if (!this.#names.has(event)) bad(`on(event): unknown event '${event}' (one of ${[...this.#names].join(', ')})`);
    if (typeof handler !== 'function') bad('on(event, handler): handler must be a function');
    if (this.#closed) return () => {};
    let set = this.#sets.get(event);
    if (!set) this.#sets.set(event, (set = new Set()));
    const entry = { handler };
    set.add(entry);
    changed?.();
    return () => {
      set.delete(entry);
      changed?.();
    };
  }

  count(event) { return this.#sets.get(event)?.size ?? 0; }

  emit(event, payload) {
    const set = this.#sets.get(event);
    if (!set) return;
    for (const { handler } of [...set]) {
      try {
        handler(payload);
      } catch (err) {
        if (event === 'error') this.#log.error(`an 'error' listener threw: ${err?.message ?? err}`);
        else this.error('handler_threw', `a '${event}' listener threw: ${err?.message ?? err}`, { cause: redactError(err, this.#secrets()) });
      }
    }
  }

  error(code, message, details = {}) {
    this.report(new RealtimeError(code, redact(message, this.#secrets()), details));
  }

  // To the 'error' listeners, or a rate-limited warning when there are none.
  report(err) {
    if (this.count('error')) return this.emit('error', err);
    const { pass, held } = this.#warnLimit(err.code);
    if (pass) this.#log.warn(`${err.code}: ${err.message}${held ? ` (${held} more like it held back)` : ''}`);
  }

  // Forgets every listener and keeps no new one (dispose).
  close() {
    this.#closed = true;
    this.#sets.clear();
  }
}

// The devtools entry, on a page that imports it, lists the page's clients: each client the app made
// says when it connects and when it is disposed. Without that entry nothing listens.
const DEVTOOLS = Symbol.for('@numeneon/realtime/devtools');
export function announce(client, what) {
  try {
    globalThis[DEVTOOLS]?.[what]?.(client);
  } catch {
    // The devtools failing must never keep a client from connecting.
  }
}

// `randomValues(Uint32Array)`: the host's secure random source, where the entry has a cheaper one than
// WebCrypto (every client without one uses globalThis.crypto).
export function createClientFactory(loadModule, { randomValues } = {}) {
  return async function createClient(options) {
    const opts = normalizeOptions(options);
    if (randomValues) opts.randomValues = randomValues;
    return new RealtimeClient(await loadModule(opts.wasm), opts);
  };
}

export class RealtimeClient {
  #mod;
  #x;                  // the module's exports
  #h = 0;              // the core's handle
  #opts;
  #log;
  #events;             // the client events' listeners
  #secrets = [];       // tokens the provider returned (kept only to redact them)
  #tokens = new Map(); // socket number → its token, until the socket is opened
  #sockets = new Map();   // socket number → WebSocket
  #failures = new Map();  // socket number → what its 'error' said, for the close report
  #timer = null;
  #timerAt = Infinity;
  // Handler lists are replaced, never mutated (copy-on-write): delivery iterates a snapshot without
  // copying it per frame, and a handler that unsubscribes during delivery does not disturb the loop.
  #routes = new Map();      // route id → { type, handlers: [handler] }
  #wildcard = [];
  #state = 'idle';
  #depth = 0;               // calls into the core on the stack
  #disposing = false;
  #disposed = false;
  #maxFrameBytes;
  #unbindEnvironment = null;
  #lastToken = null;
  #sendOutcome = null;
  #online = true;
  #own = new Map();        // route id → what this client reads from frames of that type
  #features = null;        // the server's features, once connection_established said
  #presence = new Map();   // user id → { online, lastSeen }
  #typing = new Set();     // user ids shown typing
  #receipts = new Map();   // reader id → { upTo, readAt }
  #explaining = false;  // debug on, or 'frame' listeners: verdicts are explained (off: nothing per frame)

  constructor(mod, opts) {
    this.#mod = mod;
    this.#x = mod.x;
    this.#opts = opts;
    this.#log = createLogger(opts.sink, () => this.#secrets);
    this.#events = new ClientListeners(CLIENT_EVENTS, this.#log, () => this.#secrets);
    const len = mod.write(opts.ping);
    if (len < 0) throw new RealtimeError('out_of_memory', '@numeneon/realtime: no memory for a new client');
    mod.fresh().record.set(opts.options);
    const seed = (opts.randomValues ?? cryptoRandomValues)(new Uint32Array(4));
    this.#h = this.#x.nrt_create(len, seed[0], seed[1], seed[2], seed[3]);
    if (!this.#h) {
      const r = mod.fresh().record;
      if (r[OptionErrorSlot.code] !== OptionError.none) bad(coreOptionError(r));
      throw new RealtimeError('out_of_memory', '@numeneon/realtime: no memory for a new client');
    }
    this.#maxFrameBytes = this.#x.nrt_max_frame_bytes(this.#h);
    for (const type of OWN_TYPES) this.#own.set(this.#x.nrt_subscribe(this.#h, this.#scratch(type)), type);
    this.#explaining = opts.debug;
    registry?.register(this, { x: this.#x, h: this.#h }, this);
    try {
      for (const spec of opts.types) this.registerType(spec);
    } catch (err) {
      this.dispose();  // a type the core refuses: do not leak the core that was just made
      throw err;
    }
  }

  // ------------------------------------------------------------ public API

  get state() { return this.#state; }
  get isConnected() { return this.#state === 'open'; }
  // What the host last said about the network (the browser's online/offline events, or setOnline()).
  get online() { return this.#online; }

  connect() {
    if (this.#inactive()) return;
    if (!this.#opts.internal) announce(this, 'connecting');
    this.#run(() => {
      this.#bindEnvironment();
      this.#x.nrt_connect(this.#h, now());
      this.#pump();
    });
  }

  close(code = 1000, reason = '') {
    if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
      bad(`close code must be 1000 or 3000-4999, got ${code}`);
    }
    if (this.#inactive()) return;
    this.#run(() => {
      const len = this.#mod.write(String(reason).slice(0, 120));
      this.#x.nrt_close(this.#h, now(), code, Math.max(len, 0));
      this.#pump();
    });
  }

  // Ends the session (its last state change, reason 'disposed', still reaches the listeners), then
  // releases the core. Safe from any callback.
  dispose() {
    if (this.#disposing || this.#disposed) return;
    this.#disposing = true;
    this.#run(() => {
      this.#x.nrt_abandon(this.#h, now());
      this.#pump();
    });
    this.#disposed = true;
    this.#unbindEnvironment?.();
    this.#clearTimer();
    this.#events.close();
    this.#routes.clear();
    this.#wildcard = [];
    this.#tokens.clear();
    registry?.unregister(this);
    if (this.#depth === 0) this.#destroy();
    if (!this.#opts.internal) announce(this, 'disposed');
  }

  subscribe(type, handler) {
    if (typeof type !== 'string' || !type) bad('subscribe(type, handler): type must be a non-empty string');
    if (typeof handler !== 'function') bad('subscribe(type, handler): handler must be a function');
    if (this.#disposing || this.#disposed) return () => {};
    // Lists hold the handlers themselves; each unsubscribe removes one occurrence, once.
    let subscribed = true;
    const remove = (list) => {
      const i = list.indexOf(handler);
      return [...list.slice(0, i), ...list.slice(i + 1)];
    };
    if (type === '*') {
      this.#wildcard = [...this.#wildcard, handler];
      this.#x.nrt_set_wildcard(this.#h, 1);
      return () => {
        if (!subscribed || this.#disposed) return;
        subscribed = false;
        this.#wildcard = remove(this.#wildcard);
        this.#x.nrt_set_wildcard(this.#h, this.#wildcard.length > 0 ? 1 : 0);
      };
    }
    const route = this.#x.nrt_subscribe(this.#h, this.#scratch(type));
    if (route < 0) bad(`subscribe: ${this.#mod.error()}`);
    let entry = this.#routes.get(route);
    if (!entry) this.#routes.set(route, entry = { type, handlers: [] });
    entry.handlers = [...entry.handlers, handler];
    return () => {
      if (!subscribed || this.#disposed) return;
      subscribed = false;
      entry.handlers = remove(entry.handlers);
      if (!this.#x.nrt_unsubscribe(this.#h, route)) this.#routes.delete(route);  // the core let the type go
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
    return this.#events.on(event, handler, () => {
      this.#explaining = this.#opts.debug || this.#events.count('frame') > 0;
    });
  }

  // Registers (or re-declares) a frame type: required fields the core enforces, and its dedupe key.
  registerType(spec) {
    const fields = specFields(spec);
    if (this.#disposing || this.#disposed) return -1;
    const route = this.#x.nrt_register_type(this.#h, this.#scratch(fields));
    if (route < 0) bad(`registerType: ${this.#mod.error()}`);
    return route;
  }

  send(type, data, { volatile = false } = {}) {
    if (typeof type !== 'string' || !type) bad('send(type, data): type must be a non-empty string');
    if (this.#inactive()) return 'dropped';
    const frame = JSON.stringify({ type, data });
    return this.#run(() => {
      this.#sendOutcome = null;
      const len = this.#mod.write(frame);
      if (len < 0) {
        this.#events.error('out_of_memory', 'no memory to queue the frame: dropped');
        return 'dropped';
      }
      const result = SEND_RESULTS[this.#x.nrt_send(this.#h, now(), len, volatile ? 1 : 0)];
      this.#pump();
      return this.#sendOutcome ?? result;
    });
  }

  // Marks an event as already seen (e.g. it came back in a REST response), so the pushed frame that
  // races it is dropped as a duplicate. Ids compare by value: 12, 12.0 and "12" are one id.
  // Returns false if the frame was already delivered.
  claim(type, id) {
    if (typeof type !== 'string' || !type) bad('claim(type, id): type must be a non-empty string');
    const isString = typeof id === 'string';
    if (!isString && !(typeof id === 'number' && Number.isFinite(id))) bad(`claim(type, id): id must be a string or a finite number, got ${id === null ? 'null' : typeof id}`);
    if (this.#disposing || this.#disposed) return false;
    const route = this.#x.nrt_find_route(this.#h, this.#scratch(type));
    if (route < 0) bad(`claim: unknown type '${type}'`);
    const result = this.#x.nrt_claim(this.#h, route, isString ? 1 : 0, this.#scratch(JSON.stringify(id)), now());
    if (result < 0) bad(`claim: '${type}' has no de-duplication key (see registerType's dedupeKey)`);
    return result === 1;
  }

  stats() {
    if (this.#disposed) return null;
    this.#x.nrt_stats(this.#h);
    const r = this.#mod.fresh().record;
    const out = {};
    STAT_NAMES.forEach((name, i) => { out[name] = r[i]; });
    out.state = STATES[r[StatSlot.state]];
    return out;
  }

  // Network and visibility hints (wired to window/document automatically in browsers).
  setOnline(online) {
    if (this.#inactive()) return;
    const changed = !!online !== this.#online;
    this.#online = !!online;
    this.#run(() => {
      this.#x.nrt_handle_network(this.#h, now(), online ? 1 : 0);
      if (changed) this.#events.emit('network', { online: this.#online });
      if (!this.#disposed) this.#pump();
    });
  }

  // ------------------------------------------------------------ protocol extensions (presence, typing, read receipts)

  // The server's features (connection_established's "features"): null until a connection said, then an
  // array, [] for a server without extensions (the unmodified NUMENEON backend).
  get features() { return this.#features; }
  // true / false, or null while not known yet.
  supports(feature) { return this.#features === null ? null : this.#features.includes(feature); }
  // { online, lastSeen } of a friend, or null when not known (or the server lacks presence).
  presenceOf(userId) { return this.#presence.get(userId) ?? null; }
  isTyping(userId) { return this.#typing.has(userId); }
  // { upTo, readAt }: how far `userId` has read my messages, or null when not known.
  readReceipt(userId) { return this.#receipts.get(userId) ?? null; }

  // A keystroke (true) or a stop (false) in the conversation with `toUserId`: throttled to one frame
  // per 2 s, stopped by itself after 5 s without keystrokes, never queued. 'sent' or 'dropped'.
  setTyping(toUserId, typing = true) {
    if (!Number.isSafeInteger(toUserId) || toUserId < 0) bad('setTyping(toUserId): toUserId must be a user id (a non-negative integer)');
    if (this.#inactive()) return 'dropped';
    return this.#run(() => {
      const result = SEND_RESULTS[this.#x.nrt_typing(this.#h, now(), toUserId, typing ? 1 : 0)];
      this.#pump();
      return result;
    });
  }

  // What REST said `readerId` has read of mine (after a reload, or a resync): merged with what the socket
  // said, the larger wins.
  seedReadReceipt(readerId, upToMessageId, readAt = null) {
    if (!Number.isSafeInteger(readerId) || !Number.isSafeInteger(upToMessageId)) bad('seedReadReceipt(readerId, upToMessageId): both must be ids (integers)');
    this.#noteRead(readerId, upToMessageId, readAt);
  }

  // I have read `withUserId`'s messages up to `upToMessageId` (queued while offline, like any frame).
  // 'dropped' without sending when the server lacks read receipts.
  markRead(withUserId, upToMessageId) {
    if (!Number.isSafeInteger(withUserId) || !Number.isSafeInteger(upToMessageId)) bad('markRead(withUserId, upToMessageId): both must be ids (integers)');
    if (this.supports('read_receipts') === false) return 'dropped';
    return this.send('mark_read', { with: withUserId, up_to: upToMessageId });
  }

  // What this client reads for itself from a frame it also hands to the app.
  #absorb(type, frame) {
    const data = frame.data;
    switch (type) {
      case 'connection_established': {
        this.#features = Array.isArray(frame.features) ? frame.features.filter((f) => typeof f === 'string') : [];
        const bits = this.#features.reduce((sum, f) => sum | (FEATURE_BITS[f] ?? 0), 0);
        this.#x.nrt_set_features(this.#h, bits);
        this.#events.emit('features', { features: this.#features });
        break;
      }
      case 'presence_snapshot':
        for (const u of data.users) this.#notePresence(u);
        break;
      case 'presence':
        this.#notePresence(data);
        break;
      case 'typing':
        this.#noteTyping(data.user_id, data.typing);
        break;
      case 'message_read':
        this.#noteRead(data.reader_id, data.up_to, data.read_at ?? null);
        break;
    }
  }

  #noteRead(readerId, upTo, readAt) {
    const before = this.#receipts.get(readerId);
    if (before && before.upTo >= upTo) return;  // a mark never moves back
    const receipt = { upTo, readAt };
    this.#receipts.set(readerId, receipt);
    this.#events.emit('read', { readerId, ...receipt });
  }

  #notePresence(u) {
    if (!u || !Number.isSafeInteger(u.user_id) || typeof u.online !== 'boolean') return;
    const entry = { online: u.online, lastSeen: u.last_seen ?? null };
    this.#presence.set(u.user_id, entry);
    this.#events.emit('presence', { userId: u.user_id, ...entry });
    if (!u.online) this.#noteTyping(u.user_id, false);  // gone: not typing either, whatever their last frame said
  }

  #noteTyping(userId, typing) {
    if (this.#typing.has(userId) === typing) return;
    if (typing) this.#typing.add(userId);
    else this.#typing.delete(userId);
    this.#events.emit('typing', { userId, typing });
  }

  // Drops the open socket(s) as a dead network would (no close handshake): to rehearse a failure.
  // What the core sees is a real socket close; it reconnects as it would after any other.
  dropLink() {
    if (this.#inactive()) return;
    for (const ws of this.#sockets.values()) {
      try {
        if (typeof ws.terminate === 'function') ws.terminate();
        else ws.close(4000, 'dropped');
      } catch { /* already gone */ }
    }
  }

  wake() {
    if (this.#inactive()) return;
    this.#run(() => {
      this.#x.nrt_handle_wake(this.#h, now());
      this.#pump();
    });
  }

  // With `resume`: the frames up to `eventId` are known here (the app kept the last `event_id` it
  // handled across a reload; another tab delivered them). The next connection asks for what came after.
  resumeFrom(eventId) {
    if (!Number.isSafeInteger(eventId) || eventId < 1) bad(`resumeFrom(eventId): a positive integer event id, got ${eventId}`);
    if (this.#inactive()) return;
    this.#x.nrt_resume_from(this.#h, eventId);
  }

  // ------------------------------------------------------------ core driving

  #inactive() { return this.#disposing || this.#disposed; }

  // `fn` is called with `a` and `b` (this bound): the per-frame path passes a method, not a new closure.
  #run(fn, a, b) {
    this.#depth++;
    try {
      return fn.call(this, a, b);
    } finally {
      if (--this.#depth === 0 && this.#disposed && this.#h) this.#destroy();
    }
  }

  #destroy() {
    this.#x.nrt_destroy(this.#h);
    this.#h = 0;
  }

  #scratch(text) {
    const len = this.#mod.write(text);
    if (len < 0) throw new RealtimeError('out_of_memory', '@numeneon/realtime: no memory for the call');
    return len;
  }

  #pump() {
    const x = this.#x;
    // Events first: the app hears of a transition before the actions it brings (a token request) run.
    while (!this.#disposed) {
      const event = x.nrt_poll_event(this.#h);
      if (event >= 0) {
        this.#report(event);
        continue;
      }
      const action = x.nrt_poll_action(this.#h);
      if (action < 0) break;
      this.#perform(action);
    }
    if (!this.#disposed) this.#schedule();
  }

  #schedule() {
    const at = this.#x.nrt_next_deadline(this.#h);
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
      this.#run(() => {
        this.#x.nrt_handle_timeout(this.#h, now(), Math.random());
        this.#pump();
      });
    }, Math.max(0, Math.ceil(at - now())));
  }

  #clearTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }

  // Every field is read from the record before any app code runs: a callback may call into the core.
  #perform(kind) {
    const r = this.#mod.fresh().record;
    const socket = r[Slot.socket];
    switch (kind) {
      case ActionKind.requestToken:
        this.#requestToken(socket, TOKEN_REASONS[r[Slot.tokenReason]], r[Slot.attempt]);
        break;
      case ActionKind.openSocket:
        this.#openSocket(socket, r[Slot.resumeFrom]);
        break;
      case ActionKind.closeSocket:
        this.#closeSocket(socket, r[Slot.closeCode], this.#mod.payload(Slot.payloadPtr, Slot.payloadLen), r[Slot.abort] === 1);
        break;
      case ActionKind.sendFrame:
        this.#sendFrame(socket, this.#mod.payload(Slot.payloadPtr, Slot.payloadLen), r[Slot.appFrame] === 1);
        break;
      case ActionKind.probeAuth:
        this.#probe();
        break;
    }
  }

  #report(kind) {
    const r = this.#mod.fresh().record;
    switch (kind) {
      case EventKind.stateChanged: {
        const change = {
          from: STATES[r[Slot.from]], to: STATES[r[Slot.to]], reason: REASONS[r[Slot.reason]], attempt: r[Slot.attempt],
          delayMs: r[Slot.delayMs], closeCode: r[Slot.closeCode] || undefined, at: Date.now(),
        };
        const authFailed = change.to === 'closed' && change.reason === 'auth_failed';
        if (authFailed && this.#opts.auth === 'subprotocol') {
          change.hint = 'the server refused the token offered as a subprotocol; servers that read it only from ?token= '
            + "(the unmodified NUMENEON backend among them) need auth: 'query'";
        }
        this.#state = change.to;
        this.#log.debug(`state ${change.from} → ${change.to} (${change.reason}${change.to === 'backing_off' ? `, retry ${change.attempt} in ${change.delayMs} ms` : ''})`);
        if (change.to === 'closed' || change.to === 'idle') this.#unbindEnvironment?.();
        this.#events.emit('state', change);
        if (change.to === 'open') this.#events.emit('open', change);
        if (authFailed) {
          this.#log.warn(`session ended: auth_failed${change.hint ? ` (${change.hint})` : ''}`);
          this.#events.emit('auth_failed', change);
        }
        break;
      }
      case EventKind.resync:
        this.#events.emit('resync', { downtimeMs: r[Slot.downtimeMs] });
        break;
      case EventKind.typingCleared:
        this.#noteTyping(r[Slot.peer], false);
        break;
      case EventKind.error: {
        const code = CORE_ERRORS[r[Slot.error]] ?? 'unknown';
        const count = r[Slot.count];
        const message = code === 'outbox_overflow'
          ? `outbox full (${count} frames): frame dropped`
          : `${count} frame(s) dropped: the connection is closed (${REASONS[r[Slot.reason]]})`;
        this.#events.error(code, message);
        break;
      }
    }
  }

  // ------------------------------------------------------------ tokens and sockets

  #requestToken(socket, reason, attempt) {
    this.#tokens.clear();  // tokens of earlier attempts that never got a socket
    this.#log.debug(`token requested for socket ${socket} (${reason}, attempt ${attempt})`);
    const { getToken } = this.#opts;
    if (!getToken) {
      this.#x.nrt_handle_token(this.#h, now(), socket, TokenOutcome.ready, Math.random());
      return;
    }
    let result;
    try {
      result = getToken({ reason, attempt });
    } catch (err) {
      this.#tokenFailed(socket, err);
      return;
    }
    if (result && typeof result.then === 'function') {
      Promise.resolve(result).then(
        (token) => this.#later(() => this.#tokenArrived(socket, token)),
        (err) => this.#later(() => this.#tokenFailed(socket, err)),
      );
    } else {
      this.#tokenArrived(socket, result);
    }
  }

  // Runs `fn` from an event the core did not cause (a promise, a socket event), then pumps.
  #later(fn) {
    if (this.#disposed) return;
    this.#run(() => {
      fn();
      if (!this.#disposed) this.#pump();
    });
  }

  #tokenArrived(socket, token) {
    if (this.#disposed) return;
    let outcome = TokenOutcome.ready;
    if (typeof token === 'string' && token !== '') {
      this.#lastToken = token;
      this.#secrets = [token, ...this.#secrets.filter((s) => s !== token)].slice(0, SECRETS_KEPT);
      this.#tokens.set(socket, token);
    } else if (token == null || token === '') {
      this.#log.info('getToken has no session: ending');
      outcome = TokenOutcome.noSession;
    } else {
      this.#events.error('token_provider_failed', `getToken must return a string or null, got ${typeof token}`);
      outcome = TokenOutcome.failed;
    }
    if (!this.#disposed) this.#x.nrt_handle_token(this.#h, now(), socket, outcome, Math.random());
  }

  #tokenFailed(socket, err) {
    if (this.#disposed) return;
    const cause = redactError(err, this.#secrets, { opaque: true });
    this.#events.error('token_provider_failed', `getToken failed (retrying later): ${cause?.message ?? cause}`, { cause });
    if (!this.#disposed) this.#x.nrt_handle_token(this.#h, now(), socket, TokenOutcome.failed, Math.random());
  }

  #openSocket(socket, resumeFrom) {
    const token = this.#tokens.get(socket) ?? null;
    this.#tokens.delete(socket);
    const { url, auth, WebSocketImpl } = this.#opts;
    const target = connectTarget(url, token, auth, resumeFrom);
    this.#log.debug(`connecting to ${target.url} (socket ${socket})`);
    let ws;
    try {
      // The third argument is for Node's ws (browsers ignore it): refuse oversized frames before they are
      // buffered, and let go of a server that sent its close frame but keeps TCP open. No protocols is
      // [] rather than undefined, which Chromium would send as a protocol named "undefined".
      ws = new WebSocketImpl(target.url, target.protocols ?? [], { maxPayload: this.#maxFrameBytes, closeTimeout: CLOSE_TIMEOUT_MS });
    } catch (err) {
      this.#events.error('socket_error', `cannot open the socket: ${err?.message ?? err}`);
      this.#x.nrt_handle_close(this.#h, now(), socket, 1006, SocketError.none, 0, 0, Math.random());
      return;
    }
    this.#sockets.set(socket, ws);
    try {
      ws.binaryType = 'arraybuffer';
    } catch { /* some implementations fix it */ }
    ws.addEventListener('open', () => this.#later(() => this.#x.nrt_handle_open(this.#h, now(), socket)));
    ws.addEventListener('message', (ev) => {
      if (!this.#disposed) this.#run(this.#ingest, socket, ev.data);
    });
    // Always listening for 'error': Node's ws throws on an unhandled one (e.g. close() during the handshake).
    ws.addEventListener('error', (ev) => {
      if (this.#disposed) return;
      const message = String(ev?.message ?? ev?.error?.message ?? '');
      const errorCode = String(ev?.error?.code ?? '');
      const status = /Unexpected server response: (\d{3})/.exec(message);
      if (errorCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || /Max payload size exceeded/.test(message)) {
        this.#run(() => this.#unread(socket, UnreadReason.tooLarge, `larger than limits.maxFrameBytes (${this.#maxFrameBytes} bytes): refused by the socket`));
      } else if (status) {
        this.#failures.set(socket, { error: SocketError.httpStatus, status: Number(status[1]), retryAfter: 0 });
      } else if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH/.test(`${message} ${errorCode}`)) {
        this.#failures.set(socket, { error: SocketError.refused, status: 0, retryAfter: 0 });
      }
      this.#log.debug(`socket ${socket} error: ${message || 'no detail'}`);
    });
    // Node's ws shows the answer to a refused upgrade (a browser never does): its status and Retry-After.
    ws.on?.('unexpected-response', (req, res) => {
      this.#failures.set(socket, { error: SocketError.httpStatus, status: res.statusCode, retryAfter: retryAfterMs(res.headers?.['retry-after']) });
      ws.terminate();
    });
    ws.addEventListener('close', (ev) => {
      this.#log.debug(`socket ${socket} closed: ${ev.code}${ev.reason ? ` ${ev.reason}` : ''}`);
      this.#sockets.delete(socket);
      const failure = this.#failures.get(socket) ?? { error: SocketError.none, status: 0, retryAfter: 0 };
      this.#failures.delete(socket);
      this.#later(() => {
        this.#events.emit('close', { code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
        if (!this.#disposed) {
          this.#x.nrt_handle_close(this.#h, now(), socket, ev.code, failure.error, failure.status, failure.retryAfter, Math.random());
        }
      });
    });
  }

  #closeSocket(socket, code, reason, abort) {
    const ws = this.#sockets.get(socket);
    if (!ws) return;
    try {
      if (abort && typeof ws.terminate === 'function') ws.terminate();
      else if (ws.readyState === CONNECTING || ws.readyState === OPEN) ws.close(code, reason);
    } catch {
      ws.terminate?.();
    }
  }

  #sendFrame(socket, payload, appFrame) {
    const ws = this.#sockets.get(socket);
    if (ws?.readyState === OPEN) {
      try {
        ws.send(payload);
        return;
      } catch { /* reported below, like a socket that is no longer open */ }
    }
    const len = this.#mod.write(payload);
    if (len < 0) this.#events.error('out_of_memory', 'no memory to take back a frame the socket could not send: dropped');
    const result = this.#x.nrt_handle_send_failed(this.#h, now(), socket, Math.max(len, 0), appFrame && len >= 0 ? 1 : 0, Math.random());
    if (appFrame) this.#sendOutcome = SEND_RESULTS[result];
  }

  #ingest(socket, data) {
    if (this.#disposed) return;
    const t = now();
    if (typeof data !== 'string') {
      const size = data?.byteLength ?? data?.size ?? 0;
      this.#unread(socket, UnreadReason.binary, `binary frame of ${size} bytes ignored: the protocol is JSON text`);
      return;
    }
    const len = this.#mod.write(data, this.#maxFrameBytes);
    if (len < 0) {
      this.#unread(socket, len === -1 ? UnreadReason.tooLarge : UnreadReason.noMemory,
        len === -1 ? `frame larger than limits.maxFrameBytes (${this.#maxFrameBytes} bytes) dropped` : 'no memory to read the frame: dropped');
      return;
    }
    const packed = this.#x.nrt_ingest(this.#h, t, socket, len);
    if (this.#explaining) this.#explain(packed, data, len);
    if (packed & Packed.eventsBit) this.#pump();  // the frame settled something (a resumed re-open's resync)
    const verdict = packed & Packed.verdictMask;
    if (verdict === Verdict.deliver) this.#deliver((packed >>> Packed.routeShift) - 1, data);
    else if (verdict === Verdict.rejected && !this.#disposed) this.#rejected(packed);
  }

  // What happened to a frame, for the 'frame' event and the debug log: only when someone asked.
  #explain(packed, text, bytes) {
    const d = decodeVerdict(packed);
    const info = { verdict: d.verdict, type: undefined, error: d.error === 'none' ? undefined : d.error, key: undefined, bytes, at: Date.now() };
    if (d.route >= 0) {
      this.#x.nrt_route_name(this.#h, d.route);
      info.type = this.#mod.payload(Slot.payloadPtr, Slot.payloadLen);
    }
    if (typeof text === 'string' && bytes > 0) {
      this.#x.nrt_last_key(this.#h);
      const r = this.#mod.record;
      const at = this.#mod.ptr + r[Slot.payloadPtr];
      if (r[Slot.payloadLen]) info.key = this.#mod.decoder.decode(this.#mod.heap.subarray(at, at + r[Slot.payloadLen]));
      info.preview = redact(text.slice(0, PREVIEW_CHARS), this.#secrets);
    }
    if (this.#opts.debug) {
      this.#log.debug(`frame ${info.type ?? '(unregistered)'} ${info.verdict}${info.error ? ` ${info.error}` : ''}${info.key ? ` key ${info.key}` : ''} ${bytes} B`);
    }
    this.#events.emit('frame', info);
  }

  #unread(socket, reason, message) {
    const packed = this.#x.nrt_ingest_unread(this.#h, now(), socket, reason);
    if (this.#explaining) this.#explain(packed, null, 0);
    if ((packed & Packed.verdictMask) === Verdict.rejected) this.#events.error(CORE_ERRORS[(packed >>> Packed.errorShift) & Packed.errorMask], message);
  }

  #rejected(packed) {
    const code = CORE_ERRORS[(packed >>> Packed.errorShift) & Packed.errorMask] ?? 'unknown';
    const route = (packed >>> Packed.routeShift) - 1;
    let type;
    if (route >= 0) {
      this.#x.nrt_route_name(this.#h, route);
      type = this.#mod.payload(Slot.payloadPtr, Slot.payloadLen);
    }
    let message = `frame rejected: ${code}`;
    if (code === 'invalid_payload') {
      this.#x.nrt_required_path(this.#h, route, (packed >>> Packed.fieldShift) & Packed.fieldMask);
      message = `'${type}' frame without a valid ${this.#mod.payload(Slot.payloadPtr, Slot.payloadLen)}: dropped`;
    } else if (code === 'unknown_type') {
      message = 'frame of a type nobody subscribes to and no schema declares: dropped';
    } else if (code === 'duplicate_type') {
      message = 'frame with two "type" members: dropped (which one routes would be ambiguous)';
    }
    this.#events.error(code, message, { type });
  }

  #deliver(route, text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (err) {
      this.#events.error('invalid_json', `frame is not valid JSON: ${err.message}`);
      return;
    }
    const own = this.#own.get(route);
    if (own) this.#absorb(own, frame);
    // connection_established and error carry their fields at the top level: hand over the frame itself.
    const data = frame.data !== undefined ? frame.data : frame;
    const handlers = route >= 0 ? this.#routes.get(route)?.handlers : undefined;
    if (handlers) for (let i = 0; i < handlers.length && !this.#disposed; i++) this.#call(handlers[i], data, frame);
    const wildcard = this.#wildcard;
    for (let i = 0; i < wildcard.length && !this.#disposed; i++) this.#call(wildcard[i], data, frame);
  }

  #call(handler, data, frame) {
    try {
      handler(data, frame);
    } catch (err) {
      this.#events.error('handler_threw', `a '${frame.type}' handler threw: ${err?.message ?? err}`, { type: frame.type, cause: redactError(err, this.#secrets) });
    }
  }

  async #probe() {
    const { authProbeUrl, fetchImpl } = this.#opts;
    const token = this.#lastToken;
    if (!authProbeUrl || !token) return;
    let evidence = null;
    try {
      const res = await fetchImpl(authProbeUrl, { headers: { Authorization: `Bearer ${token}` } });
      if (res.status === 401 || res.status === 403) evidence = AuthEvidence.probeUnauthorized;
      else if (res.ok) evidence = AuthEvidence.probeOk;
    } catch {
      return;  // network error: the server is down, which says nothing about the token
    }
    if (evidence !== null) this.#later(() => this.#x.nrt_handle_auth_evidence(this.#h, now(), evidence, Math.random()));
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
    this.#unbindEnvironment = () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', visible);
      this.#unbindEnvironment = null;
    };
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      this.#online = false;
      this.#x.nrt_handle_network(this.#h, now(), 0);
      this.#events.emit('network', { online: false });
    }
  }
}
