"""Server -> client push frames, sent through the channel layer to group ``user_<id>``.

Every open socket of a user joins that group, so every tab gets every frame. Frames are
sent when the surrounding transaction commits (immediately in autocommit mode), which is
why a frame usually reaches the client before the HTTP response of the request that
caused it, as on the live server.
"""
import json
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import PushCounter, PushEvent


def user_group(user_id):
    return f"user_{user_id}"


def push(user_id, frame_type, data):
    """Queue ``{"type": frame_type, "data": data}`` for every socket of ``user_id`` on commit."""
    frame = {"type": frame_type, "data": data}

    def send():
        if settings.RESUME["ENABLED"]:
            frame["event_id"] = record(user_id, frame)
        layer = get_channel_layer()
        if layer is None:
            return
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "push.frame", "frame": frame})

    transaction.on_commit(send)


def record(user_id, frame):
    """Resume extension: give the frame the user's next event id, keep it for replay, prune the history."""
    with transaction.atomic():
        PushCounter.objects.get_or_create(user_id=user_id)
        PushCounter.objects.filter(user_id=user_id).update(last_seq=F("last_seq") + 1)
        seq = PushCounter.objects.get(user_id=user_id).last_seq
        PushEvent.objects.create(user_id=user_id, seq=seq, frame=json.dumps({**frame, "event_id": seq}))
        limits = settings.RESUME
        cutoff = timezone.now() - timedelta(seconds=limits["HISTORY_AGE_S"])
        PushEvent.objects.filter(user_id=user_id, seq__lte=seq - limits["HISTORY_SIZE"]).delete()
        PushEvent.objects.filter(user_id=user_id, created_at__lt=cutoff).delete()
    return seq


def replay_plan(user_id, last_seen):
    """Resume extension: ("ok", frames after last_seen) when the history covers the gap, else ("gap", [])."""
    last_seq = PushCounter.objects.filter(user_id=user_id).values_list("last_seq", flat=True).first() or 0
    if last_seen >= last_seq:
        return "ok", []
    kept = list(PushEvent.objects.filter(user_id=user_id, seq__gt=last_seen).values_list("seq", "frame"))
    if not kept or kept[0][0] != last_seen + 1:
        return "gap", []
    return "ok", kept


def current_seq(user_id):
    return PushCounter.objects.filter(user_id=user_id).values_list("last_seq", flat=True).first() or 0


def frames_between(user_id, after, before):
    """Resume extension: the kept frames with after < seq < before, in order (to keep a socket in order)."""
    return list(
        PushEvent.objects.filter(user_id=user_id, seq__gt=after, seq__lt=before).values_list("seq", "frame")
    )
