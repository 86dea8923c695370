// Row 7b: start-up in headless Chromium: the browser entry imported as native ES modules from
// 127.0.0.1, then the first createClient (fetch + compile + instantiate + the core), in a fresh
// browser context per run (empty HTTP cache, nothing compiled yet).
//
//   node bench/js/startup-browser.bench.js [--runs=15]
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { launch } from '../../tests/browser/app-support.mjs';
import { ROOT, argOptions, isMain, median, percentile, printTable } from './lib.js';

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const PAGE = `<!doctype html><title>start-up</title><script type="module">
const t0 = performance.now();
const { createClient } = await import('/src/browser.js');
const t1 = performance.now();
const client = await createClient({ url: 'ws://127.0.0.1:9/ws/notifications/', logger: null, share: false });
const t2 = performance.now();
client.dispose();
const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
window.result = { importMs: t1 - t0, firstClientMs: t2 - t1, fetchMs: wasm ? wasm.responseEnd - wasm.startTime : NaN };
</script>`;

// The package directory as the site root (src/, wasm/), the page at /.
function serve() {
  const root = path.join(ROOT, 'js');
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x').pathname;
    if (url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(PAGE);
      return;
    }
    const file = path.join(root, path.normalize(url));
    if (!file.startsWith(root)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function run({ runs = 15, quiet = false } = {}) {
  const server = await serve();
  const browser = await launch();
  const results = [];
  const version = browser.version();
  try {
    const url = `http://127.0.0.1:${server.address().port}/`;
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => window.result, null, { timeout: 20_000 });
      results.push(await page.evaluate(() => window.result));
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  const col = (k) => results.map((r) => r[k]);
  const result = { importMs: median(col('importMs')), firstClientMs: median(col('firstClientMs')), firstClientP90: percentile(col('firstClientMs'), 90) };
  if (!quiet) {
    printTable(`Row 7b: start-up in headless Chromium ${version}, ${runs} fresh contexts (modules and .wasm from 127.0.0.1)`,
      ['phase', 'median ms', 'p90 ms', 'goal'],
      [
        ['import the browser entry (native ES modules over HTTP)', result.importMs.toFixed(1), percentile(col('importMs'), 90).toFixed(1), ''],
        ['first createClient (fetch + compile + instantiate + core)', result.firstClientMs.toFixed(1), result.firstClientP90.toFixed(1),
          `≤ 3 ms: ${result.firstClientMs <= 3 ? 'met' : 'missed'}`],
        ['of which the .wasm request (Resource Timing: start → last byte)', median(col('fetchMs')).toFixed(1), percentile(col('fetchMs'), 90).toFixed(1), ''],
      ],
      ['Loopback, no HTTP cache, nothing compiled. The loader reads the whole response before compiling (to tell a 404 page or an HTML '
        + 'fallback from a module): on a real network the download comes first, then ~1-4 ms of compilation.']);
  }
  return result;
}

if (isMain(import.meta.url)) await run(argOptions());
