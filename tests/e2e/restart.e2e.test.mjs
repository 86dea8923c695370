// A server restart must not sign a browser user out. The README's Quick start getToken, copied from
// the README at test time, behind a socket that reports failures as browsers do (no status): while
// the server is down, the attempt after a failed handshake asks for a fresh token, the refresh fetch
// fails, getToken throws — and the client must back off and come back, not end in auth_failed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createClient } from '@numeneon/realtime';
import { BrowserLikeWebSocket } from '../../js/test/helpers.js';
import { Api, startBackend } from '../support/backend.mjs';
import { once } from './session.mjs';

// The Quick start's `async function getToken … }`, verbatim, bound to this test's API and tokens.
function readmeGetToken(api, tokens) {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Quick start\n');
  const quickStart = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const source = /^async function getToken\([\s\S]*?^\}$/m.exec(quickStart)?.[0];
  assert.ok(source, 'the Quick start defines getToken');
  const scope = new Function('API', 'initial', `let tokens = initial;\n${source}\nreturn { getToken, get tokens() { return tokens; } };`);
  return scope(api, tokens);
}

test("the README's getToken survives a server restart in a browser-like host", { timeout: 60_000 }, async () => {
  const backend = await startBackend();
  try {
    const api = new Api(backend.baseUrl);
    const alice = await api.createUser('alice');
    const session = readmeGetToken(backend.baseUrl, { access: alice.access, refresh: alice.refresh });
    const reasons = [];
    const client = await createClient({
      baseUrl: backend.baseUrl,
      getToken: (info) => { reasons.push(info.reason); return session.getToken(info); },
      WebSocket: BrowserLikeWebSocket,
      logger: null,
      reconnect: { initialDelayMs: 200, maxDelayMs: 1000, minDelayMs: 50 },
    });
    let authFailed = false;
    client.on('auth_failed', () => { authFailed = true; });
    const opened = once(client, 'open');
    client.connect();
    await opened;

    // Down until getToken has thrown at least once (its refresh could not reach the server).
    const threw = new Promise((resolve) => client.on('error', (e) => e.code === 'token_provider_failed' && resolve(e)));
    await backend.stop();
    const failure = await threw;
    assert.match(failure.message, /token refresh failed|fetch failed/);
    assert.equal(client.state === 'closed', false);

    const back = once(client, 'resync');
    await backend.restart();
    await back;
    assert.equal(client.state, 'open');
    assert.equal(authFailed, false, 'nobody is signed out by a restart');
    assert.ok(reasons.includes('handshake_failed'), `a fresh token was asked for: ${reasons.join()}`);
    client.dispose();
  } finally {
    await backend.stop();
  }
});
