// The one logger of the package: every line passes through redaction, so no token is ever logged, and
// a logger that throws is the logger's problem, never the connection's.

const LEVELS = ['debug', 'info', 'warn', 'error'];
const TOKEN_PARAM = /([?&](?:token|access_token|access|refresh)=)[^&#\s"']*/gi;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b/g;
// In text the app's own code produced about tokens (a token provider's error), anything shaped like a
// credential: a long run of token characters with both letters and digits.
// (No lookbehind anywhere: Safari before 16.4 would refuse to parse the module.)
const OPAQUE = /(^|[^A-Za-z0-9._~+/=-])(?=[A-Za-z0-9._~+/=-]*\d)(?=[A-Za-z0-9._~+/=-]*[A-Za-z])[A-Za-z0-9._~+/=-]{16,}(?![A-Za-z0-9._~+/=-])/g;
const TOKEN_CHAR = 'A-Za-z0-9._~+/=-';

export const REDACTED = '[redacted]';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Removes anything that looks like a credential: token query parameters, bearer headers, JWTs, and
// every secret the caller names (the tokens the client was given). A secret of any length is removed
// where it stands as a token of its own; `opaque` also removes long letter-and-digit runs.
export function redact(text, secrets = [], { opaque = false } = {}) {
  let out = String(text).replace(TOKEN_PARAM, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`).replace(JWT, REDACTED);
  for (const secret of secrets) {
    if (typeof secret !== 'string' || !secret) continue;
    out = secret.length >= 8
      ? out.split(secret).join(REDACTED)
      : out.replace(new RegExp(`(^|[^${TOKEN_CHAR}])${escape(secret)}(?![${TOKEN_CHAR}])`, 'g'), `$1${REDACTED}`);
  }
  return opaque ? out.replace(OPAQUE, `$1${REDACTED}`) : out;
}

// A copy of `err` safe to hand to the app: message and stack redacted, causes redacted the same way.
export function redactError(err, secrets = [], options = {}, depth = 0) {
  if (err === null || err === undefined) return err;
  if (typeof err !== 'object' && typeof err !== 'function') return redact(String(err), secrets, options);
  const copy = new Error(redact(err.message ?? String(err), secrets, options));
  copy.name = typeof err.name === 'string' ? err.name : 'Error';
  if (typeof err.stack === 'string') copy.stack = redact(err.stack, secrets, options);
  if (err.cause !== undefined && depth < 4) copy.cause = redactError(err.cause, secrets, options, depth + 1);
  return copy;
}

// Wraps `sink` ({debug, info, warn, error}, any missing) so that each call is redacted and cannot throw.
// `secrets()` returns the live secrets at the time of the call.
export function createLogger(sink, secrets, prefix = '[numeneon-realtime]') {
  const logger = {};
  for (const level of LEVELS) {
    const fn = sink && typeof sink[level] === 'function' ? sink[level] : null;
    logger[level] = fn
      ? (message) => {
        try {
          fn.call(sink, `${prefix} ${redact(message, secrets())}`);
        } catch {
          // A broken logger must not take the connection down with it.
        }
      }
      : () => {};
  }
  return logger;
}

// The default sink: warnings and errors to the console, nothing below.
export const consoleWarnings = {
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

// Per-key rate limit for lines nobody asked for (a hostile server can send a bad frame per millisecond):
// the first `burst` lines of a key pass, then one per `intervalMs` saying how many were held back.
export function rateLimiter({ burst = 3, intervalMs = 10000, now = () => Date.now() } = {}) {
  const keys = new Map();
  return (key) => {
    const t = now();
    let k = keys.get(key);
    if (!k) keys.set(key, (k = { count: 0, since: t, held: 0 }));
    if (k.count < burst) {
      k.count++;
      return { pass: true, held: 0 };
    }
    if (t - k.since >= intervalMs) {
      const held = k.held;
      k.since = t;
      k.held = 0;
      return { pass: true, held };
    }
    k.held++;
    return { pass: false, held: k.held };
  };
}
