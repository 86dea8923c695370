// Desktop notifications for frames, in the browser: the permission and its changes, one verdict per event, one tab per event, collapsed repeats, a click that focuses the tab.
import {
  alertVerdict, collapseTag, contentKey, createCollapser, defaultFormat, eventKey, isStale, seenStorageKey, shownStorageKey,
} from './rules.js';
import { claim, exclusive, joinTabs } from './tabs.js';

export const notificationsSupported = () => typeof window !== 'undefined' && typeof window.Notification === 'function';
export const currentPermission = () => (notificationsSupported() ? window.Notification.permission : 'unsupported');

// An error in the app's own callback (format, isVisible, onClick) is reported as an uncaught one
// would be, and the other events go on.
export function reportError(err) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(err);
  else console.error(err);
}

// Calls onChange(permission) now and whenever it may have changed: the Permissions API's change
// events where the browser has them, and when the page comes back into view or focus (for the rest).
export function watchPermission(onChange) {
  if (!notificationsSupported()) {
    onChange('unsupported');
    return () => {};
  }
  let stopped = false;
  let status = null;
  const read = () => {
    if (!stopped) onChange(window.Notification.permission);
  };
  read();
  try {
    navigator.permissions?.query({ name: 'notifications' }).then((s) => {
      if (stopped) return;
      status = s;
      s.addEventListener('change', read);
    }, () => {});
  } catch {
    // a browser that cannot query this permission: visibility and focus still catch changes
  }
  document.addEventListener('visibilitychange', read);
  window.addEventListener('focus', read);
  return () => {
    stopped = true;
    status?.removeEventListener('change', read);
    document.removeEventListener('visibilitychange', read);
    window.removeEventListener('focus', read);
  };
}

// Asks the browser, which shows its prompt only for a call made from a user gesture (a click).
// Resolves to the permission; an answered question resolves at once with the answer.
export function requestPermission() {
  if (!notificationsSupported()) return Promise.resolve('unsupported');
  const N = window.Notification;
  if (N.permission !== 'default') return Promise.resolve(N.permission);
  return new Promise((resolve) => {
    const done = (answer) => resolve(typeof answer === 'string' ? answer : N.permission);
    try {
      N.requestPermission(done)?.then?.(done, () => done());  // older Safari: the callback form only
    } catch {
      done();
    }
  });
}

function formatted(format, frame, info) {
  const own = typeof format === 'function' ? format : format?.[frame.type];
  const content = own ? own(frame, info) : undefined;
  return content === undefined ? defaultFormat(frame, info) : content;
}

// Shows notifications for the frames of `types` (a normalizeTypes map) for `userId`. `latest()`
// returns the app's current { format, onClick, isVisible, key, icon, closeOnVisible }.
// → { test(content?), stop() }
export function startDesktopAlerts({ userId, types, subscribe, latest, now = Date.now }) {
  const tabs = joinTabs(userId);
  const collapser = createCollapser();
  const shown = new Map();  // tag → this tab's Notification
  const seenKey = seenStorageKey(userId);
  const shownKey = shownStorageKey(userId);
  let seenHere = 0;
  let queue = Promise.resolve();
  let stopped = false;
  const pageVisible = () => document.visibilityState === 'visible';

  const readSeen = () => {
    let stored = 0;
    try {
      stored = Number(localStorage.getItem(seenKey)) || 0;
    } catch {
      // storage disabled: this tab's own record is all there is
    }
    return Math.max(stored, seenHere);
  };
  const forget = () => {
    collapser.reset();
    if (latest().closeOnVisible === false) return;
    for (const n of shown.values()) n.close();
    shown.clear();
  };
  // The person is looking at the app (this tab became visible): what the notifications counted has
  // been seen, here and in the other tabs (the storage event).
  const markSeen = () => {
    seenHere = now();
    try {
      localStorage.setItem(seenKey, String(seenHere));
      localStorage.removeItem(shownKey);
    } catch {
      // storage disabled: the other tabs find out when they are looked at
    }
    forget();
  };
  const onVisibility = () => {
    if (pageVisible()) markSeen();
  };
  const onStorage = (e) => {
    if (e.key === seenKey) forget();
  };

  // Records that this tab shows `count` for `tag`, unless some tab already showed as many or more.
  const newest = (tag, count, seen) => exclusive(`numeneon:alerts:shown:${userId}`, () => {
    try {
      const shownNow = JSON.parse(localStorage.getItem(shownKey) || '{}');
      const at = now();
      if (isStale(shownNow[tag], { count, seen, now: at })) return false;
      shownNow[tag] = { count, seen, at };
      localStorage.setItem(shownKey, JSON.stringify(shownNow));
    } catch {
      // storage disabled or garbled: this tab shows it
    }
    return true;
  });

  function show(content, tag, group, frame) {
    const { title, ...rest } = content;
    const { icon } = latest();
    const options = { ...(icon ? { icon } : {}), ...rest, tag: rest.tag || tag, renotify: rest.renotify ?? group.renotify, data: { type: frame.type } };
    let n;
    try {
      n = new window.Notification(String(title ?? ''), options);
    } catch {
      // Chrome on Android has Notification but refuses the constructor (service workers only)
      return;
    }
    shown.set(options.tag, n);
    n.addEventListener('click', (event) => {
      event.preventDefault();
      window.focus();
      n.close();
      shown.delete(options.tag);
      collapser.reset(tag);
      try {
        latest().onClick?.(frame, { count: group.count });
      } catch (err) {
        reportError(err);
      }
    });
    n.addEventListener('close', () => {
      if (shown.get(options.tag) === n) shown.delete(options.tag);
    });
  }

  async function handle(frame) {
    const o = latest();
    const spec = types.get(frame.type);
    const visible = pageVisible();
    const base = { spec, supported: notificationsSupported(), permission: currentPermission(), pageVisible: visible };
    const onScreen = Boolean(visible && spec?.whenVisible && o.isVisible?.(frame));
    let verdict = alertVerdict({ ...base, onScreen });
    if (verdict === 'show' && !visible && await tabs.othersVisible()) verdict = 'other_tab_visible';
    if (verdict !== 'show' || stopped) return;
    const tag = `numeneon:${userId}:${collapseTag(frame)}`;
    const seen = readSeen();
    const group = collapser.add(tag, frame, now(), seen);
    const content = formatted(o.format, frame, { count: group.count });
    if (!content) return;
    const key = o.key?.(frame) ?? eventKey(frame) ?? contentKey(frame);
    if (!(await claim(`numeneon:alert:${userId}:${key}`)) || stopped) return;
    if (!(await newest(tag, group.count, seen)) || stopped) return;
    show(content, tag, group, frame);
  }

  const offs = [...types.keys()].map((type) => subscribe(type, (data, frame) => {
    const event = frame && typeof frame === 'object' && frame.type === type ? frame : { type, data };
    queue = queue.then(() => handle(event)).catch(reportError);
  }));
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('storage', onStorage);
  if (pageVisible()) markSeen();

  return {
    // A sample notification (the settings' Test button), shown whatever the page's visibility.
    test(content = {}) {
      if (stopped || currentPermission() !== 'granted') return false;
      const { title = 'Desktop alerts are on', body = 'New messages and requests will show like this.', ...rest } = content;
      const { icon } = latest();
      let n;
      try {
        n = new window.Notification(title, { ...(icon ? { icon } : {}), body, tag: `numeneon:${userId}:test`, ...rest });
      } catch {
        return false;
      }
      n.addEventListener('click', () => {
        window.focus();
        n.close();
      });
      return true;
    },
    // Signed out or unmounted: its notifications go too (they would name someone else's messages).
    stop() {
      stopped = true;
      for (const off of offs) off();
      for (const n of shown.values()) n.close();
      shown.clear();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('storage', onStorage);
      tabs.leave();
    },
  };
}
