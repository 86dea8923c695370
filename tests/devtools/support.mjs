// For the devtools panel tests: the fixture page bundled with esbuild (in memory), a static server for
// it and the .wasm, headless Chromium (Debian's /usr/bin/chromium through playwright-core), and the
// artefacts folder.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = path.join(ROOT, 'tests', 'devtools', 'fixture', 'page.jsx');
const WASM = path.join(ROOT, 'js', 'wasm', 'numeneon_core.wasm');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// React's development build: the devtools are for development, and that build is the slower one.
export async function bundlePage() {
  const result = await build({
    entryPoints: [FIXTURE],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>devtools test page</title></head>'
  + '<body><div id="root"></div><script type="module" src="/page.js"></script></body></html>';

export async function servePage(script) {
  const wasm = readFileSync(WASM);
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    if (pathname === '/') return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(HTML);
    if (pathname === '/page.js') return res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(script);
    if (pathname === '/numeneon_core.wasm') return res.writeHead(200, { 'Content-Type': 'application/wasm' }).end(wasm);
    return res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

export const launch = () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

// artifacts/devtools/ (gitignored through /artifacts/), emptied first.
export function artifactsDir() {
  const dir = path.join(ROOT, 'artifacts', 'devtools');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function percentile(values, p) {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
