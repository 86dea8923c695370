// Words for what a client reports (state changes, frames), shared by the devtools panel and the CLI.

const pad = (n, width = 2) => String(n).padStart(width, '0');

// Local wall-clock time with milliseconds: 14:03:27.118.
export function clock(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

// A state change's particulars after the arrow: "connection_lost, close 1006, retry 1 in 1412 ms".
// Offline backing off waits for the network, not for a delay, so it has no retry to announce.
export function changeDetails(change) {
  const parts = [change.reason];
  if (change.closeCode) parts.push(`close ${change.closeCode}`);
  if (change.to === 'backing_off' && change.reason !== 'offline') parts.push(`retry ${change.attempt} in ${change.delayMs} ms`);
  return parts.join(', ');
}

export const describeChange = (change) => `${change.from} → ${change.to} (${changeDetails(change)})`;

// Whole seconds below 10 s get a decimal, so a short countdown visibly moves.
export function seconds(ms) {
  const s = Math.max(0, ms) / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const user = (u) => (u && typeof u.username === 'string' ? `@${u.username}` : undefined);

// What identifies each NUMENEON frame to a person reading a log: ids and who it is from.
const KEY_FIELDS = {
  connection_established: (f) => [['message', f.message], ['user_id', f.user_id]],
  error: (f) => [['message', f.message]],
  friend_request: (d) => [['request_id', d.request_id], ['from', user(d.from_user)]],
  friend_accepted: (d) => [['friend', user(d.friend)]],
  new_message: (d) => [['id', d.id], ['from', user(d.sender)], ['content', d.content]],
  new_post: (d) => [['id', d.id], ['author', user(d.author)]],
  wall_post: (d) => [['post', d.post?.id], ['author', user(d.author)]],
  post_comment: (d) => [['comment', d.comment?.id], ['post', d.post?.id], ['by', user(d.commenter)]],
  comment_reply: (d) => [['reply', d.reply?.id], ['post', d.post?.id], ['by', user(d.replier)]],
};

const TEXT_MAX = 60;

function value(v) {
  if (typeof v === 'string') {
    if (v.startsWith('@') && !/\s/.test(v)) return v;
    return JSON.stringify(v.length > TEXT_MAX ? `${v.slice(0, TEXT_MAX - 1)}…` : v);
  }
  const text = JSON.stringify(v);
  return text.length > TEXT_MAX ? `${text.slice(0, TEXT_MAX - 1)}…` : text;
}

// "request_id=1 from=@alice": the key fields of a delivered frame (`data` as handlers get it); for a
// type this file does not know, its first few top-level fields.
export function keyFields(type, data) {
  if (data === null || typeof data !== 'object') return data === undefined ? '' : value(data);
  let pairs;
  try {
    pairs = KEY_FIELDS[type]?.(data) ?? Object.entries(data).filter(([k]) => k !== 'type').slice(0, 3);
  } catch {
    pairs = [];
  }
  return pairs.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${value(v)}`).join(' ');
}

// The type of a frame the client did not route (no route: unknown to it), read from its preview.
export function typeFromPreview(preview) {
  return typeof preview === 'string' ? /"type"\s*:\s*"([^"\\]{1,64})"/.exec(preview)?.[1] : undefined;
}
