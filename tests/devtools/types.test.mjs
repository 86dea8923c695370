// The devtools typings (js/types/devtools.d.ts) compile as an app uses them, and refuse what they should.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('the devtools typings type-check an app, and reject a wrong corner and an unknown timeline kind', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const fixture = fileURLToPath(new URL('./fixture/types-use.mts', import.meta.url));
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--pretty', 'false', fixture], { encoding: 'utf8' });
  assert.equal(r.stdout + r.stderr, '');
  assert.equal(r.status, 0);
});
