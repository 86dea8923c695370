// Vitest with no config: a node-environment test that runs the package's test server itself, and a jsdom
// test (per-file environment comment) against the server this process runs. Vitest 5 needs Node 22.12+,
// so on Node 20 this runs the newest Vitest that supports it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MESSAGE, createProject, run, startServer } from './helpers.mjs';

const VITEST = Number(process.versions.node.split('.')[0]) >= 22 ? 'vitest@latest' : 'vitest@4';

const NODE_TEST = `import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from '@numeneon/realtime';
import { startTestServer } from '@numeneon/realtime/testing';

test('node environment: the testing entry and the Node entry', async () => {
  const server = await startTestServer();
  server.on('connection', () => server.push(1, 'new_message', ${JSON.stringify({ ...MESSAGE, content: 'from the test server' })}));
  const client = await createClient({ url: server.url, getToken: () => 'token', WebSocket, logger: null });
  const data = await new Promise((resolve) => {
    client.subscribe('new_message', resolve);
    client.connect();
  });
  expect(data.content).toBe('from the test server');
  client.dispose();
  await server.stop();
});
`;

const JSDOM_TEST = `// @vitest-environment jsdom
import { expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from '@numeneon/realtime';

test('jsdom environment: a frame from the outer test server', async () => {
  expect(typeof document).toBe('object');
  const client = await createClient({ url: process.env.NRT_URL, getToken: () => 'token', WebSocket, logger: null });
  const data = await new Promise((resolve) => {
    client.subscribe('new_message', resolve);
    client.connect();
  });
  expect(data.content).toBe(${JSON.stringify(MESSAGE.content)});
  client.dispose();
});
`;

describe(`Vitest (${VITEST}), no config`, { timeout: 180_000 }, () => {
  let project;
  let server;
  before(async () => {
    project = await createProject('vitest', [VITEST, 'jsdom', 'ws@8']);
    server = await startServer(project);
  });
  after(async () => {
    await server?.stop();
    project?.remove();
  });

  test('node and jsdom environments', async (t) => {
    t.diagnostic(`${project.version('vitest')}, ${project.version('jsdom')}`);
    project.write('server.test.js', NODE_TEST);
    project.write('app.test.js', JSDOM_TEST);
    const { stdout } = await run(project.bin('vitest'), ['run'], { cwd: project.dir, env: { NRT_URL: server.url } });
    assert.match(stdout, /Tests\s+2 passed \(2\)/, stdout);
  });
});
