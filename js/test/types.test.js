// The typed event map catches typos in type names and fields at compile time (one tsc run for all fixtures).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const fixtures = ['typed-ok.ts', 'typed-typo-type.ts', 'typed-typo-field.ts'];
let output = '';

before(() => {
  const files = fixtures.map((f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url)));
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--pretty', 'false', ...files], { encoding: 'utf8' });
  output = r.stdout + r.stderr;
});

// tsc prints one block per error: a `file(line,col): error ...` line and its indented continuation.
const errorsIn = (file) => output.split(/\n(?=\S)/).filter((block) => block.includes(`${file}(`));

test('correct use of the event map type-checks', () => {
  assert.deepEqual(errorsIn('typed-ok.ts'), []);
});

test('a typo in a frame type is a compile error', () => {
  assert.match(errorsIn('typed-typo-type.ts').join('\n'), /friend_requst/);
});

test('a typo in a payload field is a compile error', () => {
  assert.match(errorsIn('typed-typo-field.ts').join('\n'), /usernme/);
});
