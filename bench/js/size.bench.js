// Row 5: shipped size, gzip -9. The SDK's browser entry (browser.js + client/codes/logger/url/wasm
// loader) bundled and minified with esbuild, plus the .wasm; the inline entry (the same JS with the .wasm
// embedded as base64, one file) on its own row; the React layer separately; and the peers bundled the same
// way in the same run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT, argOptions, isMain, printTable } from './lib.js';
import { wasmDir } from './sdk.js';

const GOAL_KB = 32;  // issue 13: ≤ 32 KB shipped for createClient (stretch 28)
const PEERS = ['reconnecting-websocket', 'partysocket', 'socket.io-client', 'centrifuge'];
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);

// The inline entry's base64 module, made from the .wasm being measured (a flags variant has no generated
// numeneon_core.inline.js of its own).
const inlineWasm = (wasm) => ({
  name: 'inline-wasm',
  setup(build) {
    build.onResolve({ filter: /numeneon_core\.inline\.js$/ }, () => ({ path: 'numeneon_core.inline.js', namespace: 'inline-wasm' }));
    build.onLoad({ filter: /.*/, namespace: 'inline-wasm' }, () => ({ contents: `export default '${wasm.toString('base64')}';`, loader: 'js' }));
  },
});

async function bundle(contents, external = [], plugins = []) {
  const out = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false,
    external, plugins, logLevel: 'silent',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

export async function run({ quiet = false } = {}) {
  const wasm = readFileSync(path.join(wasmDir ?? path.join(ROOT, 'js', 'wasm'), 'numeneon_core.wasm'));
  const entry = await bundle("export * from './js/src/browser.js';");
  const inline = await bundle("export { createClient } from './js/src/inline.js';", [], [inlineWasm(wasm)]);
  const react = await bundle("export * from './js/src/react/index.js';", ['react', 'react-dom', '@numeneon/realtime']);
  const sdk = { wasm: gz(wasm), js: gz(entry), wasmRaw: wasm.length, jsRaw: entry.length };
  sdk.total = sdk.wasm + sdk.js;
  const peers = [];
  for (const name of PEERS) {
    const b = await bundle(`export * from '${name}';`);
    peers.push({ name, raw: b.length, gz: gz(b) });
  }
  const result = {
    sdk, inline: { raw: inline.length, gz: gz(inline) }, react: { raw: react.length, gz: gz(react) }, peers, goalBytes: GOAL_KB * 1024,
  };
  if (!quiet) {
    const rows = [
      ['@numeneon/realtime: .wasm', sdk.wasmRaw, kb(sdk.wasm), ''],
      ['@numeneon/realtime: JS entry with its loader (esbuild --minify)', sdk.jsRaw, kb(sdk.js), ''],
      ['**@numeneon/realtime total**', sdk.wasmRaw + sdk.jsRaw, `**${kb(sdk.total)}**`,
        `goal ≤ ${GOAL_KB} KB: ${sdk.total <= result.goalBytes ? 'met' : `missed by ${kb(sdk.total - result.goalBytes)} KB`}`],
      ['@numeneon/realtime/inline: createClient with the .wasm as base64, one file (esbuild --minify)', inline.length,
        kb(result.inline.gz), `one file in place of the two above: +${kb(result.inline.gz - sdk.total)} KB; compiled from memory, not streamed`],
      ['@numeneon/realtime/react (react external)', react.length, kb(result.react.gz), 'separate'],
      ...peers.map((p) => [`peer: ${p.name}`, p.raw, kb(p.gz), `SDK total = ${(sdk.total / p.gz).toFixed(1)}× this`]),
    ];
    printTable(`Row 5: shipped size, gzip -9 (esbuild ${esbuild.version}, ESM, minified, browser)${wasmDir ? ` [wasm from ${wasmDir}]` : ''}`,
      ['artifact', 'raw bytes', 'gzip -9 KB', 'note'], rows);
  }
  return result;
}

if (isMain(import.meta.url)) await run(argOptions());
