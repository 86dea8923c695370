// Alert sounds in headless Chromium, through the example app against the reference backend: none before an interaction, one per 2 s, mute and volume per user in localStorage, the Test button, the bell by keyboard.
//
//   node --test tests/alerts/
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y } from '../browser/app-support.mjs';
import { openContext, setHidden, settle, startWorld } from './support.mjs';

const stored = (page, userId) => page.evaluate((key) => JSON.parse(localStorage.getItem(key)), `numeneon:sounds:${userId}`);

describe('alert sounds in Chromium', { timeout: 60_000 }, () => {
  let world;
  before(async () => {
    world = await startWorld();
  });
  after(() => world?.stop());

  test('no sound before the page has had an interaction; the first keydown makes the audio and the next event is heard', async () => {
    const ctx = await openContext(world, { grant: true });
    const page = await ctx.tab();
    await setHidden(page, true);
    // A reload restores the session with no interaction. Every evaluate() or locator call would give
    // the page user activation (Playwright evaluates with a user gesture), so from here until the
    // keypress the test only listens: to the socket over CDP and to the page's records.
    ctx.clear();
    const connected = new Promise((resolve) => {
      page.once('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
        if (String(payload).includes('connection_established')) resolve();
      }));
    });
    await page.reload();
    await connected;
    await world.say('alice', 'before any interaction');
    await ctx.waitFor('notification', 1);
    await settle();
    assert.equal(ctx.of('sound').length, 0, 'no sound before an interaction');
    assert.equal(ctx.of('audio_context').length, 0, 'not even an AudioContext');

    await page.keyboard.press('Shift');
    const [made] = await ctx.waitFor('audio_context', 1);
    assert.equal(made.activation, true, 'the AudioContext is made inside the gesture');
    await world.say('alice', 'after a keypress');
    await ctx.waitFor('notification', 2);
    const [sound] = await ctx.waitFor('sound', 1);
    assert.ok(sound.seconds > 0.05 && sound.seconds < 0.5, `a short sound (${sound.seconds} s)`);
    assert.ok(Math.abs(sound.gain - 0.36) < 1e-6, `the default volume 0.6 → gain 0.36 (${sound.gain})`);
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  test('never more than one sound per 2 s', async () => {
    const ctx = await openContext(world, { grant: true });
    const page = await ctx.tab();
    await setHidden(page, true);
    const started = Date.now();
    await world.say('alice', 'rate 1');
    await ctx.waitFor('sound', 1);
    await settle(500 - (Date.now() - started));
    await world.say('alice', 'rate 2');  // 0.5 s after the first: quiet
    await settle(2500 - (Date.now() - started));
    await world.say('alice', 'rate 3');  // 2.5 s after the first: heard
    await ctx.waitFor('notification', 3);
    const sounds = await ctx.waitFor('sound', 2);
    await settle();
    assert.equal(ctx.of('sound').length, 2, 'three messages over 2.5 s: two sounds');
    assert.ok(sounds[1].at - sounds[0].at >= 2000, `${sounds[1].at - sounds[0].at} ms apart`);
    await ctx.close();
  });

  test('mute and volume are kept per user in localStorage across a reload; muted is silent; Test plays at the set volume', async () => {
    const ctx = await openContext(world, { grant: true });
    const page = await ctx.tab();
    const bob = world.people.bob.user.id;
    await page.getByTestId('alerts-button').click();
    await page.getByLabel('Play sounds').uncheck();
    assert.deepEqual(await stored(page, bob), { muted: true, volume: 0.6 });
    assert.equal(await page.getByLabel('Volume').isDisabled(), true, 'no volume while muted');

    await page.reload();
    await page.getByTestId('current-user').waitFor();
    await page.getByTestId('alerts-button').click();
    assert.equal(await page.getByLabel('Play sounds').isChecked(), false, 'still muted after a reload');
    await page.keyboard.press('Shift');  // an interaction, so silence below is the mute's
    await setHidden(page, true);
    await world.say('alice', 'while muted');
    await ctx.waitFor('notification', 1);
    await settle();
    assert.equal(ctx.of('sound').length, 0, 'muted: no sound');

    // carol in another tab of the same browser has settings of her own.
    const other = await ctx.tab('carol');
    await other.getByTestId('alerts-button').click();
    assert.equal(await other.getByLabel('Play sounds').isChecked(), true, "bob's mute is not carol's");
    assert.equal(await stored(other, world.people.carol.user.id), null);
    await other.close();

    await setHidden(page, false);
    await page.getByLabel('Play sounds').check();
    await page.getByLabel('Volume').fill('30');
    assert.deepEqual(await stored(page, bob), { muted: false, volume: 0.3 });
    ctx.clear();
    await page.getByRole('button', { name: 'Test' }).click();
    const [sound] = await ctx.waitFor('sound', 1);
    assert.ok(Math.abs(sound.gain - 0.09) < 1e-6, `volume 0.3 → gain 0.09 (${sound.gain})`);
    const [sample] = await ctx.waitFor('notification', 1);
    assert.equal(sample.title, 'Desktop alerts are on');
    await page.getByTestId('alerts-test-result').filter({ hasText: 'Desktop alert shown. Sound played.' }).waitFor();
    await checkA11y(page, 'bell menu, sounds on');
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  test('the bell works from the keyboard: Enter opens it, Tab reaches each control, Escape closes it and returns focus', async () => {
    const ctx = await openContext(world, { permission: 'default', answer: 'denied' });
    const page = await ctx.tab();
    await page.getByTestId('alerts-button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('alerts-panel').waitFor();
    assert.equal(await page.getByTestId('alerts-button').getAttribute('aria-expanded'), 'true');
    const reached = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement.dataset.testid));
    }
    assert.deepEqual(reached, ['desktop-alerts-enable', 'sounds-on', 'sounds-volume', 'alerts-test']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');  // "Turn on desktop alerts", from the keyboard: a gesture too
    await page.locator('[data-testid="desktop-alerts"][data-permission="denied"]').waitFor();
    assert.equal(ctx.of('request')[0].during, 'click', 'Enter on a button is a click');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'desktop-alerts', 'focus moves to the answer');
    await page.keyboard.press('Escape');
    await page.getByTestId('alerts-panel').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'alerts-button', 'focus is back on the bell');
    assert.equal(await page.getByTestId('alerts-button').getAttribute('aria-expanded'), 'false');
    await page.getByTestId('alerts-button').click();
    await page.getByTestId('current-user').click();
    await page.getByTestId('alerts-panel').waitFor({ state: 'detached' });  // a click outside closes it
    await ctx.close();
  });
});
