// Row 7's measured process: one fresh Node process, timing the SDK import (which does not load the
// Wasm), then the first createClient (read + compile + instantiate the .wasm, build the core).
const t0 = performance.now();
const { createClient } = await import('./sdk.js');
const { FakeSocket } = await import('./fake-socket.js');
const t1 = performance.now();
const client = await createClient({ url: 'ws://127.0.0.1:9/ws/notifications/', WebSocket: FakeSocket, logger: null });
const t2 = performance.now();
client.dispose();
process.stdout.write(JSON.stringify({ bootMs: t0, importMs: t1 - t0, firstClientMs: t2 - t1 }));
