// The README's migration guide in the NUMENEON-shaped fixture app (tests/numeneon-app): the guide's one
// ```jsx block is copied verbatim into the app's src/contexts/WebSocketContext.jsx, so the guide and the
// tests cannot drift, and the app is built with Vite (React's development build: StrictMode mounts every
// effect twice). Used by tests/browser/migration.e2e.test.mjs and tests/tabs/migration-tabs.e2e.test.mjs.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = path.join(ROOT, 'README.md');
const APP = path.join(ROOT, 'tests', 'numeneon-app');
const GUIDE_FILE = path.join(APP, 'src', 'contexts', 'WebSocketContext.jsx');
export const GUIDE_HEADING = "## Migrating NUMENEON's `WebSocketContext.jsx`";

// The one ```jsx block of the migration section, verbatim.
export function migrationGuide(readme = readFileSync(README, 'utf8')) {
  const start = readme.indexOf(`\n${GUIDE_HEADING}\n`);
  assert.notEqual(start, -1, `README.md has no section "${GUIDE_HEADING}"`);
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next === -1 ? undefined : next);
  const blocks = [...section.matchAll(/^```jsx\n([\s\S]*?)^```$/gm)];
  assert.equal(blocks.length, 1, 'the migration section has exactly one ```jsx block');
  return blocks[0][1];
}

// Writes the guide into the app and builds it into `outDir`.
export async function buildMigrationApp(outDir) {
  writeFileSync(GUIDE_FILE, migrationGuide());
  process.env.NODE_ENV = 'development';
  const { build } = await import('vite');
  await build({
    root: APP,
    configFile: false,
    logLevel: 'warn',
    esbuild: { jsx: 'automatic' },
    build: { outDir, emptyOutDir: true },
  });
}
