// A .wasm that does not load is a WasmLoadError saying what happened (kind, url, status) and the fix;
// a failed load is forgotten, so the next createClient() tries again.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { WasmLoadError, createClient } from '../src/node.js';

const WASM = await readFile(new URL('../wasm/numeneon_core.wasm', import.meta.url));

// Serves whatever `answers[path]` says: [status, content type, body].
async function fileServer(answers) {
  const server = createServer((req, res) => {
    const [status, type, body] = answers[req.url] ?? [404, 'text/plain', 'not found'];
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

const options = (wasm) => ({ url: 'ws://127.0.0.1:9/ws/notifications/', getToken: () => 't', WebSocket, logger: null, wasm });

async function loadError(wasm) {
  const err = await createClient(options(wasm)).then(() => null, (e) => e);
  assert.ok(err instanceof WasmLoadError, `expected a WasmLoadError, got ${err}`);
  assert.equal(err.code, 'wasm_load_failed');
  return err;
}

test('each way a .wasm fails to load has its kind, url and status', async () => {
  const damaged = Uint8Array.from([...WASM.subarray(0, 8), 0xff, 0xff, 0xff]);
  const srv = await fileServer({
    '/html.wasm': [200, 'text/html', '<!doctype html><html><body>app</body></html>'],
    '/text.wasm': [200, 'text/plain', 'hello'],
    '/damaged.wasm': [200, 'application/wasm', damaged],
  });
  try {
    const missing = await loadError(`${srv.base}/gone.wasm`);
    assert.deepEqual([missing.kind, missing.url, missing.status], ['http_status', `${srv.base}/gone.wasm`, 404]);
    assert.match(missing.message, /answered HTTP 404/);

    const html = await loadError(`${srv.base}/html.wasm`);
    assert.deepEqual([html.kind, html.status], ['html_fallback', 200]);
    assert.match(html.message, /HTML page/);

    const text = await loadError(`${srv.base}/text.wasm`);
    assert.equal(text.kind, 'not_wasm');
    assert.match(text.message, /"hello…"/);

    const broken = await loadError(`${srv.base}/damaged.wasm`);
    assert.equal(broken.kind, 'compile_failed');
    assert.ok(broken.cause instanceof Error);

    assert.equal((await loadError(new TextEncoder().encode('not wasm'))).kind, 'not_wasm');
    assert.equal((await loadError(damaged)).kind, 'compile_failed');
  } finally {
    await srv.close();
  }
  const refused = await loadError(`${srv.base}/after-close.wasm`);
  assert.equal(refused.kind, 'fetch_failed');
});

test('a failed load is forgotten: the same URL loads once it is deployed', async () => {
  const answers = {};
  const srv = await fileServer(answers);
  try {
    const url = `${srv.base}/numeneon_core.wasm`;
    assert.equal((await loadError(url)).status, 404);
    answers['/numeneon_core.wasm'] = [200, 'application/wasm', WASM];
    const client = await createClient(options(url));
    assert.equal(client.state, 'idle');
    client.dispose();
  } finally {
    await srv.close();
  }
});
