// Row 8: reconnect. A fresh client (default policy: a 2000 ms window, half of it jittered: the first retry in [1000, 2000] ms) is
// connected to the package's test server; the server is restarted (sockets dropped, 1006); we time
// the first retry, `open` and `resync` from the moment of the drop.
import { WebSocket } from 'ws';
import { startTestServer } from '../../js/src/testing/server.js';
import { argOptions, isMain, median, printTable } from './lib.js';
import { createClient } from './sdk.js';

const INITIAL_DELAY_MS = 2000;  // the default policy's window (sdk config.hpp), stated here so the table can check it

function waitFor(client, event, pred = () => true) {
  return new Promise((resolve) => {
    const off = client.on(event, (p) => {
      if (!pred(p)) return;
      off();
      resolve({ at: performance.now(), payload: p });
    });
  });
}

export async function run({ rounds = 8, quiet = false } = {}) {
  const server = await startTestServer();
  const rows = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const client = await createClient({ url: server.url, getToken: () => 'token', WebSocket, logger: null, heartbeat: { intervalMs: 0 } });
      const opened = waitFor(client, 'open');
      client.connect();
      await opened;
      const backoff = waitFor(client, 'state', (s) => s.to === 'backing_off');
      const retry = waitFor(client, 'state', (s) => s.to === 'connecting' && s.reason === 'retry');
      const reopen = waitFor(client, 'open');
      const resync = waitFor(client, 'resync');
      const t0 = performance.now();
      await server.restart();
      const restartedAt = performance.now();
      const [b, t, o, s] = await Promise.all([backoff, retry, reopen, resync]);
      rows.push({
        announced: b.payload.delayMs, retryAt: t.at - t0, openAt: o.at - t0, resyncAt: s.at - t0,
        restartMs: restartedAt - t0, downtime: s.payload.downtimeMs,
      });
      client.dispose();
    }
  } finally {
    await server.stop();
  }
  const col = (k) => rows.map((x) => x[k]);
  const lateness = rows.map((x) => x.retryAt - x.announced);
  const withinInitial = rows.every((x) => x.retryAt <= INITIAL_DELAY_MS + 25);
  const result = {
    announced: median(col('announced')), retry: median(col('retryAt')), open: median(col('openAt')),
    resync: median(col('resyncAt')), maxLateness: Math.max(...lateness), withinInitial, rows,
  };
  if (!quiet) {
    printTable(`Row 8: reconnect after a server restart (loopback, ${rounds} rounds, fresh client each)`,
      ['measure (from the drop)', 'median ms', 'min ms', 'max ms'],
      [
        ['server restart itself (stop + listen)', median(col('restartMs')).toFixed(1), Math.min(...col('restartMs')).toFixed(1), Math.max(...col('restartMs')).toFixed(1)],
        ['announced first retry delay (jittered)', result.announced.toFixed(0), Math.min(...col('announced')).toFixed(0), Math.max(...col('announced')).toFixed(0)],
        ['first retry starts', result.retry.toFixed(1), Math.min(...col('retryAt')).toFixed(1), Math.max(...col('retryAt')).toFixed(1)],
        ['`open`', result.open.toFixed(1), Math.min(...col('openAt')).toFixed(1), Math.max(...col('openAt')).toFixed(1)],
        ['`resync`', result.resync.toFixed(1), Math.min(...col('resyncAt')).toFixed(1), Math.max(...col('resyncAt')).toFixed(1)],
      ],
      [`Every first retry within the initial delay (${INITIAL_DELAY_MS} ms, jitter 0.5): ${withinInitial ? 'yes' : 'NO'}; retry start minus announced delay: max ${result.maxLateness.toFixed(1)} ms (timer lateness).`],
    );
  }
  return result;
}

if (isMain(import.meta.url)) await run(argOptions());
