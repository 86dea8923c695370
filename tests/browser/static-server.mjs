// A tiny static server for the built example app: serves examples/react-app/dist with a strict CSP on
// HTML, answers /config.js with the backend URL the test chose, and falls back to index.html.
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

export async function serveApp({ root, config }) {
  const configJs = `window.NUMENEON_CONFIG = ${JSON.stringify(config)};\n`;
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    if (pathname === '/config.js') {
      res.writeHead(200, { 'Content-Type': TYPES['.js'], 'Cache-Control': 'no-store' }).end(configJs);
      return;
    }
    let file = path.join(root, path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(root) || pathname.endsWith('/')) file = path.join(root, 'index.html');
    let body;
    try {
      body = await readFile(file);
    } catch {
      file = path.join(root, 'index.html');  // client-side routes
      body = await readFile(file);
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const headers = { 'Content-Type': type, 'Cache-Control': 'no-store' };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CSP;
    res.writeHead(200, headers).end(body);
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
