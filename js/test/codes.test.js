// The JS copy of the stable codes is generated from codes.hpp and up to date; the types the package
// declares name the same codes; the packed verdict decodes as the module packs it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseHeader } from '../../scripts/gen-codes.mjs';
import * as codes from '../src/codes.js';
import { readFile } from 'node:fs/promises';
import { JS_ERRORS, decodeVerdict } from '../src/client.js';
import { moduleLoader } from '../src/wasm.js';

const header = parseHeader(readFileSync(new URL('../../sdk/include/numeneon/realtime/codes.hpp', import.meta.url), 'utf8'));
const dts = readFileSync(new URL('../types/index.d.ts', import.meta.url), 'utf8');

test('js/src/codes.js is what scripts/gen-codes.mjs generates from codes.hpp today', () => {
  execFileSync(process.execPath, [new URL('../../scripts/gen-codes.mjs', import.meta.url).pathname, '--check']);
});

test('every enum of codes.hpp is mirrored, number for number', () => {
  const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const optionName = (member) => {
    const section = ['reconnect', 'heartbeat', 'dedupe', 'outbox', 'limits'].find((s) => member.startsWith(`${s}_`));
    return section ? `${section}.${camel(member.slice(section.length + 1))}` : camel(member);
  };
  const lists = {
    State: codes.STATES, Reason: codes.REASONS, TokenReason: codes.TOKEN_REASONS, ErrorCode: codes.CORE_ERRORS,
    SendResult: codes.SEND_RESULTS, FieldKind: codes.FIELD_KINDS,
  };
  for (const [member, n] of header.enums.Option) assert.equal(codes.OPTION_NAMES[n], optionName(member), `Option::${member}`);
  assert.equal(codes.OPTION_NAMES.length, header.enums.Option.length);
  for (const [name, members] of Object.entries(header.enums)) {
    if (name === 'Option') continue;  // checked above, by name
    if (lists[name]) {
      for (const [member, n] of members) assert.equal(lists[name][n], member, `${name}::${member}`);
      assert.equal(lists[name].length, members.length, name);
    }
    const table = codes[name];
    if (table) {
      assert.deepEqual(table, Object.fromEntries(members.map(([m, n]) => [camel(m), n])), name);
    } else {
      assert.ok(lists[name], `${name} has no JS mirror`);
    }
  }
  for (const must of ['ActionKind', 'EventKind', 'Verdict', 'SocketError', 'AuthEvidence', 'TokenOutcome', 'SendResult', 'UnreadReason', 'Slot', 'StatSlot']) {
    assert.ok(codes[must], `${must} is mirrored`);
  }
});

test('the .d.ts unions name exactly the codes', () => {
  const union = (name) => {
    const m = new RegExp(`export type ${name} =([^;]+);`).exec(dts);
    assert.ok(m, `type ${name} in index.d.ts`);
    return [...m[1].matchAll(/'([a-z_]+)'/g)].map((x) => x[1]).sort();
  };
  assert.deepEqual(union('State'), [...codes.STATES].sort());
  assert.deepEqual(union('Reason'), [...codes.REASONS].sort());
  assert.deepEqual(union('TokenReason'), [...codes.TOKEN_REASONS].sort());
  assert.deepEqual(union('ErrorCode'), [...codes.CORE_ERRORS.filter((c) => c !== 'none'), ...JS_ERRORS].sort());
  const stats = /export interface Stats \{([^}]+)\}/.exec(dts)[1];
  assert.deepEqual([...stats.matchAll(/(\w+):/g)].map((m) => m[1]).sort(), [...codes.STAT_NAMES].sort());
});

test('a known verdict decodes as the module packs it', async () => {
  const mod = await moduleLoader(() => readFile(new URL('../wasm/numeneon_core.wasm', import.meta.url)))();
  const x = mod.x;
  mod.fresh().record.fill(NaN, 0, codes.OPTIONS);  // every option at its default
  const h = x.nrt_create(0, 1, 2, 3, 4);
  x.nrt_connect(h, 0);
  assert.equal(x.nrt_poll_action(h), codes.ActionKind.requestToken);
  const socket = mod.record[codes.Slot.socket];
  x.nrt_handle_token(h, 0, socket, codes.TokenOutcome.ready, 0.5);
  assert.equal(x.nrt_poll_action(h), codes.ActionKind.openSocket);
  x.nrt_handle_open(h, 0, socket);
  const route = x.nrt_subscribe(h, mod.write('friend_request'));
  const frame = '{"type":"friend_request","data":{"request_id":"7","from_user":{}}}';
  assert.deepEqual(decodeVerdict(x.nrt_ingest(h, 0, socket, mod.write(frame))),
    { verdict: 'rejected', error: 'invalid_payload', field: 0, events: false, route });
  const ok = '{"type":"friend_request","data":{"request_id":7,"from_user":{}}}';
  assert.deepEqual(decodeVerdict(x.nrt_ingest(h, 0, socket, mod.write(ok))),
    { verdict: 'deliver', error: 'none', field: null, events: false, route });
  assert.deepEqual(decodeVerdict(x.nrt_ingest(h, 0, socket, mod.write(ok))).verdict, 'duplicate');
  x.nrt_destroy(h);
});
