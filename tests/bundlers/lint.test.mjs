// The packed tarball through publint (strict: warnings fail too) and @arethetypeswrong/cli with the
// profile the package supports, ESM-only: node16 from ESM and bundler resolution (CommonJS consumers use
// require(esm), which attw's node16-cjs mode does not model). The .wasm file export is not a module and has
// no types by nature, so attw skips that entrypoint. Also: what the tarball holds and its metadata.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PKG_DIR, createProject, run } from './helpers.mjs';

describe('package lint', { timeout: 120_000 }, () => {
  let project;
  before(async () => {
    project = await createProject('lint', ['publint@^0.3', '@arethetypeswrong/cli@^0.18']);
  });
  after(() => project?.remove());

  test('publint --strict', async (t) => {
    t.diagnostic(`${project.version('publint')}, ${project.version('@arethetypeswrong/cli')}`);
    const { stdout } = await run(project.bin('publint'), ['run', project.tarball, '--strict']);
    assert.match(stdout, /All good!/, stdout);
  });

  test('attw --profile esm-only', async () => {
    const { stdout } = await run(project.bin('attw'), [
      project.tarball, '--profile', 'esm-only', '--exclude-entrypoints', 'numeneon_core.wasm', '--format', 'json',
    ]);
    const { analysis } = JSON.parse(stdout);
    assert.deepEqual(Object.keys(analysis.entrypoints).sort(),
      ['.', './alerts', './devtools', './inline', './package.json', './react', './testing']);
    const supported = analysis.problems.filter((p) => p.resolutionKind === 'node16-esm' || p.resolutionKind === 'bundler');
    assert.deepEqual(supported, []);
    for (const [name, entry] of Object.entries(analysis.entrypoints)) {
      for (const kind of ['node16-esm', 'bundler']) {
        assert.ok(entry.resolutions[kind].resolution, `${name} resolves under ${kind}`);
      }
    }
  });

  test('the tarball: README, LICENSE, both forms of the module, metadata', () => {
    const files = project.packed;
    for (const f of ['README.md', 'LICENSE', 'package.json', 'wasm/numeneon_core.wasm', 'wasm/numeneon_core.inline.js',
      'src/browser.js', 'src/node.js', 'src/inline.js', 'src/testing/server.js', 'types/index.d.ts']) {
      assert.ok(files.includes(f), `${f} is shipped`);
    }
    assert.deepEqual(files.filter((f) => !/^(src|types|wasm)\//.test(f)).sort(),
      ['LICENSE', 'README.md', 'bin/numeneon-realtime.js', 'package.json']);
    assert.match(readFileSync(path.join(PKG_DIR, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) 2026 the numeneon-realtime authors\n/);
    const pkg = JSON.parse(readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.repository, { type: 'git', url: 'git+https://github.com/numeneon/numeneon-realtime.git', directory: 'js' });
    assert.ok(pkg.homepage && pkg.bugs?.url);
    for (const [name, entry] of Object.entries(pkg.exports)) {
      if (typeof entry === 'object') assert.equal(Object.keys(entry)[0], 'types', `${name}: types first`);
    }
  });
});
