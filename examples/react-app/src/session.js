// The signed-in session: tokens in sessionStorage (per tab), REST calls that refresh once on a 401,
// and the token provider the WebSocket client calls before every connect attempt.
import { API_URL } from './config.js';

const KEY = 'numeneon.session';
const EARLY_MS = 30_000;  // refresh this long before the access token expires
let session = JSON.parse(sessionStorage.getItem(KEY) || 'null');  // { access, refresh, expiresAt } | null
let refreshing = null;
const listeners = new Set();

// A REST call that failed, in words a person can act on. `status` is the HTTP status, 0 when the
// server could not be reached. Only a 401 means the session is over.
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

function problem(status, data) {
  if (status >= 500) return new ApiError(`The server had a problem (HTTP ${status}). Try again in a moment.`, status);
  const fields = data && !data.detail ? Object.values(data).flat().filter((m) => typeof m === 'string') : [];
  return new ApiError(data?.detail || fields.join(' ') || `The request failed (HTTP ${status}).`, status);
}

async function request(method, path, { body, token } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`${API_URL}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  } catch {
    throw new ApiError("Can't reach the server. Check your connection and try again.", 0);
  }
  return { status: res.status, data: await res.json().catch(() => null) };
}

// When the access token expires by this tab's clock: its lifetime (exp - iat) from now, so a skewed
// clock does not matter. Unknown: never (a rejected handshake still gets a fresh one).
function expiresAt(access) {
  try {
    const { exp, iat } = JSON.parse(atob(access.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return Date.now() + (exp - iat) * 1000;
  } catch {
    return Infinity;
  }
}

function setSession(tokens) {
  session = tokens && { access: tokens.access, refresh: tokens.refresh, expiresAt: expiresAt(tokens.access) };
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  if (!session) for (const listener of listeners) listener();
}

export const hasSession = () => session !== null;
export const endSession = () => setSession(null);
export const onSessionEnd = (listener) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export async function login(email, password) {
  const { status, data } = await request('POST', '/api/auth/login/', { body: { email, password } });
  if (status !== 200) throw problem(status, data);
  setSession(data);
}

export async function signup(fields) {
  const { status, data } = await request('POST', '/api/auth/signup/', { body: fields });
  if (status !== 201) throw problem(status, data);
  await login(fields.email, fields.password);
}

// A new access token (refresh tokens rotate, so concurrent callers share one request). Resolves to
// null when the refresh token is no longer valid: the session is over. Throws when the server cannot
// say (unreachable, 5xx): that says nothing about the session.
function refresh() {
  refreshing ??= request('POST', '/api/auth/token/refresh/', { body: { refresh: session?.refresh } })
    .then(({ status, data }) => {
      if (status === 200) {
        setSession(data);
        return data.access;
      }
      if (status !== 401) throw problem(status, data);
      setSession(null);
      return null;
    })
    .finally(() => { refreshing = null; });
  return refreshing;
}

// For <WebSocketProvider getToken>: the stored token, or a fresh one when it is about to expire or
// the server refused it. A browser cannot tell a refused token from a server that is down (both are a
// failed handshake, reason 'handshake_failed'), so that alone does not refresh: it would add a failing
// request to every retry while the server is away. An unexpired token the server no longer accepts is
// caught by the next REST call's 401, or when it expires.
export async function getToken({ reason }) {
  if (!session) return null;
  const refused = reason === 'handshake_rejected' || reason === 'auth_closed';
  if (!refused && Date.now() < session.expiresAt - EARLY_MS) return session.access;
  try {
    return await refresh();
  } catch {
    return session?.access ?? null;  // server trouble: try the token we have, the client retries
  }
}

// A REST call with the session's token; one refresh and retry on a 401. Resolves to the JSON answer;
// throws an ApiError (status 401: signed out, the session has ended).
export async function api(method, path, body) {
  const call = () => request(method, path, { body, token: session?.access });
  let { status, data } = await call();
  if (status === 401 && session && (await refresh())) ({ status, data } = await call());
  if (status === 401) {
    if (session) setSession(null);
    throw new ApiError('Your session has ended: sign in again.', 401);
  }
  if (status < 200 || status > 299) throw problem(status, data);
  return data;
}
