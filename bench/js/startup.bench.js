// Row 7: start-up in a fresh Node process: Wasm instantiate + the first createClient (goal ≤ 3 ms).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, argOptions, isMain, median, percentile, printTable } from './lib.js';

export async function run({ processes = 15, quiet = false } = {}) {
  const runs = [];
  for (let i = 0; i < processes; i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, [path.join(ROOT, 'bench', 'js', 'startup-child.js')], { encoding: 'utf8' })));
  }
  const col = (k) => runs.map((r) => r[k]);
  const result = {
    importMs: median(col('importMs')), firstClientMs: median(col('firstClientMs')),
    firstClientP90: percentile(col('firstClientMs'), 90), bootMs: median(col('bootMs')),
  };
  if (!quiet) {
    printTable(`Row 7: start-up, ${processes} fresh Node ${process.versions.node} processes`,
      ['phase', 'median ms', 'p90 ms', 'goal'],
      [
        ['node boot until the bench script runs (not the SDK)', result.bootMs.toFixed(1), percentile(col('bootMs'), 90).toFixed(1), ''],
        ['import the SDK modules', result.importMs.toFixed(1), percentile(col('importMs'), 90).toFixed(1), ''],
        ['first createClient (Wasm read + compile + instantiate + core)', result.firstClientMs.toFixed(1), result.firstClientP90.toFixed(1),
          `≤ 3 ms: ${result.firstClientMs <= 3 ? 'met' : 'missed'}`],
      ]);
  }
  return result;
}

if (isMain(import.meta.url)) await run(argOptions());
