// Next 16, with webpack (`next build --webpack`) and with Turbopack (the default), no next.config: a
// client page that calls createClient() in the browser, and a route handler that calls it on the server
// (a Node-target server bundle). Slow (two production builds), so it runs only from
// `bash scripts/bundlers.sh --all` (NRT_BUNDLERS_ALL=1).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MESSAGE, createProject, freePort, launchBrowser, openApp, run, start, startServer } from './helpers.mjs';

const ALL = process.env.NRT_BUNDLERS_ALL === '1';

const LAYOUT = `export default function RootLayout({ children }) {
  return <html><body>{children}</body></html>;
}
`;

const PAGE = `'use client';
import { useEffect } from 'react';
import { createClient } from '@numeneon/realtime';

export default function Page() {
  useEffect(() => {
    const url = new URLSearchParams(location.search).get('ws');
    createClient({ url, getToken: () => 'token', logger: null }).then((client) => {
      client.subscribe('new_message', (data) => {
        window.__result = { content: data.content, state: client.state };
        client.dispose();
      });
      client.connect();
    }, (err) => {
      window.__result = { error: err.message, code: err.code };
    });
  }, []);
  return <main>next</main>;
}
`;

const ROUTE = `import { WebSocket } from 'ws';
import { createClient } from '@numeneon/realtime';

export const dynamic = 'force-dynamic';

export async function GET(request) {
  const url = new URL(request.url).searchParams.get('ws');
  try {
    const client = await createClient({ url, getToken: () => 'token', WebSocket, logger: null });
    const data = await new Promise((resolve) => {
      client.subscribe('new_message', resolve);
      client.connect();
    });
    const { state } = client;
    client.dispose();
    return Response.json({ content: data.content, state });
  } catch (err) {
    return Response.json({ error: err.message, code: err.code });
  }
}
`;

const RECEIVED = { content: MESSAGE.content, state: 'open' };
const env = { NEXT_TELEMETRY_DISABLED: '1' };

describe('Next 16, no next.config', { skip: !ALL && 'slow: bash scripts/bundlers.sh --all', timeout: 600_000 }, () => {
  let project;
  let server;
  let browser;
  before(async () => {
    project = await createProject('next', ['next@16', 'react@19', 'react-dom@19', 'ws@8']);
    project.write('app/layout.js', LAYOUT);
    project.write('app/page.js', PAGE);
    project.write('app/api/frame/route.js', ROUTE);
    server = await startServer(project);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    project?.remove();
  });

  for (const [name, flags] of [['webpack', ['--webpack']], ['Turbopack', []]]) {
    test(`${name}: the page in the browser and the route handler on the server`, async (t) => {
      t.diagnostic(project.version('next'));
      await run(project.bin('next'), ['build', ...flags], { cwd: project.dir, env, timeout: 480_000 });
      const port = await freePort();
      const next = await start(project.bin('next'), ['start', '-H', '127.0.0.1', '-p', String(port)], {
        cwd: project.dir, env, ready: /Ready in/,
      });
      try {
        const { log, ...page } = await openApp(browser, `http://127.0.0.1:${port}/`, server.url);
        assert.deepEqual(page, RECEIVED, log.join('\n'));
        const res = await fetch(`http://127.0.0.1:${port}/api/frame?ws=${encodeURIComponent(server.url)}`);
        assert.deepEqual(await res.json(), RECEIVED);
      } finally {
        await next.stop();
      }
    });
  }
});
