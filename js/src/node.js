// Node entry: Node 20's fetch() cannot load file:// URLs, so the .wasm is read from disk and passed in.
import { readFile } from 'node:fs/promises';
import loadNumeneonCore from '../wasm/numeneon_core.mjs';
import { createClientFactory } from './client.js';

let modulePromise = null;
function loadModule() {
  modulePromise ??= readFile(new URL('../wasm/numeneon_core.wasm', import.meta.url))
    .then((wasmBinary) => loadNumeneonCore({ wasmBinary }));
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
