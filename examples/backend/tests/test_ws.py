import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from numeneon.asgi import application

from .conftest import Socket, call, expired_token_for, make_friends, open_socket, token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_connect_with_query_token(users):
    alice = users["alice"]
    tok = await sync_to_async(token_for)(alice)
    s = Socket(f"/ws/notifications/?token={tok}")
    connected, subprotocol = await s.connect()
    assert connected and subprotocol is None
    # The text itself, not just its value: json.dumps' default separators, as the live server.
    assert await s.comm.receive_from(timeout=2) == (
        f'{{"type": "connection_established", "message": "Connected as alice", "user_id": {alice.id}}}'
    )
    await s.close()


async def test_connect_with_subprotocol_token(users):
    tok = await sync_to_async(token_for)(users["bob"])
    s = Socket("/ws/notifications/", subprotocols=["numeneon.jwt", tok])
    connected, subprotocol = await s.connect()
    assert connected and subprotocol == "numeneon.jwt"
    hello = await s.recv()
    assert hello["type"] == "connection_established" and hello["user_id"] == users["bob"].id
    await s.close()


@pytest.mark.parametrize("query", ["", "?token=", "?token=garbage", "?token=a.b.c", "?foo=bar"])
async def test_bad_or_missing_token_rejected_with_4001(users, query):
    comm = WebsocketCommunicator(application, f"/ws/notifications/{query}")
    connected, code = await comm.connect(timeout=3)
    assert not connected and code == 4001  # close before accept -> Daphne: HTTP 403


async def test_expired_token_rejected(users):
    tok = await sync_to_async(expired_token_for)(users["alice"])
    connected, code = await WebsocketCommunicator(
        application, f"/ws/notifications/?token={tok}"
    ).connect(timeout=3)
    assert not connected and code == 4001


async def test_wrong_signature_rejected(users):
    tok = await sync_to_async(token_for)(users["alice"])
    head, body, sig = tok.split(".")
    forged = f"{head}.{body}.{sig[:-4]}AAAA"
    connected, code = await WebsocketCommunicator(
        application, f"/ws/notifications/?token={forged}"
    ).connect(timeout=3)
    assert not connected and code == 4001


async def test_deleted_user_rejected(users):
    tok = await sync_to_async(token_for)(users["carol"])
    await sync_to_async(users["carol"].delete)()
    connected, code = await WebsocketCommunicator(
        application, f"/ws/notifications/?token={tok}"
    ).connect(timeout=3)
    assert not connected and code == 4001


async def test_refresh_token_is_not_accepted_on_socket(users):
    from rest_framework_simplejwt.tokens import RefreshToken

    tok = await sync_to_async(lambda: str(RefreshToken.for_user(users["alice"])))()
    connected, code = await WebsocketCommunicator(
        application, f"/ws/notifications/?token={tok}"
    ).connect(timeout=3)
    assert not connected and code == 4001


async def test_echo_and_invalid_json(users):
    s = await open_socket(users["alice"])
    await s.send({"type": "ping", "n": 1})
    assert await s.recv() == {"type": "echo", "data": {"type": "ping", "n": 1}}
    await s.send("{not json")
    assert await s.recv() == {"type": "error", "message": "Invalid JSON"}
    await s.send("42")  # any valid JSON is echoed
    assert await s.recv() == {"type": "echo", "data": 42}
    await s.send({"type": "ping", "text": "h\u00e9"})
    assert await s.comm.receive_from(timeout=2) == '{"type": "echo", "data": {"type": "ping", "text": "h\\u00e9"}}'
    await s.send({"type": "ping", "n": 2})  # still open
    assert await s.recv() == {"type": "echo", "data": {"type": "ping", "n": 2}}
    await s.close()


async def test_binary_frame_closes_1011(users):
    s = await open_socket(users["alice"])
    await s.comm.send_to(bytes_data=b"\x00\x01")
    out = await s.comm.receive_output(timeout=2)
    assert out == {"type": "websocket.close", "code": 1011}


async def test_friend_request_and_accept(users):
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    sa, sb, sc = await open_socket(alice), await open_socket(bob), await open_socket(carol)

    r = await call("post", alice, f"/api/friends/request/{bob.id}/")
    assert r.status_code == 201
    frame = await sb.recv()
    assert frame == {
        "type": "friend_request",
        "data": {
            "request_id": r.json()["id"],
            "from_user": {"id": alice.id, "username": "alice", "first_name": "Alice", "last_name": "Anders"},
        },
    }
    assert await sa.nothing() and await sc.nothing()

    r = await call("post", bob, f"/api/friends/accept/{frame['data']['request_id']}/")
    assert r.status_code == 200
    assert await sa.recv() == {
        "type": "friend_accepted",
        "data": {"friend": {"id": bob.id, "username": "bob", "first_name": "Bob", "last_name": "Brown"}},
    }
    assert await sb.nothing()  # the accepting user gets nothing
    assert await sc.nothing()

    # decline pushes nothing
    r = await call("post", carol, f"/api/friends/request/{alice.id}/")
    assert (await sa.recv())["type"] == "friend_request"
    await call("post", alice, f"/api/friends/decline/{r.json()['id']}/")
    assert await sc.nothing() and await sa.nothing()
    for s in (sa, sb, sc):
        await s.close()


async def test_message_to_receiver_only_and_every_tab(users):
    alice, bob = users["alice"], users["bob"]
    sa = await open_socket(alice)
    sb1, sb2 = await open_socket(bob), await open_socket(bob)
    r = await call("post", alice, "/api/messages/", {"receiver_id": bob.id, "content": "hello bob"})
    assert r.status_code == 201
    m = r.json()
    expected = {
        "type": "new_message",
        "data": {"id": m["id"], "sender": {"id": alice.id, "username": "alice"},
                 "content": "hello bob", "created_at": m["created_at"]},
    }
    assert await sb1.recv() == expected
    assert await sb2.recv() == expected
    assert await sa.nothing()
    for s in (sa, sb1, sb2):
        await s.close()


async def test_new_post_and_wall_post(users):
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    await sync_to_async(make_friends)(alice, bob)
    sa, sb, sc = await open_socket(alice), await open_socket(bob), await open_socket(carol)

    r = await call("post", alice, "/api/posts/", {"content": "hello friends", "type": "thoughts"})
    post = r.json()
    assert await sb.recv() == {"type": "new_post", "data": post}
    assert set(post) >= {"id", "author", "content", "type", "created_at"}
    assert post["author"] == {"id": alice.id, "username": "alice", "email": "alice@example.com",
                              "first_name": "Alice", "last_name": "Anders",
                              "date_joined": alice.date_joined.isoformat(), "profile_picture": None}
    assert await sa.nothing() and await sc.nothing()  # carol is not a friend

    r = await call("post", alice, "/api/posts/", {"content": "hi carol", "wall_user_id": carol.id})
    post = r.json()
    assert await sc.recv() == {
        "type": "wall_post",
        "data": {"message": "alice posted on your wall", "post": post,
                 "author": {"id": alice.id, "username": "alice"}},
    }
    assert await sb.recv() == {"type": "new_post", "data": post}
    assert await sa.nothing()
    for s in (sa, sb, sc):
        await s.close()


async def test_post_comment_and_mentions(users):
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    sa, sb, sc = await open_socket(alice), await open_socket(bob), await open_socket(carol)
    post = (await call("post", alice, "/api/posts/", {"content": "my post"})).json()

    r = await call("post", bob, f"/api/posts/{post['id']}/comments/",
                   {"content": "nice one @carol and @CAROL, cc @nobody @bob"})
    assert r.status_code == 201
    comment = r.json()
    frame = await sa.recv()
    assert frame == {
        "type": "post_comment",
        "data": {
            "message": "bob commented on your post",
            "commenter": {"id": bob.id, "username": "bob", "first_name": "Bob", "last_name": "Brown"},
            "post": post,
            "comment": comment,
        },
    }
    assert await sc.recv() == {
        "type": "comment_reply",
        "data": {
            "message": "bob mentioned you in a reply",
            "replier": {"id": bob.id, "username": "bob", "first_name": "Bob", "last_name": "Brown"},
            "reply": {"content": comment["content"], "id": comment["id"]},
            "post": {"id": post["id"]},
            "mentioned_username": "carol",
        },
    }
    assert await sc.nothing()  # mentioned twice, told once
    assert await sb.nothing()  # self-mention ignored

    # the author commenting on their own post: no post_comment
    await call("post", alice, f"/api/posts/{post['id']}/comments/", {"content": "thanks"})
    assert await sa.nothing() and await sb.nothing() and await sc.nothing()
    for s in (sa, sb, sc):
        await s.close()


async def test_no_frames_after_disconnect(users):
    alice, bob = users["alice"], users["bob"]
    sb = await open_socket(bob)
    await sb.close()
    r = await call("post", alice, "/api/messages/", {"receiver_id": bob.id, "content": "lost"})
    assert r.status_code == 201
    sb2 = await open_socket(bob)  # nothing is replayed
    assert await sb2.nothing()
    await sb2.close()
    await asyncio.sleep(0)
