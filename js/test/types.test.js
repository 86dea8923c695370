// The typed event map catches typos in type names and fields at compile time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function check(file) {
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--skipLibCheck', 'false', fixture(file)], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

test('correct use of the event map type-checks', () => {
  const r = check('typed-ok.ts');
  assert.ok(r.ok, r.out);
});

test('a typo in a frame type is a compile error', () => {
  const r = check('typed-typo-type.ts');
  assert.equal(r.ok, false);
  assert.match(r.out, /friend_requst/);
});

test('a typo in a payload field is a compile error', () => {
  const r = check('typed-typo-field.ts');
  assert.equal(r.ok, false);
  assert.match(r.out, /usernme/);
});
