// @numeneon/realtime/alerts on a server: importing it and rendering its hooks reads no browser global, and the hooks say "nothing yet".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { WebSocketProvider } from '@numeneon/realtime/react';

const BROWSER_GLOBALS = ['window', 'document', 'Notification', 'AudioContext', 'webkitAudioContext', 'localStorage', 'BroadcastChannel'];

test('import and server rendering touch no browser global; the hooks report the server defaults', async () => {
  const touched = [];
  const saved = BROWSER_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]);
  for (const name of BROWSER_GLOBALS) {
    Object.defineProperty(globalThis, name, { configurable: true, get: () => { touched.push(name); return undefined; } });
  }
  try {
    const alerts = await import('@numeneon/realtime/alerts');
    assert.deepEqual(touched, [], 'on import');
    let seen;
    function Probe() {
      seen = { desktop: alerts.useDesktopAlerts({ userId: 1 }), sounds: alerts.useAlertSounds({ userId: 1 }) };
      return h('p', null, seen.desktop.permission);
    }
    const html = renderToString(h(WebSocketProvider, { url: 'ws://127.0.0.1:9/ws/notifications/', getToken: () => 't' }, h(Probe)));
    assert.equal(html, '<p>default</p>');
    assert.deepEqual(touched, [], 'while rendering');
    assert.equal(seen.desktop.supported, false);
    assert.deepEqual({ ...seen.sounds, setMuted: 0, setVolume: 0, test: 0 },
      { supported: false, muted: false, volume: 0.6, unlocked: false, setMuted: 0, setVolume: 0, test: 0 });
    assert.equal(seen.desktop.test(), false, 'test() before any effect shows nothing');
    assert.equal(seen.sounds.test(), false);
  } finally {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete globalThis[name];
    }
  }
});
