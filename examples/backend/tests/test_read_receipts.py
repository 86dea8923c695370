"""Read receipts extension, on the in-memory layer and on Redis: socket and REST, monotonic, ignored ids."""
import pytest
from asgiref.sync import sync_to_async

from .conftest import close_all, call, make_user, open_socket

pytestmark = pytest.mark.django_db(transaction=True)  # async tests: asyncio_mode = auto


@pytest.fixture
def receipts_only(settings):
    settings.NUMENEON_FEATURES = ["read_receipts"]  # no presence frames in between


async def send_messages(sender, receiver, n):
    ids = []
    for i in range(n):
        r = await call("post", sender, "/api/messages/", {"receiver_id": receiver.id, "content": f"m{i}"})
        ids.append(r.json()["id"])
    return ids


def mark_read(other, up_to):
    return {"type": "mark_read", "data": {"with": other.id, "up_to": up_to}}


def read_frame(frame, reader, up_to):
    assert frame["type"] == "message_read" and set(frame["data"]) == {"reader_id", "up_to", "read_at"}
    assert (frame["data"]["reader_id"], frame["data"]["up_to"]) == (reader.id, up_to)
    assert frame["data"]["read_at"].endswith("+00:00")
    return frame["data"]


async def test_marks_move_forward_only_and_tell_the_sender(users, receipts_only, layer):
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    a1, a2, sb = await open_socket(alice), await open_socket(alice), await open_socket(bob)
    m1, m2, m3 = await send_messages(alice, bob, 3)
    for _ in range(3):
        assert (await sb.recv())["type"] == "new_message"
    await sb.send(mark_read(alice, m2))
    read_frame(await a1.recv(), bob, m2)
    read_frame(await a2.recv(), bob, m2)
    for up_to in (m2, m1):  # equal or older: the mark stays, nobody is told
        await sb.send(mark_read(alice, up_to))
    assert await a1.nothing() and await sb.nothing()  # and mark_read is not echoed
    await sb.send(mark_read(alice, m3))
    last = read_frame(await a1.recv(), bob, m3)
    read_frame(await a2.recv(), bob, m3)

    r = await call("get", alice, f"/api/messages/read/{bob.id}/")
    assert r.json() == {"mine": None, "theirs": m3, "theirs_read_at": last["read_at"]}
    r = await call("get", bob, f"/api/messages/read/{alice.id}/")
    assert r.json() == {"mine": m3, "theirs": None, "theirs_read_at": None}
    await close_all(a1, a2, sb)


async def test_ids_that_are_not_their_messages_to_me_are_ignored(users, receipts_only, layer):
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    sa, sb, sc = await open_socket(alice), await open_socket(bob), await open_socket(carol)
    [mine_to_alice] = await send_messages(bob, alice, 1)
    [alice_to_carol] = await send_messages(alice, carol, 1)
    await sa.recv()
    await sc.recv()
    for frame in (mark_read(alice, mine_to_alice), mark_read(alice, alice_to_carol), mark_read(alice, 999999),
                  mark_read(bob, mine_to_alice), {"type": "mark_read", "data": {"with": alice.id, "up_to": "1"}},
                  {"type": "mark_read", "data": {"with": alice.id}}, {"type": "mark_read", "data": None}):
        await sb.send(frame)
    assert await sa.nothing() and await sb.nothing() and await sc.nothing()
    r = await call("get", bob, f"/api/messages/read/{alice.id}/")
    assert r.json() == {"mine": None, "theirs": None, "theirs_read_at": None}
    await close_all(sa, sb, sc)


async def test_rest_marks_the_same_way(users, receipts_only, layer):
    alice, bob = users["alice"], users["bob"]
    sa = await open_socket(alice)
    m1, m2 = await send_messages(alice, bob, 2)
    path = f"/api/messages/read/{alice.id}/"
    r = await call("post", bob, path, {"up_to": m2})
    assert r.status_code == 200 and r.json() == {"up_to": m2}
    read_frame(await sa.recv(), bob, m2)
    assert (await call("post", bob, path, {"up_to": m1})).json() == {"up_to": m2}  # never back
    assert (await call("post", bob, path, {"up_to": 999999})).json() == {"up_to": m2}
    assert await sa.nothing()
    dave = await sync_to_async(make_user)("dave")
    assert (await call("post", dave, path, {"up_to": m1})).json() == {"up_to": None}  # not a message to dave
    for bad in ({"up_to": "7"}, {"up_to": True}, {}, {"up_to": 1.5}):
        assert (await call("post", bob, path, bad)).status_code == 400
    assert (await call("get", bob, "/api/messages/read/999999/")).status_code == 404
    assert (await call("post", bob, "/api/messages/read/999999/", {"up_to": m1})).status_code == 404
    await sa.close()
