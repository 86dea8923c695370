// Desktop notifications in headless Chromium, through the example app's bell against the reference backend: permission (asked only from a click, kept current), hidden-only, collapse, click, denied, two tabs.
//
//   node --test tests/alerts/
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y } from '../browser/app-support.mjs';
import { openContext, setHidden, settle, startWorld } from './support.mjs';

describe('desktop alerts in Chromium', { timeout: 60_000 }, () => {
  let world;
  before(async () => {
    world = await startWorld();
  });
  after(() => world?.stop());

  test('default: nothing is asked on load; the bell offers the button; one click asks once, inside the click, and the bell follows', async () => {
    const ctx = await openContext(world, { permission: 'default', answer: 'granted' });
    const page = await ctx.tab();
    await settle(300);
    assert.deepEqual(ctx.of('request'), [], 'no permission request on load');
    await page.getByTestId('alerts-button').click();
    const desktop = page.getByTestId('desktop-alerts');
    assert.equal(await desktop.getAttribute('data-permission'), 'default');
    await checkA11y(page, 'bell menu, alerts not asked yet');
    await page.getByRole('button', { name: 'Turn on desktop alerts' }).click();
    await page.locator('[data-testid="desktop-alerts"][data-permission="granted"]').waitFor();
    const requests = ctx.of('request');
    assert.equal(requests.length, 1);
    assert.equal(requests[0].during, 'click', 'requestPermission ran inside the click handler');
    assert.equal(requests[0].activation, true);
    assert.match(await desktop.textContent(), /^On: shown while NUMENEON is in the background/);
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  test('a permission changed in the browser reaches the bell without a reload (permissions change events)', async () => {
    const ctx = await openContext(world);  // the context's real permission
    const page = await ctx.tab();
    await page.getByTestId('alerts-button').click();
    await page.locator('[data-testid="desktop-alerts"][data-permission="default"]').waitFor();
    await ctx.context.grantPermissions(['notifications'], { origin: world.site.url });
    await page.locator('[data-testid="desktop-alerts"][data-permission="granted"]').waitFor({ timeout: 3000 });
    await ctx.context.clearPermissions();
    await page.locator('[data-testid="desktop-alerts"][data-permission="default"]').waitFor({ timeout: 3000 });
    await ctx.close();
  });

  test('denied: a hidden page shows nothing for a message, and nothing fails; the bell says it is blocked', async () => {
    const ctx = await openContext(world, { permission: 'denied' });
    const page = await ctx.tab();
    await setHidden(page, true);
    await world.say('alice', 'are you there? (denied)');
    await page.getByTestId('unread-alice').waitFor();
    await ctx.waitFor('sound', 1);  // the frame was handled: sounds do not depend on the permission
    await settle();
    assert.equal(ctx.of('notification').length, 0);
    await setHidden(page, false);
    await page.getByTestId('alerts-button').click();
    assert.match(await page.getByTestId('desktop-alerts').textContent(), /^Blocked for this site/);
    await checkA11y(page, 'bell menu, alerts blocked');
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  test('granted, hidden: three messages from alice are one notification updated three times and one sound; a click focuses, closes, opens the conversation', async () => {
    const ctx = await openContext(world, { grant: true });
    const page = await ctx.tab();
    await setHidden(page, true);
    for (const n of [1, 2, 3]) await world.say('alice', `hidden message ${n}`);
    const shown = await ctx.waitFor('notification', 3);
    await settle();
    assert.equal(ctx.of('notification').length, 3, 'three updates, no more');
    const tag = `numeneon:${world.people.bob.user.id}:new_message:${world.people.alice.user.id}`;
    assert.deepEqual(shown.map((n) => [n.tag, n.title, n.body, n.renotify]), [
      [tag, 'Alice Anders', 'hidden message 1', false],
      [tag, 'Alice Anders: 2 new messages', 'hidden message 2', false],
      [tag, 'Alice Anders: 3 new messages', 'hidden message 3', false],
    ], 'one tag: each replaces the last, quietly within a burst');
    assert.equal(ctx.of('sound').length, 1, 'one sound for the burst');
    assert.equal(new URL(page.url()).searchParams.get('chat'), null);

    await page.evaluate(() => window.__notifications.at(-1).dispatchEvent(new Event('click', { cancelable: true })));
    await page.locator('[data-testid="conversation"][data-with="alice"]').waitFor();
    assert.equal(ctx.of('focus').length, 1, 'window.focus()');
    assert.deepEqual(ctx.of('closed').map((e) => e.tag), [tag], 'notification.close()');
    assert.equal(new URL(page.url()).searchParams.get('chat'), 'alice', 'the app handler opened the conversation');

    // Back to the page with the conversation open: what it shows makes no notification, no sound.
    await setHidden(page, false);
    await settle(2100);  // past the sound rate limit, so silence below is the visibility rule's
    ctx.clear();
    for (const n of [1, 2, 3]) await world.say('alice', `visible message ${n}`);
    await page.getByTestId('message').filter({ hasText: 'visible message 3' }).waitFor();
    await settle();
    assert.equal(ctx.of('notification').length, 0, 'no notification for the conversation being read');
    assert.equal(ctx.of('sound').length, 0, 'no sound for the conversation being read');
    // Elsewhere in the app: a sound, but no notification while the page is visible.
    await world.say('carol', 'visible, another conversation');
    await page.getByTestId('unread-carol').waitFor();
    await ctx.waitFor('sound', 1);
    await settle();
    assert.equal(ctx.of('notification').length, 0);
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });

  test('two tabs of bob: one notification per message between them, counts shared, one sound; a visible tab decides for both', async () => {
    const ctx = await openContext(world, { grant: true });
    const [one, two] = [await ctx.tab(), await ctx.tab()];
    await Promise.all([setHidden(one, true), setHidden(two, true)]);
    await world.say('carol', 'two tabs 1');
    await world.say('carol', 'two tabs 2');
    const shown = await ctx.waitFor('notification', 2);
    await settle();
    assert.equal(ctx.of('notification').length, 2, 'two messages, two tabs: one notification each');
    assert.deepEqual(shown.map((n) => n.title), ['Carol Clark', 'Carol Clark: 2 new messages'], 'whichever tab shows one counts every message');
    assert.equal(ctx.of('sound').length, 1, 'one sound between the tabs');

    await setHidden(two, false);
    await settle(2100);
    ctx.clear();
    await world.say('carol', 'one tab visible');
    await ctx.waitFor('sound', 1);
    await settle();
    assert.equal(ctx.of('notification').length, 0, 'the visible tab shows the app: no notification from the hidden one');
    assert.equal(ctx.of('sound', two).length, 1, 'the visible tab played it');
    assert.deepEqual(ctx.errors, []);
    await ctx.close();
  });
});
