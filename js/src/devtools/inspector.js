// What the devtools panel shows about one client, kept outside React: the state timeline, the last
// frames in a bounded ring, and stats().
//
// Two channels, so the cost of a render does not grow with the frame rate:
//   subscribe/getSnapshot  an immutable snapshot for React: published (at most once per animation
//                          frame) on state, network and resync events, and every tickMs while
//                          retained (counters, the rate and the countdown move). Frames alone never
//                          publish it, whatever their rate.
//   subscribeFrames        at most once per animation frame after frames arrived: the log paints the
//                          rows in view from entries() without React.
//
// State changes are recorded from creation (they are rare and cheap). Frames are recorded only while
// someone retains the inspector: a 'frame' listener makes the client explain every frame, which is
// work a page should do only while a panel is mounted.

const DEFAULTS = { maxEntries: 500, maxTimeline: 100, tickMs: 200 };

function defaultSchedule(fn) {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(fn);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(fn, 16);
  return () => clearTimeout(id);
}

// Every client call goes through this: a panel must not take the page down with a client that is
// disposed or misbehaving.
function safely(fn, fallback) {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

const roleOf = (client) => {
  const role = safely(() => client.role);
  return typeof role === 'string' && role ? role : 'this tab';
};

export function createInspector(client, options = {}) {
  const { maxEntries, maxTimeline, tickMs } = { ...DEFAULTS, ...options };
  const schedule = options.schedule ?? defaultSchedule;
  const now = options.now ?? Date.now;

  const ring = new Array(maxEntries);
  let seq = 0;           // frames recorded (the next entry's number)
  let cleared = 0;       // seq at the last clear(): older entries are not shown
  let timeline = [];     // newest first, at most maxTimeline
  let tlSeq = 0;
  const rate = { at: now(), seq: 0, perSecond: 0 };  // frames per second over about the last second
  const initialState = safely(() => client.state, 'closed');
  let change = { from: initialState, to: initialState, reason: 'none', attempt: 0, delayMs: 0, at: now() };
  let online = safely(() => client.online, true) !== false;
  let snapshot = null;
  let stale = true;          // the snapshot no longer says everything (its next publication is due)
  let urgent = false;        // ...and it should not wait for the ticker (a state change, a clear)
  let framesPending = false;
  const listeners = new Set();
  const frameListeners = new Set();
  let cancelFlush = null;
  let ticker = null;
  let offFrame = null;
  let retained = 0;
  let disposed = false;

  function note(entry) {
    timeline = [{ seq: ++tlSeq, at: now(), ...entry }, ...timeline].slice(0, maxTimeline);
    publishSoon();
  }

  function onFrame(info) {
    ring[seq % maxEntries] = { seq, ...info };
    seq++;
    stale = true;
    framesPending = true;
    request();
  }

  function publishSoon() {
    stale = true;
    urgent = true;
    request();
  }

  // One flush per animation frame, whatever happened since the last one; nothing is scheduled while
  // nobody listens (the next subscriber gets a fresh snapshot).
  function request() {
    if (cancelFlush || disposed || (listeners.size === 0 && frameListeners.size === 0)) return;
    cancelFlush = schedule(flush);
  }

  function flush() {
    cancelFlush = null;
    if (disposed) return;
    if (framesPending) {
      framesPending = false;
      for (const fn of [...frameListeners]) fn();
    }
    if (urgent) {
      urgent = false;
      build();
      for (const fn of [...listeners]) fn();
    }
  }

  function tick() {
    // A countdown moves without events; otherwise only what changed is worth a render.
    if (stale || change.to === 'backing_off') publishSoon();
  }

  function entries() {
    const count = Math.min(seq - cleared, maxEntries);
    const out = new Array(count);
    for (let i = 0; i < count; i++) out[i] = ring[(seq - 1 - i) % maxEntries];
    return out;
  }

  function build() {
    const t = now();
    if (t - rate.at >= 1000) {
      rate.perSecond = Math.round(((seq - rate.seq) * 1000) / (t - rate.at));
      rate.at = t;
      rate.seq = seq;
    }
    stale = false;
    snapshot = {
      client,
      now: t,
      state: safely(() => client.state, 'closed'),
      online,
      role: roleOf(client),
      change,
      timeline,
      entries: entries(),
      total: seq,
      rate: rate.perSecond,
      recording: retained > 0,
      stats: safely(() => client.stats(), null),
    };
    return snapshot;
  }

  const offs = [
    safely(() => client.on('state', (c) => {
      change = c;
      note({ kind: 'state', ...c, at: c.at ?? now() });
    })),
    safely(() => client.on('network', ({ online: on }) => {
      online = on;
      note({ kind: 'network', online: on });
    })),
    safely(() => client.on('resync', ({ downtimeMs }) => note({ kind: 'resync', downtimeMs }))),
  ];
  note({ kind: 'attached', state: initialState });

  return {
    client,
    // useSyncExternalStore's pair: the same object until a publication.
    subscribe(fn) {
      listeners.add(fn);
      if (stale) publishSoon();
      return () => listeners.delete(fn);
    },
    getSnapshot: () => snapshot ?? build(),
    subscribeFrames(fn) {
      frameListeners.add(fn);
      return () => frameListeners.delete(fn);
    },
    // The recorded frames, newest first (a copy: holding it freezes a view).
    entries,
    get total() { return seq; },
    // Starts recording frames, and the ticker; both stop once every retainer has released.
    retain() {
      if (disposed) return () => {};
      if (retained++ === 0) {
        offFrame = safely(() => client.on('frame', onFrame), null);
        ticker = setInterval(tick, tickMs);
        publishSoon();
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--retained > 0) return;
        offFrame?.();
        offFrame = null;
        clearInterval(ticker);
        ticker = null;
        publishSoon();
      };
    },
    clear() {
      cleared = seq;
      framesPending = true;
      publishSoon();
    },
    // Publishes now instead of at the next animation frame.
    flush() {
      cancelFlush?.();
      framesPending = true;
      urgent = true;
      flush();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const off of offs) safely(() => off?.());
      offFrame?.();
      clearInterval(ticker);
      cancelFlush?.();
      listeners.clear();
      frameListeners.clear();
    },
  };
}

// One inspector per client, so every panel (and the page registry) shares its history.
const inspectors = new WeakMap();
export function inspectorFor(client) {
  let inspector = inspectors.get(client);
  if (!inspector) inspectors.set(client, inspector = createInspector(client));
  return inspector;
}
