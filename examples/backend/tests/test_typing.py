"""Typing extension, on the in-memory layer and on Redis: friends only, every tab, the rate limit, the stop."""
import asyncio

import pytest
from asgiref.sync import sync_to_async

from social import consumers

from .conftest import close_all, make_friends, make_user, open_socket

pytestmark = pytest.mark.django_db(transaction=True)  # async tests: asyncio_mode = auto


@pytest.fixture
def typing_only(settings):
    settings.NUMENEON_FEATURES = ["typing"]  # no presence frames in between


def typing(to, on):
    return {"type": "typing", "data": {"to": to.id, "typing": on}}


def relayed(sender, on):
    return {"type": "typing", "data": {"user_id": sender.id, "typing": on}}


async def test_relayed_to_every_socket_of_a_friend_only(users, typing_only, layer):
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    await sync_to_async(make_friends)(alice, bob)
    a1, a2, b1, b2, c = [await open_socket(u) for u in (alice, alice, bob, bob, carol)]
    await a1.send(typing(bob, True))
    assert await b1.recv() == relayed(alice, True)
    assert await b2.recv() == relayed(alice, True)
    assert await a1.nothing() and await a2.nothing() and await c.nothing()  # no echo, not the sender's tabs
    await a2.send(typing(bob, False))
    assert await b1.recv() == relayed(alice, False) and await b2.recv() == relayed(alice, False)
    await close_all(a1, a2, b1, b2, c)


async def test_nothing_to_a_non_friend_and_malformed_frames_are_dropped(users, typing_only, layer):
    alice, bob = users["alice"], users["bob"]
    dave = await sync_to_async(make_user)("dave")
    await sync_to_async(make_friends)(alice, bob)
    sa, sb, sd = await open_socket(alice), await open_socket(bob), await open_socket(dave)
    await sd.send(typing(alice, True))
    for data in ({"to": bob.id}, {"to": bob.id, "typing": 1}, {"to": str(bob.id), "typing": True},
                 {"to": alice.id, "typing": True}, {"typing": True}, [bob.id], None):
        await sa.send({"type": "typing", "data": data})
    assert await sa.nothing() and await sb.nothing() and await sd.nothing()
    await sa.send({"type": "ping"})  # the socket still echoes everything else
    assert await sa.recv() == {"type": "echo", "data": {"type": "ping"}}
    await close_all(sa, sb, sd)


async def test_at_most_one_typing_true_per_interval_and_a_stop_always_passes(users, typing_only, layer, monkeypatch):
    assert consumers.TYPING_INTERVAL_S == 1.0
    monkeypatch.setattr(consumers, "TYPING_INTERVAL_S", 0.3)  # the same rule, a shorter wait for the test
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    await sync_to_async(make_friends)(alice, bob)
    await sync_to_async(make_friends)(alice, carol)
    sa, sb, sc = await open_socket(alice), await open_socket(bob), await open_socket(carol)
    for _ in range(3):
        await sa.send(typing(bob, True))
    await sa.send(typing(carol, True))  # limited per recipient: carol's first passes
    assert await sb.recv() == relayed(alice, True)
    assert await sc.recv() == relayed(alice, True)
    assert await sb.nothing(timeout=0.1)  # the two extra ones were dropped
    await sa.send(typing(bob, False))
    await sa.send(typing(bob, False))
    assert await sb.recv() == relayed(alice, False) and await sb.recv() == relayed(alice, False)
    await sa.send(typing(bob, True))  # still within the interval
    assert await sb.nothing(timeout=0.1)
    await asyncio.sleep(0.3)
    await sa.send(typing(bob, True))
    assert await sb.recv() == relayed(alice, True)
    assert await sa.nothing() and await sc.nothing()
    await close_all(sa, sb, sc)
