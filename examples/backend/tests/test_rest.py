import pytest
from rest_framework.test import APIClient

from social.models import FriendRequest

from .conftest import api_as, expired_token_for, make_friends

pytestmark = pytest.mark.django_db


def test_signup_login_me_refresh():
    c = APIClient()
    r = c.post(
        "/api/auth/signup/",
        {"email": "Dee@Example.com", "username": "dee", "password": "s3cret",
         "first_name": "Dee", "last_name": "Dunn"},
        format="json",
    )
    assert r.status_code == 201, r.content
    user = r.json()
    assert user == {"id": user["id"], "username": "dee", "email": "dee@example.com",
                    "first_name": "Dee", "last_name": "Dunn"}

    # duplicate email / username
    r = c.post("/api/auth/signup/", {"email": "dee@example.com", "username": "dee", "password": "x"},
               format="json")
    assert r.status_code == 400
    assert "email" in r.json() and "username" in r.json()

    assert c.post("/api/auth/login/", {"email": "dee@example.com", "password": "nope"},
                  format="json").status_code == 401
    assert c.post("/api/auth/login/", {"email": "nobody@example.com", "password": "s3cret"},
                  format="json").status_code == 401
    r = c.post("/api/auth/login/", {"email": "DEE@example.com", "password": "s3cret"}, format="json")
    assert r.status_code == 200
    tokens = r.json()
    assert set(tokens) == {"access", "refresh"}

    assert c.get("/api/auth/me/").status_code == 401
    c.credentials(HTTP_AUTHORIZATION="Bearer " + tokens["access"])
    assert c.get("/api/auth/me/").json() == user
    c.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    assert c.get("/api/auth/me/").status_code == 401
    c.credentials()

    r = c.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert r.status_code == 200
    rotated = r.json()
    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != tokens["refresh"]
    assert c.post("/api/auth/token/refresh/", {"refresh": "garbage"}, format="json").status_code == 401
    # an access token is not a refresh token
    assert c.post("/api/auth/token/refresh/", {"refresh": tokens["access"]},
                  format="json").status_code == 401


def test_expired_access_token_is_401(users):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION="Bearer " + expired_token_for(users["alice"]))
    assert c.get("/api/auth/me/").status_code == 401


def test_deleted_user_token_is_401(users):
    c = api_as(users["carol"])
    users["carol"].delete()
    assert c.get("/api/auth/me/").status_code == 401


def test_user_search(users):
    c = api_as(users["alice"])
    names = [u["username"] for u in c.get("/api/users/").json()]
    assert names == ["bob", "carol"]  # not myself
    r = c.get("/api/users/", {"search": "BO"}).json()
    assert r == [{"id": users["bob"].id, "username": "bob", "first_name": "Bob", "last_name": "Brown"}]


def test_friend_flow(users):
    alice, bob = users["alice"], users["bob"]
    a, b = api_as(alice), api_as(bob)
    r = a.post(f"/api/friends/request/{bob.id}/")
    assert r.status_code == 201
    fr = r.json()
    assert fr["status"] == "pending"
    assert fr["from_user"]["id"] == alice.id and fr["to_user"]["id"] == bob.id
    assert a.post(f"/api/friends/request/{bob.id}/").status_code == 400  # already pending
    assert b.post(f"/api/friends/request/{alice.id}/").status_code == 400  # reverse pending
    assert a.post(f"/api/friends/request/{alice.id}/").status_code == 400  # self
    assert a.post("/api/friends/request/99999/").status_code == 404

    pending = b.get("/api/friends/requests/").json()
    assert [p["id"] for p in pending] == [fr["id"]]
    assert pending[0]["from_user"] == {"id": alice.id, "username": "alice",
                                       "first_name": "Alice", "last_name": "Anders"}
    assert "created_at" in pending[0]
    assert a.get("/api/friends/requests/").json() == []

    assert a.post(f"/api/friends/accept/{fr['id']}/").status_code == 404  # not the recipient
    r = b.post(f"/api/friends/accept/{fr['id']}/")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert b.post(f"/api/friends/accept/{fr['id']}/").status_code == 404  # no longer pending
    assert [f["id"] for f in a.get("/api/friends/").json()] == [bob.id]
    assert [f["id"] for f in b.get("/api/friends/").json()] == [alice.id]
    assert a.post(f"/api/friends/request/{bob.id}/").status_code == 400  # already friends


def test_decline(users):
    alice, carol = users["alice"], users["carol"]
    fr = api_as(alice).post(f"/api/friends/request/{carol.id}/").json()
    r = api_as(carol).post(f"/api/friends/decline/{fr['id']}/")
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert api_as(carol).get("/api/friends/requests/").json() == []
    assert api_as(alice).get("/api/friends/").json() == []
    # may ask again after a decline
    assert api_as(alice).post(f"/api/friends/request/{carol.id}/").status_code == 201


def test_messages(users):
    alice, bob = users["alice"], users["bob"]
    a, b = api_as(alice), api_as(bob)
    r = a.post("/api/messages/", {"receiver_id": bob.id, "content": "hello bob"}, format="json")
    assert r.status_code == 201
    m = r.json()
    assert m["sender"] == {"id": alice.id, "username": "alice"}
    assert m["receiver"] == {"id": bob.id, "username": "bob"}
    assert m["content"] == "hello bob" and m["created_at"].endswith("+00:00")
    b.post("/api/messages/", {"receiver_id": alice.id, "content": "hi alice"}, format="json")
    conv = a.get(f"/api/messages/conversation/{bob.id}/").json()
    assert [x["content"] for x in conv] == ["hello bob", "hi alice"]
    assert b.get(f"/api/messages/conversation/{alice.id}/").json() == conv
    assert a.post("/api/messages/", {"receiver_id": bob.id, "content": ""}, format="json").status_code == 400
    assert a.post("/api/messages/", {"content": "x"}, format="json").status_code == 400
    assert a.post("/api/messages/", {"receiver_id": 9999, "content": "x"}, format="json").status_code == 404


def test_posts_feed_and_comments(users):
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    make_friends(alice, bob)
    a = api_as(alice)
    r = a.post("/api/posts/", {"content": "first!"}, format="json")
    assert r.status_code == 201
    p = r.json()
    assert p["author"] == {"id": alice.id, "username": "alice", "email": "alice@example.com",
                           "first_name": "Alice", "last_name": "Anders",
                           "date_joined": alice.date_joined.isoformat(), "profile_picture": None}
    assert p["author"]["date_joined"].endswith("+00:00")
    assert p["type"] == "thoughts" and p["wall_user"] is None
    assert a.post("/api/posts/", {"content": "x", "type": "bogus"}, format="json").status_code == 400
    assert a.post("/api/posts/", {"content": ""}, format="json").status_code == 400
    w = a.post("/api/posts/", {"content": "on your wall", "wall_user_id": carol.id}, format="json").json()
    assert w["wall_user"] == {"id": carol.id, "username": "carol"}
    assert [x["id"] for x in api_as(bob).get("/api/posts/").json()] == [w["id"], p["id"]]
    assert [x["id"] for x in api_as(carol).get("/api/posts/").json()] == [w["id"]]

    r = api_as(bob).post(f"/api/posts/{p['id']}/comments/", {"content": "nice"}, format="json")
    assert r.status_code == 201
    c = r.json()
    assert c["post_id"] == p["id"] and c["author"]["id"] == bob.id and c["content"] == "nice"
    assert [x["id"] for x in a.get(f"/api/posts/{p['id']}/comments/").json()] == [c["id"]]
    assert a.post("/api/posts/9999/comments/", {"content": "x"}, format="json").status_code == 404


def test_requires_auth():
    c = APIClient()
    for path in ["/api/users/", "/api/friends/", "/api/friends/requests/", "/api/posts/",
                 "/api/messages/conversation/1/"]:
        assert c.get(path).status_code == 401, path
    assert c.post("/api/messages/", {}, format="json").status_code == 401
    assert c.get("/api/health/").json() == {"status": "ok"}


def test_cors_preflight_allows_authorization():
    r = APIClient().options(
        "/api/auth/me/",
        HTTP_ORIGIN="http://localhost:5173",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert r.status_code == 200
    assert r["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in r["Access-Control-Allow-Headers"]


def test_friend_ids_helper(users):
    make_friends(users["alice"], users["bob"])
    make_friends(users["carol"], users["alice"])
    assert FriendRequest.friend_ids(users["alice"].id) == {users["bob"].id, users["carol"].id}
    assert FriendRequest.friend_ids(users["bob"].id) == {users["alice"].id}
