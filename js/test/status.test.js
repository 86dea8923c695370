// connectionStatus: what an indicator shows for each state change and network view.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionStatus } from '../src/node.js';

const change = (to, reason = 'none', extra = {}) => ({ from: 'idle', to, reason, attempt: 0, delayMs: 0, ...extra });

test('every state change maps to one status an indicator can show', () => {
  assert.deepEqual(connectionStatus(change('idle')), { status: 'idle' });
  assert.deepEqual(connectionStatus(change('connecting', 'connect_requested')), { status: 'connecting' });
  assert.deepEqual(connectionStatus(change('connecting', 'retry')), { status: 'reconnecting' });
  assert.deepEqual(connectionStatus(change('open', 'opened')), { status: 'connected' });
  assert.deepEqual(connectionStatus(change('backing_off', 'connection_lost', { at: 1000, delayMs: 1500 })), { status: 'reconnecting', retryAt: 2500 });
  assert.deepEqual(connectionStatus(change('backing_off', 'offline')), { status: 'offline' });
  assert.deepEqual(connectionStatus(change('open', 'opened'), false), { status: 'offline' }, 'the browser says offline before the link check ends');
  assert.deepEqual(connectionStatus(change('closed', 'auth_failed')), { status: 'signed_out' });
  assert.deepEqual(connectionStatus(change('closed', 'client_closed'), false), { status: 'closed' });
  assert.deepEqual(connectionStatus(change('failed', 'load_failed')), { status: 'failed' });
});
