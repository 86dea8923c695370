// Row 4's server, run as its own process (so it does not share the client's event loop): a `ws`
// server that, on {"type":"go","data":{"n":N}}, pushes the next N frames of the shared mix.
// Each connection has its own cursor, so ids never repeat within a dedupe window across rounds.
import { WebSocketServer } from 'ws';
import { makeFrames } from './frames.js';

const frames = makeFrames(Number(process.env.POOL ?? 8192));
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(`PORT ${wss.address().port}\n`));
wss.on('connection', (ws) => {
  let cursor = 0;
  ws.on('message', (raw) => {
    let msg;
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return;
    }
    if (msg.type !== 'go') return;
    for (let i = 0; i < msg.data.n; i++) {
      ws.send(frames[cursor]);
      cursor = (cursor + 1) % frames.length;
    }
  });
});
process.stdin.on('end', () => process.exit(0));  // exits with its parent
process.stdin.resume();
