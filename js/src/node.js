// Node entry: the .wasm is read from the package's own folder (Node's fetch cannot load file:// URLs).
// The path is built from import.meta.url at run time, not as a `new URL('…', import.meta.url)` literal
// that bundlers rewrite for server builds.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClientFactory } from './client.js';
import { WasmLoadError, moduleLoader } from './wasm.js';

const WASM = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'wasm', 'numeneon_core.wasm');

// A server bundle (webpack, esbuild) keeps the path of the build machine's node_modules: when the bundle
// runs elsewhere the file is not there.
function packagedWasm() {
  try {
    return readFileSync(WASM);
  } catch (err) {
    throw new WasmLoadError('read_failed', `could not read the package's .wasm at ${WASM} (${err.code ?? err.message}): if this `
      + 'runs from a bundle, keep @numeneon/realtime external to it (it is then loaded from node_modules) or ship that file '
      + "at that path; or pass the module yourself (createClient({ wasm }) with its bytes or a WebAssembly.Module), or "
      + "import from '@numeneon/realtime/inline', which embeds it", { url: WASM, cause: err });
  }
}

// The de-duplication key's secret. Node 20 loads WebCrypto (and its streams) on the first use of
// globalThis.crypto, ~5 ms; the kernel's generator behind it is read directly where there is one.
function randomValues(array) {
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      if (readSync(fd, array) === array.byteLength) return array;
    } finally {
      closeSync(fd);
    }
  } catch { /* no /dev/urandom (Windows) */ }
  return globalThis.crypto.getRandomValues(array);
}

const loadModule = moduleLoader(packagedWasm, { sync: true });

export const createClient = createClientFactory(loadModule, { randomValues });

// For leak tests and dashboards: the Wasm memory size and how many cores are alive.
export async function diagnostics({ wasm } = {}) {
  const mod = await loadModule(wasm);
  return { heapBytes: mod.memory.buffer.byteLength, liveCores: mod.x.nrt_live_cores() };
}
export { RealtimeClient, RealtimeError, connectionStatus } from './client.js';
export { REASONS, STATES, TOKEN_REASONS } from './codes.js';
export { redact } from './logger.js';
export { WasmLoadError } from './wasm.js';
