"""The notification WebSocket, ``ws/notifications/``, as the live NUMENEON server speaks it.

Token: ``?token=<access JWT>`` or, for clients that cannot put it in the URL, the
subprotocol pair ``["numeneon.jwt", "<access JWT>"]`` (the handshake then answers with
subprotocol ``numeneon.jwt``). The query parameter wins when both are given.

A bad, missing or expired token, or a deleted/inactive user, gets ``close(4001)`` BEFORE
``accept()``: Daphne turns that into an HTTP 403 handshake rejection (clients see 1006).

Resume extension (``NUMENEON_RESUME=1``): frames carry a top-level ``event_id``; a client that
connects with ``?last_event_id=N`` gets ``"resume": "ok"`` in connection_established followed by the
frames it missed (then live ones, without repeats), or ``"resume": "gap"`` when the history no longer
reaches back that far (it must re-fetch over REST). Without the parameter: ``"resume": "none"`` and the
current ``last_event_id``. Clients that know nothing of it ignore the extra fields.

Other opt-in extensions (settings.NUMENEON_FEATURES, listed in connection_established's ``features``; README:
Protocol extensions): presence (social/presence.py), typing indicators and read receipts (``typing`` and
``mark_read`` client frames, handled here instead of echoed).
"""
import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken

from . import presence, receipts, volatile
from .events import current_seq, frames_between, replay_plan, user_group
from .models import FriendRequest

SUBPROTOCOL = "numeneon.jwt"
HANDLED = {"typing": "typing", "mark_read": "read_receipts"}  # client frame type -> the feature handling it
TYPING_INTERVAL_S = 1.0  # at most one relayed "typing: true" per (sender, recipient) in this time


def object_id(value):
    """value if it is a plausible database id (a positive int, not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


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


def last_seen_from_scope(scope):
    qs = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    raw = (qs.get("last_event_id") or [""])[0]
    return int(raw) if raw.isdigit() else None


class NotificationConsumer(AsyncWebsocketConsumer):
    group = None
    sent_through = None  # resume: the highest event id sent on this socket (None: extension off)
    presence = None  # presence: this socket's connection entry (None: extension off)

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
        established = {
            "type": "connection_established",
            "message": f"Connected as {user.username}",
            "user_id": user.id,
        }
        features = settings.NUMENEON_FEATURES
        if features:
            established["features"] = list(features)
        replay = await self.resume_plan(established) if settings.RESUME["ENABLED"] else []
        await self.send_json(established)
        if "presence" in features:
            # In the group before the snapshot is read: a later change arrives as a presence frame after it.
            self.presence = presence.Connection(user.id, self.channel_name)
            await self.presence.open()
            await self.send_json(await presence.snapshot(user.id))
        for seq, text in replay:
            await self.send(text_data=text)
            self.sent_through = seq

    async def resume_plan(self, established):
        """Resume extension: fill in established's fields; the frames to replay after it."""
        # Joined the group before reading the history: nothing committed from now on can be missed,
        # and what is both replayed and delivered live is sent once (push_frame skips it).
        last_seen = last_seen_from_scope(self.scope)
        if last_seen is None:
            self.sent_through = await database_sync_to_async(current_seq)(self.user.id)
            established.update(resume="none", last_event_id=self.sent_through)
            return []
        verdict, frames = await database_sync_to_async(replay_plan)(self.user.id, last_seen)
        established["resume"] = verdict
        self.sent_through = last_seen
        return frames

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.presence is not None:
            await self.presence.close()

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
        kind = data.get("type") if isinstance(data, dict) else None
        if isinstance(kind, str) and HANDLED.get(kind) in settings.NUMENEON_FEATURES:
            await getattr(self, "on_" + kind)(data.get("data"))
            return
        await self.send_json({"type": "echo", "data": data})

    async def on_typing(self, data):
        """Typing extension: relay to every socket of a friend (never stored); malformed frames are dropped."""
        if not isinstance(data, dict) or not isinstance(data.get("typing"), bool):
            return
        to, typing = object_id(data.get("to")), data["typing"]
        if to is None or not await database_sync_to_async(FriendRequest.are_friends)(self.user.id, to):
            return
        # "typing: false" always passes, so a stop is never lost to the limit.
        if typing and not await volatile.state().allow_typing(self.user.id, to, TYPING_INTERVAL_S):
            return
        frame = {"type": "typing", "data": {"user_id": self.user.id, "typing": typing}}
        await self.channel_layer.group_send(user_group(to), {"type": "push.frame", "frame": frame})

    async def on_mark_read(self, data):
        """Read receipts extension: the same as POST /api/messages/read/<with>/; malformed frames are dropped."""
        if not isinstance(data, dict):
            return
        other, up_to = object_id(data.get("with")), object_id(data.get("up_to"))
        if other is not None and up_to is not None:
            await database_sync_to_async(receipts.advance)(self.user.id, other, up_to)

    async def push_frame(self, event):
        """Channel-layer handler for ``{"type": "push.frame", "frame": {...}}``.

        With the resume extension a socket gets a user's frames strictly in event_id order, each once:
        frames from concurrent requests can reach the channel layer out of order, and a client that saw
        N+1 before N and then lost the link would resume after N+1 and never see N. So a frame ahead of
        the next expected id first pulls the ones in between from the history.
        """
        frame = event["frame"]
        seq = frame.get("event_id")
        if self.sent_through is None or seq is None:
            await self.send_json(frame)
            return
        if seq <= self.sent_through:
            return  # already sent (replayed, or pulled in ahead of its own delivery)
        if seq > self.sent_through + 1:
            for earlier, text in await database_sync_to_async(frames_between)(self.user.id, self.sent_through, seq):
                await self.send(text_data=text)
                self.sent_through = earlier
        await self.send_json(frame)
        self.sent_through = seq

    async def presence_about(self, event):
        """Channel-layer handler for ``{"type": "presence.about", "user_id": n}`` (a new friend): their presence."""
        [data] = await presence.entries([event["user_id"]])
        await self.send_json({"type": "presence", "data": data})

    async def send_json(self, obj):
        # json.dumps defaults (", " and ": "), byte for byte what the live server sends.
        await self.send(text_data=json.dumps(obj))
