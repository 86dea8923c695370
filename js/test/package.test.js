// What users install: npm pack → install the tarball into an empty project → import it by name.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

test('the packed tarball installs into an empty project and receives a frame', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nrt-pack-'));
  try {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: pkgDir, encoding: 'utf8' });
    const [{ filename, files }] = JSON.parse(out);
    const shipped = files.map((f) => f.path);
    assert.ok(shipped.includes('wasm/numeneon_core.wasm'), 'the .wasm is shipped');
    assert.ok(shipped.includes('types/index.d.ts'));
    assert.ok(!shipped.some((f) => f.startsWith('test/')), 'tests are not shipped');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `./${filename}`, 'ws@8'], { cwd: dir });
    writeFileSync(path.join(dir, 'main.js'), `
      import { WebSocket } from 'ws';
      import { createClient } from '@numeneon/realtime';
      import { startTestServer } from '@numeneon/realtime/testing';
      const server = await startTestServer();
      const client = await createClient({ url: server.url, getToken: () => 'secret-token', WebSocket, logger: null });
      client.subscribe('new_message', (data) => {
        console.log(JSON.stringify({ content: data.content, state: client.state }));
        client.dispose();
        server.stop();
      });
      client.on('open', () => server.push(1, 'new_message', { id: 1, sender: { id: 2, username: 'a' }, content: 'from the tarball', created_at: 't' }));
      client.connect();
    `);
    const result = JSON.parse(execFileSync(process.execPath, ['main.js'], { cwd: dir, encoding: 'utf8', timeout: 30_000 }));
    assert.deepEqual(result, { content: 'from the tarball', state: 'open' });
    assert.ok(readdirSync(path.join(dir, 'node_modules', '@numeneon', 'realtime', 'wasm')).includes('numeneon_core.wasm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
