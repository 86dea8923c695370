// Browser entry: the glue finds the .wasm next to itself via new URL(..., import.meta.url), which
// bundlers (Vite, webpack, esbuild) follow and copy. Nothing is loaded until the first createClient().
import loadNumeneonCore from '../wasm/numeneon_core.mjs';
import { createClientFactory } from './client.js';

let modulePromise = null;
function loadModule() {
  modulePromise ??= loadNumeneonCore();
  return modulePromise;
}

export const createClient = createClientFactory(loadModule);

// For leak tests and dashboards: the Wasm heap size and how many cores are alive.
export async function diagnostics() {
  const mod = await loadModule();
  return { heapBytes: mod.HEAPU8.length, liveCores: mod.liveCores() };
}
export { RealtimeClient, RealtimeError } from './client.js';
export { REASONS, STATES, TOKEN_REASONS } from './codes.js';
export { redact } from './logger.js';
