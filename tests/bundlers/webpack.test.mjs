// webpack 5 with no config file: the browser bundle (webpack-cli's defaults: src/index.js → dist/main.js),
// and a server-side createClient() in a Node-target bundle (`--target node`), which used to fail with
// ERR_INVALID_ARG_TYPE when webpack rewrote the Node entry's .wasm URL.
import assert from 'node:assert/strict';
import { readdirSync, renameSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  INDEX_HTML, MESSAGE, browserApp, createProject, launchBrowser, nodeApp, openApp, run, serveStatic, startServer,
} from './helpers.mjs';

const SERVER_APP = nodeApp("import { WebSocket } from 'ws';\nimport { createClient } from '@numeneon/realtime';");

// webpack's own complaints about this package (ws's optional native add-ons are warned about by name).
const ours = (output) => output.split('\n').filter((l) => /numeneon/i.test(l) && /warn|error/i.test(l));

describe('webpack 5, no config file', { timeout: 180_000 }, () => {
  let project;
  let server;
  before(async () => {
    project = await createProject('webpack', ['webpack@5', 'webpack-cli', 'ws@8']);
    server = await startServer(project);
  });
  after(async () => {
    await server?.stop();
    project?.remove();
  });

  test('browser bundle', async (t) => {
    t.diagnostic(`${project.version('webpack')}, ${project.version('webpack-cli')}`);
    project.write('src/index.js', browserApp());
    const { stdout, stderr } = await run(project.bin('webpack'), ['--mode', 'production'], { cwd: project.dir });
    assert.deepEqual(ours(stdout + stderr), []);
    const dist = readdirSync(project.file('dist'));
    assert.ok(dist.some((f) => f.endsWith('.wasm')), `webpack emitted the .wasm: ${dist}`);
    project.write('dist/index.html', INDEX_HTML('./main.js', { type: '' }));
    const browser = await launchBrowser();
    const site = await serveStatic(project.file('dist'));
    try {
      const { log, ...result } = await openApp(browser, site.url, server.url);
      assert.deepEqual(result, { content: MESSAGE.content, state: 'open' }, log.join('\n'));
    } finally {
      await site.close();
      await browser.close();
    }
  });

  test('Node-target bundle: createClient() on the server', async () => {
    project.write('server/index.js', SERVER_APP);
    const { stdout, stderr } = await run(project.bin('webpack'), [
      '--mode', 'production', '--target', 'node', '--entry', './server/index.js',
      '--output-path', 'dist-node', '--output-filename', 'server.cjs',
    ], { cwd: project.dir });
    assert.deepEqual(ours(stdout + stderr), []);
    const runBundle = async () => JSON.parse((await run(process.execPath, ['dist-node/server.cjs'], {
      cwd: project.dir, env: { NRT_URL: server.url }, timeout: 30_000,
    })).stdout);
    assert.deepEqual(await runBundle(), { content: MESSAGE.content, state: 'open' });

    // The bundle reads the .wasm from the build machine's node_modules: where that is gone (a deployed
    // bundle), the error says so and what to do.
    const wasm = project.file('node_modules/@numeneon/realtime/wasm/numeneon_core.wasm');
    renameSync(wasm, `${wasm}.away`);
    try {
      const gone = await runBundle();
      assert.equal(gone.code, 'wasm_load_failed');
      assert.ok(gone.error.startsWith(`@numeneon/realtime: could not read the package's .wasm at ${wasm} (ENOENT)`), gone.error);
      assert.match(gone.error, /keep @numeneon\/realtime external to it/);
      assert.match(gone.error, /import from '@numeneon\/realtime\/inline'/);
    } finally {
      renameSync(`${wasm}.away`, wasm);
    }
  });
});
