// A loopback TCP proxy that injects faults between a client and a server: cut (both sides closed at
// once, what a dying link or a killed server looks like: 1006) and stall (forwarding stops, nothing is
// closed: a half-open link that only a heartbeat can detect). Node built-ins only.
import net from 'node:net';

export async function startProxy({ targetPort, targetHost = '127.0.0.1' }) {
  const pairs = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect({ port: targetPort, host: targetHost });
    const pair = { client, upstream, stalled: false, openedAt: performance.now() };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stats = { cuts: 0, stalls: 0 };
  return {
    port: server.address().port,
    stats,
    /** Live (not stalled) connections. */
    active: () => [...pairs].filter((p) => !p.stalled),
    /** Closes every live connection, both sides at once; returns how many were cut. */
    cutAll() {
      let n = 0;
      for (const p of [...pairs]) {
        if (p.stalled) continue;
        pairs.delete(p);
        p.client.resetAndDestroy?.() ?? p.client.destroy();
        p.upstream.destroy();
        n++;
      }
      stats.cuts += n;
      return n;
    },
    /** Stops forwarding on every live connection without closing anything. */
    stallAll() {
      let n = 0;
      for (const p of pairs) {
        if (p.stalled) continue;
        p.stalled = true;
        p.client.unpipe(p.upstream);
        p.upstream.unpipe(p.client);
        p.client.pause();
        p.upstream.pause();
        n++;
      }
      stats.stalls += n;
      return n;
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      pairs.clear();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
