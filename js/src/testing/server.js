// A local server that speaks the NUMENEON protocol (docs/PROTOCOL.md in the repository) for headless tests:
// token from ?token= or the 'numeneon.jwt' subprotocol, HTTP 403 on a bad token (what Daphne does),
// connection_established on connect, echo for any JSON frame, error for invalid JSON, 1011 on binary,
// and GET /api/auth/me/ (200 or 401 for the Bearer token) as an auth probe target.
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import { WebSocketServer } from 'ws';

const PATH = '/ws/notifications/';

export async function startTestServer({
  host = '127.0.0.1',
  port = 0,
  authenticate = (token) => (token ? { id: 1, username: 'tester' } : null),
} = {}) {
  const events = new EventEmitter();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('numeneon.jwt') ? 'numeneon.jwt' : false),
  });
  const sockets = new Set();
  const state = { handshakes: 0, rejected: 0, probes: 0, rejectStatus: 0, echo: true, received: [] };
  let httpServer = null;
  let boundPort = port;

  function reject(socket, status) {
    state.rejected++;
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  function onUpgrade(req, socket, head) {
    state.handshakes++;
    socket.on('error', () => {});
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== PATH) return reject(socket, 404);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const token = url.searchParams.get('token') ?? (offered[0] === 'numeneon.jwt' ? offered[1] : null);
    if (state.rejectStatus) return reject(socket, state.rejectStatus);
    const user = authenticate(token);
    if (!user) return reject(socket, 403);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = { ws, user, token };
      sockets.add(conn);
      ws.on('close', () => sockets.delete(conn));
      ws.on('error', () => {});
      ws.on('message', (raw, isBinary) => {
        if (isBinary) return ws.close(1011);
        const text = raw.toString();
        let frame;
        try {
          frame = JSON.parse(text);
        } catch {
          if (state.echo) ws.send(JSON.stringify({ type: 'error', message: 'Invalid JSON' }));
          return;
        }
        state.received.push(frame);
        events.emit('frame', frame, conn);
        if (state.echo) ws.send(JSON.stringify({ type: 'echo', data: frame }));
      });
      ws.send(JSON.stringify({ type: 'connection_established', message: `Connected as ${user.username}`, user_id: user.id }));
      events.emit('connection', conn);
    });
  }

  async function listen() {
    httpServer = http.createServer((req, res) => {
      if (new URL(req.url, 'http://localhost').pathname !== '/api/auth/me/') return res.writeHead(404).end();
      state.probes++;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
      const user = authenticate(token);
      res.writeHead(user ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(user ?? { detail: 'unauthorized' }));
    });
    httpServer.on('upgrade', onUpgrade);
    httpServer.listen(boundPort, host);
    await once(httpServer, 'listening');
    boundPort = httpServer.address().port;
  }

  function targets(userId) {
    return [...sockets].filter((c) => userId == null || c.user.id === userId);
  }

  await listen();
  const server = {
    get port() { return boundPort; },
    get url() { return `ws://${host}:${boundPort}${PATH}`; },
    get baseUrl() { return `http://${host}:${boundPort}`; },
    get connections() { return [...sockets]; },
    get handshakes() { return state.handshakes; },
    get rejected() { return state.rejected; },
    get probes() { return state.probes; },
    get received() { return state.received; },
    on: (event, fn) => (events.on(event, fn), () => events.off(event, fn)),
    // Resolves with the next accepted connection.
    nextConnection: () => once(events, 'connection').then(([conn]) => conn),
    nextFrame: () => once(events, 'frame').then(([frame]) => frame),
    // Sends {type, data} to one user's sockets (every tab), or to all when userId is null.
    push(userId, type, data) {
      const text = JSON.stringify({ type, data });
      const list = targets(userId);
      for (const c of list) c.ws.send(text);
      return list.length;
    },
    // Sends raw text or bytes to every socket (for malformed-input tests).
    sendRaw(payload, options) {
      for (const c of sockets) c.ws.send(payload, options);
    },
    rejectHandshakes(status) { state.rejectStatus = status; },
    setEcho(on) { state.echo = on; },
    closeAll(code = 1000, reason = '') {
      for (const c of sockets) c.ws.close(code, reason);
    },
    terminateAll() {
      for (const c of sockets) c.ws.terminate();
    },
    async stop() {
      for (const c of sockets) c.ws.terminate();
      if (!httpServer) return;
      const closing = once(httpServer, 'close');
      httpServer.close();
      httpServer.closeAllConnections?.();
      await closing;
      httpServer = null;
    },
    async restart() {
      await server.stop();
      await listen();
    },
  };
  return server;
}
