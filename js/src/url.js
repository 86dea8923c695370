// Building the socket URL and deciding how the token travels.

export const DEFAULT_PATH = '/ws/notifications/';

// baseUrl http(s)://host[:port][/prefix] → ws(s)://host[:port][/prefix] + path.
export function socketUrlFromBase(baseUrl, path = DEFAULT_PATH) {
  const u = new URL(baseUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`baseUrl must be http(s)://, got ${u.protocol}`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = u.pathname.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
  u.search = '';
  u.hash = '';
  return u.toString();
}

// The URL and subprotocols for one attempt. 'query' is what the live server reads (?token=);
// 'subprotocol' keeps the token out of URLs and access logs (offered as ['numeneon.jwt', token]).
// With the resume extension, `resumeFrom` > 0 asks the server to replay what came after that event id.
export function connectTarget(url, token, auth, resumeFrom = 0) {
  const u = new URL(url);
  if (resumeFrom > 0) u.searchParams.set('last_event_id', String(resumeFrom));
  if (token == null) return { url: u.toString(), protocols: undefined };
  if (auth === 'subprotocol') return { url: u.toString(), protocols: ['numeneon.jwt', token] };
  u.searchParams.set('token', token);
  return { url: u.toString(), protocols: undefined };
}
