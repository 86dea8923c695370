// One share group of tabs: Web Locks elect the tab that holds the connection, a BroadcastChannel
// carries everything else. Pure logic over an injected lock manager, channel and clock, so the tests
// drive it with fakes on a virtual clock (js/test/shared-group.test.js).
//
// How a holder is replaced (what Chromium 156 does, measured over raw CDP: README.md in this folder):
//  - Closed, crashed or navigated away: the browser releases its lock and grants it to the next tab
//    in the lock's queue at once. No timeout is involved.
//  - Frozen (a background tab) or sent to the back/forward cache: the facade calls pause() from the
//    page's 'freeze' and 'pagehide' events, which resigns before the page stops running.
//  - Frozen without that event, or hung: it keeps its lock. Followers ping a holder that has been
//    silent for pingMs; it answers through a MessageChannel hop (`defer`), because Chromium still runs
//    BroadcastChannel handlers in a frozen page but not its ports, timers or lock callbacks, so an
//    answer proves the page runs. No answer within answerMs: the follower that wins a second lock
//    (`<name>|steal`, taken if available) steals the main one (Web Locks' steal: true). Steals by one
//    tab are spaced out (stealBackoffMs, doubling up to five minutes), so a tab whose channel is broken
//    cannot keep taking the lock from working ones.
//  - The holder has no timer: background tabs throttle chained timers (to once a minute after five
//    minutes hidden); the followers' pings and the hop are what keep it known alive.
//
// Messages are objects { k: kind, f: sender tab, h?: holder epoch, ... }. Epochs grow with each new
// holder; (epoch, tab) orders holders, so a message from a replaced holder is recognised and dropped.

export const TIMING = Object.freeze({ pingMs: 200, answerMs: 400, stealBackoffMs: 1000, stealBackoffMaxMs: 300_000 });
const CONTROL = new Set(['join', 'hello', 'ping', 'pong', 'bye']);
const FOLLOWER_KINDS = new Set(['join', 'ping']);  // sent by any member, for the holder

// A hop through a MessageChannel: a task, not a timer, so background throttling does not delay it,
// and it does not run while the page is frozen.
export function channelHop() {
  const channel = new MessageChannel();
  const queue = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (fn) => {
    queue.push(fn);
    channel.port2.postMessage(null);
  };
}

const after = (a, b) => a.h > b.h || (a.h === b.h && a.f > b.f);

export class Group {
  #name;
  #id;
  #locks;
  #Channel;
  #channel = null;
  #clock;
  #defer;
  #timing;
  #hooks;
  #running = false;
  #paused = false;
  #request = null;   // the current lock request: { abort, steal }
  #term = null;      // while holding: { request, release, epoch }
  #best = { h: 0, f: '' };  // the newest holder ever heard of (or this tab's own term)
  #current = null;   // the holder this tab follows, while it is believed alive
  #heardAt = 0;
  #pingAt = -1;
  #pingDelay = 0;
  #timer = null;
  #stealAt = 0;
  #stealBackoff;

  // hooks: message(msg) for everything but the election's own messages; elected(epoch, announce): this
  // tab holds the lock now (announce() posts its hello); deposed(): it lost the lock; lost(): the holder
  // it followed is gone; holder(msg, changed): a message from the holder, the first of a new one or a
  // hello; hello(electing) and pulse(): the facade's fields for a hello and a pong; joined(tab): a tab
  // joined (its hello has gone out).
  constructor(name, { id, locks, Channel, clock, defer, timing = {}, hooks }) {
    this.#name = name;
    this.#id = id;
    this.#locks = locks;
    this.#Channel = Channel;
    this.#clock = clock;
    this.#defer = defer;
    this.#timing = { ...TIMING, ...timing };
    this.#stealBackoff = this.#timing.stealBackoffMs;
    this.#hooks = hooks;
  }

  get holding() { return this.#term !== null; }
  get epoch() { return this.#term?.epoch ?? this.#current?.h ?? 0; }

  start() {
    if (this.#running) return;
    this.#running = true;
    this.#channel = new this.#Channel(this.#name);
    this.#channel.onmessage = (ev) => this.#receive(ev.data);
    this.#enter();
  }

  // Leaves the group for good (logout, close(), dispose()).
  stop() {
    if (!this.#running) return;
    this.resign(false);
    this.#request?.abort();
    this.#request = null;
    this.#running = false;
    this.#clearTimer();
    this.#channel.onmessage = null;
    this.#channel.close();
    this.#channel = null;
    this.#current = null;
  }

  // The page is being frozen or hidden in the back/forward cache: hand over now, compete again on resume().
  pause() {
    if (!this.#running || this.#paused) return;
    this.resign(false);
    this.#request?.abort();
    this.#request = null;
    this.#paused = true;
    this.#clearTimer();
  }

  resume() {
    if (!this.#running || !this.#paused) return;
    this.#paused = false;
    this.#current = null;
    this.#enter();
  }

  // Gives the lock up (the holder no longer needs the socket, or cannot get a token). With `requeue`
  // the tab waits in the lock's queue again, behind the others.
  resign(requeue = true) {
    const term = this.#term;
    if (!term) return;
    this.#term = null;
    this.#current = null;
    this.post({ k: 'bye' }, term.epoch);
    term.release();
    if (this.#request === term.request) this.#request = null;
    if (requeue && this.#running && !this.#paused) this.#acquire(false);
    this.#heard();
  }

  post(msg, epoch = this.#term?.epoch) {
    if (!this.#channel) return;
    const out = { ...msg, f: this.#id };
    if (epoch !== undefined) out.h = epoch;
    try {
      this.#channel.postMessage(out);
    } catch {
      // a closed channel (the page is going away) or a value that cannot be cloned: nobody to tell
    }
  }

  #enter() {
    this.#heard();
    this.post({ k: 'join' });
    this.#acquire(false);
  }

  // A paused tab keeps reading the holder's messages (Chromium delivers them to a frozen page, so it
  // misses nothing); it only stops competing and answering.
  #receive(msg) {
    if (!msg || typeof msg !== 'object' || msg.f === this.#id || !this.#running) return;
    if (msg.h === undefined) {  // from a member, for the holder
      if (!this.#term) return;
      if (msg.k === 'join') {
        this.post({ k: 'hello', ...this.#hooks.hello(false) });
        this.#hooks.joined(msg.f);
      }
      else if (msg.k === 'ping') this.#defer(() => this.#term && this.post({ k: 'pong', ...this.#hooks.pulse() }));
      else if (!FOLLOWER_KINDS.has(msg.k)) this.#hooks.message(msg);
      return;
    }
    const from = { h: msg.h, f: msg.f };
    if (after(this.#best, from)) return;  // a replaced holder, still talking
    this.#best = from;
    if (this.#term) this.#deposed();  // someone newer holds it: this tab's lock was stolen, or is about to be
    if (msg.k === 'bye') {
      if (this.#current) this.#lose();
      return;
    }
    const changed = !this.#current || this.#current.h !== from.h || this.#current.f !== from.f;
    this.#current = from;
    this.#heard();
    if (changed || msg.k === 'hello') this.#hooks.holder(msg, changed);
    if (!CONTROL.has(msg.k)) this.#hooks.message(msg);
  }

  // ------------------------------------------------------------ the lock

  #acquire(steal) {
    const abort = steal ? null : new AbortController();
    const request = { abort: () => abort?.abort(), steal };
    this.#request = request;
    return new Promise((granted) => {
      const options = steal ? { steal: true } : { signal: abort.signal };
      this.#locks.request(this.#name, options, () => {
        if (this.#request !== request || !this.#running || this.#paused) return undefined;  // no longer wanted: released at once
        granted();
        return new Promise((release) => this.#elect(request, release));
      }).catch(() => {
        // AbortError: this tab's own abort (nothing to do), or its lock was stolen while held.
        if (this.#term?.request === request) this.#deposed();
      });
    });
  }

  #elect(request, release) {
    const epoch = this.#best.h + 1;
    this.#best = { h: epoch, f: this.#id };
    this.#term = { request, release, epoch };
    this.#current = null;
    this.#clearTimer();
    // The facade sets up its term, then announces it (before its socket says anything).
    this.#hooks.elected(epoch, () => this.post({ k: 'hello', ...this.#hooks.hello(true) }));
  }

  #deposed() {
    const term = this.#term;
    if (!term) return;
    this.#term = null;
    term.release();  // a no-op when stolen; after a newer holder spoke, lets the lock go if it is still ours
    this.#hooks.deposed();
    if (this.#request === term.request) this.#request = null;
    if (this.#running && !this.#paused) this.#acquire(false);
    this.#heard();
  }

  // ------------------------------------------------------------ liveness (followers)

  #heard() {
    this.#heardAt = this.#clock.now();
    this.#pingAt = -1;
    // Jittered, so that with many tabs one ping (and the one pong everybody hears) usually suffices.
    this.#pingDelay = this.#timing.pingMs * (1 + this.#clock.random() / 2);
    if (!this.#timer && this.#running && !this.#paused && !this.#term) this.#arm(this.#pingDelay);
  }

  #arm(ms) {
    this.#clearTimer();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#tick();
    }, Math.max(0, ms));
  }

  #clearTimer() {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  // A late timer (a throttled background tab) only delays the ping or gives the answer more time:
  // silence is judged from the ping actually sent, never from a stale reading.
  #tick() {
    if (!this.#running || this.#paused || this.#term) return;
    const t = this.#clock.now();
    if (this.#pingAt < 0) {
      const due = this.#heardAt + this.#pingDelay;
      if (t < due) return this.#arm(due - t);
      this.#pingAt = t;
      this.post({ k: 'ping' });
      return this.#arm(this.#timing.answerMs);
    }
    if (t < this.#pingAt + this.#timing.answerMs) return this.#arm(this.#pingAt + this.#timing.answerMs - t);
    this.#suspect();
  }

  #lose() {
    this.#current = null;
    this.#hooks.lost();
  }

  async #suspect() {
    if (this.#current) this.#lose();
    this.#heard();
    const t = this.#clock.now();
    if (t < this.#stealAt) return;
    let held;
    try {
      held = (await this.#locks.query()).held.some((lock) => lock.name === this.#name);
    } catch {
      return;
    }
    // Nobody holds it: the lock's queue grants it (to this tab or another) without a steal.
    if (!held || this.#term || !this.#running || this.#paused || this.#current) return;
    await this.#locks.request(`${this.#name}|steal`, { ifAvailable: true }, async (lock) => {
      if (!lock || this.#term || !this.#running || this.#paused || this.#current) return;  // another tab is taking over
      const now = this.#clock.now();
      this.#stealBackoff = now - this.#stealAt > this.#timing.stealBackoffMaxMs * 2
        ? this.#timing.stealBackoffMs
        : Math.min(this.#stealBackoff * 2, this.#timing.stealBackoffMaxMs);
      this.#stealAt = now + this.#stealBackoff;
      this.#request?.abort();
      await this.#acquire(true);
    }).catch(() => {});
  }
}
