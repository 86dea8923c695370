// Jest 30: a jsdom test (the browser entry, jsdom's own WebSocket, the default and the inline entry) and
// a node-environment test that runs the package's test server itself. The one line a user adds is the
// documented test script: the package is ESM-only, and Jest runs ES modules only with Node's
// --experimental-vm-modules (its require() of ES modules needs Node 24.9+). No jest.config, no polyfills,
// no customExportConditions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MESSAGE, createProject, documented, npm, startServer } from './helpers.mjs';

const JSDOM_TEST = `/** @jest-environment jsdom */
import { createClient } from '@numeneon/realtime';
import { createClient as createInlineClient } from '@numeneon/realtime/inline';

const receive = async (create) => {
  const client = await create({ url: process.env.NRT_URL, getToken: () => 'token', logger: null });
  const data = await new Promise((resolve) => {
    client.subscribe('new_message', resolve);
    client.connect();
  });
  client.dispose();
  return data.content;
};

test('jsdom: the browser entry receives a frame over jsdom\\'s WebSocket', async () => {
  expect(typeof document).toBe('object');
  expect(await receive(createClient)).toBe(${JSON.stringify(MESSAGE.content)});
});

test('jsdom: the inline entry too', async () => {
  expect(await receive(createInlineClient)).toBe(${JSON.stringify(MESSAGE.content)});
});
`;

const NODE_TEST = `import { WebSocket } from 'ws';
import { createClient } from '@numeneon/realtime';
import { startTestServer } from '@numeneon/realtime/testing';

test('node environment: the testing entry and the Node entry', async () => {
  const server = await startTestServer();
  const client = await createClient({ url: server.url, getToken: () => 'token', WebSocket, logger: null });
  const connected = new Promise((resolve) => client.subscribe('connection_established', resolve));
  client.connect();
  expect((await connected).message).toBe('Connected as tester');
  client.dispose();
  await server.stop();
});
`;

describe('Jest 30', { timeout: 180_000 }, () => {
  let project;
  let server;
  before(async () => {
    project = await createProject('jest', ['jest@30', 'jest-environment-jsdom@30', 'ws@8']);
    server = await startServer(project);
  });
  after(async () => {
    await server?.stop();
    project?.remove();
  });

  test('jsdom and node environments with the one documented line', async (t) => {
    t.diagnostic(`${project.version('jest')}, ${project.version('jest-environment-jsdom')}`);
    const line = documented('jest');
    assert.doesNotMatch(line, /\n/, 'one line');
    const pkg = JSON.parse(project.read('package.json'));
    project.write('package.json', JSON.stringify({ ...pkg, scripts: JSON.parse(`{${line}}`) }, null, 2));
    project.write('app.test.js', JSDOM_TEST);
    project.write('server.test.js', NODE_TEST);
    const { stderr } = await npm(['test', '--', '--ci'], { cwd: project.dir, env: { NRT_URL: server.url } });
    assert.match(stderr, /Tests:\s+3 passed, 3 total/, stderr);
  });
});
