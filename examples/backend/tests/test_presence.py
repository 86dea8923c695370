"""Presence extension, on the in-memory layer and on Redis: friends only, several tabs, snapshot, dead workers."""
import asyncio
import time
from datetime import datetime

import pytest
from asgiref.sync import sync_to_async

from social import presence, volatile
from social.volatile import RedisState

from .conftest import close_all, call, make_friends, make_user, open_with_presence

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def age(iso):
    """Seconds since an ISO 8601 +00:00 time."""
    assert iso.endswith("+00:00")
    return time.time() - datetime.fromisoformat(iso).timestamp()


def about(frame, user, online):
    """frame is a presence frame saying user is (not) online, with a recent last_seen; returns its data."""
    assert frame["type"] == "presence" and set(frame["data"]) == {"user_id", "online", "last_seen"}
    assert frame["data"]["user_id"] == user.id and frame["data"]["online"] is online
    assert age(frame["data"]["last_seen"]) < 5
    return frame["data"]


async def befriend(*pairs):
    for a, b in pairs:
        await sync_to_async(make_friends)(a, b)


async def test_snapshot_lists_every_friend_then_changes_arrive(users, extensions, layer):
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    await befriend((alice, bob), (carol, alice))
    sb, _, _ = await open_with_presence(bob)
    sa, hello, snap = await open_with_presence(alice)
    assert hello["features"] == ["presence", "typing", "read_receipts"]
    by_id = {u["user_id"]: u for u in snap["users"]}
    assert set(by_id) == {bob.id, carol.id}
    assert by_id[bob.id]["online"] is True and age(by_id[bob.id]["last_seen"]) < 5
    assert by_id[carol.id] == {"user_id": carol.id, "online": False, "last_seen": None}
    about(await sb.recv(), alice, True)

    sc, _, snap = await open_with_presence(carol)
    assert [(u["user_id"], u["online"]) for u in snap["users"]] == [(alice.id, True)]
    about(await sa.recv(), carol, True)
    assert await sb.nothing()  # bob and carol are not friends

    await sc.close()
    gone = about(await sa.recv(), carol, False)
    # A later snapshot shows when carol was last online.
    sa2, _, snap = await open_with_presence(alice)
    assert {u["user_id"]: u for u in snap["users"]}[carol.id] == gone
    assert await sb.nothing() and await sa.nothing()
    await close_all(sa, sa2, sb)


async def test_several_tabs_are_one_online_user(users, extensions, layer):
    alice, bob = users["alice"], users["bob"]
    await befriend((alice, bob))
    sa, _, _ = await open_with_presence(alice)
    tab1, _, _ = await open_with_presence(bob)
    about(await sa.recv(), bob, True)
    tab2, _, _ = await open_with_presence(bob)
    assert await sa.nothing()  # already online
    await tab1.close()
    assert await sa.nothing()  # still online in the other tab
    await tab2.close()
    about(await sa.recv(), bob, False)
    await sa.close()


async def test_a_non_friend_never_hears_of_a_user(users, extensions, layer):
    alice, bob = users["alice"], users["bob"]
    dave = await sync_to_async(make_user)("dave")
    await befriend((alice, bob))
    sd, _, snap = await open_with_presence(dave)
    assert snap == {"users": []}
    sa, _, _ = await open_with_presence(alice)
    sb, _, _ = await open_with_presence(bob)
    about(await sa.recv(), bob, True)
    await sb.close()
    about(await sa.recv(), bob, False)
    await sa.close()
    assert await sd.nothing(timeout=0.3)  # alice and bob came and went: not a word to dave
    await sd.close()


async def test_accepting_a_friend_request_exchanges_presence(users, extensions, layer):
    alice, bob = users["alice"], users["bob"]
    sa, _, _ = await open_with_presence(alice)
    sb, _, _ = await open_with_presence(bob)
    assert await sa.nothing() and await sb.nothing()  # not friends yet
    r = await call("post", alice, f"/api/friends/request/{bob.id}/")
    assert (await sb.recv())["type"] == "friend_request"
    await call("post", bob, f"/api/friends/accept/{r.json()['id']}/")
    assert (await sa.recv())["type"] == "friend_accepted"
    about(await sa.recv(), bob, True)
    about(await sb.recv(), alice, True)
    await sb.close()
    about(await sa.recv(), bob, False)  # friends from now on
    await sa.close()


async def test_users_of_a_killed_worker_go_offline_within_the_ttl(users, extensions, layer, settings):
    settings.PRESENCE_TTL_S = 0.6
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    await befriend((alice, bob), (alice, carol))
    # Bob's socket lives on a worker that then dies: its entry is written once, never refreshed or removed.
    # On Redis that worker is another client of the same Redis; in memory it is just an abandoned entry.
    dead = RedisState(settings.REDIS_URL) if layer == "redis" else volatile.state()
    assert await dead.open(bob.id, "specific.deadworker!1") is not None
    sc, _, _ = await open_with_presence(carol)  # carol stays connected (and refreshed) on the live worker
    sa, _, snap = await open_with_presence(alice)
    assert {u["user_id"]: u["online"] for u in snap["users"]} == {bob.id: True, carol.id: True}
    died = time.monotonic()

    frame = await sa.recv(timeout=3)
    waited = time.monotonic() - died
    gone = about(frame, bob, False)
    assert waited <= settings.PRESENCE_TTL_S * (1 + 1 / 3) + 0.3, waited  # TTL plus one sweep, some slack
    assert age(gone["last_seen"]) >= settings.PRESENCE_TTL_S - 0.1  # when bob's entry was last refreshed
    await asyncio.sleep(settings.PRESENCE_TTL_S)
    assert await sa.nothing()  # once; carol, refreshed all along, is still online
    [carol_now] = await presence.entries([carol.id])
    assert carol_now["online"] is True
    await close_all(sa, sc)
    if layer == "redis":
        await dead.aclose()


async def test_an_expired_user_is_handed_to_one_sweeping_worker_only(layer, settings):
    # Three workers sweep at once (on Redis: three clients of it): exactly one of them announces the user.
    workers = [RedisState(settings.REDIS_URL) for _ in range(3)] if layer == "redis" else [volatile.state()] * 3
    assert await workers[0].open(7, "specific.a!1") is not None
    await asyncio.sleep(0.05)
    results = await asyncio.gather(*(w.sweep(0.01) for w in workers))
    assert sorted(len(r) for r in results) == [0, 0, 1]
    [(user_id, last_seen)] = next(r for r in results if r)
    assert user_id == 7 and 0 < time.time() - last_seen < 5
    _, found = await workers[1].lookup([7])
    assert found == {7: (False, pytest.approx(last_seen))}
    if layer == "redis":
        for w in workers:
            await w.aclose()
