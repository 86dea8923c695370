// The JS copy of the stable codes matches the C++ enums number for number.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES, REASONS, STATES, TOKEN_REASONS } from '../src/codes.js';

const header = readFileSync(new URL('../../sdk/include/numeneon/realtime/codes.hpp', import.meta.url), 'utf8');

function cppEnum(name) {
  const body = new RegExp(`enum class ${name} : uint8_t \\{([^}]*)\\}`).exec(header)[1];
  const out = {};
  for (const m of body.matchAll(/(\w+) = (\d+)/g)) out[Number(m[2])] = m[1];
  return out;
}

test('states, reasons, token reasons and error codes mirror codes.hpp', () => {
  assert.deepEqual(Object.assign({}, STATES), cppEnum('State'));
  assert.deepEqual(Object.assign({}, REASONS), cppEnum('Reason'));
  assert.deepEqual(Object.assign({}, TOKEN_REASONS), cppEnum('TokenReason'));
  const jsCore = Object.fromEntries(Object.entries(ERROR_CODES).filter(([k]) => Number(k) < 64));
  assert.deepEqual(jsCore, cppEnum('ErrorCode'));
});
