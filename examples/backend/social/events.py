"""Server -> client push frames, sent through the channel layer to group ``user_<id>``.

Every open socket of a user joins that group, so every tab gets every frame. Frames are
sent when the surrounding transaction commits (immediately in autocommit mode), which is
why a frame usually reaches the client before the HTTP response of the request that
caused it, as on the live server.
"""
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id):
    return f"user_{user_id}"


def push(user_id, frame_type, data):
    """Queue ``{"type": frame_type, "data": data}`` for every socket of ``user_id`` on commit."""
    frame = {"type": frame_type, "data": data}

    def send():
        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "push.frame", "frame": frame})

    transaction.on_commit(send)
