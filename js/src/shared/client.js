// The browser entry's client: every tab of a user shares one socket, held by one elected tab.
//
// Each tab gets a SharedClient. It owns an ordinary RealtimeClient (the "engine", a Wasm core) that
// connects only while this tab is the holder (or when the tab cannot share: then it is a plain private
// client, passed through). The holder's engine subscribes to every frame ('*'), so de-duplication,
// schema checks and the heartbeat run once, there; it relays each delivered frame with its de-dupe key
// (the engine's 'frame' event) and its state changes, link events and stats over the group's channel
// (group.js), and sends what the other tabs ask it to. Every tab, the holder included, then delivers a
// frame through its own subscriptions and its own claim ledger, a second core that never connects, so a
// REST result claimed in one tab suppresses the racing frame in that tab only, as a private client would.
//
// What a follower cannot know synchronously is answered from what it last heard (README.md in this folder):
// send() says 'sent' while the shared link is open and the frame is on its way to the holder; stats()
// merges the link's counters (at most one ping old) with the tab's own delivery counters.
import { ClientListeners, RealtimeError, announce, normalizeOptions } from '../client.js';
import { OPTION_NAMES, STAT_NAMES } from '../codes.js';
import { createLogger, redactError } from '../logger.js';
import { Group, channelHop } from './group.js';
import { groupName, tokenUser } from './identity.js';

const EVENTS = new Set([
  'state', 'open', 'close', 'resync', 'error', 'auth_failed', 'network', 'frame', 'features', 'presence', 'typing', 'read', 'role',
]);
// The engine's events, always listened to: passed on (private), or relayed to every tab (holder).
const FORWARDED = ['state', 'close', 'resync', 'error', 'network', 'features', 'presence', 'typing', 'read'];
// Frames a server sends once per socket, right after it opens: a tab that joins later gets the link's
// (presence updates since the snapshot kept per user), as its own socket would have given it.
const LINK_FRAMES = new Set(['connection_established', 'presence_snapshot']);
const COUNTERS = STAT_NAMES.filter((name) => name !== 'state');
const OUTBOX_SLOT = OPTION_NAMES.indexOf('outbox.capacity');
const VERDICT_COUNTERS = { duplicate: 'duplicates', unsubscribed: 'unsubscribed', consumed: 'heartbeats', rejected: 'rejected', ignored: 'ignored' };
const OUTBOX_DEFAULT = 100;
const noop = () => {};

function bad(message) {
  throw new TypeError(`@numeneon/realtime: ${message}`);
}

// What the browser offers for sharing, or null: Web Locks and BroadcastChannel (Chrome 69, Firefox 96,
// Safari 15.4), a MessageChannel and a document with lifecycle events.
export function browserEnvironment() {
  const g = globalThis;
  if (typeof g.BroadcastChannel !== 'function' || typeof g.MessageChannel !== 'function'
    || typeof g.navigator?.locks?.request !== 'function' || typeof g.document?.addEventListener !== 'function'
    || typeof g.window?.addEventListener !== 'function') return null;
  return {
    locks: g.navigator.locks,
    Channel: g.BroadcastChannel,
    hop: channelHop,
    page: g.window,
    document: g.document,
    clock: { now: () => performance.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t), random: Math.random },
  };
}

// createClient for the browser and inline entries: `share` (default true) and `shareKey` are this
// layer's options (checked with the others by normalizeOptions); every other one is the driver's.
// `environment()` is what the page offers (tests pass fakes).
export function sharedClientFactory(loadModule, RealtimeClient, environment = browserEnvironment) {
  return async function createClient(options) {
    const opts = normalizeOptions(options);
    const mod = await loadModule(opts.wasm);
    const env = opts.share ? environment() : null;
    return new SharedClient({ mod, opts, RealtimeClient, env, shareKey: opts.shareKey, resume: options.resume === true });
  };
}

// A de-dupe key as the engine's 'frame' event gives it (the JSON text of a string or a number), as claim() takes it.
function keyId(raw) {
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

function claimOnce(client, type, id) {
  try {
    return client.claim(type, id);
  } catch {
    return true;  // a type this core does not know a key for: nothing to compare against
  }
}

const sum = (a, b) => {
  const out = {};
  for (const name of COUNTERS) out[name] = (a?.[name] ?? 0) + (b?.[name] ?? 0);
  return out;
};
const minus = (a, b) => {
  const out = {};
  for (const name of COUNTERS) out[name] = (a?.[name] ?? 0) - (b?.[name] ?? 0);
  return out;
};

export class SharedClient {
  #opts;
  #env;
  #Client;
  #mod;
  #engine;
  #ledger = null;         // the tab's claim window (shared mode only)
  #shareKey;
  #resume;
  #log;
  #events;                // the client events' listeners, as the driver keeps them
  #secrets = [];
  #id;
  #types;                 // every spec registered, for the ledger and the holder
  #subs = new Set();      // { type, handler, off, ledgerOff }
  #routes = new Map();    // type → handlers (copy-on-write, as in the driver)
  #wildcard = [];
  #offFrame = null;
  #offWildcard = null;
  #unbindPage = null;
  #disposed = false;

  #mode = null;           // 'private' (the engine is this tab's own client) | 'shared' | null (neither yet)
  #session = null;        // the current connect() (an object, compared by identity)
  #user = null;           // the token's user the group is for (null with a shareKey)
  #group = null;
  #role = 'private';
  #state = 'idle';
  #change = null;
  #online = true;

  // What this tab has seen of the shared link.
  #epoch = 0;             // the holder's epoch
  #seq = null;            // the last relayed frame's number in that epoch (null: not known yet)
  #everOpen = false;      // the link was open at some point of this session
  #owedTerm = false;      // the link was lost: the next holder's first open decides on a resync
  #gap = false;           // frames relayed to the others never reached this tab
  #aliveAt = 0;
  #lastEventId = 0;       // resume: the highest event id delivered here
  #count = { delivered: 0, duplicates: 0, unsubscribed: 0 };
  #linkBase = null;       // link counters of earlier holders
  #linkLast = null;       // the current holder's, as last heard
  #sendN = 0;
  #pending = new Map();   // follower sends not yet confirmed: n → { n, type, data, v, q }
  // The extensions' state as the holder's engine reported it (shared mode; private mode reads the engine).
  #features = null;
  #presence = new Map();  // user id → { online, lastSeen }
  #typing = new Set();
  #receipts = new Map();  // reader id → { upTo, readAt }

  // While holding.
  #term = null;           // { epoch, seq, first, injected, awaiting, swallow, start, after }
  #frameInfo = null;
  #linkFrames = [];       // the current link's LINK_FRAMES and the presence frames since, for tabs that join

  constructor({ mod, opts, RealtimeClient, env, shareKey, resume }) {
    this.#mod = mod;
    this.#opts = opts;
    this.#env = env;
    this.#Client = RealtimeClient;
    this.#shareKey = shareKey;
    this.#resume = resume;
    this.#types = [...opts.types];
    this.#log = createLogger(opts.sink, () => this.#secrets);
    this.#events = new ClientListeners(EVENTS, this.#log, () => this.#secrets);
    this.#id = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    // The engine is this client's, not the app's: the devtools list this client, not it.
    const engineOpts = { ...opts, internal: true, getToken: opts.getToken && ((info) => this.#checkedToken(info)) };
    this.#engine = new RealtimeClient(mod, engineOpts);
    for (const event of FORWARDED) this.#engine.on(event, (payload) => this.#fromEngine(event, payload));
  }

  // ------------------------------------------------------------ public API (as RealtimeClient)

  get state() { return this.#state; }
  get isConnected() { return this.#state === 'open'; }
  get online() { return this.#mode === 'shared' ? this.#online : this.#engine.online; }
  // 'holder': this tab's socket serves every tab of the user; 'follower': another tab's does;
  // 'private': this tab has its own socket (or none yet), because sharing is off, unsupported or has
  // nothing to group by.
  get role() { return this.#role; }

  connect() {
    if (this.#disposed) return;
    announce(this, 'connecting');
    if (this.#session) return;
    const session = (this.#session = {});
    if (!this.#env) return this.#startPrivate();
    if (this.#shareKey != null) return this.#startShared(session, null);
    const { getToken } = this.#opts;
    if (!getToken) return this.#startPrivate();
    // Who this tab is signed in as decides its group: the token's user, asked for once per connect().
    this.#setState({ to: 'connecting', reason: 'connect_requested', attempt: 0, delayMs: 0 });
    let token;
    try {
      token = getToken({ reason: 'initial', attempt: 0 });
    } catch {
      return this.#startPrivate();  // the engine asks again, and reports the failure as it always does
    }
    session.resolving = true;
    const current = () => {
      session.resolving = false;
      return this.#session === session && !this.#disposed;
    };
    Promise.resolve(token).then((t) => {
      if (!current()) return;
      const user = tokenUser(t);
      if (user === null) this.#startPrivate();
      else this.#startShared(session, user, t);
    }, () => {
      if (current()) this.#startPrivate();
    });
  }

  close(code = 1000, reason = '') {
    if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
      bad(`close code must be 1000 or 3000-4999, got ${code}`);
    }
    if (this.#disposed) return;
    const resolving = this.#session?.resolving;
    this.#session = null;
    if (this.#mode === 'shared') this.#leave(code, reason);
    else if (!resolving) return this.#engine.close(code, reason);
    // Shared, or still asking who this tab is: no socket to wait for.
    this.#setState({ to: 'closed', reason: 'client_closed', attempt: 0, delayMs: 0 });
  }

  dispose() {
    if (this.#disposed) return;
    this.#session = null;
    if (this.#mode !== 'private') {
      if (this.#mode === 'shared') this.#leave(1000, '');
      if (this.#state !== 'closed') this.#setState({ to: 'closed', reason: 'disposed', attempt: 0, delayMs: 0 });
    }
    this.#engine.dispose();  // in private mode its last state change reaches the listeners
    this.#ledger?.dispose();
    this.#disposed = true;
    this.#events.close();
    this.#subs.clear();
    this.#routes.clear();
    this.#wildcard = [];
    this.#pending.clear();
    announce(this, 'disposed');
  }

  subscribe(type, handler) {
    if (typeof type !== 'string' || !type) bad('subscribe(type, handler): type must be a non-empty string');
    if (typeof handler !== 'function') bad('subscribe(type, handler): handler must be a function');
    if (this.#disposed) return noop;
    const entry = { type, handler, off: null, ledgerOff: null };
    if (this.#mode === 'private') entry.off = this.#engine.subscribe(type, handler);
    if (this.#ledger && type !== '*') entry.ledgerOff = this.#ledger.subscribe(type, noop);  // registers the type, as a private client would
    this.#subs.add(entry);
    if (type === '*') this.#wildcard = [...this.#wildcard, handler];
    else this.#routes.set(type, [...(this.#routes.get(type) ?? []), handler]);
    return () => {
      if (!this.#subs.delete(entry)) return;
      entry.off?.();
      entry.ledgerOff?.();
      const remove = (list) => {
        const i = list.indexOf(handler);
        return [...list.slice(0, i), ...list.slice(i + 1)];
      };
      if (type === '*') this.#wildcard = remove(this.#wildcard);
      else this.#routes.set(type, remove(this.#routes.get(type)));
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
    return this.#events.on(event, handler, event === 'frame' ? () => this.#syncFrameListener() : undefined);
  }

  registerType(spec) {
    const route = this.#engine.registerType(spec);  // the driver's checks and errors
    if (route < 0) return route;
    this.#types.push(spec);
    try {
      this.#ledger?.registerType(spec);
    } catch { /* the engine accepted it; the ledger has the same core */ }
    if (this.#role === 'follower') this.#group.post({ k: 'reg', spec });
    return route;
  }

  // Holder and private: the engine's answer. Follower: the frame goes to the holder, and the answer is
  // what a private client would say for the link's state as this tab last heard it ('sent' while
  // open, else 'queued', or 'dropped' for a volatile frame); it is kept until the holder confirms it
  // and handed to the next holder if this one goes first.
  send(type, data, options = {}) {
    if (this.#role !== 'follower') return this.#engine.send(type, data, options);
    if (typeof type !== 'string' || !type) bad('send(type, data): type must be a non-empty string');
    if (this.#disposed) return 'dropped';
    const volatile = !!options?.volatile;
    const open = this.#state === 'open';
    if (volatile && !open) return 'dropped';
    const json = JSON.stringify({ type, data });  // throws where the driver's would (a BigInt, a cycle)
    const capacity = this.#opts.options[OUTBOX_SLOT];
    if (this.#pending.size >= (Number.isNaN(capacity) ? OUTBOX_DEFAULT : capacity)) {
      this.#events.error('outbox_overflow', `outbox full (${this.#pending.size} frames): frame dropped`);
      return 'dropped';
    }
    const entry = { n: ++this.#sendN, type, data: JSON.parse(json).data, v: volatile, q: 0 };
    this.#pending.set(entry.n, entry);
    this.#group.post({ k: 'send', n: entry.n, type, data: entry.data, v: volatile });
    return open ? 'sent' : 'queued';
  }

  // The tab's own window in shared mode (see the file's opening comment); the engine's otherwise.
  claim(type, id) {
    return this.#mode === 'shared' ? this.#ledger.claim(type, id) : this.#engine.claim(type, id);
  }

  // Shared: the link's counters (of every holder so far, the current one as of its last message)
  // with this tab's framesDelivered, duplicates and unsubscribed.
  stats() {
    if (this.#disposed) return null;
    if (this.#mode !== 'shared') return { ...this.#engine.stats(), state: this.#state };
    const link = sum(this.#linkBase, this.#role === 'holder' ? this.#termStats() : this.#linkLast);
    return {
      ...link,
      framesDelivered: this.#count.delivered,
      duplicates: link.duplicates + this.#count.duplicates,
      unsubscribed: link.unsubscribed + this.#count.unsubscribed,
      state: this.#state,
    };
  }

  setOnline(online) { this.#toHolder(() => this.#engine.setOnline(online), { k: 'net', on: !!online }); }
  wake() { this.#toHolder(() => this.#engine.wake(), { k: 'wake' }); }
  dropLink() { this.#toHolder(() => this.#engine.dropLink(), { k: 'drop' }); }
  resumeFrom(eventId) {
    if (!Number.isSafeInteger(eventId) || eventId < 1) bad(`resumeFrom(eventId): a positive integer event id, got ${eventId}`);
    if (this.#disposed || !this.#resume) return;
    this.#lastEventId = Math.max(this.#lastEventId, eventId);
    if (this.#mode === 'private' || this.#role === 'holder') this.#engine.resumeFrom(eventId);  // else when it opens or holds
  }

  // ------------------------------------------------------------ protocol extensions (as RealtimeClient)

  get features() { return this.#mode === 'shared' ? this.#features : this.#engine.features; }
  supports(feature) {
    const features = this.features;
    return features === null ? null : features.includes(feature);
  }
  presenceOf(userId) { return this.#mode === 'shared' ? this.#presence.get(userId) ?? null : this.#engine.presenceOf(userId); }
  isTyping(userId) { return this.#mode === 'shared' ? this.#typing.has(userId) : this.#engine.isTyping(userId); }
  readReceipt(userId) { return this.#mode === 'shared' ? this.#receipts.get(userId) ?? null : this.#engine.readReceipt(userId); }

  // Follower: handed to the holder, whose engine throttles it; 'sent' while the link is open and the
  // server is not known to lack typing (the holder may still drop it as throttled).
  setTyping(toUserId, typing = true) {
    if (this.#role !== 'follower') return this.#engine.setTyping(toUserId, typing);
    if (!Number.isSafeInteger(toUserId) || toUserId < 0) bad('setTyping(toUserId): toUserId must be a user id (a non-negative integer)');
    if (this.#disposed || this.#state !== 'open' || this.supports('typing') === false) return 'dropped';
    this.#group.post({ k: 'typ', to: toUserId, on: !!typing });
    return 'sent';
  }

  // This tab's own knowledge, as in a private client.
  seedReadReceipt(readerId, upToMessageId, readAt = null) {
    if (this.#mode !== 'shared') return this.#engine.seedReadReceipt(readerId, upToMessageId, readAt);
    if (!Number.isSafeInteger(readerId) || !Number.isSafeInteger(upToMessageId)) bad('seedReadReceipt(readerId, upToMessageId): both must be ids (integers)');
    this.#noteRead({ readerId, upTo: upToMessageId, readAt });
  }

  markRead(withUserId, upToMessageId) {
    if (this.#role !== 'follower') return this.#engine.markRead(withUserId, upToMessageId);
    if (!Number.isSafeInteger(withUserId) || !Number.isSafeInteger(upToMessageId)) bad('markRead(withUserId, upToMessageId): both must be ids (integers)');
    if (this.supports('read_receipts') === false) return 'dropped';
    return this.send('mark_read', { with: withUserId, up_to: upToMessageId });
  }

  // ------------------------------------------------------------ sessions

  #toHolder(here, msg) {
    if (this.#disposed) return;
    if (this.#role === 'follower') this.#group.post(msg);
    else here();
  }

  #startPrivate() {
    if (this.#mode !== 'private') {
      this.#mode = 'private';
      for (const entry of this.#subs) entry.off = this.#engine.subscribe(entry.type, entry.handler);
      this.#syncFrameListener();
    }
    if (this.#resume && this.#lastEventId > 0) this.#engine.resumeFrom(this.#lastEventId);
    this.#engine.connect();
  }

  #startShared(session, user, token) {
    if (this.#mode === 'private') {
      for (const entry of this.#subs) {
        entry.off?.();
        entry.off = null;
      }
    }
    this.#mode = 'shared';
    this.#user = user;
    if (token) this.#secrets = [token];
    this.#ensureLedger();
    this.#syncFrameListener();
    if (this.#state !== 'connecting') this.#setState({ to: 'connecting', reason: 'connect_requested', attempt: 0, delayMs: 0 });
    const { locks, Channel, hop, clock, timing } = this.#env;
    this.#group = new Group(groupName(this.#opts.url, { shareKey: this.#shareKey, user }), {
      id: this.#id, locks, Channel, clock, timing, defer: hop(),
      hooks: {
        message: (msg) => this.#onMessage(msg),
        elected: (epoch, announce) => this.#becomeHolder(epoch, announce),
        deposed: () => this.#stepDown(),
        lost: () => this.#linkLost(),
        holder: (msg) => this.#adopt(msg),
        hello: (electing) => this.#hello(electing),
        joined: (tab) => this.#linkFrames.length && this.#group.post({ k: 'replay', to: tab, frames: this.#linkFrames }),
        pulse: () => ({ st: this.#termStats() }),
      },
    });
    this.#setRole('follower');
    this.#bindPage();
    this.#group.start();
  }

  // This tab leaves its group (close, dispose, or its session ended): the socket moves to another tab
  // that needs it, or closes when none does.
  #leave(code, reason) {
    const holding = this.#role === 'holder';
    if (holding) this.#detachHolder();
    this.#group?.stop();
    this.#group = null;
    this.#unbindPage?.();
    this.#mode = null;
    this.#setRole('private');
    this.#syncFrameListener();
    if (holding) this.#engine.close(code, reason);
  }

  #ensureLedger() {
    if (this.#ledger) return;
    this.#ledger = new this.#Client(this.#mod, { ...this.#opts, sink: null, getToken: null, types: this.#types, debug: false });
    for (const entry of this.#subs) if (entry.type !== '*') entry.ledgerOff = this.#ledger.subscribe(entry.type, noop);
  }

  #bindPage() {
    if (this.#unbindPage) return;
    const { page, document: doc } = this.#env;
    const pause = () => this.#pause();
    const resume = () => this.#group?.resume();
    const shown = (ev) => ev.persisted && resume();
    const visible = () => {
      if (doc.visibilityState === 'visible' && this.#role === 'follower') this.#group.post({ k: 'wake' });
    };
    doc.addEventListener('freeze', pause);
    doc.addEventListener('resume', resume);
    doc.addEventListener('visibilitychange', visible);
    page.addEventListener('pagehide', pause);
    page.addEventListener('pageshow', shown);
    this.#unbindPage = () => {
      doc.removeEventListener('freeze', pause);
      doc.removeEventListener('resume', resume);
      doc.removeEventListener('visibilitychange', visible);
      page.removeEventListener('pagehide', pause);
      page.removeEventListener('pageshow', shown);
      this.#unbindPage = null;
    };
  }

  // The page is being frozen, closed or put in the back/forward cache: a holder hands over while it
  // still runs (its socket closes now, not when the page comes back).
  #pause() {
    if (this.#role === 'holder') this.#stepDown();
    this.#group?.pause();
  }

  #setRole(role) {
    if (role === this.#role) return;
    const previous = this.#role;
    this.#role = role;
    this.#events.emit('role', { role, previous });
  }

  #syncFrameListener() {
    const want = this.#role === 'holder' || (this.#mode === 'private' && this.#events.count('frame') > 0);
    if (want && !this.#offFrame) this.#offFrame = this.#engine.on('frame', (info) => this.#onFrameInfo(info));
    if (!want && this.#offFrame) {
      this.#offFrame();
      this.#offFrame = null;
    }
  }

  // In a group, a token for another user than the group's is no session for it: this tab ends its
  // session (auth_failed) and the socket moves to a tab signed in as that user, if any.
  #checkedToken(info) {
    const result = this.#opts.getToken(info);
    if (this.#mode !== 'shared' || this.#user === null) return result;
    const check = (token) => {
      if (typeof token !== 'string' || !token || tokenUser(token) === this.#user) return token;
      this.#log.warn('getToken returned a token for another user than this tab\'s shared connection: ending it in this tab');
      return null;
    };
    return result && typeof result.then === 'function' ? Promise.resolve(result).then(check) : check(result);
  }

  // ------------------------------------------------------------ holding

  #becomeHolder(epoch, announce) {
    if (this.#state === 'open') this.#linkLost();  // the old holder went without a word (a crash)
    this.#linkBase = sum(this.#linkBase, this.#linkLast);
    this.#linkLast = null;
    this.#term = {
      epoch, seq: 0, first: true, injected: false, awaiting: false, swallow: true, start: this.#engine.stats(),
      after: { e: this.#epoch, s: this.#seq ?? 0 },
    };
    this.#epoch = epoch;
    this.#seq = 0;
    this.#linkFrames = [];
    this.#clearTyping();
    this.#setRole('holder');
    this.#syncFrameListener();
    this.#offWildcard = this.#engine.subscribe('*', (data, frame) => this.#relayFrame(frame));
    announce();
    // Resume: the engine may have seen fewer event ids than this tab (another tab held the socket):
    // its first socket asks from the tabs' last one, and connection_established says if that covers the gap.
    if (this.#resume && this.#lastEventId > 0) {
      this.#engine.resumeFrom(this.#lastEventId);
      this.#term.injected = true;
    }
    const queued = [...this.#pending.values()];
    this.#pending.clear();
    this.#engine.connect();
    for (const entry of queued) this.#engine.send(entry.type, entry.data, { volatile: entry.v });
  }

  #detachHolder() {
    this.#linkBase = sum(this.#linkBase, this.#termStats());
    this.#term = null;
    this.#frameInfo = null;
    this.#offWildcard?.();
    this.#offWildcard = null;
  }

  // No longer the holder (another tab stole the lock, or this page is going to sleep) while still needing the link.
  #stepDown() {
    if (this.#role !== 'holder') return;
    this.#detachHolder();
    this.#setRole('follower');
    this.#syncFrameListener();
    this.#engine.close(1000, 'another tab holds the connection');
    this.#linkLost();
  }

  #termStats() {
    return this.#term ? minus(this.#engine.stats(), this.#term.start) : null;
  }

  #hello(electing) {
    const msg = {
      c: this.#change, st: this.#termStats(), s: this.#term?.seq ?? 0, on: this.#online,
      x: { f: this.#features, p: [...this.#presence], t: [...this.#typing], r: [...this.#receipts] },
    };
    if (electing) msg.a = this.#term.after;
    return msg;
  }

  #post(msg) {
    this.#group.post(msg);
    this.#onMessage(msg, true);
  }

  #fromEngine(event, payload) {
    if (this.#mode === 'private') {
      if (event === 'state') {
        this.#setState(payload);
        if (payload.to === 'closed') this.#session = null;
      } else if (event === 'error') {
        this.#events.report(payload);
      } else {
        if (event === 'network') this.#online = payload.online;
        this.#events.emit(event, payload);
      }
      return;
    }
    if (this.#role !== 'holder') return;  // an engine that is closing after this tab handed over
    const term = this.#term;
    if (event === 'state') return this.#holderState(payload, term);
    if (event === 'resync' && term.swallow) return;  // the term's first open is decided by 'term' below
    if (event === 'error') return this.#post({ k: 'err', c: payload.code, m: payload.message, t: payload.type });
    this.#post({ k: 'ev', n: event, p: payload });
  }

  #holderState(change, term) {
    if (change.to === 'closed') {
      // gave_up ends the link for every tab; auth_failed only this tab's session (another tab may
      // have one for the group, and takes over).
      this.#setState(change);
      if (change.reason === 'gave_up') this.#group.post({ k: 'st', c: change, st: this.#termStats() });
      this.#endSession();
      return;
    }
    this.#post({ k: 'st', c: change, st: this.#termStats() });
    if (change.to !== 'open' || !term.first) return;
    term.first = false;
    if (this.#resume && term.injected) term.awaiting = true;  // connection_established says whether the replay covers the gap
    else this.#announceTerm(term, false);
  }

  #announceTerm(term, resumed) {
    term.awaiting = false;
    this.#post({ k: 'term', r: resumed });
    // The engine's own resync for this open, if any, was reported in the same turn: ours replaces it.
    queueMicrotask(() => { term.swallow = false; });
  }

  #onFrameInfo(info) {
    if (this.#mode === 'private') return this.#events.emit('frame', info);
    if (this.#role !== 'holder') return;
    if (info.verdict === 'deliver') {
      this.#frameInfo = info;
      return;
    }
    this.#frameInfo = null;
    this.#post({ k: 'fi', i: info });
  }

  #relayFrame(frame) {
    const term = this.#term;
    if (!term) return;
    const info = this.#frameInfo;
    this.#frameInfo = null;
    if (term.awaiting) this.#announceTerm(term, frame.type === 'connection_established' && frame.resume === 'ok');
    if (frame.type === 'connection_established') this.#linkFrames = [frame];
    else if (LINK_FRAMES.has(frame.type)) this.#linkFrames.push(frame);
    else if (frame.type === 'presence' && this.#linkFrames.length) {
      this.#linkFrames = this.#linkFrames.filter((f) => f.type !== 'presence' || f.data?.user_id !== frame.data?.user_id);
      this.#linkFrames.push(frame);
    }
    this.#seq = ++term.seq;
    this.#post({ k: 'fr', s: term.seq, fr: frame, t: info?.type, key: info?.key, b: info?.bytes ?? 0 });
  }

  // ------------------------------------------------------------ following (and the holder's own copy)

  // A new holder's first word, or a hello: what this tab missed, and the link's state.
  #adopt(msg) {
    let missed = false;
    if (msg.h !== this.#epoch) {
      this.#linkBase = sum(this.#linkBase, this.#linkLast);
      this.#linkLast = null;
      if (msg.a) {
        // An election: did this tab see all that the new holder saw of the old one?
        if (this.#epoch < msg.a.e || (this.#epoch === msg.a.e && (this.#seq ?? 0) < msg.a.s)) this.#gap = true;
        this.#owedTerm ||= this.#everOpen;
      } else {
        missed = this.#everOpen;  // a failover went by unseen (the page was asleep)
      }
      this.#epoch = msg.h;
      this.#seq = msg.k === 'hello' ? msg.s : null;
      this.#clearTyping();  // the new link's engine knows nothing of who was typing on the old one
      for (const entry of this.#pending.values()) {
        entry.q = 0;
        this.#group.post({ k: 'send', n: entry.n, type: entry.type, data: entry.data, v: entry.v });
      }
    } else if (msg.k === 'hello' && this.#seq !== null && msg.s > this.#seq) {
      this.#seq = msg.s;
      missed = this.#everOpen;  // frames went by while the page was asleep, or before it connected again
    }
    if (msg.st) this.#linkLast = msg.st;
    if (msg.on !== undefined && msg.on !== this.#online) {
      this.#online = msg.on;
      this.#events.emit('network', { online: msg.on });
    }
    if (msg.k === 'hello' && msg.c) this.#setState(msg.c);
    if (msg.k === 'hello' && msg.x) this.#adoptExtensions(msg.x);
    if (missed) this.#resync(this.#clock() - this.#aliveAt);
  }

  // A hello's snapshot of what the holder's engine knows (each change reported as the engine would).
  #adoptExtensions({ f, p, t, r }) {
    if (f && JSON.stringify(f) !== JSON.stringify(this.#features)) this.#onMessage({ k: 'ev', n: 'features', p: { features: f } });
    for (const [userId, entry] of p) {
      const known = this.#presence.get(userId);
      if (!known || known.online !== entry.online || known.lastSeen !== entry.lastSeen) this.#onMessage({ k: 'ev', n: 'presence', p: { userId, ...entry } });
    }
    for (const userId of t) if (!this.#typing.has(userId)) this.#onMessage({ k: 'ev', n: 'typing', p: { userId, typing: true } });
    for (const userId of [...this.#typing]) if (!t.includes(userId)) this.#onMessage({ k: 'ev', n: 'typing', p: { userId, typing: false } });
    for (const [readerId, entry] of r) this.#noteRead({ readerId, ...entry });
  }

  #clearTyping() {
    for (const userId of [...this.#typing]) this.#onMessage({ k: 'ev', n: 'typing', p: { userId, typing: false } });
  }

  // A read mark never moves back (what the engine does, with this tab's seeds as well).
  #noteRead({ readerId, upTo, readAt }) {
    const before = this.#receipts.get(readerId);
    if (before && before.upTo >= upTo) return;
    this.#receipts.set(readerId, { upTo, readAt: readAt ?? null });
    this.#events.emit('read', { readerId, upTo, readAt: readAt ?? null });
  }

  #linkLost() {
    this.#owedTerm ||= this.#everOpen;
    if (this.#state !== 'open') return;
    this.#events.emit('close', { code: 1006, reason: 'the tab holding the connection went away', wasClean: false });
    this.#setState({ to: 'connecting', reason: 'connection_lost', attempt: 0, delayMs: 0 });
  }

  #onMessage(msg, local = false) {
    switch (msg.k) {
      case 'fr': return this.#onFrame(msg, local);
      case 'st':
        this.#linkLast = msg.st;
        this.#setState(msg.c);
        if (msg.c.to === 'open') for (const [n, entry] of this.#pending) if (entry.q === msg.h) this.#pending.delete(n);
        if (msg.c.to === 'closed' && !local) this.#endSession();
        return;
      case 'term':
        if (this.#owedTerm && (!msg.r || this.#gap)) this.#resync(this.#clock() - this.#aliveAt);
        this.#owedTerm = false;
        this.#gap = false;
        return;
      case 'ev':
        if (msg.n === 'resync') {
          if (this.#everOpen) this.#resync(msg.p.downtimeMs);
          return;
        }
        if (msg.n === 'read') return this.#noteRead(msg.p);
        if (msg.n === 'network') this.#online = msg.p.online;
        else if (msg.n === 'features') this.#features = msg.p.features;
        else if (msg.n === 'presence') this.#presence.set(msg.p.userId, { online: msg.p.online, lastSeen: msg.p.lastSeen });
        else if (msg.n === 'typing') {
          if (msg.p.typing) this.#typing.add(msg.p.userId);
          else this.#typing.delete(msg.p.userId);
        }
        return this.#events.emit(msg.n, msg.p);
      case 'err': return this.#events.report(new RealtimeError(msg.c, msg.m, msg.t === undefined ? {} : { type: msg.t }));
      case 'fi':
        if (this.#linkLast && !local) {
          this.#linkLast.framesReceived++;
          this.#linkLast[VERDICT_COUNTERS[msg.i.verdict]]++;
        }
        return this.#events.emit('frame', msg.i);
      case 'replay':
        if (msg.to === this.#id) for (const frame of msg.frames) this.#deliver(frame, this.#routes.get(frame.type));
        return;
      case 'ack': {
        const entry = msg.to === this.#id ? this.#pending.get(msg.n) : null;
        if (!entry) return;
        if (msg.r === 'queued') entry.q = msg.h;  // in the holder's outbox: done once its link opens
        else this.#pending.delete(msg.n);
        return;
      }
      // Sent by followers, for the holder.
      case 'send': {
        const r = this.#engine.send(msg.type, msg.data, { volatile: msg.v });
        this.#group.post({ k: 'ack', to: msg.f, n: msg.n, r });
        return;
      }
      case 'reg':
        try {
          this.#engine.registerType(msg.spec);
        } catch { /* the follower's core accepted it: a different build */ }
        return;
      case 'typ': return this.#engine.setTyping(msg.to, msg.on);
      case 'wake': return this.#engine.wake();
      case 'drop': return this.#engine.dropLink();
      case 'net': return this.#engine.setOnline(msg.on);
      default:
    }
  }

  // The holder's group gave up: this tab's session is over too.
  #endSession() {
    this.#session = null;
    this.#leave(1000, '');
  }

  #onFrame(msg, local) {
    if (this.#linkLast) {  // counted here between the holder's reports, which carry the exact numbers
      this.#linkLast.framesReceived++;
      this.#linkLast.framesDelivered++;
      this.#linkLast.bytesReceived += msg.b;
    }
    if (!local) {
      if (this.#seq !== null && msg.s !== this.#seq + 1 && this.#everOpen) this.#resync(0);  // relayed frames went missing
      this.#seq = msg.s;
    }
    this.#aliveAt = this.#clock();
    const frame = msg.fr;
    const explain = this.#events.count('frame')
      ? (verdict) => this.#events.emit('frame', { verdict, type: msg.t, key: msg.key, bytes: msg.b, at: Date.now() })
      : noop;
    // Resume: across a failover the new holder replays from the last event id it knows; what this tab
    // already has is dropped here.
    const eventId = this.#resume ? frame.event_id : undefined;
    if (Number.isSafeInteger(eventId)) {
      if (eventId <= this.#lastEventId) {
        this.#count.duplicates++;
        return explain('duplicate');
      }
      this.#lastEventId = eventId;
    }
    const handlers = this.#routes.get(frame.type);
    const wildcard = this.#wildcard;
    if (!handlers?.length && !wildcard.length) {
      this.#count.unsubscribed++;
      return explain('unsubscribed');
    }
    if (msg.key !== undefined && msg.t) {
      const id = keyId(msg.key);
      if (!claimOnce(this.#ledger, msg.t, id)) {
        this.#count.duplicates++;
        return explain('duplicate');
      }
      if (!local) claimOnce(this.#engine, msg.t, id);  // the engine's window, for when this tab holds the link
    }
    this.#count.delivered++;
    explain('deliver');
    this.#deliver(frame, handlers);
  }

  #deliver(frame, handlers) {
    const data = frame.data !== undefined ? frame.data : frame;
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

  // ------------------------------------------------------------ events

  #clock() {
    return this.#env ? this.#env.clock.now() : performance.now();
  }

  #setState(change) {
    if (!change || change.to === this.#state) return;
    const c = { ...change, from: this.#state, at: change.at ?? Date.now() };
    this.#state = c.to;
    this.#change = c;
    if (c.to === 'open') {
      this.#everOpen = true;
      this.#aliveAt = this.#clock();
    }
    this.#events.emit('state', c);
    if (c.to === 'open') this.#events.emit('open', c);
    if (c.to === 'closed' && c.reason === 'auth_failed') this.#events.emit('auth_failed', c);
  }

  #resync(downtimeMs) {
    this.#events.emit('resync', { downtimeMs: Math.max(0, Math.round(downtimeMs)) });
  }
}
