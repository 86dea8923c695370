// The one logger of the package: every line passes through redaction, so no token is ever logged.

const LEVELS = ['debug', 'info', 'warn', 'error'];
const TOKEN_PARAM = /([?&](?:token|access_token|access)=)[^&#\s"']*/gi;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b/g;

export const REDACTED = '[redacted]';

// Removes anything that looks like a credential: token query parameters, bearer headers, JWTs,
// and every secret the caller names (the tokens the client has handed to a socket).
export function redact(text, secrets = []) {
  let out = String(text).replace(TOKEN_PARAM, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`).replace(JWT, REDACTED);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

// Wraps `sink` ({debug, info, warn, error}, any missing) so that each call is redacted.
// `secrets()` returns the live secrets at the time of the call.
export function createLogger(sink, secrets, prefix = '[numeneon-realtime]') {
  const logger = {};
  for (const level of LEVELS) {
    const fn = sink && typeof sink[level] === 'function' ? sink[level].bind(sink) : null;
    logger[level] = fn ? (message) => fn(`${prefix} ${redact(message, secrets())}`) : () => {};
  }
  return logger;
}

// The default sink: warnings and errors to the console, nothing below.
export const consoleWarnings = {
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};
