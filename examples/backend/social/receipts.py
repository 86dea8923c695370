"""Read receipts extension: per (reader, other user), the newest of the other's messages the reader has read.

A mark only moves forward, and only to a message the other user sent the reader; each move tells the other
user (every socket) with a ``message_read`` frame, a pushed frame like the others (with the resume
extension it gets an event id and is replayed). Used by the socket's ``mark_read`` frame and by REST.
"""
from django.db import transaction
from django.utils import timezone

from . import shapes
from .events import push
from .models import Message, ReadMark


def advance(reader_id, other_id, up_to):
    """reader has read other's messages up to message id up_to: move the mark forward; True if it moved."""
    if not Message.objects.filter(id=up_to, sender_id=other_id, receiver_id=reader_id).exists():
        return False
    now = timezone.now()
    with transaction.atomic():
        mark, created = ReadMark.objects.get_or_create(
            reader_id=reader_id, other_id=other_id, defaults={"up_to": up_to, "read_at": now}
        )
        # A conditional update, so two concurrent marks can't move it back.
        if not created and not ReadMark.objects.filter(pk=mark.pk, up_to__lt=up_to).update(up_to=up_to, read_at=now):
            return False
        push(other_id, "message_read", {"reader_id": reader_id, "up_to": up_to, "read_at": shapes.ts(now)})
    return True


def mark(reader_id, other_id):
    return ReadMark.objects.filter(reader_id=reader_id, other_id=other_id).first()


def state(me_id, other_id):
    """Both directions of a conversation, for REST: what I have read of theirs, what they have read of mine."""
    mine, theirs = mark(me_id, other_id), mark(other_id, me_id)
    return {
        "mine": mine.up_to if mine else None,
        "theirs": theirs.up_to if theirs else None,
        "theirs_read_at": shapes.ts(theirs.read_at) if theirs else None,
    }
