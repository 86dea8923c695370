import json
from datetime import timedelta

import pytest
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
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


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


def call(method, user, path, data=None):
    """REST call as user, in a worker thread (safe from async tests)."""

    def do():
        c = api_as(user)
        return getattr(c, method)(path, data, format="json")

    return sync_to_async(do)()
