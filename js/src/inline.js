// Inline entry: the same API, with the .wasm embedded in the JS as base64, for setups where a separate
// file cannot be shipped or served (esbuild, some test runners, strict hosting). It costs about a third
// more bytes than the .wasm, gzipped too (bench row 5), and the module is compiled from memory. Tabs
// share one socket as with the browser entry (in Node, jsdom or without Web Locks: each its own).
import wasmBase64 from '../wasm/numeneon_core.inline.js';
import { RealtimeClient } from './client.js';
import { sharedClientFactory } from './shared/client.js';
import { moduleLoader } from './wasm.js';

function bytes() {
  const text = atob(wasmBase64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

let embedded = null;
const loadModule = moduleLoader(() => (embedded ??= bytes()));

export const createClient = sharedClientFactory(loadModule, RealtimeClient);

// For leak tests and dashboards: the Wasm memory size and how many cores are alive.
export async function diagnostics({ wasm } = {}) {
  const mod = await loadModule(wasm);
  return { heapBytes: mod.memory.buffer.byteLength, liveCores: mod.x.nrt_live_cores() };
}
export { RealtimeClient, RealtimeError, connectionStatus } from './client.js';
export { REASONS, STATES, TOKEN_REASONS } from './codes.js';
export { redact } from './logger.js';
export { WasmLoadError } from './wasm.js';
