import asyncio
import json
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
import redis
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from numeneon.asgi import application


@pytest.fixture(autouse=True)
def fresh_channel_layer(settings):
    # In-memory layer per test: its queues belong to the test's event loop.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.REDIS_URL = ""
    # Tests speak the live protocol unless they ask for the extensions (the `extensions` fixture).
    settings.NUMENEON_FEATURES = []
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture
def extensions(settings):
    settings.NUMENEON_FEATURES = list(settings.KNOWN_FEATURES)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A throw-away redis-server on a free port for the whole run: its URL."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed: the Redis variants of the tests need it")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {port}")
                time.sleep(0.02)
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["memory", "redis"])
async def layer(request, settings):
    """Run the test on the in-memory channel layer (presence state in this process) and on Redis."""
    from social import presence

    if request.param == "redis":
        url = request.getfixturevalue("redis_server")
        with redis.Redis.from_url(url) as client:
            client.flushall()
        settings.REDIS_URL = url
        settings.CHANNEL_LAYERS = {
            "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}
        }
        channel_layers.backends = {}
    yield request.param
    await presence.reset()


def make_user(username, first="", last=""):
    return get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password="pw-" + username,
        first_name=first,
        last_name=last,
    )


def token_for(user, lifetime=None):
    tok = AccessToken.for_user(user)
    if lifetime is not None:
        tok.set_exp(lifetime=lifetime)
    return str(tok)


def expired_token_for(user):
    return token_for(user, lifetime=-timedelta(seconds=5))


def api_as(user):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return c


@pytest.fixture
def users(db):
    return {
        "alice": make_user("alice", "Alice", "Anders"),
        "bob": make_user("bob", "Bob", "Brown"),
        "carol": make_user("carol", "Carol", "Clark"),
    }


def make_friends(a, b):
    from social.models import FriendRequest

    FriendRequest.objects.create(from_user=a, to_user=b, status=FriendRequest.ACCEPTED)


class Socket:
    """A WebsocketCommunicator that reads JSON text frames."""

    def __init__(self, path, subprotocols=None):
        self.comm = WebsocketCommunicator(application, path, subprotocols=subprotocols)

    async def connect(self):
        return await self.comm.connect(timeout=3)

    async def recv(self, timeout=2):
        return json.loads(await self.comm.receive_from(timeout=timeout))

    async def send(self, obj_or_text):
        text = obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text)
        await self.comm.send_to(text_data=text)

    async def nothing(self, timeout=0.2):
        return await self.comm.receive_nothing(timeout=timeout)

    async def close(self):
        await self.comm.disconnect()


async def open_socket(user):
    """Connect as user and consume connection_established."""
    tok = await sync_to_async(token_for)(user)
    s = Socket(f"/ws/notifications/?token={tok}")
    connected, _ = await s.connect()
    assert connected
    hello = await s.recv()
    assert hello["type"] == "connection_established"
    return s


async def open_with_presence(user):
    """Connect as user with the extensions on: (socket, connection_established, presence_snapshot data)."""
    tok = await sync_to_async(token_for)(user)
    s = Socket(f"/ws/notifications/?token={tok}")
    connected, _ = await s.connect()
    assert connected
    hello, snapshot = await s.recv(), await s.recv()
    assert hello["type"] == "connection_established" and snapshot["type"] == "presence_snapshot"
    return s, hello, snapshot["data"]


async def close_all(*sockets):
    # At once: on channels_redis a socket's teardown can take the communicator's whole 1 s wait.
    await asyncio.gather(*(s.close() for s in sockets))


def call(method, user, path, data=None):
    """REST call as user, in a worker thread (safe from async tests)."""

    def do():
        c = api_as(user)
        return getattr(c, method)(path, data, format="json")

    return sync_to_async(do)()
