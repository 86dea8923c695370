"""The opt-in resume extension: event ids, replay after a reconnect, gap detection, no repeats."""
import pytest
from asgiref.sync import sync_to_async

from .conftest import Socket, call, token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def resume(settings):
    settings.RESUME = {"ENABLED": True, "HISTORY_SIZE": 3, "HISTORY_AGE_S": 600}


async def connect(user, last_event_id=None):
    tok = await sync_to_async(token_for)(user)
    query = f"?token={tok}" + (f"&last_event_id={last_event_id}" if last_event_id is not None else "")
    s = Socket(f"/ws/notifications/{query}")
    connected, _ = await s.connect()
    assert connected
    return s, await s.recv()


async def message(sender, receiver, content):
    r = await call("post", sender, "/api/messages/", {"receiver_id": receiver.id, "content": content})
    assert r.status_code == 201


async def test_frames_carry_increasing_event_ids(users, resume):
    alice, bob = users["alice"], users["bob"]
    s, hello = await connect(bob)
    assert hello["resume"] == "none" and hello["last_event_id"] == 0
    await message(alice, bob, "one")
    await message(alice, bob, "two")
    first, second = await s.recv(), await s.recv()
    assert (first["event_id"], second["event_id"]) == (1, 2)
    assert first["type"] == "new_message" and first["data"]["content"] == "one"
    await s.close()
    s, _ = await connect(bob, last_event_id=1)
    replayed = await s.comm.receive_from(timeout=2)  # the stored text: default separators too
    assert replayed.startswith('{"type": "new_message", "data": {"id": ') and replayed.endswith(', "event_id": 2}')
    await s.close()


async def test_reconnect_replays_what_was_missed_then_live_frames(users, resume):
    alice, bob = users["alice"], users["bob"]
    s, _ = await connect(bob)
    await message(alice, bob, "seen")
    seen = await s.recv()
    await s.close()
    await message(alice, bob, "missed 1")
    await message(alice, bob, "missed 2")
    s, hello = await connect(bob, last_event_id=seen["event_id"])
    assert hello["resume"] == "ok"
    replayed = [await s.recv(), await s.recv()]
    assert [f["data"]["content"] for f in replayed] == ["missed 1", "missed 2"]
    await message(alice, bob, "live")
    live = await s.recv()
    assert live["data"]["content"] == "live" and live["event_id"] == replayed[-1]["event_id"] + 1
    assert await s.nothing()
    await s.close()


async def test_a_gap_older_than_the_history_is_reported(users, resume):
    alice, bob = users["alice"], users["bob"]
    for i in range(5):  # history keeps 3
        await message(alice, bob, f"m{i}")
    s, hello = await connect(bob, last_event_id=1)
    assert hello["resume"] == "gap"
    assert await s.nothing()
    await s.close()
    s, hello = await connect(bob, last_event_id=5)
    assert hello["resume"] == "ok"
    assert await s.nothing()
    await s.close()


async def test_without_the_extension_frames_are_exactly_the_live_protocol(users):
    alice, bob = users["alice"], users["bob"]
    s, hello = await connect(bob, last_event_id=3)
    assert set(hello) == {"type", "message", "user_id"}
    await message(alice, bob, "plain")
    frame = await s.recv()
    assert "event_id" not in frame
    await s.close()


async def test_a_socket_gets_frames_in_event_id_order_even_when_the_layer_reorders_them(users, resume, settings):
    settings.RESUME = {"ENABLED": True, "HISTORY_SIZE": 100, "HISTORY_AGE_S": 600}
    from channels.layers import get_channel_layer
    from social.events import record, user_group

    alice, bob = users["alice"], users["bob"]
    s, hello = await connect(bob, last_event_id=0)
    frames = []
    for n in (1, 2, 3):
        frame = {"type": "new_message", "data": {"id": n, "sender": {"id": alice.id, "username": "alice"}, "content": f"m{n}", "created_at": "t"}}
        frame["event_id"] = await sync_to_async(record)(bob.id, frame)
        frames.append(frame)
    layer = get_channel_layer()
    for frame in (frames[2], frames[0], frames[1]):  # as concurrent requests may deliver them
        await layer.group_send(user_group(bob.id), {"type": "push.frame", "frame": frame})
    got = [await s.recv(), await s.recv(), await s.recv()]
    assert [f["event_id"] for f in got] == [1, 2, 3]
    assert await s.nothing()
    await s.close()
