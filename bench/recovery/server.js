// Recovery benchmark server: NUMENEON over http + ws that the benchmark stops, restarts, freezes and pushes on.
// Restarts reuse the port; freeze = half-open; every handshake is logged with its time.
import http from 'node:http';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';

// Wall-clock milliseconds with sub-millisecond resolution: comparable across processes on one machine.
export const now = () => performance.timeOrigin + performance.now();

const PATH = '/ws/notifications/';

export class RecoveryServer {
  #host;
  #port = 0;
  #http = null;
  #wss = new WebSocketServer({ noServer: true });
  #raw = new Set();     // every TCP connection, so stop() can drop half-done handshakes too
  #conns = new Set();   // { ws, socket, frozen }
  #accept;
  // One entry per upgrade request: [time, 1 accepted | 0 refused with 403].
  handshakes = [];

  constructor({ host = '127.0.0.1', accept = ['A'] } = {}) {
    this.#host = host;
    this.#accept = new Set(accept);
  }

  get url() { return `ws://${this.#host}:${this.#port}${PATH}`; }

  setAccept(tokens) { this.#accept = new Set(tokens); }

  // Listens (on the same port as before after a stop); resolves with the moment it is listening.
  async start() {
    const server = http.createServer((req, res) => res.writeHead(404).end());
    server.on('connection', (socket) => {
      this.#raw.add(socket);
      socket.on('close', () => this.#raw.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
    server.listen(this.#port, this.#host);
    await once(server, 'listening');
    this.#http = server;
    this.#port = server.address().port;
    return { at: now(), url: this.url };
  }

  // Drops every socket without a close frame (clients see 1006) and closes the port (refused).
  async stop() {
    const server = this.#http;
    if (!server) return { at: now() };
    this.#http = null;
    const closed = once(server, 'close');
    server.close();
    for (const c of this.#conns) c.ws.terminate();
    for (const s of this.#raw) s.destroy();
    await closed;
    return { at: now() };
  }

  // Half-open: the sockets open now stop being read or written, but their TCP connections stay up.
  // New connections are served normally (the server itself is fine: the old links are dead).
  freeze() {
    let n = 0;
    for (const c of this.#conns) {
      if (c.frozen) continue;
      c.frozen = true;
      c.socket.pause();
      n++;
    }
    return { at: now(), frozen: n };
  }

  // Sends each text to every live (not frozen) socket, in order; returns how many sockets got them.
  push(texts) {
    let n = 0;
    for (const c of this.#conns) {
      if (c.frozen) continue;
      for (const t of texts) c.ws.send(t);
      n++;
    }
    return n;
  }

  get openConnections() { return [...this.#conns].filter((c) => !c.frozen).length; }

  #upgrade(req, socket, head) {
    socket.on('error', () => {});
    const url = new URL(req.url, 'http://localhost');
    const token = url.searchParams.get('token');
    if (url.pathname !== PATH || !this.#accept.has(token)) {
      this.handshakes.push([now(), 0]);
      // Before the upgrade, as Daphne does: browsers and ws report it as close 1006.
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.handshakes.push([now(), 1]);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = { ws, socket, frozen: false };
      this.#conns.add(conn);
      ws.on('close', () => this.#conns.delete(conn));
      ws.on('error', () => {});
      ws.on('message', (raw, isBinary) => {
        if (isBinary || conn.frozen) return;
        let frame;
        try {
          frame = JSON.parse(raw.toString());
        } catch {
          return;
        }
        ws.send(JSON.stringify({ type: 'echo', data: frame }));
      });
      ws.send(JSON.stringify({ type: 'connection_established', message: 'Connected as u', user_id: 1 }));
    });
  }
}
