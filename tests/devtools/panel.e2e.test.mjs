// <RealtimeDevtools /> in headless Chromium against the package's test server: the timeline through
// connect → drop → reconnect (driven by the panel's own buttons), offline and online, a 1,000 frames/s
// burst that leaves the page responsive with a bounded DOM, no token anywhere on the panel, and a
// missing or failed client that neither crashes nor blocks the page.
//
//   node --test tests/devtools/            screenshots in artifacts/devtools/
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '@numeneon/realtime/testing';
import { artifactsDir, bundlePage, launch, percentile, servePage } from './support.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TOKEN = 'devtools-page-token-0123456789';  // what the page's getToken returns
const LOG_ROWS_MAX = 13;  // the rows in view, one of them possibly cut in half (styles.js LOG_ROWS + 1)

describe('devtools panel in Chromium', { timeout: 60_000 }, () => {
  let server;
  let site;
  let browser;
  let page;
  let shots;
  const pageErrors = [];
  const el = (id) => page.getByTestId(`nrt-devtools-${id}`);
  const panelStatus = (status) => page.locator(`[data-testid="nrt-devtools"][data-status="${status}"]`).waitFor();
  // Resolves once the timeline's latest entries include these, in this order (other entries, such as
  // a resync, may come between).
  const timelineShows = (...wanted) => page.waitForFunction((want) => {
    const latest = [...document.querySelectorAll('[data-testid="nrt-devtools-timeline-entry"]')].slice(0, 8).reverse();
    let i = 0;
    for (const entry of latest) if (i < want.length && entry.textContent.includes(want[i])) i++;
    return i === want.length;
  }, wanted, { polling: 'raf' });

  before(async () => {
    shots = artifactsDir();
    const [srv, script] = await Promise.all([startTestServer(), bundlePage()]);
    server = srv;
    site = await servePage(script);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await server?.stop();
  });

  test('the timeline shows connect, a drop through the button, and the reconnect through "Reconnect now"', async () => {
    await page.goto(`${site.url}?ws=${encodeURIComponent(server.url)}`);
    await panelStatus('connected');
    await timelineShows('idle → connecting (connect_requested)', 'connecting → open (opened)');
    // The page's client is the browser entry's (a token naming nobody: its own socket); the panel shows its role.
    assert.equal(await el('role').textContent(), 'private');
    await page.evaluate(AXE);
    const { violations } = await page.evaluate(() => window.axe.run({ include: [['[data-testid="nrt-devtools"]']] }, { resultTypes: ['violations'] }));
    assert.deepEqual(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`), [], 'axe on the panel');

    await el('drop').click();
    await panelStatus('reconnecting');
    await timelineShows('open → backing_off (connection_lost, close 4000, retry 1 in 30000 ms)');
    assert.match(await el('countdown').textContent(), /^retry in (30|29|28) s$/, 'the countdown to the retry 30 s away');
    await page.screenshot({ path: path.join(shots, '1-backing-off.png') });

    await el('wake').click();
    await panelStatus('connected');
    await timelineShows('open → backing_off', 'backing_off → connecting (resumed)', 'connecting → open (opened)');
    assert.equal(await el('stat-reconnects').locator('dd').textContent(), '1');
    await page.screenshot({ path: path.join(shots, '2-reconnected.png') });
  });

  test('"Go offline" shows offline and holds retries; "Go online" reconnects', async () => {
    await el('online').click();
    await panelStatus('offline');
    assert.equal(await el('online').textContent(), 'Go online');
    await el('drop').click();
    await timelineShows('network offline', 'open → backing_off (offline, close 4000)');
    await panelStatus('offline');
    assert.equal(await el('countdown').count(), 0, 'no countdown while offline: nothing is retried');
    await page.screenshot({ path: path.join(shots, '3-offline.png') });

    await el('online').click();
    await panelStatus('connected');
    await timelineShows('network online', 'backing_off → connecting (resumed)', 'connecting → open (opened)');
    assert.equal(await el('online').textContent(), 'Go offline');
  });

  test('a 1,000 frames/s burst for 3 s: clicks answered and frames painted on time, at most 13 log rows in the DOM', async () => {
    const RATE = 1000;
    const SECONDS = 3;
    const message = (id, content = 'hello') => ({ id, sender: { id: 2, username: 'bob' }, content, created_at: '2026-01-01T00:00:00Z' });
    await page.evaluate(() => window.__probe.start());
    const before = await page.evaluate(() => window.__client.stats().framesReceived);

    // Frames are sent by elapsed time, not per tick, so timer drift on a busy machine does not lower the rate.
    let sent = 0;
    const started = performance.now();
    const burst = new Promise((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(RATE * SECONDS, Math.floor(((performance.now() - started) / 1000) * RATE));
        for (; sent < due; sent++) {
          const kind = sent % 10;
          if (kind < 7) server.push(1, 'new_message', message(100_000 + sent));
          else if (kind < 8) server.push(1, 'new_message', message(100_000 + sent - 1));  // a duplicate
          else if (kind < 9) server.push(1, 'new_post', { id: sent });                    // nobody subscribes
          else server.push(1, 'new_message', message(100_000 + sent, `token ${TOKEN} in a payload`));
        }
        if (sent >= RATE * SECONDS) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    // Clicks during the burst: Pause and Resume, each waited for in the DOM.
    for (let i = 0; i < 6; i++) {
      const pressed = await el('pause').getAttribute('aria-pressed');
      await el('pause').click();
      await page.locator(`[data-testid="nrt-devtools-pause"][aria-pressed="${pressed === 'true' ? 'false' : 'true'}"]`).waitFor();
    }
    await burst;
    await page.waitForFunction((n) => window.__client.stats().framesReceived >= n, before + RATE * SECONDS, { polling: 100 });
    const { gaps, clicks } = await page.evaluate(() => window.__probe.stop());
    const seconds = (performance.now() - started) / 1000;
    await page.waitForFunction(() => /^500 shown of \d+$/.test(document.querySelector('[data-testid="nrt-devtools-log-count"]')?.textContent));

    const rows = await page.locator('[data-testid="nrt-devtools-log-row"]:not([hidden])').count();
    const panelNodes = await page.evaluate(() => document.querySelector('[data-testid="nrt-devtools"]').querySelectorAll('*').length);
    await page.screenshot({ path: path.join(shots, '4-after-burst.png') });
    const report = {
      frames: sent,
      seconds: +seconds.toFixed(2),
      paintedPerSecond: Math.round(gaps.length / seconds),
      frameGapMedian: +percentile(gaps, 50).toFixed(1),
      frameGapP95: +percentile(gaps, 95).toFixed(1),
      frameGapMax: +Math.max(...gaps).toFixed(1),
      clickToFrame: clicks.map((c) => Math.round(c)),
      logRowsInDom: rows,
      panelNodes,
    };
    console.log(`# burst: ${JSON.stringify(report)}`);
    assert.ok(rows > 0 && rows <= LOG_ROWS_MAX, `log rows in the DOM: ${rows}`);
    assert.ok(panelNodes < 500, `nodes in the panel: ${panelNodes}`);
    // Bounds on medians, which say what the page does; the tails (p95, max) are reported, not bounded
    // to the millisecond: on this shared 2-core VM they follow whatever else runs at the time.
    // Clicks: answered by the next frame within 100 ms, the budget within which an answer feels
    // immediate (RAIL); measured 12-25 ms on a quiet machine. Frames: the median gap one display frame
    // at 60 Hz (16.7 ms). A log rendered through React at every animation frame fails that bound
    // (measured: a median gap of 66 ms, 15 frames/s). No gap of a second or more: nothing freezes.
    assert.equal(clicks.length, 6);
    assert.ok(percentile(clicks, 50) < 100, `click → next frame: ${clicks.map(Math.round).join(', ')} ms`);
    assert.ok(report.frameGapMedian <= 20, `median gap between animation frames: ${report.frameGapMedian} ms`);
    assert.ok(report.frameGapMax < 1000, `longest gap between animation frames: ${report.frameGapMax} ms`);
    assert.deepEqual(pageErrors, []);
  });

  test('no token anywhere on the panel: not in text, not in titles', async () => {
    await el('log-row').first().waitFor();
    const text = await page.evaluate(() => {
      const panel = document.querySelector('[data-testid="nrt-devtools"]');
      return panel.innerText + [...panel.querySelectorAll('[title]')].map((e) => e.title).join('\n');
    });
    assert.ok(text.includes('[redacted]'), 'the frames carrying the token are on the panel, redacted');
    assert.ok(!text.includes(TOKEN));
  });

  test('the panel collapses to a pill in its corner and opens again', async () => {
    await el('toggle').click();
    await page.locator('[data-testid="nrt-devtools-toggle"][aria-expanded="false"]').waitFor();
    assert.equal(await el('log').count(), 0, 'collapsed: no log in the DOM');
    assert.match(await el('toggle').textContent(), /^realtime: connected/);
    await page.screenshot({ path: path.join(shots, '5-collapsed.png') });
    await el('toggle').click();
    await el('log').waitFor();
  });

  test('no client, or a client that failed to load: the panel says so and the page goes on', async () => {
    const other = await browser.newPage();
    try {
      await other.goto(`${site.url}?mode=none`);
      await other.locator('[data-testid="nrt-devtools"][data-status="no client"]').waitFor();
      assert.match(await other.getByTestId('nrt-devtools-problem').textContent(), /No client yet/);

      await other.goto(`${site.url}?mode=failed`);
      await other.locator('[data-testid="nrt-devtools"][data-status="failed"]').waitFor();
      assert.match(await other.getByTestId('nrt-devtools-problem').textContent(), /^No client: .*missing\.wasm/);
      await other.getByTestId('app-alive').waitFor();
      await other.screenshot({ path: path.join(shots, '6-failed.png') });
    } finally {
      await other.close();
    }
  });
});
