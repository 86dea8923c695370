"""NUMENEON_FEATURES: what connection_established advertises, and that "" is exactly the live protocol."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from .conftest import Socket, call, make_friends, token_for

pytestmark = pytest.mark.django_db(transaction=True)  # async tests: asyncio_mode = auto

BACKEND = Path(__file__).resolve().parent.parent


def features_from_env(value):
    env = {k: v for k, v in os.environ.items() if k != "NUMENEON_FEATURES"}
    if value is not None:
        env["NUMENEON_FEATURES"] = value
    code = "import json; from numeneon import settings; print(json.dumps(settings.NUMENEON_FEATURES))"
    out = subprocess.run([sys.executable, "-c", code], cwd=BACKEND, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("value, expected", [
    (None, ["presence", "typing", "read_receipts"]),
    ("", []),
    (" read_receipts , presence,bogus", ["presence", "read_receipts"]),
])
def test_the_environment_variable(value, expected):
    assert features_from_env(value) == expected


async def hello(user):
    s = Socket(f"/ws/notifications/?token={await sync_to_async(token_for)(user)}")
    connected, _ = await s.connect()
    assert connected
    return s, await s.recv()


async def test_only_the_enabled_features_are_advertised(users, settings):
    settings.NUMENEON_FEATURES = ["typing"]
    s, established = await hello(users["alice"])
    assert established["type"] == "connection_established" and established["features"] == ["typing"]
    frame = {"type": "mark_read", "data": {"with": users["bob"].id, "up_to": 1}}
    await s.send(frame)
    assert await s.recv() == {"type": "echo", "data": frame}  # no presence_snapshot first; not handled
    await s.close()


async def test_with_no_features_the_server_is_the_upstream_one(users, settings):
    settings.NUMENEON_FEATURES = []
    alice, bob = users["alice"], users["bob"]
    await sync_to_async(make_friends)(alice, bob)
    sa, established = await hello(alice)
    assert set(established) == {"type", "message", "user_id"}
    sb, _ = await hello(bob)
    assert await sa.nothing()  # no presence
    for frame in ({"type": "typing", "data": {"to": alice.id, "typing": True}},
                  {"type": "mark_read", "data": {"with": alice.id, "up_to": 1}}):
        await sb.send(frame)
        assert await sb.recv() == {"type": "echo", "data": frame}
    assert await sa.nothing()
    assert (await call("get", bob, f"/api/messages/read/{alice.id}/")).status_code == 404
    assert (await call("post", bob, f"/api/messages/read/{alice.id}/", {"up_to": 1})).status_code == 404
    await sa.close()
    await sb.close()
