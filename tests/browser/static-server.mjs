// A tiny static server for the built example app: serves examples/react-app/dist with a strict CSP on
// HTML, answers /config.js with the backend URL the test chose, and falls back to index.html.
//
//   serveApp({ root, config })                      every unknown path gets index.html
//   serveApp({ root, config, fallback: 'routes' })  only paths without an extension do (client-side
//                                                   routes); a missing file is a 404, as on a real host
//   serveApp({ root, config, wasm: 404 })           every .wasm is a 404 (not deployed)
//   serveApp({ root, config, wasm: 'html' })        every .wasm gets index.html (a dev server's fallback)
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

export const CSP = "script-src 'self' 'wasm-unsafe-eval'";
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export async function serveApp({ root, config, fallback = 'all', wasm = 'file' }) {
  const configJs = `window.NUMENEON_CONFIG = ${JSON.stringify(config)};\n`;
  const index = path.join(root, 'index.html');
  const send = (res, file, body) => {
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const headers = { 'Content-Type': type, 'Cache-Control': 'no-store' };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CSP;
    res.writeHead(200, headers).end(body);
  };
  const notFound = (res) => res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');

  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    if (pathname === '/config.js') {
      res.writeHead(200, { 'Content-Type': TYPES['.js'], 'Cache-Control': 'no-store' }).end(configJs);
      return;
    }
    if (pathname.endsWith('.wasm') && wasm === 404) return notFound(res);
    if (pathname.endsWith('.wasm') && wasm === 'html') return send(res, index, await readFile(index));
    let file = path.join(root, path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(root) || pathname.endsWith('/')) file = index;
    let body;
    try {
      body = await readFile(file);
    } catch {
      if (fallback === 'routes' && path.extname(pathname)) return notFound(res);
      file = index;  // client-side routes
      body = await readFile(file);
    }
    send(res, file, body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
