// Loads the core's .wasm (a plain C ABI, no Emscripten runtime) and wraps its memory: the scratch
// buffer strings go in through, and the float64 record actions, events and stats come out through.
import { ABI, SLOTS } from './codes.js';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

// jsdom (Jest's browser-like test environment) has no TextEncoder/TextDecoder; there Node's are used.
const text = globalThis.TextEncoder ? globalThis : globalThis.process?.getBuiltinModule?.('node:util') ?? globalThis;

// Thrown (and reported by the React layer) when the module cannot be loaded; `code` is 'wasm_load_failed'.
// `kind` says what happened, for code that reacts (a retry button, a report): 'http_status' (with `status`),
// 'html_fallback', 'not_wasm', 'fetch_failed', 'read_failed', 'csp', 'compile_failed', 'abi_mismatch',
// 'no_fetch' or 'trap'; `url` is where it was loaded from, when it was.
export class WasmLoadError extends Error {
  constructor(kind, message, { url, status, cause } = {}) {
    super(`@numeneon/realtime: ${message}`, cause === undefined ? undefined : { cause });
    this.name = 'RealtimeError';
    this.code = 'wasm_load_failed';
    this.kind = kind;
    if (url !== undefined) this.url = url;
    if (status !== undefined) this.status = status;
  }
}

const FIX = 'pass the module yourself (createClient({ wasm }) with its URL, bytes or a WebAssembly.Module) '
  + "or import from '@numeneon/realtime/inline', which embeds it";

function describeStart(bytes) {
  const start = new text.TextDecoder().decode(bytes.subarray(0, 16)).replace(/\s+/g, ' ').trim();
  return /^[\x20-\x7e]+$/.test(start) ? `"${start}…"` : [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

// What to do when the package's own .wasm is not where its URL points.
const DEPLOY = 'Serve node_modules/@numeneon/realtime/wasm/numeneon_core.wasm at that URL, ';
// An HTML answer for a file under node_modules/ comes from a dev server that does not have the file
// there: Vite 7 pre-bundling the package when it is not in the app's own node_modules (a hoisted workspace).
const VITE = "; with Vite's dev server, add optimizeDeps: { exclude: ['@numeneon/realtime'] } to vite.config";

// A fetch Response (or something like it) to bytes, with an error that says what went wrong and the fix.
async function responseBytes(res, where) {
  if (!res.ok) {
    throw new WasmLoadError('http_status', `the .wasm at ${where} answered HTTP ${res.status}: the file is not deployed there. ${DEPLOY}${FIX}`,
      { url: where, status: res.status });
  }
  const type = (res.headers?.get?.('content-type') ?? '').split(';')[0].trim();
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (WASM_MAGIC.every((b, i) => bytes[i] === b)) return bytes;
  if (type === 'text/html' || /^\s*<(!doctype html|html[\s>])/i.test(new text.TextDecoder().decode(bytes.subarray(0, 64)))) {
    throw new WasmLoadError('html_fallback', `the .wasm at ${where} answered an HTML page (${type || 'no content type'}, starting with `
      + `${describeStart(bytes)}) instead of application/wasm: the file is not deployed there and the server sent its `
      + `fallback page. ${DEPLOY}${FIX}${/\/node_modules\//.test(where) ? VITE : ''}`, { url: where, status: res.status });
  }
  throw new WasmLoadError('not_wasm', `the .wasm at ${where} was served as ${type || 'an unknown type'} and is not WebAssembly `
    + `(it starts with ${describeStart(bytes)}): check what that URL serves, or ${FIX}`, { url: where, status: res.status });
}

// `sync` where the host allows it (Node): no trip through a background thread for a module this small.
async function compile(bytes, url, sync) {
  try {
    return sync ? new WebAssembly.Module(bytes) : await WebAssembly.compile(bytes);
  } catch (err) {
    if (/Content.Security.Policy|unsafe-eval|CSP/i.test(String(err?.message))) {
      throw new WasmLoadError('csp', `the page's Content-Security-Policy forbids compiling WebAssembly: add 'wasm-unsafe-eval' `
        + `to script-src (${err.message})`, { url, cause: err });
    }
    throw new WasmLoadError('compile_failed', `the .wasm does not compile (${err?.message ?? err}): it is damaged or not this package's`,
      { url, cause: err });
  }
}

// `source`: a URL (string or URL), a Response, bytes (ArrayBuffer / typed array) or a compiled
// WebAssembly.Module, or a promise of one of them.
export async function compileSource(given, fetchImpl = globalThis.fetch, sync = false) {
  const source = await given;
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    if (!WASM_MAGIC.every((b, i) => bytes[i] === b)) throw new WasmLoadError('not_wasm', `the bytes given as the module are not WebAssembly (they start with ${describeStart(bytes)})`);
    return compile(bytes, undefined, sync);
  }
  if (typeof source === 'string' || source instanceof URL) {
    const where = String(source);
    if (typeof fetchImpl !== 'function') throw new WasmLoadError('no_fetch', `no fetch() to load ${where}: ${FIX}`, { url: where });
    let res;
    try {
      res = await fetchImpl(where);
    } catch (err) {
      throw new WasmLoadError('fetch_failed', `could not fetch the .wasm at ${where} (${err?.message ?? err}): a blocker, a CSP `
        + `connect-src or the network refused it; ${FIX}`, { url: where, cause: err });
    }
    return compile(await responseBytes(res, where), where);
  }
  if (source && typeof source.arrayBuffer === 'function') {
    return compile(await responseBytes(source, source.url || 'the given Response'), source.url || undefined);
  }
  throw new TypeError('@numeneon/realtime: wasm must be a URL, a Response, bytes or a WebAssembly.Module');
}

// One instance of the module: its exports, and views on its memory renewed whenever memory grows.
export class CoreModule {
  constructor(instance) {
    this.x = instance.exports;
    this.memory = this.x.memory;
    this.encoder = new text.TextEncoder();
    this.decoder = new text.TextDecoder();
    this.ptr = 0;
    this.capacity = 0;
    this.refresh();
  }

  static async instantiate(module, sync = false) {
    let core = null;
    const imports = {};
    for (const { module: ns, name, kind } of WebAssembly.Module.imports(module)) {
      if (kind !== 'function') continue;
      imports[ns] ??= {};
      imports[ns][name] = name === 'emscripten_notify_memory_growth'
        ? () => core?.refresh()
        : () => { throw new WasmLoadError('trap', `the module called ${ns}.${name}: it ran out of memory or hit a bug`); };
    }
    const instance = sync ? new WebAssembly.Instance(module, imports) : await WebAssembly.instantiate(module, imports);
    core = new CoreModule(instance);
    core.x._initialize?.();
    if (core.x.nrt_abi() >>> 0 !== ABI) {
      throw new WasmLoadError('abi_mismatch', `the .wasm (ABI ${(core.x.nrt_abi() >>> 0).toString(16)}) was built for another version of this JS `
        + `(ABI ${ABI.toString(16)}): rebuild or reinstall the package so both come from the same build`);
    }
    return core;
  }

  refresh() {
    this.heap = new Uint8Array(this.memory.buffer);
    this.record = new Float64Array(this.memory.buffer, this.x.nrt_record(), SLOTS);
    this.scratch = this.heap.subarray(this.ptr, this.ptr + this.capacity);
  }

  // Views go stale when memory grows: the old buffer is detached (length 0). The growth notification
  // refreshes them; this covers any path that does not deliver it.
  fresh() {
    if (this.heap.length === 0) this.refresh();
    return this;
  }

  // Copies `text` into the scratch buffer as UTF-8. Returns its byte length, -1 if it needs more than
  // `max` bytes, -2 if no buffer could be had.
  write(text, max = Infinity) {
    const need = Math.min(text.length * 3, max + 1);  // UTF-16 → UTF-8 is at most 3 bytes per unit
    if (need > this.capacity) {
      const ptr = this.x.nrt_buffer(Math.max(need, 1));
      this.fresh();
      if (!ptr) {
        this.capacity = 0;
        return -2;
      }
      this.ptr = ptr;
      this.capacity = need;
      this.scratch = this.heap.subarray(ptr, ptr + need);
    }
    this.fresh();
    const { read, written } = this.encoder.encodeInto(text, this.scratch);
    return read < text.length || written > max ? -1 : written;
  }

  // The string the last call handed out through the record's payload slots.
  payload(ptrSlot, lenSlot) {
    const ptr = this.fresh().record[ptrSlot];
    return this.decoder.decode(this.heap.subarray(ptr, ptr + this.record[lenSlot]));
  }

  error() {
    const ptr = this.x.nrt_error();
    const end = this.fresh().heap.indexOf(0, ptr);
    return this.decoder.decode(this.heap.subarray(ptr, end));
  }
}

// Loads once per source (the package's own .wasm when none is given); a failed load is forgotten, so
// the next createClient() tries again. `sync`: compile and instantiate without yielding (Node).
export function moduleLoader(defaultSource, { sync = false } = {}) {
  const loaded = new Map();
  const DEFAULT = Symbol('default');
  return (source) => {
    const key = source === undefined ? DEFAULT : typeof source === 'string' || source instanceof URL ? String(source) : source;
    let promise = loaded.get(key);
    if (!promise) {
      promise = compileSource(source === undefined ? defaultSource() : source, globalThis.fetch, sync)
        .then((m) => CoreModule.instantiate(m, sync));
      loaded.set(key, promise);
      promise.catch(() => loaded.delete(key));
    }
    return promise;
  };
}
