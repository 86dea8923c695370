// `numeneon-realtime tail` (js/bin), spawned as a user would run it: against the reference backend (a
// friend request and a message in its output, --json lines that parse, --type, a backend restart and
// the reconnect, Ctrl-C), and against the package's test server with a small auth server (a fresh
// token through the refresh endpoint, a new login when the refresh is refused, the 1000 close).
// No token, refresh token or password may appear in anything it prints.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '@numeneon/realtime/testing';
import { Api, startBackend } from '../support/backend.mjs';
import { ROOT } from './support.mjs';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'js', 'package.json'), 'utf8'));
const BIN = path.join(ROOT, 'js', pkg.bin['numeneon-realtime']);
const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/;

const WAIT_MS = 20_000;  // a deadline for one awaited line, so a failure says what the CLI printed
const children = new Set();
after(() => { for (const child of children) child.kill('SIGKILL'); });

// The CLI as a child process: its output by line, and waits on lines instead of sleeps.
function run(args, env = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NUMENEON_DEBUG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const tail = { child, stdout: '', stderr: '', lines: [], waiters: new Set() };
  const wake = () => { for (const w of [...tail.waiters]) w(); };
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    tail.stdout += chunk;
    tail.lines = tail.stdout.split('\n').filter(Boolean);
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    tail.stderr += chunk;
    wake();
  });
  tail.exited = new Promise((resolve) => child.on('exit', (code) => {
    tail.code = code;
    wake();
    resolve(code);
  }));
  // Resolves once `count` stdout lines (or stderr, with { stream: 'stderr' }) match.
  tail.waitFor = (pattern, { count = 1, stream = 'stdout' } = {}) => new Promise((resolve, reject) => {
    const fail = (why) => {
      tail.waiters.delete(check);
      clearTimeout(timer);
      reject(new Error(`${why} before ${pattern} (×${count})\n--- stdout\n${tail.stdout}\n--- stderr\n${tail.stderr}`));
    };
    const timer = setTimeout(() => fail(`${WAIT_MS / 1000} s passed`), WAIT_MS);
    function check() {
      const lines = stream === 'stdout' ? tail.lines : tail.stderr.split('\n');
      const found = lines.filter((l) => pattern.test(l));
      if (found.length >= count) {
        tail.waiters.delete(check);
        clearTimeout(timer);
        resolve(found[count - 1]);
      } else if (tail.code !== undefined) {
        fail(`the CLI exited (${tail.code})`);
      }
    }
    tail.waiters.add(check);
    check();
  });
  tail.stop = async () => {
    child.kill('SIGINT');
    return tail.exited;
  };
  return tail;
}

function assertNoSecrets(tail, secrets) {
  const printed = tail.stdout + tail.stderr;
  for (const secret of secrets) assert.ok(!printed.includes(secret), `a secret (${secret.slice(0, 4)}…) was printed`);
  assert.doesNotMatch(printed, JWT, 'no JWT-shaped string in the output');
}

describe('numeneon-realtime tail against the reference backend', { timeout: 60_000 }, () => {
  let backend;
  let api;
  let alice;
  let bob;
  before(async () => {
    backend = await startBackend();
    api = new Api(backend.baseUrl);
    [alice, bob] = await Promise.all([api.createUser('alice', { first_name: 'Alice' }), api.createUser('bob', { first_name: 'Bob' })]);
  });
  after(() => backend?.stop());

  test('--help, and a usage error', async () => {
    const help = run(['--help']);
    assert.equal(await help.exited, 0);
    assert.match(help.stdout, /^Usage: numeneon-realtime tail/);
    const bad = run(['tail', '--url', backend.wsUrl]);
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr, /give --token \(or NUMENEON_TOKEN\), or --email and --password to log in/);
    assert.doesNotMatch(bad.stderr, /Usage:/, 'one line, not the whole usage');
  });

  test('a friend request and a message appear; --json parses; a restart shows the reconnect; Ctrl-C closes; no secret printed', async () => {
    // bob logs in through the CLI (password from the environment); the JSON tail uses the token bob already has.
    const human = run(['tail', '--base', backend.baseUrl, '--email', bob.email], { NUMENEON_PASSWORD: bob.password });
    const json = run(['tail', '--url', backend.wsUrl, '--token', bob.access, '--json', '--type', 'friend_request', '--type', 'new_message']);
    try {
      await Promise.all([human.waitFor(/ state {3}connecting → open \(opened\)$/), json.waitFor(/"to":"open"/)]);
      await human.waitFor(new RegExp(`frame {3}connection_established +deliver +message="Connected as bob" user_id=${bob.user.id}$`));

      const request = await api.sendFriendRequest(alice.access, bob.user.id);
      await api.sendMessage(alice.access, bob.user.id, 'hello bob');
      await human.waitFor(new RegExp(`frame {3}friend_request +deliver +key ${request.id}  request_id=${request.id} from=@alice$`));
      await human.waitFor(/frame {3}new_message +deliver +key \d+  id=\d+ from=@alice content="hello bob"$/);
      await json.waitFor(/"type":"new_message"/);

      await backend.restart();
      await human.waitFor(/state {3}open → backing_off \(server_closed, close 1012, retry 1 in \d+ ms\)$/);
      await human.waitFor(/state {3}backing_off → connecting \(retry\)$/);
      await Promise.all([human.waitFor(/connecting → open \(opened\)$/, { count: 2 }), json.waitFor(/"to":"open"/, { count: 2 })]);
      await human.waitFor(/resync {2}after \d+\.\d s down/);
      await api.sendMessage(alice.access, bob.user.id, 'after the restart');
      await Promise.all([human.waitFor(/content="after the restart"$/), json.waitFor(/after the restart/)]);

      assert.equal(await human.stop(), 0);
      assert.equal(await json.stop(), 0);
      assert.match(human.lines.at(-2), /state {3}closing → closed \(client_closed, close 1000\)$/);
      assert.match(human.lines.at(-1), /end {5}closed \(1000\): stopped$/);

      const records = json.lines.map((line) => JSON.parse(line));
      assert.ok(records.every((r) => typeof r.at === 'string' && r.kind), 'every line is one JSON object');
      const frames = records.filter((r) => r.kind === 'frame');
      assert.deepEqual([...new Set(frames.map((f) => f.type))].sort(), ['friend_request', 'new_message'], '--type filters');
      const friendRequest = frames.find((f) => f.type === 'friend_request');
      assert.deepEqual({ ...friendRequest, at: 'T', bytes: 0, data: { request_id: friendRequest.data.request_id, from: friendRequest.data.from_user.username } }, {
        at: 'T', kind: 'frame', type: 'friend_request', verdict: 'deliver', key: String(request.id), bytes: 0, data: { request_id: request.id, from: 'alice' },
      });
      const states = records.filter((r) => r.kind === 'state').map((r) => `${r.from}→${r.to}:${r.reason}`);
      assert.ok(states.includes('open→backing_off:server_closed') && states.filter((s) => s === 'connecting→open:opened').length === 2, states.join(' '));
      assert.deepEqual(records.at(-1), { ...records.at(-1), kind: 'end', code: 1000 });

      assertNoSecrets(human, [bob.password]);
      assertNoSecrets(json, [bob.access, bob.refresh]);
    } finally {
      human.child.kill('SIGKILL');
      json.child.kill('SIGKILL');
    }
  });
});

// POST /api/auth/login/ and /api/auth/token/refresh/ with rotating tokens: the test decides which
// tokens are still good.
async function startAuthServer() {
  let n = 0;
  const state = { access: null, refresh: null, logins: 0, refreshes: 0 };
  const issue = () => {
    n++;
    state.access = `access-token-${n}-0123456789`;
    state.refresh = `refresh-token-${n}-0123456789`;
    return { access: state.access, refresh: state.refresh };
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const json = (status, data) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(data));
      const given = body ? JSON.parse(body) : {};
      if (req.url === '/api/auth/login/') {
        if (given.password !== 'pw-tester-secret') return json(401, { detail: 'bad credentials' });
        state.logins++;
        return json(200, issue());
      }
      if (req.url === '/api/auth/token/refresh/') {
        if (!state.refresh || given.refresh !== state.refresh) return json(401, { detail: 'token not valid' });
        state.refreshes++;
        return json(200, issue());
      }
      return json(404, {});
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { state, baseUrl: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('numeneon-realtime tail: fresh tokens', { timeout: 60_000 }, () => {
  let auth;
  let ws;
  before(async () => {
    auth = await startAuthServer();
    // Only the access token issued last opens a socket (anything else: HTTP 403, as Daphne answers).
    ws = await startTestServer({ authenticate: (token) => (token && token === auth.state.access ? { id: 7, username: 'tester' } : null) });
  });
  after(async () => {
    await ws?.stop();
    await auth?.close();
  });

  const tailWithLogin = () => run(['tail', '--url', ws.url, '--base', auth.baseUrl, '--email', 'tester@example.com', '--password', 'pw-tester-secret']);
  const issued = new Set();
  const keepIssued = () => issued.add(auth.state.access).add(auth.state.refresh);

  test('a refused token is refreshed, and Ctrl-C closes with 1000', async () => {
    const tail = tailWithLogin();
    try {
      await tail.waitFor(/connecting → open \(opened\)$/);
      keepIssued();
      // The server stops taking the access token: the next handshake is refused, and the CLI refreshes.
      auth.state.access = 'revoked';
      ws.terminateAll();
      await tail.waitFor(/tail: token refreshed \(handshake_rejected\)/, { stream: 'stderr' });
      await tail.waitFor(/connecting → open \(opened\)$/, { count: 2 });
      assert.equal(auth.state.refreshes, 1);
      assert.match(tail.stdout, /connecting → backing_off \(handshake_rejected, close 1006, retry \d+ in \d+ ms\)/);
      keepIssued();

      const closed = new Promise((resolve) => ws.connections.at(-1).ws.on('close', (code) => resolve(code)));
      assert.equal(await tail.stop(), 0);
      assert.equal(await closed, 1000, 'the server saw a clean close');
      assertNoSecrets(tail, ['pw-tester-secret', ...issued]);
    } finally {
      tail.child.kill('SIGKILL');
    }
  });

  // A fresh process: the SDK ends a session after two refusals in a row without a stable link between
  // them (authFailureLimit), so this is not a second round of the test above.
  test('a refused refresh logs in again with the credentials', async () => {
    const tail = tailWithLogin();
    try {
      await tail.waitFor(/connecting → open \(opened\)$/);
      keepIssued();
      const logins = auth.state.logins;
      auth.state.access = 'revoked';
      auth.state.refresh = 'revoked';
      ws.terminateAll();
      await tail.waitFor(/tail: logged in again \(handshake_rejected\)/, { stream: 'stderr' });
      await tail.waitFor(/connecting → open \(opened\)$/, { count: 2 });
      assert.equal(auth.state.logins, logins + 1);
      keepIssued();
      assert.equal(await tail.stop(), 0);
      assertNoSecrets(tail, ['pw-tester-secret', ...issued]);
    } finally {
      tail.child.kill('SIGKILL');
    }
  });
});
