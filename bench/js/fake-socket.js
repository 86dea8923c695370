// A WebSocket stand-in for in-process benchmarks: the client attaches its listeners, and the bench
// calls them directly (no socket, no event loop turn per frame).
export class FakeSocket {
  static last = null;

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.listeners = { open: [], message: [], close: [], error: [] };
    FakeSocket.last = this;
  }

  addEventListener(type, fn) { this.listeners[type]?.push(fn); }
  removeEventListener(type, fn) {
    const l = this.listeners[type];
    if (l) l.splice(l.indexOf(fn) >>> 0, 1);
  }
  send() {}
  close(code = 1000) {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    for (const fn of this.listeners.close) fn({ code, reason: '', wasClean: true });
  }

  open() {
    this.readyState = 1;
    for (const fn of this.listeners.open) fn({});
  }

  // The per-frame path of the client: its 'message' listener, called as the socket would.
  messageListener() { return this.listeners.message[0]; }
}

// A connected client whose socket is a FakeSocket; returns { client, deliver(text) }.
export async function fakeConnectedClient(createClient, options = {}) {
  const client = await createClient({
    url: 'ws://127.0.0.1:9/ws/notifications/',
    WebSocket: FakeSocket,
    logger: null,
    heartbeat: { intervalMs: 0 },
    ...options,
  });
  client.connect();
  const socket = FakeSocket.last;
  socket.open();
  if (client.state !== 'open') throw new Error(`fake socket did not open the client (state ${client.state})`);
  const listener = socket.messageListener();
  return { client, socket, deliver: (text) => listener({ data: text }) };
}
