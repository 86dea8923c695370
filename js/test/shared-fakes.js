// Fakes for the tab-sharing tests: a virtual clock, tabs that can be frozen or hung, and the Web Locks
// and BroadcastChannel they share, behaving as Chromium 156 does (measured over raw CDP; src/shared/README.md):
// a frozen page still runs its BroadcastChannel handlers but not its timers, ports or lock callbacks; a
// hung page runs nothing until it recovers; a closed page's locks are released by the browser.

const flush = () => new Promise((resolve) => setImmediate(resolve));

export class VirtualClock {
  t = 0;
  #tasks = [];
  #n = 0;
  #seed = 7;

  now = () => this.t;
  random = () => {
    this.#seed = (this.#seed * 1103515245 + 12345) % 2147483648;
    return this.#seed / 2147483648;
  };

  setTimeout = (fn, ms = 0) => {
    const task = { at: this.t + Math.max(0, ms), n: ++this.#n, fn, cancelled: false };
    this.#tasks.push(task);
    return task;
  };

  clearTimeout = (task) => {
    if (task) task.cancelled = true;
  };

  // Runs everything due within `ms` of virtual time, in order, letting promises settle between tasks.
  async run(ms) {
    const end = this.t + ms;
    for (;;) {
      await flush();
      this.#tasks = this.#tasks.filter((task) => !task.cancelled);
      let next = null;
      for (const task of this.#tasks) if (task.at <= end && (!next || task.at < next.at || (task.at === next.at && task.n < next.n))) next = task;
      if (!next) break;
      this.#tasks.splice(this.#tasks.indexOf(next), 1);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await flush();
  }

  // Runs until `predicate()` holds (checked after each task), at most `ms`; returns the virtual time it took.
  async until(predicate, ms = 10_000) {
    const start = this.t;
    while (!predicate()) {
      if (this.t - start >= ms) throw new Error(`not within ${ms} virtual ms`);
      await this.run(1);
    }
    return this.t - start;
  }
}

// One page: what it runs is held back while it is frozen (timers, ports, locks) or hung (everything).
export class FakeTab {
  frozen = false;
  hung = false;
  closed = false;
  #held = [];

  constructor(world, name) {
    this.world = world;
    this.name = name;
    this.clock = {
      now: world.clock.now,
      random: world.clock.random,
      setTimeout: (fn, ms) => world.clock.setTimeout(() => this.run(fn), ms),
      clearTimeout: world.clock.clearTimeout,
    };
    this.locks = world.locks.view(this);
  }

  // A task of the page (a timer, a port message, a lock callback).
  run(fn, { channel = false } = {}) {
    if (this.closed) return;
    if (this.hung || (this.frozen && !channel)) this.#held.push(() => this.run(fn, { channel }));
    else fn();
  }

  defer = (fn) => this.world.clock.setTimeout(() => this.run(fn), 0);

  wake() {
    this.frozen = false;
    this.hung = false;
    for (const fn of this.#held.splice(0)) fn();
  }

  // The page goes away: its channels stop, the browser releases its locks.
  close() {
    this.closed = true;
    this.world.locks.releaseAll(this);
  }
}

// Real time works too (a clock with now/random/setTimeout/clearTimeout), for tests that run real sockets.
export const realClock = {
  now: () => performance.now(), random: Math.random, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t),
};

export function fakeWorld({ clock = new VirtualClock() } = {}) {
  const world = { clock };
  world.locks = new FakeLocks(clock);
  const channels = new Map();  // name → Set(FakeChannel)
  world.channelFor = (tab) => class FakeChannel {
    onmessage = null;
    #closed = false;
    constructor(name) {
      this.name = name;
      if (!channels.has(name)) channels.set(name, new Set());
      channels.get(name).add(this);
    }

    postMessage(msg) {
      if (this.#closed || tab.closed) return;
      const data = structuredClone(msg);
      for (const other of channels.get(this.name)) {
        if (other === this) continue;
        clock.setTimeout(() => other.deliver(data), 0);
      }
    }

    deliver(data) {
      if (this.#closed) return;
      tab.run(() => !this.#closed && this.onmessage?.({ data }), { channel: true });
    }

    close() {
      this.#closed = true;
      channels.get(this.name).delete(this);
    }
  };
  world.tab = (name) => new FakeTab(world, name);
  return world;
}

const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });

// Exclusive Web Locks: a FIFO queue per name, ifAvailable, steal, signal, query.
export class FakeLocks {
  #held = new Map();   // name → request
  #queue = new Map();  // name → [request]
  #clock;
  steals = 0;
  stealsBy = new Map();  // tab name → steals

  constructor(clock) {
    this.#clock = clock;
  }

  view(tab) {
    return {
      request: (name, options, callback) => this.#request(tab, name, options, callback),
      query: async () => ({
        held: [...this.#held].map(([name, r]) => ({ name, mode: 'exclusive', clientId: r.tab.name })),
        pending: [...this.#queue].flatMap(([name, list]) => list.map((r) => ({ name, mode: 'exclusive', clientId: r.tab.name }))),
      }),
    };
  }

  holder(name) {
    return this.#held.get(name)?.tab ?? null;
  }

  releaseAll(tab) {
    for (const [name, list] of this.#queue) this.#queue.set(name, list.filter((r) => r.tab !== tab));
    for (const [name, r] of [...this.#held]) if (r.tab === tab) this.#release(name, r);
  }

  #request(tab, name, options, callback) {
    return new Promise((resolve, reject) => {
      const request = { tab, callback, resolve, reject, done: false };
      if (options.signal?.aborted) return reject(abortError());
      if (options.steal) {
        const previous = this.#held.get(name);
        if (previous) {
          this.steals++;
          this.stealsBy.set(tab.name, (this.stealsBy.get(tab.name) ?? 0) + 1);
          this.#held.delete(name);
          previous.done = true;
          previous.reject(abortError());
        }
        return this.#grant(name, request);
      }
      const queue = this.#queue.get(name) ?? [];
      if (options.ifAvailable && (this.#held.has(name) || queue.length)) {
        tab.run(() => Promise.resolve(callback(null)).then(resolve, reject));
        return undefined;
      }
      queue.push(request);
      this.#queue.set(name, queue);
      options.signal?.addEventListener('abort', () => {
        const list = this.#queue.get(name) ?? [];
        if (!list.includes(request)) return;
        this.#queue.set(name, list.filter((r) => r !== request));
        reject(abortError());
      });
      this.#next(name);
      return undefined;
    });
  }

  #next(name) {
    if (this.#held.has(name)) return;
    const queue = this.#queue.get(name) ?? [];
    const request = queue.shift();
    if (request) this.#grant(name, request);
  }

  #grant(name, request) {
    this.#held.set(name, request);
    // The grant reaches the page as one of its tasks (held back while it is frozen).
    this.#clock.setTimeout(() => request.tab.run(() => {
      Promise.resolve()
        .then(() => request.callback({ name, mode: 'exclusive' }))
        .then((value) => {
          this.#release(name, request);
          if (!request.done) request.resolve(value);
        }, (err) => {
          this.#release(name, request);
          if (!request.done) request.reject(err);
        });
    }), 0);
  }

  #release(name, request) {
    if (this.#held.get(name) !== request) return;
    this.#held.delete(name);
    request.done = true;
    this.#next(name);
  }
}
