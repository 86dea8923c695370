#!/usr/bin/env node
// `numeneon-realtime tail`: follows a NUMENEON notification socket through the SDK (its Node entry and
// `ws`) and prints what the client sees, one line per event: each frame (type, verdict, key fields),
// each state change and retry. --json prints one JSON object per line. No token is ever printed.
import { parseArgs } from 'node:util';
import { createClient, redact } from '@numeneon/realtime';
import { changeDetails, clock, keyFields, typeFromPreview } from '../src/devtools/format.js';

const USAGE = `Usage: numeneon-realtime tail [options]

Follows the notification socket through @numeneon/realtime and prints what the client sees: every
frame (type, verdict, key fields), every state change and retry. It reconnects as the SDK does.
Tokens and the password are never printed.

Connection, one of:
  --url ws://host/ws/notifications/ --token T   the socket and an access token (or NUMENEON_TOKEN=T)
  --base http://host --email E --password P     log in with POST /api/auth/login/ (or NUMENEON_PASSWORD=P);
                                                when the SDK asks for a fresh token: POST
                                                /api/auth/token/refresh/, and a new login if that says 401
  --url with --base --email --password          the socket at --url, logins and refreshes at --base
  --base with --token                           the socket at --base + /ws/notifications/

Output:
  --type T      only frames of type T (repeatable); other types are not subscribed
  --json        one JSON object per line: {"at", "kind": "state" | "frame" | "resync" | "error" | "end", ...}
  --debug       the SDK's debug log on stderr (redacted)
  -h, --help    this text

Lines (times are local):
  14:03:27.118  state   connecting → open (opened)
  14:03:27.120  frame   connection_established  deliver       message="Connected as bob" user_id=2
  14:03:29.004  frame   friend_request          deliver       key 1  request_id=1 from=@alice
  14:03:29.010  frame   friend_request          duplicate     key 1
  14:03:31.500  state   open → backing_off (server_closed, close 1012, retry 1 in 1412 ms)
  14:03:32.913  state   backing_off → connecting (retry)
  14:03:32.930  resync  after 1.4 s down: frames sent meanwhile are not replayed

Ctrl-C (or SIGTERM) closes the socket with 1000 and exits 0. Exit codes: 1 could not start (login
refused, server unreachable, no WebSocket), 2 bad usage, 3 the session ended (auth_failed).`;

const EXIT = { ok: 0, failed: 1, usage: 2, ended: 3 };

class UsageError extends Error {}

function options(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        base: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        type: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(err.message);
  }
  const o = { ...parsed.values, command: parsed.positionals[0] };
  if (o.help) return o;
  if (o.command !== 'tail' || parsed.positionals.length > 1) throw new UsageError(o.command ? `unknown command '${parsed.positionals.join(' ')}'` : 'missing command: tail');
  o.token ??= process.env.NUMENEON_TOKEN;
  o.password ??= process.env.NUMENEON_PASSWORD;
  if (o.url && !/^wss?:\/\//i.test(o.url)) throw new UsageError('--url must be a ws:// or wss:// URL');
  if (o.base && !/^https?:\/\//i.test(o.base)) throw new UsageError('--base must be an http:// or https:// URL');
  if (!o.url && !o.base) throw new UsageError('give --url and --token, or --base, --email and --password');
  if (o.email && o.token) throw new UsageError('give --token or a login (--email/--password), not both');
  if (o.email && !o.base) throw new UsageError('--email needs --base (where to log in)');
  if (o.email && !o.password) throw new UsageError('--email needs --password (or NUMENEON_PASSWORD)');
  if (!o.email && !o.token) throw new UsageError('give --token (or NUMENEON_TOKEN), or --email and --password to log in');
  o.base = o.base?.replace(/\/+$/, '');
  return o;
}

// Node 20 has no global WebSocket: the `ws` package (an optional peer dependency of the SDK).
async function webSocket() {
  try {
    return (await import('ws')).WebSocket;
  } catch {
    if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
    throw new Error("no WebSocket: install the 'ws' package beside @numeneon/realtime "
      + '(npx -p @numeneon/realtime -p ws numeneon-realtime tail ...), or use Node 22+');
  }
}

// getToken for the SDK, and every secret it has handed out (for redaction).
function tokens(o, secrets, note) {
  if (!o.email) {
    secrets.add(o.token);
    return { start: async () => {}, getToken: () => o.token };
  }
  secrets.add(o.password);
  let current = null;
  const keep = (t) => {
    current = { access: t.access, refresh: t.refresh ?? current?.refresh };
    secrets.add(current.access);
    if (current.refresh) secrets.add(current.refresh);
    return current.access;
  };
  const post = async (path, body) => fetch(`${o.base}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
  });
  // null: the credentials are refused (the session cannot go on); a throw: try again later.
  async function login() {
    const res = await post('/api/auth/login/', { email: o.email, password: o.password });
    if (res.status === 401 || res.status === 400) return null;
    if (!res.ok) throw new Error(`login failed: HTTP ${res.status}`);
    return keep(await res.json());
  }
  return {
    async start() {
      let access;
      try {
        access = await login();
      } catch (err) {
        throw new Error(`cannot log in at ${o.base}: ${err.cause?.code ?? err.message}`);
      }
      if (!access) throw new Error(`login refused for ${o.email} at ${o.base}: check the email and password`);
      note(`logged in as ${o.email}`);
    },
    // 'initial' and 'reconnect': the token in hand will do; any other reason: the last handshake was
    // refused or failed, so a fresh one.
    async getToken({ reason }) {
      if (current && (reason === 'initial' || reason === 'reconnect')) return current.access;
      if (current?.refresh) {
        const res = await post('/api/auth/token/refresh/', { refresh: current.refresh });
        if (res.ok) {
          note(`token refreshed (${reason})`);
          return keep(await res.json());
        }
        if (res.status !== 401) throw new Error(`token refresh failed: HTTP ${res.status}`);
      }
      const access = await login();  // the refresh token is spent or expired: the credentials again
      if (access) note(`logged in again (${reason})`);
      return access;
    },
  };
}

const COLORS = { green: 32, yellow: 33, red: 31, cyan: 36, dim: 2 };
const VERDICT_COLORS = { deliver: 'green', duplicate: 'yellow', unsubscribed: 'dim', consumed: 'cyan', rejected: 'red', ignored: 'dim' };
const STATE_COLORS = { open: 'green', backing_off: 'yellow', connecting: 'yellow', closed: 'red', closing: 'red' };
const PREVIEW_CHARS = 80;

async function tail(o) {
  const secrets = new Set();
  const color = !o.json && process.stdout.isTTY && !process.env.NO_COLOR;
  const paint = (name, text) => (color && name ? `\x1b[${COLORS[name]}m${text}\x1b[0m` : text);
  const clean = (text) => redact(text, [...secrets].filter(Boolean));
  const out = (line) => process.stdout.write(`${clean(line)}\n`);
  const err = (line) => process.stderr.write(`${clean(line)}\n`);
  const note = (text) => err(`tail: ${text}`);
  const emit = (kind, fields, human) => {
    const at = Date.now();
    if (o.json) out(JSON.stringify({ at: new Date(at).toISOString(), kind, ...fields }));
    else out(`${clock(at)}  ${kind.padEnd(6)}  ${human}`);
  };

  const auth = tokens(o, secrets, note);
  const WebSocket = await webSocket();
  await auth.start();
  // The SDK logs its debug lines to any logger that has a debug method: only with --debug.
  const sink = (m) => err(m);
  const client = await createClient({
    ...(o.url ? { url: o.url } : { baseUrl: o.base }),
    getToken: auth.getToken,
    WebSocket,
    debug: !!o.debug,
    logger: { info: sink, warn: sink, error: sink, ...(o.debug ? { debug: sink } : {}) },
  });

  const only = o.type?.length ? new Set(o.type) : null;
  let pending = null;       // a 'deliver' verdict waiting for its handler, which brings the data
  let rejectedCode = null;  // the 'error' event that follows a rejected frame repeats it: not printed twice
  const printFrame = (info, data, type = info.type ?? typeFromPreview(info.preview)) => {
    if (only && !only.has(type)) return;
    const fields = { type: type ?? null, verdict: info.verdict, key: info.key ?? null, bytes: info.bytes };
    if (info.error) fields.error = info.error;
    if (data !== undefined) fields.data = data;
    else if (info.verdict === 'rejected' || info.verdict === 'ignored') fields.preview = info.preview;
    let detail = data !== undefined ? keyFields(type, data) : '';
    if (info.error) detail = `${info.error}${info.preview ? ` ${info.preview.slice(0, PREVIEW_CHARS)}` : ''}`;
    const key = info.key ? `key ${info.key}  ` : '';
    emit('frame', fields, `${(type ?? '?').padEnd(22)}  ${paint(VERDICT_COLORS[info.verdict], info.verdict.padEnd(12))}  ${key}${detail}`.trimEnd());
  };
  const flushPending = () => {
    if (!pending) return;
    const info = pending;
    pending = null;
    printFrame(info);
  };
  client.on('frame', (info) => {
    flushPending();
    if (info.verdict === 'deliver') {
      pending = info;
      queueMicrotask(flushPending);  // normally the handler takes it first, synchronously
      return;
    }
    if (info.verdict === 'rejected') {
      rejectedCode = info.error;
      queueMicrotask(() => { rejectedCode = null; });
    }
    printFrame(info);
  });
  const onData = (data, frame) => {
    if (!pending) return;
    const info = pending;
    pending = null;
    printFrame(info, data, frame.type);
  };
  if (only) for (const type of only) client.subscribe(type, onData);
  else client.subscribe('*', onData);

  client.on('state', (c) => {
    const fields = { from: c.from, to: c.to, reason: c.reason, attempt: c.attempt, delayMs: c.delayMs, closeCode: c.closeCode ?? null };
    emit('state', fields, `${c.from} → ${paint(STATE_COLORS[c.to], c.to)} (${changeDetails(c)})`);
  });
  client.on('resync', ({ downtimeMs }) => {
    emit('resync', { downtimeMs }, `after ${(downtimeMs / 1000).toFixed(1)} s down: frames sent meanwhile are not replayed`);
  });
  client.on('error', (e) => {
    if (e.code === rejectedCode) return;
    emit('error', { code: e.code, message: e.message }, paint('red', `${e.code}: ${e.message}`));
  });

  let stopping = false;
  const finished = new Promise((resolve) => {
    client.on('state', (c) => {
      if (c.to !== 'closed') return;
      if (c.reason === 'auth_failed' || c.reason === 'gave_up') {
        note(`the session ended (${c.reason})`);
        resolve(EXIT.ended);
      } else if (stopping) {
        resolve(EXIT.ok);
      }
    });
  });
  const stop = (signal) => {
    if (stopping) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));  // a second Ctrl-C: at once
    stopping = true;
    if (client.state === 'closed' || client.state === 'idle') client.dispose();
    else client.close(1000, 'tail stopped');
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  if (!o.json) note(`following ${o.url ?? o.base}${only ? ` (types: ${[...only].join(', ')})` : ''}; Ctrl-C to stop`);
  client.connect();
  const code = await finished;
  if (code === EXIT.ok) emit('end', { code: 1000 }, 'closed (1000): stopped');
  client.dispose();
  return code;
}

async function main() {
  let o;
  try {
    o = options(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`numeneon-realtime: ${err.message} (numeneon-realtime --help shows the usage)\n`);
    return EXIT.usage;
  }
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  try {
    return await tail(o);
  } catch (err) {
    const secrets = [o.token, o.password].filter(Boolean);
    process.stderr.write(`numeneon-realtime: ${redact(err?.message ?? String(err), secrets)}\n`);
    return EXIT.failed;
  }
}

process.exitCode = await main();
