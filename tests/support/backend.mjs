// Test helper: start/stop the NUMENEON reference backend (examples/backend) and Redis,
// plus a tiny REST client. Node 20, ESM, built-ins only.
//
//   import { startBackend, startRedis, Api } from '../support/backend.mjs';
//   const be = await startBackend();               // in-memory channel layer, fresh SQLite file
//   const api = new Api(be.baseUrl);
//   ...
//   await be.stop();
//
// The backend's virtualenv must exist: run `scripts/setup-backend.sh` first.
// Set NUMENEON_BACKEND_LOG=1 to see the servers' stderr.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BACKEND_DIR = path.join(ROOT, 'examples', 'backend');
const PYTHON = process.env.NUMENEON_BACKEND_PYTHON || path.join(BACKEND_DIR, '.venv', 'bin', 'python');
const READY_RE = /^NUMENEON_BACKEND_READY (http:\/\/\S+):(\d+)\s*$/;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG = /^(1|true|yes)$/i.test(process.env.NUMENEON_BACKEND_LOG || '');

// ---------------------------------------------------------------- child bookkeeping

const children = new Set(); // every live child process we started
const tmpDirs = new Set(); // temp dirs we created (removed on exit)

function cleanupSync() {
  // Process-group leaders (the redis wrapper) are killed with their whole group.
  for (const child of children) signalChild(child, 'SIGKILL');
  children.clear();
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  tmpDirs.clear();
}

let hooksInstalled = false;
function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      cleanupSync();
      // Keep the default "die by signal" behaviour unless someone else handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

function track(child) {
  installHooks();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child) {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function signalChild(child, signal) {
  try {
    if (child.groupLeader) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    /* already gone */
  }
}

async function terminate(child, signal, timeoutMs = STOP_TIMEOUT_MS) {
  if (!child || exited(child)) return;
  const done = waitExit(child);
  signalChild(child, signal);
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const r = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  if (r === 'timeout') {
    signalChild(child, 'SIGKILL');
    await done;
  }
}

function tail(text, max = 4000) {
  return text.length > max ? '…' + text.slice(-max) : text;
}

// ---------------------------------------------------------------- ports

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- backend

function spawnBackendOnce({ port, env, dbPath }) {
  return new Promise((resolve, reject) => {
    if (!existsSync(PYTHON)) {
      reject(new Error(`backend virtualenv missing (${PYTHON}): run scripts/setup-backend.sh`));
      return;
    }
    const child = track(
      spawn(
        PYTHON,
        [path.join(BACKEND_DIR, 'serve.py'), '--host', '127.0.0.1', '--port', String(port), '--watch-parent'],
        {
          cwd: BACKEND_DIR,
          env: { ...process.env, ...env, NUMENEON_DB: dbPath, PYTHONUNBUFFERED: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
    );
    let stderr = '';
    let stdoutBuf = '';
    let settled = false;
    const fail = (msg) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const err = new Error(`${msg}\n--- backend stderr (tail) ---\n${tail(stderr)}`);
      err.stderr = stderr;
      terminate(child, 'SIGKILL').then(() => reject(err));
    };
    const timer = setTimeout(() => fail(`backend did not become ready within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);

    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = tail(stderr + chunk, 64_000);
      if (LOG) process.stderr.write(`[backend:${port || '?'}] ${chunk}`);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (settled) return; // keep draining the pipe
      stdoutBuf += chunk;
      let nl;
      while ((nl = stdoutBuf.indexOf('\n')) >= 0) {
        const line = stdoutBuf.slice(0, nl);
        stdoutBuf = stdoutBuf.slice(nl + 1);
        const m = READY_RE.exec(line);
        if (m && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve({ child, port: Number(m[2]), stderr: () => stderr });
          return;
        }
      }
    });
    child.once('error', (e) => fail(`could not start backend: ${e.message}`));
    child.once('close', (code, signal) => fail(`backend exited before ready (code ${code}, signal ${signal})`));
  });
}

async function spawnBackend(opts) {
  // A fixed port (restart) may still be held for a moment by the old process: retry.
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await spawnBackendOnce(opts);
    } catch (e) {
      const busy = /Address already in use/.test(e.stderr || '');
      if (!busy || opts.port === 0 || Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}

/**
 * Start examples/backend/serve.py from its virtualenv.
 * @param {{port?: number, env?: Record<string,string>, dbPath?: string}} [opts]
 *   port 0 = a free port; env is added to process.env (e.g. {REDIS_URL, ACCESS_TOKEN_LIFETIME_S});
 *   dbPath = SQLite file (default: a fresh file in a temp dir, kept across restart()).
 */
export async function startBackend({ port = 0, env = {}, dbPath } = {}) {
  if (!dbPath) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'numeneon-backend-'));
    tmpDirs.add(dir);
    installHooks();
    dbPath = path.join(dir, 'db.sqlite3');
  }
  let current = await spawnBackend({ port, env, dbPath });
  const actualPort = current.port;
  const baseUrl = `http://127.0.0.1:${actualPort}`;

  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${actualPort}/ws/notifications/`,
    port: actualPort,
    dbPath,
    get pid() {
      return current?.child.pid;
    },
    get running() {
      return !!current && !exited(current.child);
    },
    /** stderr captured so far (tail) */
    stderr() {
      return current ? current.stderr() : '';
    },
    /** SIGTERM (graceful), wait for exit. */
    async stop() {
      if (current) await terminate(current.child, 'SIGTERM');
    },
    /** SIGKILL (a crash: sockets drop with 1006), wait for exit. */
    async kill() {
      if (current) await terminate(current.child, 'SIGKILL');
    },
    /** Start again on the same port and database (stops the running process first). */
    async restart() {
      if (current) await terminate(current.child, 'SIGTERM');
      current = null;
      current = await spawnBackend({ port: actualPort, env, dbPath });
    },
  };
}

// ---------------------------------------------------------------- redis

function redisPing(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

const REDIS_WRAPPER = `
parent="$1"; shift
command -v redis-server >/dev/null 2>&1 || { echo "redis-server: not found (apt-get install -y redis-server)" >&2; exit 127; }
redis-server "$@" & r=$!
trap 'kill -TERM $r 2>/dev/null; wait $r; exit 0' TERM INT HUP
while kill -0 "$r" 2>/dev/null && kill -0 "$parent" 2>/dev/null; do sleep 0.5 & wait $!; done
kill -TERM $r 2>/dev/null; wait $r
`;

async function startRedisOnce() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'numeneon-redis-'));
  tmpDirs.add(dir);
  // redis-server cannot watch its parent, so a small sh wrapper (in its own process group)
  // runs it and stops it on SIGTERM or when this Node process dies, even by SIGKILL.
  const child = spawn(
    'sh',
    [
      '-c',
      REDIS_WRAPPER,
      'redis-wrapper',
      String(process.pid),
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.groupLeader = true;
  track(child);
  let log = '';
  const collect = (d) => {
    log = tail(log + d.toString(), 16_000);
    if (LOG) process.stderr.write(`[redis:${port}] ${d}`);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let spawnError = null;
  child.once('error', (e) => {
    spawnError = e;
  });

  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`could not start redis-server: ${spawnError.message} (apt-get install -y redis-server)`);
    if (exited(child)) {
      const err = new Error(`redis-server exited (code ${child.exitCode})\n${tail(log)}`);
      err.log = log;
      throw err;
    }
    if (await redisPing(port)) {
      return {
        url: `redis://127.0.0.1:${port}/0`,
        port,
        pid: child.pid,
        async stop() {
          await terminate(child, 'SIGTERM');
          rmSync(dir, { recursive: true, force: true });
          tmpDirs.delete(dir);
        },
      };
    }
    await sleep(50);
  }
  await terminate(child, 'SIGKILL');
  throw new Error(`redis-server did not answer PING within 20 s\n${tail(log)}`);
}

/** Start a throw-away redis-server on a free loopback port. */
export async function startRedis() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisOnce();
    } catch (e) {
      if (attempt >= 3 || !/in use|bind/i.test(e.log || '')) throw e;
    }
  }
}

// ---------------------------------------------------------------- REST client

export class ApiError extends Error {
  constructor(method, urlPath, status, body) {
    super(`${method} ${urlPath} -> HTTP ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** Tiny REST client for the reference backend. Methods throw ApiError (with .status) on non-2xx. */
export class Api {
  constructor(baseUrl) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async request(method, urlPath, { token, body } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(this.baseUrl + urlPath, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let data = text;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      /* keep text */
    }
    if (!res.ok) throw new ApiError(method, urlPath, res.status, data);
    return data;
  }

  health() {
    return this.request('GET', '/api/health/');
  }
  signup({ email, username, password, first_name = '', last_name = '' }) {
    return this.request('POST', '/api/auth/signup/', { body: { email, username, password, first_name, last_name } });
  }
  login(email, password) {
    return this.request('POST', '/api/auth/login/', { body: { email, password } });
  }
  refresh(refresh) {
    return this.request('POST', '/api/auth/token/refresh/', { body: { refresh } });
  }
  me(access) {
    return this.request('GET', '/api/auth/me/', { token: access });
  }
  /** signup + login: {user, access, refresh}; password defaults to `pw-<username>`. */
  async createUser(username, { first_name = '', last_name = '', password = `pw-${username}`, email } = {}) {
    email = email || `${username}@example.com`;
    const user = await this.signup({ email, username, password, first_name, last_name });
    const tokens = await this.login(email, password);
    return { user, ...tokens, email, password };
  }
  users(access, search = '') {
    return this.request('GET', `/api/users/?search=${encodeURIComponent(search)}`, { token: access });
  }
  friends(access) {
    return this.request('GET', '/api/friends/', { token: access });
  }
  sendFriendRequest(access, userId) {
    return this.request('POST', `/api/friends/request/${userId}/`, { token: access });
  }
  pendingRequests(access) {
    return this.request('GET', '/api/friends/requests/', { token: access });
  }
  acceptFriendRequest(access, requestId) {
    return this.request('POST', `/api/friends/accept/${requestId}/`, { token: access });
  }
  declineFriendRequest(access, requestId) {
    return this.request('POST', `/api/friends/decline/${requestId}/`, { token: access });
  }
  sendMessage(access, receiverId, content) {
    return this.request('POST', '/api/messages/', { token: access, body: { receiver_id: receiverId, content } });
  }
  readMarks(access, userId) {
    return this.request('GET', `/api/messages/read/${userId}/`, { token: access });
  }
  conversation(access, userId) {
    return this.request('GET', `/api/messages/conversation/${userId}/`, { token: access });
  }
  /** @param {{content: string, type?: string, wall_user_id?: number}} post */
  createPost(access, post) {
    return this.request('POST', '/api/posts/', { token: access, body: post });
  }
  feed(access) {
    return this.request('GET', '/api/posts/', { token: access });
  }
  comment(access, postId, content) {
    return this.request('POST', `/api/posts/${postId}/comments/`, { token: access, body: { content } });
  }
  comments(access, postId) {
    return this.request('GET', `/api/posts/${postId}/comments/`, { token: access });
  }
}
