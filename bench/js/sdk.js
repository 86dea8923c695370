// The SDK under test: the package's Node entry, or — with NRT_BENCH_WASM_DIR=<dir holding
// numeneon_core.mjs + .wasm> — the same client driver on another build of the core (to compare flags).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as pkg from '../../js/src/node.js';
import { createClientFactory } from '../../js/src/client.js';

const dir = process.env.NRT_BENCH_WASM_DIR;
let modulePromise = null;
function loadVariant() {
  modulePromise ??= Promise.all([
    import(pathToFileURL(path.resolve(dir, 'numeneon_core.mjs')).href),
    readFile(path.resolve(dir, 'numeneon_core.wasm')),
  ]).then(([glue, wasmBinary]) => glue.default({ wasmBinary }));
  return modulePromise;
}

export const wasmDir = dir ? path.resolve(dir) : null;
export const createClient = dir ? createClientFactory(loadVariant) : pkg.createClient;
export async function diagnostics() {
  if (!dir) return pkg.diagnostics();
  const mod = await loadVariant();
  return { heapBytes: mod.HEAPU8.length, liveCores: mod.liveCores() };
}
