// A hand-rolled WebSocket server for attacks a polite server library will not make: a close frame with
// the TCP connection kept open, floods, answers written at chosen moments, refusals with Retry-After.
// Node built-ins only; text frames unmasked (server → client), client frames unmasked on read.
import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode, payload) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  let header;
  if (body.length < 126) header = Buffer.from([0x80 | opcode, body.length]);
  else if (body.length < 65536) header = Buffer.from([0x80 | opcode, 126, body.length >> 8, body.length & 255]);
  else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(body.length), 2);
  }
  return Buffer.concat([header, body]);
}

// Parses client frames from `buffer`; returns [frames, rest].
function parse(buffer) {
  const out = [];
  let at = 0;
  for (;;) {
    if (buffer.length - at < 2) break;
    const opcode = buffer[at] & 0x0f;
    let len = buffer[at + 1] & 0x7f;
    let p = at + 2;
    if (len === 126) { if (buffer.length < p + 2) break; len = buffer.readUInt16BE(p); p += 2; }
    else if (len === 127) { if (buffer.length < p + 8) break; len = Number(buffer.readBigUInt64BE(p)); p += 8; }
    if (buffer.length < p + 4 + len) break;
    const mask = buffer.subarray(p, p + 4);
    const data = Buffer.from(buffer.subarray(p + 4, p + 4 + len));
    for (let i = 0; i < data.length; i++) data[i] ^= mask[i & 3];
    out.push({ opcode, data });
    at = p + 4 + len;
  }
  return [out, buffer.subarray(at)];
}

export async function startRawServer({ onUpgrade } = {}) {
  const events = new EventEmitter();
  const conns = new Set();
  const state = { refuse: null, echo: true, handshakes: [] };
  const server = http.createServer((req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket) => {
    state.handshakes.push(performance.now());
    socket.on('error', () => {});
    if (state.refuse) {
      const { status, headers = {} } = state.refuse;
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const conn = {
      socket, url: req.url,
      send: (text) => socket.write(frame(1, text)),
      sendBinary: (bytes) => socket.write(frame(2, bytes)),
      zombie: false,
      // A close frame, and the TCP connection kept open (even after the client's answer): the socket
      // now sits in CLOSING.
      sendCloseKeepOpen: (code = 1000) => {
        conn.zombie = true;
        const b = Buffer.alloc(2);
        b.writeUInt16BE(code);
        socket.write(frame(8, b));
      },
      drop: () => socket.destroy(),
    };
    conns.add(conn);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      let frames;
      [frames, pending] = parse(Buffer.concat([pending, chunk]));
      for (const f of frames) {
        if (f.opcode === 1) {
          const text = f.data.toString();
          if (state.echo) conn.send(JSON.stringify({ type: 'echo', data: JSON.parse(text) }));
          events.emit('frame', text, conn);
        } else if (f.opcode === 8) {
          events.emit('client-close', conn);
          if (!conn.zombie) socket.end(frame(8, f.data));  // a polite server answers and closes
        }
      }
    });
    socket.on('close', () => conns.delete(conn));
    conn.send(JSON.stringify({ type: 'connection_established', message: 'Connected as tester', user_id: 1 }));
    onUpgrade?.(conn);
    events.emit('connection', conn);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = server.address().port;
  return {
    url: `ws://127.0.0.1:${port}/ws/notifications/`,
    state,
    get connections() { return [...conns]; },
    nextConnection: () => once(events, 'connection').then(([c]) => c),
    nextFrame: () => once(events, 'frame').then(([text, conn]) => ({ text, conn })),
    on: (e, fn) => (events.on(e, fn), () => events.off(e, fn)),
    push: (type, data) => { for (const c of conns) c.send(JSON.stringify({ type, data })); },
    async stop() {
      for (const c of conns) c.drop();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}
