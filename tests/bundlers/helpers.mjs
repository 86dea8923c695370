// Fresh-app tests: what a user gets from `npm install @numeneon/realtime` plus one tool. Each test file
// packs the package, installs the tarball and the tool from the registry into an empty temp project
// (through the one npm cache of this machine), builds or runs a tiny app, and checks that it receives a
// frame from a local test server. Browser apps run in Chromium (playwright-core from the repo root).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PKG_DIR = path.join(ROOT, 'js');
export const DOC = path.join(ROOT, 'docs', 'BUNDLERS.md');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The frame every app waits for.
export const MESSAGE = { id: 7, sender: { id: 2, username: 'bob' }, content: 'through the bundle', created_at: 't' };

// npm's own variables from an outer `npm run`/`npm test` (workspace, prefix...) must not steer the
// installs into the temp projects; the cache setting is kept, so every install shares one cache.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !/^npm_config_cache$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

// Runs a command to its end; rejects with its output when it fails.
export function run(cmd, args, { cwd, env, timeout = 240_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(Object.assign(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${stdout}\n${stderr}`), { stdout, stderr, code }));
    });
  });
}

// Starts a long-running command and resolves once its output matches `ready`; stop() ends it.
export function start(cmd, args, { cwd, env, ready, timeout = 60_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = once(child, 'exit');
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} was not ready in ${timeout} ms:\n${output}`));
    }, timeout);
    const onData = (d) => {
      output += d;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, stop, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} ${args.join(' ')} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

export const npm = (args, opts) => run('npm', args, opts);

// An empty project with the packed package and `deps` installed from the registry.
// `engineStrict`: the install fails when an `engines` range excludes the running Node.
export async function createProject(name, deps = [], { type = 'module', engineStrict = false } = {}) {
  for (const built of ['numeneon_core.wasm', 'numeneon_core.inline.js']) {
    if (!existsSync(path.join(PKG_DIR, 'wasm', built))) throw new Error(`js/wasm/${built} is missing: run \`bash scripts/build.sh\` first`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), `nrt-${name}-`));
  const { stdout } = await npm(['pack', '--json', '--pack-destination', dir], { cwd: PKG_DIR });
  const [{ filename, files }] = JSON.parse(stdout);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `nrt-${name}`, private: true, type }, null, 2));
  const flags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...(engineStrict ? ['--engine-strict'] : [])];
  await npm(['install', ...flags, `./${filename}`, ...deps], { cwd: dir });
  return {
    dir,
    tarball: path.join(dir, filename),
    packed: files.map((f) => f.path),
    file: (rel) => path.join(dir, rel),
    write(rel, text) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    },
    read: (rel) => readFileSync(path.join(dir, rel), 'utf8'),
    // The installed version of a package (what the row tested), for the test's diagnostics.
    version: (pkg) => `${pkg} ${JSON.parse(readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version}`,
    bin: (name) => path.join(dir, 'node_modules', '.bin', name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// The package's test server, loaded from the project's install (its `./testing` entry); it sends MESSAGE to
// every client that connects.
export async function startServer(project) {
  const entry = createRequire(project.file('package.json')).resolve('@numeneon/realtime/testing');
  const { startTestServer } = await import(pathToFileURL(entry));
  const server = await startTestServer();
  server.on('connection', () => server.push(1, 'new_message', MESSAGE));
  return server;
}

export async function freePort() {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.json': 'application/json',
};

// A static server for built output on 127.0.0.1. `wasm: false` hides every .wasm file; `fallback: 'spa'`
// answers missing files with index.html (what single-page-app hosting does), otherwise they are 404.
// `mount` maps URL prefixes to other folders (e.g. '/node_modules/' for an import-map page).
export async function serveStatic(root, { wasm = true, fallback = 'none', mount = {} } = {}) {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    requests.push(pathname);
    const prefix = Object.keys(mount).find((p) => pathname.startsWith(p));
    const base = prefix ? mount[prefix] : root;
    const rel = decodeURIComponent(prefix ? pathname.slice(prefix.length) : pathname);
    let file = path.join(base, path.normalize(`/${rel}`));
    if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    const hidden = !wasm && file.endsWith('.wasm');
    let body = null;
    if (!hidden && (await stat(file).catch(() => null))?.isFile()) body = await readFile(file);
    if (!body && fallback === 'spa') {
      file = path.join(root, 'index.html');
      body = await readFile(file);
    }
    if (!body) return res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// Opens `url` with ?ws=<server url> and waits for the app to set window.__result ({ content } or
// { error, code }). Console errors and failed requests go into the assertion message when it times out.
export async function openApp(browser, url, wsUrl, { timeout = 30_000 } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()}`));
  try {
    const target = new URL(url);
    target.searchParams.set('ws', wsUrl);
    await page.goto(target.href);
    const handle = await page.waitForFunction(() => window.__result, null, { timeout }).catch((err) => {
      throw new Error(`${err.message}\n${log.join('\n')}`);
    });
    return { ...(await handle.jsonValue()), log };
  } finally {
    await context.close();
  }
}

// The browser app the bundler rows build: the core client, one frame, the result on window.__result.
// `lines` replace its import line (a row's documented variant); `options` go into createClient().
export function browserApp({ lines = "import { createClient } from '@numeneon/realtime';", options = '' } = {}) {
  return `${lines}

const url = new URLSearchParams(location.search).get('ws');
try {
  const client = await createClient({ url, getToken: () => 'token', logger: null${options ? `, ${options}` : ''} });
  client.subscribe('new_message', (data) => {
    window.__result = { content: data.content, state: client.state };
    client.dispose();
  });
  client.connect();
} catch (err) {
  window.__result = { error: err.message, code: err.code };
}
`;
}

// The Node app of the Node rows: the core client (WebSocket from ws), one frame, the result as a JSON
// line on stdout. `load` are the lines that bring createClient and WebSocket in.
export const nodeApp = (load) => `${load}
try {
  const client = await createClient({ url: process.env.NRT_URL, getToken: () => 'token', WebSocket, logger: null });
  client.subscribe('new_message', (data) => {
    console.log(JSON.stringify({ content: data.content, state: client.state }));
    client.dispose();
  });
  client.connect();
} catch (err) {
  console.log(JSON.stringify({ error: err.message, code: err.code }));
}
`;

export const INDEX_HTML = (script, { type = 'module', head = '' } = {}) => `<!doctype html>
<html><head><meta charset="utf-8"><title>nrt</title>${head}</head>
<body><div id="root"></div><script${type ? ` type="${type}"` : ''} src="${script}"></script></body></html>
`;

// The text between <!-- NAME --> and <!-- /NAME --> markers in docs/BUNDLERS.md: a row's documented
// line, which its test uses verbatim.
export function documented(name) {
  const doc = readFileSync(DOC, 'utf8');
  const m = new RegExp(`<!-- ${name} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\`\\s*<!-- /${name} -->`).exec(doc);
  if (!m) throw new Error(`docs/BUNDLERS.md has no <!-- ${name} --> block`);
  return m[1];
}
