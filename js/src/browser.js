// Browser entry: the .wasm sits next to this package's files; `new URL(…, import.meta.url)` is the
// pattern bundlers (Vite, webpack, esbuild with a loader, Parcel) follow to ship it. Nothing is loaded
// until the first createClient(); createClient({ wasm }) overrides where it comes from.
import { createClientFactory } from './client.js';
import { moduleLoader } from './wasm.js';

const loadModule = moduleLoader(() => new URL('../wasm/numeneon_core.wasm', import.meta.url));

export const createClient = createClientFactory(loadModule);

// For leak tests and dashboards: the Wasm memory size and how many cores are alive.
export async function diagnostics({ wasm } = {}) {
  const mod = await loadModule(wasm);
  return { heapBytes: mod.memory.buffer.byteLength, liveCores: mod.x.nrt_live_cores() };
}
export { RealtimeClient, RealtimeError, connectionStatus } from './client.js';
export { REASONS, STATES, TOKEN_REASONS } from './codes.js';
export { redact } from './logger.js';
export { WasmLoadError } from './wasm.js';
