// Node entry: the .wasm is read from the package's own folder (Node's fetch cannot load file:// URLs).
// The path is built from import.meta.url at run time, not as a `new URL('…', import.meta.url)` literal
// that bundlers rewrite for server builds.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClientFactory } from './client.js';
import { WasmLoadError, moduleLoader } from './wasm.js';

const WASM = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'wasm', 'numeneon_core.wasm');

// A server bundle (webpack, esbuild) keeps the path of the build machine's node_modules: when the bundle
// runs elsewhere the file is not there.
const loadModule = moduleLoader(() => readFile(WASM).catch((err) => {
  throw new WasmLoadError('read_failed', `could not read the package's .wasm at ${WASM} (${err.code ?? err.message}): if this runs `
    + 'from a bundle, keep @numeneon/realtime external to it (it is then loaded from node_modules) or ship that file '
    + "at that path; or pass the module yourself (createClient({ wasm }) with its bytes or a WebAssembly.Module), or "
    + "import from '@numeneon/realtime/inline', which embeds it", { url: WASM, cause: err });
}));

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
