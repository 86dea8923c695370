// Row 5: shipped size, gzip -9. The SDK's browser entry (browser.js + client/codes/logger/url/wasm
// loader) bundled and minified with esbuild, plus the .wasm; the React layer separately; and the peers
// bundled the same way in the same run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT, argOptions, isMain, printTable } from './lib.js';
import { wasmDir } from './sdk.js';

const GOAL_KB = 55;
const PEERS = ['reconnecting-websocket', 'partysocket', 'socket.io-client', 'centrifuge'];
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);

async function bundle(contents, external = []) {
  const out = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false,
    external, logLevel: 'silent',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

export async function run({ quiet = false } = {}) {
  const wasm = readFileSync(path.join(wasmDir ?? path.join(ROOT, 'js', 'wasm'), 'numeneon_core.wasm'));
  const entry = await bundle("export * from './js/src/browser.js';");
  const react = await bundle("export * from './js/src/react/index.js';", ['react', 'react-dom', '@numeneon/realtime']);
  const sdk = { wasm: gz(wasm), js: gz(entry), wasmRaw: wasm.length, jsRaw: entry.length };
  sdk.total = sdk.wasm + sdk.js;
  const peers = [];
  for (const name of PEERS) {
    const b = await bundle(`export * from '${name}';`);
    peers.push({ name, raw: b.length, gz: gz(b) });
  }
  const result = { sdk, react: { raw: react.length, gz: gz(react) }, peers, goalBytes: GOAL_KB * 1024 };
  if (!quiet) {
    const rows = [
      ['@numeneon/realtime: .wasm', sdk.wasmRaw, kb(sdk.wasm), ''],
      ['@numeneon/realtime: JS entry with its loader (esbuild --minify)', sdk.jsRaw, kb(sdk.js), ''],
      ['**@numeneon/realtime total**', sdk.wasmRaw + sdk.jsRaw, `**${kb(sdk.total)}**`,
        `goal ≤ ${GOAL_KB} KB: ${sdk.total <= result.goalBytes ? 'met' : `missed by ${kb(sdk.total - result.goalBytes)} KB`}`],
      ['@numeneon/realtime/react (react external)', react.length, kb(result.react.gz), 'separate'],
      ...peers.map((p) => [`peer: ${p.name}`, p.raw, kb(p.gz), `SDK total = ${(sdk.total / p.gz).toFixed(1)}× this`]),
    ];
    printTable(`Row 5: shipped size, gzip -9 (esbuild ${esbuild.version}, ESM, minified, browser)${wasmDir ? ` [wasm from ${wasmDir}]` : ''}`,
      ['artifact', 'raw bytes', 'gzip -9 KB', 'note'], rows);
  }
  return result;
}

if (isMain(import.meta.url)) await run(argOptions());
