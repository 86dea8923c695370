// The plain rules behind desktop alerts and sounds: what a frame says, which events collapse, when to re-alert, the rate limit, the verdicts. No DOM and no clock: callers pass `now`.

// Types that alert by default, and the sound category of each. new_post (every friend's post) has a
// formatter but is off unless the app asks for it: it would make every post a ping.
export const DEFAULT_TYPES = Object.freeze({
  friend_request: 'friend',
  friend_accepted: 'friend',
  new_message: 'message',
  wall_post: 'activity',
  post_comment: 'activity',
  comment_reply: 'activity',
});
const KNOWN_CATEGORIES = { ...DEFAULT_TYPES, new_post: 'activity' };

// Frames that are the connection talking, never something a person did.
const INTERNAL = new Set(['connection_established', 'error', 'echo', 'ping', 'pong', 'presence', 'presence_snapshot', 'typing', 'message_read']);

export const SOUND_INTERVAL_MS = 2000;   // never more than one sound per this many ms
export const RENOTIFY_AFTER_MS = 30_000; // an update of a collapsed notification alerts again after this long
export const COLLAPSE_MAX_AGE_MS = 15 * 60_000; // a group older than this starts again at 1
export const PREVIEW_CHARS = 100;

export const displayName = (user) => [user?.first_name, user?.last_name].filter(Boolean).join(' ') || user?.username || 'Someone';
const handle = (user) => (user?.username ? ` (@${user.username})` : '');
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// One line of at most `max` characters: whitespace collapsed, an ellipsis where it was cut.
export function preview(text, max = PREVIEW_CHARS) {
  const line = String(text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

// What identifies the *event* (the same in every tab that receives it): the resume extension's
// event_id when the server sends one, else the payload's id for that type. friend_accepted names a
// person, not an event, which is enough for the few seconds tabs take to agree. null: no id known.
export function eventKey(frame) {
  if (frame?.event_id != null) return `e${frame.event_id}`;
  const d = frame?.data;
  const id = {
    new_message: d?.id,
    friend_request: d?.request_id,
    friend_accepted: d?.friend?.id,
    new_post: d?.id,
    wall_post: d?.post?.id,
    post_comment: d?.comment?.id,
    comment_reply: d?.reply?.id,
  }[frame?.type];
  return id == null ? null : `${frame.type}:${id}`;
}

// FNV-1a of the frame's JSON: the key of a frame of a type without an id (identical frames in the
// same few seconds are one event).
export function contentKey(frame) {
  let h = 0x811c9dc5;
  const text = JSON.stringify(frame) ?? '';
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${frame?.type}#${(h >>> 0).toString(36)}`;
}

// Which notifications collapse into one: every message from one sender, every comment on one post,
// all friend requests, all acceptances, all wall posts.
export function collapseTag(frame) {
  const d = frame?.data;
  switch (frame?.type) {
    case 'new_message': return `new_message:${d?.sender?.id}`;
    case 'post_comment': return `post_comment:${d?.post?.id}`;
    case 'comment_reply': return `comment_reply:${d?.post?.id ?? d?.reply?.id}`;
    case 'new_post': return `new_post:${d?.author?.id}`;
    default: return String(frame?.type);
  }
}

// { title, body } for a frame, given how many events its notification now stands for (`count`), or
// null for frames that should never alert (the connection's own, and types it does not know).
export function defaultFormat(frame, { count = 1 } = {}) {
  const d = frame?.data;
  if (!frame || INTERNAL.has(frame.type) || d == null) return null;
  const many = count > 1;
  switch (frame.type) {
    case 'new_message': {
      const name = displayName(d.sender);
      return { title: many ? `${name}: ${count} new messages` : name, body: preview(d.content) };
    }
    case 'friend_request': {
      const who = `${displayName(d.from_user)}${handle(d.from_user)}`;
      return many
        ? { title: `${count} new friend requests`, body: `Latest: ${who}` }
        : { title: 'New friend request', body: `${who} wants to be your friend` };
    }
    case 'friend_accepted': {
      const who = `${displayName(d.friend)}${handle(d.friend)}`;
      return many
        ? { title: `${count} friend requests accepted`, body: `Latest: ${who}` }
        : { title: 'Friend request accepted', body: `${who} accepted your friend request` };
    }
    case 'new_post':
      return { title: many ? `${displayName(d.author)}: ${count} new posts` : `${displayName(d.author)} posted`, body: preview(d.content) };
    case 'wall_post':
      return { title: many ? `${count} new posts on your wall` : preview(d.message || `${displayName(d.author)} posted on your wall`), body: preview(d.post?.content) };
    case 'post_comment':
      return { title: many ? `${count} new comments on your post` : preview(d.message || `${displayName(d.commenter)} commented on your post`), body: preview(d.comment?.content) };
    case 'comment_reply':
      return { title: many ? `${count} new replies` : preview(d.message || `${displayName(d.replier)} mentioned you in a reply`), body: preview(d.reply?.content) };
    default:
      return null;
  }
}

// The app's `types` option → Map(type → { whenVisible, sound }). Accepts an array of names, or an
// object of name → true | false | category string | { whenVisible, sound }; false removes a default.
export function normalizeTypes(types) {
  const out = new Map();
  const add = (name, value) => {
    if (typeof name !== 'string' || !name) throw new TypeError('@numeneon/realtime/alerts: types: a type name must be a non-empty string');
    if (value === false || value == null) {
      out.delete(name);
      return;
    }
    const spec = typeof value === 'object' ? value : typeof value === 'string' ? { sound: value } : {};
    out.set(name, { whenVisible: !!spec.whenVisible, sound: spec.sound === undefined ? KNOWN_CATEGORIES[name] ?? 'activity' : spec.sound || null });
  };
  if (Array.isArray(types)) {
    for (const name of types) add(name, true);
    return out;
  }
  for (const [name, category] of Object.entries(DEFAULT_TYPES)) add(name, { sound: category });
  if (types != null && typeof types === 'object') for (const [name, value] of Object.entries(types)) add(name, value);
  else if (types != null) throw new TypeError('@numeneon/realtime/alerts: types must be an array of type names or an object');
  return out;
}

// Counts the events behind each tag since the person last looked. `seenAt` (a time the app was last
// in view, in any tab) restarts the groups begun before it; so does age. renotify: an update alerts
// again (sound, vibration) only when the last alert for that tag is `renotifyAfterMs` old; in a burst
// the notification is replaced quietly.
export function createCollapser({ renotifyAfterMs = RENOTIFY_AFTER_MS, maxAgeMs = COLLAPSE_MAX_AGE_MS } = {}) {
  const groups = new Map();  // tag → { count, startedAt, lastAt, alertedAt, latest }
  return {
    add(tag, frame, now, seenAt = -Infinity) {
      let g = groups.get(tag);
      if (g && (g.startedAt <= seenAt || now - g.lastAt > maxAgeMs)) g = undefined;
      if (!g) {
        g = { count: 0, startedAt: now, lastAt: now, alertedAt: now, latest: frame };
        groups.set(tag, g);
      }
      g.count += 1;
      g.lastAt = now;
      g.latest = frame;
      const renotify = g.count > 1 && now - g.alertedAt >= renotifyAfterMs;
      if (renotify) g.alertedAt = now;
      return { count: g.count, renotify, latest: frame };
    },
    count: (tag) => groups.get(tag)?.count ?? 0,
    reset(tag) {
      if (tag === undefined) groups.clear();
      else groups.delete(tag);
    },
  };
}

// Whether a notification standing for `count` events would be older than the one some tab already
// showed for its tag (`entry`: { count, seen, at } as stored): tabs race, and an update must never be
// replaced by an earlier state. An entry from before the last look (`seen`) or too old counts no more.
export function isStale(entry, { count, seen, now, maxAgeMs = COLLAPSE_MAX_AGE_MS }) {
  if (!entry || typeof entry.count !== 'number') return false;
  if (entry.seen !== seen || !(now - entry.at <= maxAgeMs)) return false;
  return entry.count >= count;
}

// At most one take() per `intervalMs`; a refused take() does not move the window.
export function createRateLimiter(intervalMs = SOUND_INTERVAL_MS) {
  let last = -Infinity;
  return {
    take(now) {
      if (now - last < intervalMs) return false;
      last = now;
      return true;
    },
    reset() { last = -Infinity; },
  };
}

// Whether this tab shows a desktop notification for an event: 'show', or why not. `onScreen` is the
// app's isVisible(frame), asked only while the page is visible; `othersVisible`: another tab of the
// app is visible (it decides for itself).
export function alertVerdict({ spec, supported = true, permission, pageVisible, onScreen = false, othersVisible = false }) {
  if (!spec) return 'type_off';
  if (!supported) return 'unsupported';
  if (permission !== 'granted') return 'no_permission';
  if (pageVisible) {
    if (!spec.whenVisible) return 'page_visible';
    return onScreen ? 'on_screen' : 'show';
  }
  return othersVisible ? 'other_tab_visible' : 'show';
}

// Whether this tab plays a sound for an event: 'play', or why not. The rate limit comes after.
export function soundVerdict({ category, muted, volume, unlocked, pageVisible, onScreen = false, othersVisible = false }) {
  if (!category) return 'type_off';
  if (muted || !(volume > 0)) return 'muted';
  if (!unlocked) return 'no_interaction';
  if (pageVisible) return onScreen ? 'on_screen' : 'play';
  return othersVisible ? 'other_tab_visible' : 'play';
}

// Sound settings, persisted per user.
export const DEFAULT_SOUND_SETTINGS = Object.freeze({ muted: false, volume: 0.6 });
export const soundStorageKey = (userId) => `numeneon:sounds:${userId}`;
export const seenStorageKey = (userId) => `numeneon:alerts:seen:${userId}`;
export const shownStorageKey = (userId) => `numeneon:alerts:shown:${userId}`;
export const clampVolume = (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : DEFAULT_SOUND_SETTINGS.volume);

// What localStorage held (a string or null) → { muted, volume }, whatever it held.
export function readSoundSettings(raw) {
  try {
    const parsed = raw ? JSON.parse(raw) : null;
    if (!parsed || typeof parsed !== 'object') return { ...DEFAULT_SOUND_SETTINGS };
    return {
      muted: typeof parsed.muted === 'boolean' ? parsed.muted : DEFAULT_SOUND_SETTINGS.muted,
      volume: typeof parsed.volume === 'number' ? clampVolume(parsed.volume) : DEFAULT_SOUND_SETTINGS.volume,
    };
  } catch {
    return { ...DEFAULT_SOUND_SETTINGS };
  }
}
