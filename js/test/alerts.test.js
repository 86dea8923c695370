// The alerts' plain rules (js/src/alerts/rules.js): formatters, event keys and tags, collapse counts and renotify, the sound rate limit, the verdicts, stored settings; timing on a fake clock.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  DEFAULT_SOUND_SETTINGS, alertVerdict, collapseTag, contentKey, createCollapser, createRateLimiter, defaultFormat, eventKey,
  isStale, normalizeTypes, preview, readSoundSettings, soundStorageKey, soundVerdict,
} from '../src/alerts/rules.js';

// One frame per type as the unmodified server sends it.
const captured = JSON.parse(readFileSync(new URL('./fixtures/captured-frames.json', import.meta.url), 'utf8')).frames.map((t) => JSON.parse(t));
const of = (type) => captured.find((f) => f.type === type);
const message = (id, content, sender = { id: 2, username: 'alice' }) => ({ type: 'new_message', data: { id, sender, content, created_at: 't' } });

describe('default formatters', () => {
  test('friend request, friend accepted, new message: names and a preview', () => {
    assert.deepEqual(defaultFormat(of('friend_request')), { title: 'New friend request', body: 'Alice Anders (@alice) wants to be your friend' });
    assert.deepEqual(defaultFormat(of('friend_accepted')), { title: 'Friend request accepted', body: 'Bob Brown (@bob) accepted your friend request' });
    assert.deepEqual(defaultFormat(of('new_message')), { title: 'alice', body: 'hello bob' });
  });

  test('a collapsed group says how many, with the latest preview', () => {
    assert.deepEqual(defaultFormat(message(9, 'the latest'), { count: 10 }), { title: 'alice: 10 new messages', body: 'the latest' });
    assert.deepEqual(defaultFormat(of('friend_request'), { count: 3 }), { title: '3 new friend requests', body: 'Latest: Alice Anders (@alice)' });
    assert.deepEqual(defaultFormat(of('friend_accepted'), { count: 2 }), { title: '2 friend requests accepted', body: 'Latest: Bob Brown (@bob)' });
    const withName = message(1, 'hi', { id: 2, username: 'alice', first_name: 'Alice', last_name: 'Anders' });
    assert.equal(defaultFormat(withName, { count: 2 }).title, 'Alice Anders: 2 new messages', 'a sender with names (an app override passing the friend) uses them');
  });

  test('posts, comments and replies use the server\'s message line and the content', () => {
    assert.deepEqual(defaultFormat(of('wall_post')), { title: 'alice posted on your wall', body: 'hi bob' });
    assert.deepEqual(defaultFormat(of('post_comment')), { title: 'bob commented on your post', body: 'nice' });
    assert.deepEqual(defaultFormat(of('comment_reply')), { title: 'bob mentioned you in a reply', body: '@alice agreed' });
    assert.deepEqual(defaultFormat(of('new_post')), { title: 'Alice Anders posted', body: 'first post' });
  });

  test('nothing for connection, echo, error and internal frames, or types it does not know', () => {
    for (const f of captured.filter((x) => ['connection_established', 'echo', 'error'].includes(x.type))) assert.equal(defaultFormat(f), null, f.type);
    for (const type of ['presence', 'typing', 'message_read', 'presence_snapshot']) assert.equal(defaultFormat({ type, data: { user_id: 1 } }), null, type);
    assert.equal(defaultFormat({ type: 'something_new', data: { id: 1 } }), null);
    assert.equal(defaultFormat(null), null);
  });

  test('a preview is one line of at most 100 characters, cut with an ellipsis', () => {
    assert.equal(preview('  two\n\nlines\there  '), 'two lines here');
    const long = preview('word '.repeat(50));
    assert.equal(long.length, 100);
    assert.ok(long.endsWith('…'));
    assert.equal(preview(undefined), '');
    assert.equal(defaultFormat(message(1, 'x'.repeat(500))).body.length, 100);
  });

  test('missing optional fields do not throw', () => {
    assert.deepEqual(defaultFormat({ type: 'friend_request', data: { request_id: 1, from_user: { id: 1, username: 'zed', first_name: '', last_name: '' } } }),
      { title: 'New friend request', body: 'zed (@zed) wants to be your friend' });
    assert.equal(defaultFormat({ type: 'post_comment', data: { commenter: { id: 1, username: 'y' }, post: { id: 1 }, comment: { id: 2 } } }).title, 'y commented on your post');
  });
});

describe('event keys and collapse tags', () => {
  test('the key names the event: the payload id per type, or event_id under resume', () => {
    assert.equal(eventKey(of('new_message')), 'new_message:1');
    assert.equal(eventKey(of('friend_request')), 'friend_request:1');
    assert.equal(eventKey(of('friend_accepted')), 'friend_accepted:3');
    assert.equal(eventKey(of('wall_post')), 'wall_post:8');
    assert.equal(eventKey(of('post_comment')), 'post_comment:4');
    assert.equal(eventKey(of('comment_reply')), 'comment_reply:5');
    assert.equal(eventKey({ ...of('new_message'), event_id: 41 }), 'e41');
    assert.equal(eventKey({ type: 'custom', data: {} }), null);
  });

  test('a frame without an id is keyed by its content', () => {
    const a = { type: 'custom', data: { n: 1 } };
    assert.equal(contentKey(a), contentKey({ type: 'custom', data: { n: 1 } }));
    assert.notEqual(contentKey(a), contentKey({ type: 'custom', data: { n: 2 } }));
  });

  test('messages collapse per sender, comments per post, requests and acceptances all together', () => {
    assert.equal(collapseTag(message(1, 'a')), collapseTag(message(2, 'b')));
    assert.notEqual(collapseTag(message(1, 'a')), collapseTag(message(2, 'b', { id: 3, username: 'carol' })));
    assert.equal(collapseTag(of('post_comment')), 'post_comment:7');
    assert.equal(collapseTag(of('comment_reply')), 'comment_reply:5', 'a reply without a post collapses on its own');
    assert.equal(collapseTag(of('friend_request')), 'friend_request');
  });
});

describe('collapse counter (fake clock)', () => {
  test('ten messages from one sender are one group counting 1..10; renotify only after 30 s', () => {
    const c = createCollapser();
    const seen = [];
    for (let i = 1; i <= 10; i++) seen.push(c.add('bob', message(i, `m${i}`), 1000 + (i - 1) * 100));
    assert.deepEqual(seen.map((g) => g.count), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(seen.map((g) => g.renotify), Array(10).fill(false), 'a burst updates quietly');
    assert.equal(seen.at(-1).latest.data.content, 'm10');
    assert.equal(c.add('bob', message(11, 'm11'), 1000 + 30_000).renotify, true, 'an update 30 s after the first alert alerts again');
    assert.equal(c.add('bob', message(12, 'm12'), 1000 + 31_000).renotify, false, 'and not again for 30 s');
    assert.equal(c.add('bob', message(13, 'm13'), 1000 + 61_000).renotify, true);
    assert.equal(c.add('carol', message(14, 'x'), 62_000).count, 1, 'another tag counts on its own');
  });

  test('a look at the app (seenAt) restarts the groups begun before it', () => {
    const c = createCollapser();
    c.add('bob', message(1, 'a'), 1000);
    c.add('bob', message(2, 'b'), 2000);
    assert.equal(c.add('bob', message(3, 'c'), 3000, 2500).count, 1, 'seen at 2500: a new group');
    assert.equal(c.add('bob', message(4, 'd'), 4000, 2500).count, 2, 'the same seenAt does not restart it again');
  });

  test('a group idle for 15 minutes starts again; reset(tag) and reset() forget', () => {
    const c = createCollapser();
    c.add('bob', message(1, 'a'), 0);
    assert.equal(c.add('bob', message(2, 'b'), 15 * 60_000).count, 2);
    assert.equal(c.add('bob', message(3, 'c'), 30 * 60_000 + 1).count, 1);
    c.add('carol', message(4, 'd'), 0);
    c.reset('bob');
    assert.equal(c.count('bob'), 0);
    assert.equal(c.count('carol'), 1);
    c.reset();
    assert.equal(c.count('carol'), 0);
  });
});

describe('between tabs: an update is never replaced by an earlier state (fake clock)', () => {
  test('a tab that would show count 1 after another showed 2 does not', () => {
    const entry = { count: 2, seen: 500, at: 1000 };
    assert.equal(isStale(entry, { count: 1, seen: 500, now: 1010 }), true);
    assert.equal(isStale(entry, { count: 2, seen: 500, now: 1010 }), true, 'the same count is shown once');
    assert.equal(isStale(entry, { count: 3, seen: 500, now: 1010 }), false);
  });

  test('an entry from before the last look, or 15 minutes old, no longer counts', () => {
    const entry = { count: 5, seen: 500, at: 1000 };
    assert.equal(isStale(entry, { count: 1, seen: 900, now: 1010 }), false, 'seen since: the group started again');
    assert.equal(isStale(entry, { count: 1, seen: 500, now: 1000 + 15 * 60_000 + 1 }), false);
    assert.equal(isStale(undefined, { count: 1, seen: 0, now: 0 }), false);
    assert.equal(isStale({ count: 'x' }, { count: 1, seen: 0, now: 0 }), false);
  });
});

describe('sound rate limit (fake clock)', () => {
  test('never more than one per 2 s; a refused take does not move the window', () => {
    const limit = createRateLimiter();
    const taken = [0, 500, 1999, 2000, 2100, 3999, 4000, 9000].filter((t) => limit.take(t));
    assert.deepEqual(taken, [0, 2000, 4000, 9000]);
  });

  test('a custom interval, and reset', () => {
    const limit = createRateLimiter(100);
    assert.equal(limit.take(0), true);
    assert.equal(limit.take(99), false);
    limit.reset();
    assert.equal(limit.take(99), true);
  });
});

describe('verdicts', () => {
  const spec = { whenVisible: false, sound: 'message' };
  const granted = { spec, permission: 'granted' };

  test('desktop: only while hidden by default; per type also while visible unless on screen', () => {
    assert.equal(alertVerdict({ ...granted, pageVisible: false }), 'show');
    assert.equal(alertVerdict({ ...granted, pageVisible: true }), 'page_visible');
    assert.equal(alertVerdict({ spec: { whenVisible: true }, permission: 'granted', pageVisible: true }), 'show');
    assert.equal(alertVerdict({ spec: { whenVisible: true }, permission: 'granted', pageVisible: true, onScreen: true }), 'on_screen');
    assert.equal(alertVerdict({ ...granted, pageVisible: false, othersVisible: true }), 'other_tab_visible');
  });

  test('desktop: nothing without permission, support or the type', () => {
    assert.equal(alertVerdict({ spec, permission: 'denied', pageVisible: false }), 'no_permission');
    assert.equal(alertVerdict({ spec, permission: 'default', pageVisible: false }), 'no_permission');
    assert.equal(alertVerdict({ ...granted, supported: false, pageVisible: false }), 'unsupported');
    assert.equal(alertVerdict({ spec: undefined, permission: 'granted', pageVisible: false }), 'type_off');
  });

  test('sounds: after an interaction, not muted, not for what is on screen', () => {
    const on = { category: 'message', muted: false, volume: 0.5, unlocked: true };
    assert.equal(soundVerdict({ ...on, pageVisible: false }), 'play');
    assert.equal(soundVerdict({ ...on, pageVisible: true }), 'play', 'a visible page elsewhere in the app still hears it');
    assert.equal(soundVerdict({ ...on, pageVisible: true, onScreen: true }), 'on_screen');
    assert.equal(soundVerdict({ ...on, unlocked: false, pageVisible: false }), 'no_interaction');
    assert.equal(soundVerdict({ ...on, muted: true, pageVisible: false }), 'muted');
    assert.equal(soundVerdict({ ...on, volume: 0, pageVisible: false }), 'muted');
    assert.equal(soundVerdict({ ...on, pageVisible: false, othersVisible: true }), 'other_tab_visible');
    assert.equal(soundVerdict({ ...on, category: null, pageVisible: false }), 'type_off');
  });
});

describe('options and settings', () => {
  test('types: defaults, an array of names, or an object merged over the defaults', () => {
    assert.deepEqual([...normalizeTypes().keys()], ['friend_request', 'friend_accepted', 'new_message', 'wall_post', 'post_comment', 'comment_reply']);
    assert.deepEqual(normalizeTypes().get('new_message'), { whenVisible: false, sound: 'message' });
    assert.deepEqual([...normalizeTypes(['new_message', 'new_post']).entries()],
      [['new_message', { whenVisible: false, sound: 'message' }], ['new_post', { whenVisible: false, sound: 'activity' }]]);
    const merged = normalizeTypes({ wall_post: false, new_message: { whenVisible: true }, friend_request: 'message', typing: { sound: null } });
    assert.equal(merged.has('wall_post'), false);
    assert.deepEqual(merged.get('new_message'), { whenVisible: true, sound: 'message' });
    assert.equal(merged.get('friend_request').sound, 'message');
    assert.deepEqual(merged.get('typing'), { whenVisible: false, sound: null });
    assert.throws(() => normalizeTypes('new_message'), TypeError);
    assert.throws(() => normalizeTypes(['']), TypeError);
  });

  test('stored sound settings: the user id is in the key; anything odd reads as the defaults', () => {
    assert.equal(soundStorageKey(42), 'numeneon:sounds:42');
    assert.deepEqual(readSoundSettings('{"muted":true,"volume":0.25}'), { muted: true, volume: 0.25 });
    assert.deepEqual(readSoundSettings('{"volume":7}'), { muted: false, volume: 1 });
    assert.deepEqual(readSoundSettings('{"volume":-1,"muted":"yes"}'), { muted: false, volume: 0 });
    for (const raw of [null, '', 'not json', '[1]', '42', 'null']) assert.deepEqual(readSoundSettings(raw), DEFAULT_SOUND_SETTINGS, String(raw));
  });
});
