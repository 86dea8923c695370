// esbuild for the browser, and the page with no bundler at all (an import map). esbuild keeps
// `new URL('../wasm/numeneon_core.wasm', import.meta.url)` as it is and copies nothing (it has no asset
// handling for that pattern, and no loader applies to a file nothing imports), so the default entry's
// bundle cannot find its .wasm: the test checks the error a user then sees (HTTP 404 and an HTML fallback
// page), then the two documented ways that work: the inline entry (one changed import) and the .wasm
// file export with esbuild's file loader.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  INDEX_HTML, MESSAGE, browserApp, createProject, documented, launchBrowser, openApp, run, serveStatic, startServer,
} from './helpers.mjs';

const RECEIVED = { content: MESSAGE.content, state: 'open' };
// What every load error offers as the fix.
const FIXES = [
  'Serve node_modules/@numeneon/realtime/wasm/numeneon_core.wasm at that URL',
  'createClient({ wasm })',
  "import from '@numeneon/realtime/inline', which embeds it",
];

describe('esbuild (browser bundle) and native ESM', { timeout: 180_000 }, () => {
  let project;
  let server;
  let browser;
  before(async () => {
    project = await createProject('esbuild', ['esbuild', 'ws@8']);
    server = await startServer(project);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    project?.remove();
  });

  async function build(name, app, flags = []) {
    project.write(`${name}/app.js`, app);
    project.write(`${name}/dist/index.html`, INDEX_HTML('./app.js'));
    await run(project.bin('esbuild'), [`${name}/app.js`, '--bundle', '--format=esm', `--outdir=${name}/dist`, ...flags], { cwd: project.dir });
    return project.file(`${name}/dist`);
  }

  async function load(root, options) {
    const site = await serveStatic(root, options);
    try {
      return await openApp(browser, site.url, server.url);
    } finally {
      await site.close();
    }
  }

  test('the default entry, as is: the .wasm is missing and the error says why and what to do', async (t) => {
    t.diagnostic(project.version('esbuild'));
    const dist = await build('plain', browserApp());
    assert.deepEqual(readdirSync(dist).sort(), ['app.js', 'index.html'], 'esbuild copied no .wasm');

    const missing = await load(dist);
    assert.equal(missing.code, 'wasm_load_failed');
    assert.match(missing.error, /^@numeneon\/realtime: the \.wasm at http:\/\/127\.0\.0\.1:\d+\/wasm\/numeneon_core\.wasm answered HTTP 404: the file is not deployed there\./);
    for (const fix of FIXES) assert.ok(missing.error.includes(fix), `${fix} in: ${missing.error}`);

    const fallback = await load(dist, { fallback: 'spa' });  // hosting that answers every path with index.html
    assert.equal(fallback.code, 'wasm_load_failed');
    assert.match(fallback.error, /answered an HTML page \(text\/html, starting with "<!doctype html>…"\) instead of application\/wasm: the file is not deployed there and the server sent its fallback page\./);
    for (const fix of FIXES) assert.ok(fallback.error.includes(fix), `${fix} in: ${fallback.error}`);
    assert.ok(!fallback.error.includes('optimizeDeps'), 'no Vite hint outside node_modules/');
  });

  test('the inline entry: the one documented line, nothing to copy', async () => {
    const line = documented('esbuild-inline');
    assert.doesNotMatch(line, /\n/, 'one line');
    const dist = await build('inline', browserApp({ lines: line }));
    assert.deepEqual(readdirSync(dist).sort(), ['app.js', 'index.html']);
    const { log, ...result } = await load(dist, { wasm: false });
    assert.deepEqual(result, RECEIVED, log.join('\n'));
  });

  test('the .wasm as a file: the package export and --loader:.wasm=file', async () => {
    const flag = documented('esbuild-file-flag');
    const lines = documented('esbuild-file-import');
    assert.equal(flag, '--loader:.wasm=file');
    const dist = await build('file', browserApp({ lines, options: 'wasm' }), [flag]);
    assert.ok(readdirSync(dist).some((f) => /^numeneon_core-.*\.wasm$/.test(f)), 'esbuild emitted the .wasm');
    const { log, ...result } = await load(dist);
    assert.deepEqual(result, RECEIVED, log.join('\n'));
  });

  // The test server needs Node (http, ws): in a browser bundle the entry does not resolve, so the build
  // fails at once, naming the condition it has, rather than at run time.
  test('the testing entry in a browser bundle: a build error that names the node condition', async () => {
    project.write('testing/app.js', "import { startTestServer } from '@numeneon/realtime/testing';\nconsole.log(startTestServer);\n");
    const err = await run(project.bin('esbuild'), ['testing/app.js', '--bundle', '--format=esm', '--outdir=testing/dist'], { cwd: project.dir })
      .then(() => null, (e) => e);
    assert.ok(err, 'the build fails');
    assert.match(err.stderr, /Could not resolve "@numeneon\/realtime\/testing"/);
    assert.match(err.stderr, /None of the conditions in the package definition \("types", "node"\) match/);
  });

  test('no bundler: native ESM in the browser with an import map', async () => {
    const page = project.file('native');
    project.write('native/app.js', browserApp());
    const map = { imports: { '@numeneon/realtime': '/node_modules/@numeneon/realtime/src/browser.js' } };
    project.write('native/index.html', INDEX_HTML('./app.js', { head: `<script type="importmap">${JSON.stringify(map)}</script>` }));
    const { log, ...result } = await load(page, { mount: { '/node_modules/': project.file('node_modules') } });
    assert.deepEqual(result, RECEIVED, log.join('\n'));
  });
});
