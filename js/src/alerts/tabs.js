// Which tab acts when several tabs of the app are open: Web Locks (a lock per event, and a lock per visible tab); where they are missing, this tab acts alone.

const HOLD_MS = 10_000;  // how long an event's lock is held: longer than any two tabs take to receive one frame
const present = new Map();  // userId → { users, visibleName, othersVisible, stop }

function locksApi() {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks && typeof locks.request === 'function' ? locks : null;
}

function randomId() {
  const c = globalThis.crypto;
  return typeof c?.randomUUID === 'function' ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// While this page is visible it holds `numeneon:visible:<user>:<tab>`, so a hidden tab can ask
// whether another tab of the same user is in view (and leave the decision to it).
function startPresence(userId) {
  const locks = locksApi();
  const prefix = `numeneon:visible:${userId}:`;
  const own = prefix + randomId();
  let hold = null;  // { release, cancelled }
  const release = () => {
    if (!hold) return;
    hold.cancelled = true;
    hold.release?.();
    hold = null;
  };
  const update = () => {
    if (document.visibilityState !== 'visible') {
      release();
      return;
    }
    if (hold || !locks) return;
    const mine = { release: null, cancelled: false };
    hold = mine;
    locks.request(own, () => (mine.cancelled ? undefined : new Promise((resolve) => { mine.release = resolve; })))
      .catch(() => {});
  };
  update();
  document.addEventListener('visibilitychange', update);
  return {
    async othersVisible() {
      if (typeof locks?.query !== 'function') return false;
      try {
        const { held = [] } = await locks.query();
        return held.some((lock) => lock.name.startsWith(prefix) && lock.name !== own);
      } catch {
        return false;
      }
    },
    stop() {
      document.removeEventListener('visibilitychange', update);
      release();
    },
  };
}

// This page's membership in the tabs of `userId` (shared by every hook of the page, counted).
// → { othersVisible(): Promise<boolean>, claim(name, holdMs?): Promise<boolean>, leave() }
export function joinTabs(userId) {
  let entry = present.get(userId);
  if (!entry) {
    entry = { users: 0, ...startPresence(userId) };
    present.set(userId, entry);
  }
  entry.users += 1;
  let left = false;
  return {
    othersVisible: () => entry.othersVisible(),
    claim,
    leave() {
      if (left) return;
      left = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      entry.stop();
      if (present.get(userId) === entry) present.delete(userId);
    },
  };
}

// True in exactly one tab for `name` within `holdMs`: the first to ask takes the lock and keeps it
// that long; the others find it taken. Without Web Locks, always true (this tab acts).
export function claim(name, holdMs = HOLD_MS) {
  const locks = locksApi();
  if (!locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    locks.request(name, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock === null ? undefined : new Promise((done) => setTimeout(done, holdMs));
    }).catch(() => resolve(true));
  });
}

// Runs `fn` while holding `name` exclusively in every tab (a read-modify-write of shared storage);
// without Web Locks, at once.
export async function exclusive(name, fn) {
  const locks = locksApi();
  if (!locks) return fn();
  return locks.request(name, fn);
}
