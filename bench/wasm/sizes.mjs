// Where the bytes of a .wasm are: function body sizes by name (from a build with a name section, e.g.
// linked with --profiling-funcs), grouped by origin, plus the sizes of the other sections.
//   node bench/wasm/sizes.mjs build/wasm-profile/js/wasm/numeneon_core.wasm [--top=40]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const top = Number((process.argv.find((a) => a.startsWith('--top=')) ?? '--top=40').slice(6));
const bytes = readFileSync(file);
let pos = 8;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result |= (b & 0x7f) << shift;
    if (!(b & 0x80)) return result >>> 0;
    shift += 7;
  }
};
const name = () => {
  const n = u32();
  const s = bytes.subarray(pos, pos + n).toString('utf8');
  pos += n;
  return s;
};

const sections = [];
let imported = 0;
const bodies = [];
const names = new Map();
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = u32();
  const start = pos;
  let label = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'][id];
  if (id === 0) label = `custom:${name()}`;
  sections.push({ label, size });
  if (id === 2) {
    for (let i = 0, n = u32(); i < n; i++) {
      name();
      name();
      const kind = bytes[pos++];
      if (kind === 0) { imported++; u32(); } else if (kind === 1) { pos++; const f = u32(); u32(); if (f & 1) u32(); } else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); } else { pos += 2; }
    }
  } else if (id === 10) {
    for (let i = 0, n = u32(); i < n; i++) {
      const len = u32();
      bodies.push(len);
      pos += len;
    }
  } else if (label === 'custom:name') {
    while (pos < start + size) {
      const sub = bytes[pos++];
      const subSize = u32();
      const subEnd = pos + subSize;
      if (sub === 1) for (let i = 0, n = u32(); i < n; i++) { const idx = u32(); names.set(idx, name()); }
      pos = subEnd;
    }
  }
  pos = start + size;
}

const demangleHint = (n) => n
  .replace(/^numeneon::realtime::/, 'core: ')
  .replace(/^\(anonymous namespace\)::/, 'bindings: ');
const origin = (n) => {
  if (/numeneon::realtime|^nrt_/.test(n)) return /^nrt_/.test(n) ? 'bindings (C ABI)' : 'core';
  if (/std::|__1::|basic_string|vector|deque|__/.test(n)) return 'libc++ / libc';
  if (/malloc|free|emmalloc|sbrk|memcpy|memset|memmove|strlen|memcmp/.test(n)) return 'libc (allocator, mem*)';
  return 'other';
};
const funcs = bodies.map((size, i) => ({ size, name: names.get(i + imported) ?? `func${i + imported}` }));
const groups = new Map();
for (const f of funcs) groups.set(origin(f.name), (groups.get(origin(f.name)) ?? 0) + f.size);
const total = bytes.length;
console.log(`${file}: ${total} bytes, ${funcs.length} functions`);
console.log('\n| section | bytes |\n|---|---|');
for (const s of sections) console.log(`| ${s.label} | ${s.size} |`);
console.log('\n| origin | code bytes |\n|---|---|');
for (const [g, size] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`| ${g} | ${size} |`);
console.log(`\n| largest functions (top ${top}) | bytes |\n|---|---|`);
for (const f of funcs.sort((a, b) => b.size - a.size).slice(0, top)) console.log(`| \`${demangleHint(f.name).slice(0, 110)}\` | ${f.size} |`);
