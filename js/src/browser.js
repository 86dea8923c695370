// Browser entry: the .wasm sits next to this package's files; `new URL(…, import.meta.url)` is the
// pattern bundlers (webpack 5, Vite) follow to ship it. Nothing is loaded until the first createClient();
// createClient({ wasm }) overrides where it comes from. docs/BUNDLERS.md has the tested matrix.
// Clients share one socket between the tabs of a user where the browser can (src/shared/README.md; share:
// false opts out).
import { RealtimeClient } from './client.js';
import { sharedClientFactory } from './shared/client.js';
import { WasmLoadError, moduleLoader } from './wasm.js';

// Where the URL lands when Vite 7's dev server has pre-bundled this package into node_modules/.vite/deps/:
// it copies no files along, and answers that path with index.html. The package's own copy is served from
// node_modules/ beside it (Vite 8 rewrites the URL to that itself).
const VITE_DEPS = /\/node_modules\/\.vite\/wasm\/numeneon_core\.wasm$/;

function packagedWasm() {
  const url = new URL('../wasm/numeneon_core.wasm', import.meta.url);
  if (VITE_DEPS.test(url.pathname)) {
    return new URL(url.pathname.replace(VITE_DEPS, '/node_modules/@numeneon/realtime/wasm/numeneon_core.wasm'), url);
  }
  // The browser entry under Node (jsdom in Jest, which picks the 'browser' condition): fetch cannot read
  // file: URLs, so the file is read directly.
  if (url.protocol !== 'file:' || typeof globalThis.process?.getBuiltinModule !== 'function') return url;
  const builtin = (id) => globalThis.process.getBuiltinModule(id);
  const file = builtin('node:url').fileURLToPath(url.href);
  return builtin('node:fs').promises.readFile(file).catch((err) => {
    throw new WasmLoadError('read_failed', `could not read the package's .wasm at ${file} (${err.code ?? err.message}): reinstall `
      + "the package, pass the module yourself (createClient({ wasm })) or import from '@numeneon/realtime/inline'",
    { url: url.href, cause: err });
  });
}

const loadModule = moduleLoader(packagedWasm);

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
