// The SDK under test: the package's Node entry, or — with NRT_BENCH_WASM_DIR=<dir holding
// numeneon_core.wasm> — the same client driver on another build of the core (to compare flags).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as pkg from '../../js/src/node.js';
import { createClientFactory } from '../../js/src/client.js';
import { moduleLoader } from '../../js/src/wasm.js';

const dir = process.env.NRT_BENCH_WASM_DIR;
const loadVariant = moduleLoader(() => readFile(path.resolve(dir, 'numeneon_core.wasm')));

export const wasmDir = dir ? path.resolve(dir) : null;
export const createClient = dir ? createClientFactory(loadVariant) : pkg.createClient;
export async function diagnostics() {
  if (!dir) return pkg.diagnostics();
  const mod = await loadVariant();
  return { heapBytes: mod.memory.buffer.byteLength, liveCores: mod.x.nrt_live_cores() };
}
