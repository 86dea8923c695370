// A loopback relay in front of the reference backend that counts, per user, the WebSockets the server
// had and the frames each way (plain HTTP passes through uncounted): what "one connection per browser"
// is measured by (tests/tabs, bench/js/tabs.bench.js). The user is the token's user_id claim (the
// backend checks the token itself).
//
// The upstream socket is opened first and the browser's upgrade is answered only once the backend has
// accepted it, with the backend's own status when it refuses (a bad token stays an HTTP 403), so the
// page sees what it would see without the relay. Closes are passed on with their code.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

function userOf(url) {
  const token = new URL(url, 'http://relay').searchParams.get('token') ?? '';
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return String(payload.user_id ?? payload.sub ?? '?');
  } catch {
    return '?';
  }
}

const closable = (code) => code === 1000 || (code >= 3000 && code <= 4999) || (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006);

export async function startCountingProxy(upstreamOrigin) {
  const events = new EventEmitter();
  const users = new Map();
  const log = [];  // { at, user, kind: 'open' | 'close', id }
  let nextId = 0;
  const user = (id) => {
    if (!users.has(id)) users.set(id, { opened: 0, open: 0, toClient: 0, fromClient: 0, sent: new Map(), received: new Map() });
    return users.get(id);
  };
  const typeOf = (text) => {
    try {
      return JSON.parse(text)?.type ?? '?';
    } catch {
      return '?';
    }
  };
  const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  const links = new Set();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered, req) => req.upstreamProtocol || false });
  // Plain HTTP (the app's REST calls, when the page reaches the backend through the relay) is passed on.
  const upstream = new URL(upstreamOrigin.replace(/^ws/, 'http'));
  const server = http.createServer((req, res) => {
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    const id = userOf(req.url);
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const up = new WebSocket(upstreamOrigin + req.url, protocols);
    const early = [];
    let down = null;
    up.on('message', (data) => {
      if (down) forward(data);
      else early.push(data);
    });
    const forward = (data) => {
      const text = data.toString();
      const u = user(id);
      u.toClient++;
      bump(u.received, typeOf(text));
      if (down.readyState === WebSocket.OPEN) down.send(text);
    };
    up.on('unexpected-response', (r, res) => {
      socket.end(`HTTP/1.1 ${res.statusCode} ${http.STATUS_CODES[res.statusCode] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      up.terminate();
    });
    up.on('error', () => {
      if (!down) socket.destroy();
    });
    up.on('open', () => {
      req.upstreamProtocol = up.protocol;
      wss.handleUpgrade(req, socket, head, (ws) => {
        down = ws;
        const link = { id: ++nextId, user: id, up, down: ws };
        links.add(link);
        const u = user(id);
        u.opened++;
        u.open++;
        log.push({ at: performance.now(), user: id, kind: 'open', id: link.id });
        events.emit('change');
        for (const data of early.splice(0)) forward(data);
        ws.on('message', (data) => {
          const text = data.toString();
          u.fromClient++;
          bump(u.sent, typeOf(text));
          if (up.readyState === WebSocket.OPEN) up.send(text);
          events.emit('change');
        });
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          links.delete(link);
          u.open--;
          log.push({ at: performance.now(), user: id, kind: 'close', id: link.id });
          events.emit('change');
        };
        ws.on('close', (code, reason) => {
          end();
          if (closable(code)) up.close(code, reason);
          else up.terminate();
        });
        up.on('close', (code, reason) => {
          end();
          if (closable(code)) ws.close(code, reason);
          else ws.terminate();
        });
        ws.on('error', () => {});
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  return {
    port,
    url: `ws://127.0.0.1:${port}/ws/notifications/`,
    log,
    // { opened, open, toClient, fromClient, sent: type → n (browser → server), received: type → n } for a user id.
    user: (id) => user(String(id)),
    // Resolves once `predicate()` holds (checked now and after every socket event), or rejects after timeoutMs.
    until(predicate, timeoutMs = 10_000, what = 'condition') {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate()) return;
          clearTimeout(timer);
          events.off('change', check);
          resolve();
        };
        const timer = setTimeout(() => {
          events.off('change', check);
          reject(new Error(`proxy: timed out waiting for ${what}`));
        }, timeoutMs);
        events.on('change', check);
      });
    },
    reset() {
      users.clear();
      log.length = 0;
    },
    async close() {
      for (const link of links) {
        link.down.terminate();
        link.up.terminate();
      }
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
