// Shared helpers for the JS benchmarks: statistics, table printing, the "run when executed" check.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

// Formats a number for a table cell: integers with thousands separators, others to `digits`.
export function fmt(v, digits = 2) {
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toFixed(digits);
}

// Prints a Markdown table (also readable in a terminal). rows: arrays of cells.
export function printTable(title, header, rows, notes = []) {
  const cells = rows.map((r) => r.map((c) => fmt(c)));
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of cells) console.log(`| ${r.join(' | ')} |`);
  for (const n of notes) console.log(`\n${n}`);
}

export const isMain = (metaUrl) => process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Command-line overrides: --name=value → { name: Number(value) } (for quick local runs).
export function argOptions() {
  const out = {};
  for (const a of process.argv.slice(2)) {
    const m = /^--([\w-]+)=(.*)$/.exec(a);
    if (m) out[m[1]] = Number.isNaN(Number(m[2])) ? m[2] : Number(m[2]);
  }
  return out;
}
