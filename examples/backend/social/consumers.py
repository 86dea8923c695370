"""The notification WebSocket, ``ws/notifications/``, as the live NUMENEON server speaks it.

Token: ``?token=<access JWT>`` or, for clients that cannot put it in the URL, the
subprotocol pair ``["numeneon.jwt", "<access JWT>"]`` (the handshake then answers with
subprotocol ``numeneon.jwt``). The query parameter wins when both are given.

A bad, missing or expired token, or a deleted/inactive user, gets ``close(4001)`` BEFORE
``accept()``: Daphne turns that into an HTTP 403 handshake rejection (clients see 1006).
"""
import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken

from .events import user_group

SUBPROTOCOL = "numeneon.jwt"


def token_from_scope(scope):
    """Return (token, offered_our_subprotocol)."""
    qs = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    token = (qs.get("token") or [""])[0].strip()
    offered = list(scope.get("subprotocols") or [])
    ours = SUBPROTOCOL in offered
    if not token and ours:
        others = [p for p in offered if p != SUBPROTOCOL]
        token = others[0] if others else ""
    return token, ours


@database_sync_to_async
def user_for_token(token):
    if not token:
        return None
    try:
        access = AccessToken(token)  # checks signature, expiry and token type
    except TokenError:
        return None
    user_id = access.get(api_settings.USER_ID_CLAIM)  # a string since simplejwt 5.5
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    return get_user_model().objects.filter(id=user_id, is_active=True).first()


class NotificationConsumer(AsyncWebsocketConsumer):
    group = None

    async def connect(self):
        token, ours = token_from_scope(self.scope)
        user = await user_for_token(token)
        if user is None:
            await self.close(code=4001)  # before accept(): Daphne answers HTTP 403
            return
        self.user = user
        self.group = user_group(user.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept(subprotocol=SUBPROTOCOL if ours else None)
        await self.send_json(
            {
                "type": "connection_established",
                "message": f"Connected as {user.username}",
                "user_id": user.id,
            }
        )

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            # The live server's handler fails on binary frames; Daphne closes with 1011.
            await self.close(code=1011)
            return
        try:
            data = json.loads(text_data)
        except ValueError:
            await self.send_json({"type": "error", "message": "Invalid JSON"})
            return
        await self.send_json({"type": "echo", "data": data})

    async def push_frame(self, event):
        """Channel-layer handler for ``{"type": "push.frame", "frame": {...}}``."""
        await self.send_json(event["frame"])

    async def send_json(self, obj):
        await self.send(text_data=json.dumps(obj, separators=(",", ":")))
