// Vite 7 and Vite 8, dev server and production build, with no Vite config at all. The app uses the core
// client and the React layer, so the dev server pre-bundles both entries into node_modules/.vite/deps/
// (a shared chunk holds the loader): the case where the .wasm URL used to answer index.html.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  INDEX_HTML, MESSAGE, createProject, documented, freePort, launchBrowser, openApp, run, serveStatic, start, startServer,
} from './helpers.mjs';

const APP = `
import { createElement as h, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '@numeneon/realtime';
import { WebSocketProvider, useEvent, useWebSocket } from '@numeneon/realtime/react';

const url = new URLSearchParams(location.search).get('ws');
const result = {};
function settle(key, value) {
  result[key] ??= value;
  if (result.core && result.react) window.__result = result;
}
const failure = (err) => ({ error: err.message, code: err.code });

createClient({ url, getToken: () => 'token', logger: null }).then((client) => {
  client.subscribe('new_message', (data) => {
    settle('core', data.content);
    client.dispose();
  });
  client.connect();
}, (err) => settle('core', failure(err)));

function Inbox() {
  const { error } = useWebSocket();
  useEvent('new_message', (data) => settle('react', data.content));
  useEffect(() => { if (error) settle('react', failure(error)); }, [error]);
  return null;
}
createRoot(document.getElementById('root'))
  .render(h(WebSocketProvider, { url, getToken: () => 'token', logger: null }, h(Inbox)));
`;

const EXPECTED = { core: MESSAGE.content, react: MESSAGE.content };

let browser;
let server;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const major of [7, 8]) {
  describe(`Vite ${major}, no config`, { timeout: 180_000 }, () => {
    let project;
    before(async () => {
      project = await createProject(`vite${major}`, [`vite@${major}`, 'react@19', 'react-dom@19', 'ws@8']);
      project.write('index.html', INDEX_HTML('/main.js'));
      project.write('main.js', APP);
      server ??= await startServer(project);  // one test server for both versions (loaded from the first install)
    });
    after(() => project?.remove());

    test('dev server (dependency pre-bundling on)', async (t) => {
      t.diagnostic(project.version('vite'));
      const port = await freePort();
      const vite = await start(project.bin('vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
        cwd: project.dir, ready: new RegExp(`127\\.0\\.0\\.1:${port}`),
      });
      try {
        const { log, ...result } = await openApp(browser, `http://127.0.0.1:${port}/`, server.url);
        assert.deepEqual(result, EXPECTED, log.join('\n'));
        const optimized = readdirSync(project.file('node_modules/.vite/deps'));
        assert.ok(optimized.some((f) => f.startsWith('@numeneon_realtime')), `pre-bundled: ${optimized}`);
      } finally {
        await vite.stop();
      }
    });

    // An npm workspace: the app has its own package.json (so its own node_modules/.vite/) while the package
    // is hoisted to the workspace's node_modules. The documented line is the fix where zero config is not.
    test('dev server in a workspace with hoisted node_modules', async () => {
      const root = JSON.parse(project.read('package.json'));
      project.write('package.json', JSON.stringify({ ...root, workspaces: ['app'] }));
      project.write('app/package.json', JSON.stringify({ name: 'app', private: true, type: 'module' }));
      project.write('app/index.html', INDEX_HTML('/main.js'));
      project.write('app/main.js', APP);
      const dev = async () => {
        const port = await freePort();
        const vite = await start(project.bin('vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort', '--force'], {
          cwd: project.file('app'), ready: new RegExp(`127\\.0\\.0\\.1:${port}`),
        });
        try {
          const { log, ...result } = await openApp(browser, `http://127.0.0.1:${port}/`, server.url);
          return { result, log };
        } finally {
          await vite.stop();
        }
      };
      const line = documented('vite-dev');
      assert.doesNotMatch(line, /\n/, 'one line');
      const bare = await dev();
      if (major === 7) {
        for (const key of ['core', 'react']) {
          assert.equal(bare.result[key].code, 'wasm_load_failed', bare.log.join('\n'));
          assert.match(bare.result[key].error, /answered an HTML page/);
          assert.ok(bare.result[key].error.includes(`add ${line.replace(/,$/, '')} to vite.config`), bare.result[key].error);
        }
      } else {
        assert.deepEqual(bare.result, EXPECTED, bare.log.join('\n'));
      }
      project.write('app/vite.config.js', `export default {\n  ${line}\n};\n`);
      const configured = await dev();
      assert.deepEqual(configured.result, EXPECTED, configured.log.join('\n'));
    });

    test('production build', async () => {
      await run(project.bin('vite'), ['build'], { cwd: project.dir });
      const assets = readdirSync(project.file('dist/assets'));
      assert.ok(assets.some((f) => /^numeneon_core-.*\.wasm$/.test(f)), `the .wasm is emitted: ${assets}`);
      const site = await serveStatic(project.file('dist'));
      try {
        const { log, ...result } = await openApp(browser, site.url, server.url);
        assert.deepEqual(result, EXPECTED, log.join('\n'));
      } finally {
        await site.close();
      }
    });
  });
}
