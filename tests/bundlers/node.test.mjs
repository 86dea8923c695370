// Node with no tool at all: ESM import, require() (require(esm), unflagged from Node 20.19 and 22.12, which
// is what `engines` says), and the inline entry. The install runs with --engine-strict, so an `engines`
// range that excludes the running Node fails here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MESSAGE, createProject, nodeApp as app, run, startServer } from './helpers.mjs';

describe('Node', { timeout: 120_000 }, () => {
  let project;
  let server;
  before(async () => {
    project = await createProject('node', ['ws@8'], { engineStrict: true });
    server = await startServer(project);
  });
  after(async () => {
    await server?.stop();
    project?.remove();
  });

  async function receive(file, text) {
    project.write(file, text);
    const { stdout, stderr } = await run(process.execPath, [file], { cwd: project.dir, env: { NRT_URL: server.url }, timeout: 30_000 });
    return { result: JSON.parse(stdout), stderr };
  }

  test('ESM import', async (t) => {
    t.diagnostic(`node ${process.versions.node}, ${project.version('ws')}`);
    const { result } = await receive('esm.mjs', app("import { WebSocket } from 'ws';\nimport { createClient } from '@numeneon/realtime';"));
    assert.deepEqual(result, { content: MESSAGE.content, state: 'open' });
  });

  test('require() from CommonJS, the testing entry included', async () => {
    const { result, stderr } = await receive('cjs.cjs', `(async () => {
const { WebSocket } = require('ws');
const { createClient } = require('@numeneon/realtime');
const { startTestServer } = require('@numeneon/realtime/testing');
if (typeof startTestServer !== 'function') throw new Error('no startTestServer');
${app('')}
})();
`);
    assert.deepEqual(result, { content: MESSAGE.content, state: 'open' });
    assert.doesNotMatch(stderr, /ERR_REQUIRE_ESM/);
  });

  test('the inline entry', async () => {
    const { result } = await receive('inline.mjs', app("import { WebSocket } from 'ws';\nimport { createClient } from '@numeneon/realtime/inline';"));
    assert.deepEqual(result, { content: MESSAGE.content, state: 'open' });
  });
});
