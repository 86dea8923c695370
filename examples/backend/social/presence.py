"""Presence extension: a user's friends learn when the user comes online or goes offline.

Online = at least one open socket (several tabs are one online user). Each open socket keeps a connection
entry in the volatile store (social/volatile.py) and refreshes it every TTL/3; closing the last one makes
the user offline. A worker killed without closing its sockets leaves entries that stop being refreshed:
every worker sweeps every TTL/3 for entries older than the TTL, so those users go offline for their friends
within TTL + TTL/3. Only friends are told (at the time of the change), and presence frames are never stored
for the resume extension: the snapshot after a (re)connect carries the state instead.
"""
import asyncio
import logging
from datetime import datetime, timezone

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from . import volatile
from .events import user_group
from .models import FriendRequest

log = logging.getLogger(__name__)


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).isoformat() if t is not None else None


def entry(user_id, online, last_seen):
    return {"user_id": user_id, "online": online, "last_seen": iso(last_seen)}


async def friends_of(user_id):
    return sorted(await database_sync_to_async(FriendRequest.friend_ids)(user_id))


async def entries(user_ids):
    """The current presence of user_ids; an online user's last_seen is now."""
    now, found = await volatile.state().lookup(user_ids)
    return [entry(u, online, now if online else seen) for u, (online, seen) in found.items()]


async def snapshot(user_id):
    """The presence_snapshot frame for a socket of user_id: every friend, online or not."""
    return {"type": "presence_snapshot", "data": {"users": await entries(await friends_of(user_id))}}


async def announce(user_id, online, at):
    """Send a presence frame about user_id to every socket of each of their friends."""
    frame = {"type": "presence", "data": entry(user_id, online, at)}
    layer = get_channel_layer()
    for friend_id in await friends_of(user_id):
        await layer.group_send(user_group(friend_id), {"type": "push.frame", "frame": frame})


def introduce(a_id, b_id):
    """On commit of a new friendship, have each side's sockets look up and send the other's presence."""

    def send():
        layer = get_channel_layer()
        for to, about in ((a_id, b_id), (b_id, a_id)):
            async_to_sync(layer.group_send)(user_group(to), {"type": "presence.about", "user_id": about})

    transaction.on_commit(send)


class Connection:
    """One open socket's connection entry: added on open, refreshed every TTL/3 while open, removed on close."""

    def __init__(self, user_id, conn_id):
        self.user_id, self.conn_id = user_id, conn_id
        self.refresher = None

    async def open(self):
        await self._register()
        self.refresher = asyncio.ensure_future(self._refresh_forever())
        ensure_sweeper()

    async def close(self):
        if self.refresher is not None:
            self.refresher.cancel()
        gone = await volatile.state().close(self.user_id, self.conn_id, settings.PRESENCE_TTL_S)
        if gone is not None:
            await announce(self.user_id, False, gone)

    async def _register(self):
        came = await volatile.state().open(self.user_id, self.conn_id)
        if came is not None:  # first entry; on a refresh: this worker stalled and the entry had been swept
            await announce(self.user_id, True, came)

    async def _refresh_forever(self):
        while True:
            await asyncio.sleep(settings.PRESENCE_TTL_S / 3)
            try:
                await self._register()
            except Exception:  # e.g. Redis briefly away: try again next time, the TTL leaves room
                log.exception("presence refresh failed")


_sweeper = None


def ensure_sweeper():
    """Start this worker's sweeper (one per event loop) with its first socket. A worker without sockets
    need not sweep: the friends who would be told are connected to some worker, and that one sweeps."""
    global _sweeper
    loop = asyncio.get_running_loop()
    if _sweeper is None or _sweeper.done() or _sweeper.get_loop() is not loop:
        _sweeper = loop.create_task(_sweep_forever())


async def sweep_once():
    # The store hands each expired user to exactly one worker (the sweep is atomic), so one offline frame.
    for user_id, last_seen in await volatile.state().sweep(settings.PRESENCE_TTL_S):
        await announce(user_id, False, last_seen)


async def _sweep_forever():
    while True:
        await asyncio.sleep(settings.PRESENCE_TTL_S / 3)
        try:
            await sweep_once()
        except Exception:
            log.exception("presence sweep failed")


async def reset():
    """Stop the sweeper and forget the store: tests start each one afresh."""
    global _sweeper
    if _sweeper is not None:
        _sweeper.cancel()
        _sweeper = None
    await volatile.reset()
