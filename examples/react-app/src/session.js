// The signed-in session: tokens in sessionStorage (per tab), REST calls that refresh once on a 401,
// and the token provider the WebSocket client calls before every connect attempt.
import { API_URL } from './config.js';

const KEY = 'numeneon.session';
let tokens = JSON.parse(sessionStorage.getItem(KEY) || 'null');  // { access, refresh } | null
let refreshing = null;
const listeners = new Set();

function setTokens(next) {
  tokens = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener(next);
}

export const hasSession = () => tokens !== null;
export const onSessionEnd = (listener) => {
  const wrapped = (next) => { if (!next) listener(); };
  listeners.add(wrapped);
  return () => listeners.delete(wrapped);
};
export const endSession = () => setTokens(null);

async function post(path, body) {
  const res = await fetch(`${API_URL}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export async function login(email, password) {
  const { status, body } = await post('/api/auth/login/', { email, password });
  if (status !== 200) throw new Error(body?.detail || `login failed (HTTP ${status})`);
  setTokens(body);
}

// A new access token (refresh tokens rotate, so concurrent callers share one request).
// Resolves to null when the refresh token is no longer valid: the session is over.
function refresh() {
  refreshing ??= post('/api/auth/token/refresh/', { refresh: tokens?.refresh })
    .then(({ status, body }) => {
      if (status === 200) {
        setTokens(body);
        return body.access;
      }
      if (status === 401) {
        setTokens(null);
        return null;
      }
      return tokens?.access ?? null;  // server trouble says nothing about the session: keep it
    })
    .finally(() => { refreshing = null; });
  return refreshing;
}

// For <WebSocketProvider getToken>: the stored token, or a fresh one when the client asks for it
// (its handshake was rejected or failed). Unreachable server: try the stored token again.
export async function getToken({ reason }) {
  if (!tokens) return null;
  if (reason === 'initial' || reason === 'reconnect') return tokens.access;
  try {
    return await refresh();
  } catch {
    return tokens?.access ?? null;
  }
}

export async function api(method, path, body) {
  const call = () => fetch(`${API_URL}${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens?.access}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  let res = await call();
  if (res.status === 401 && tokens && (await refresh())) res = await call();
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.detail || `${method} ${path}: HTTP ${res.status}`);
  return data;
}
