"""Volatile state of the presence and typing extensions: open connections, last-seen times, typing limits.

Model (both stores): a connection entry maps (user, connection id) to the time it was last refreshed; a
user is online from the moment their first entry appears until their last one is closed or swept away
(an entry not refreshed within the TTL belongs to a dead worker). Times are Unix seconds (floats).

With REDIS_URL the state lives in the channel layer's Redis, so every worker sees every connection and
the time comes from Redis' clock (one clock for all workers); each change is one Lua script, so exactly
one worker sees a user come online or go offline and announces it. Without Redis it lives in this
process, which is all the in-memory channel layer serves anyway.
"""
import asyncio
import time

from django.conf import settings
from redis import asyncio as aioredis


class MemoryState:
    def __init__(self):
        self.conns = {}  # user id -> {connection id: last refresh}
        self.last_seen = {}  # user id -> when they went offline
        self.typing = {}  # (sender, recipient) -> when a "typing: true" was last let through

    async def open(self, user_id, conn_id):
        """Add or refresh a connection entry; the time if this made the user online, else None."""
        now = time.time()
        entries = self.conns.setdefault(user_id, {})
        came_online = not entries
        entries[conn_id] = now
        return now if came_online else None

    async def close(self, user_id, conn_id, ttl):
        """Remove a connection entry (and expired ones); the time if this made the user offline, else None."""
        now = time.time()
        entries = self.conns.get(user_id)
        if entries is None:
            return None
        entries.pop(conn_id, None)
        for conn, seen in list(entries.items()):
            if seen < now - ttl:
                del entries[conn]
        if entries:
            return None
        del self.conns[user_id]
        self.last_seen[user_id] = now
        return now

    async def sweep(self, ttl):
        """Drop entries older than ttl; [(user id, last refresh)] for each user this made offline."""
        cutoff = time.time() - ttl
        gone = []
        for user_id, entries in list(self.conns.items()):
            newest = max(entries.values())
            if newest >= cutoff:
                continue
            del self.conns[user_id]
            self.last_seen[user_id] = newest
            gone.append((user_id, newest))
        return gone

    async def lookup(self, user_ids):
        """(now, {user id: (online, last seen or None)})."""
        return time.time(), {u: (u in self.conns, self.last_seen.get(u)) for u in user_ids}

    async def allow_typing(self, sender_id, recipient_id, interval):
        """True at most once per interval for a (sender, recipient) pair."""
        now = time.monotonic()
        last = self.typing.get((sender_id, recipient_id))
        if last is not None and now - last < interval:
            return False
        self.typing[(sender_id, recipient_id)] = now
        return True

    async def aclose(self):
        pass


PREFIX = "numeneon:presence:"
ONLINE = PREFIX + "online"  # sorted set: user id -> newest refresh of any of their entries
LAST_SEEN = PREFIX + "last_seen"  # hash: user id -> when they went offline
CONNS = PREFIX + "conns:"  # + user id: sorted set, connection id -> last refresh

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1e6\n"

# KEYS: conns, online. ARGV: connection id, user id. Returns the time (a string) if the user came online.
OPEN = _NOW + """
redis.call('ZADD', KEYS[1], now, ARGV[1])
local was_online = redis.call('ZSCORE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[2])
if was_online then return false end
return tostring(now)
"""

# KEYS: conns, online, last_seen. ARGV: connection id, user id, ttl. Returns the time if the user went offline.
CLOSE = _NOW + """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[1]) > 0 then return false end
if redis.call('ZREM', KEYS[2], ARGV[2]) == 0 then return false end
redis.call('HSET', KEYS[3], ARGV[2], tostring(now))
return tostring(now)
"""

# KEYS: online, last_seen. ARGV: ttl, conns key prefix. Returns [user id, last refresh, ...] of the users it
# made offline. It builds the users' conns keys itself: fine on one Redis (this server uses no cluster).
SWEEP = _NOW + """
local cutoff = now - tonumber(ARGV[1])
local gone = {}
for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)) do
  local conns = ARGV[2] .. user
  redis.call('ZREMRANGEBYSCORE', conns, '-inf', cutoff)
  local newest = redis.call('ZRANGE', conns, -1, -1, 'WITHSCORES')
  if newest[2] then
    redis.call('ZADD', KEYS[1], newest[2], user)
  else
    local seen = redis.call('ZSCORE', KEYS[1], user)
    redis.call('ZREM', KEYS[1], user)
    redis.call('HSET', KEYS[2], user, seen)
    table.insert(gone, user)
    table.insert(gone, seen)
  end
end
return gone
"""


class RedisState:
    def __init__(self, url):
        self.redis = aioredis.Redis.from_url(url)
        self._open = self.redis.register_script(OPEN)
        self._close = self.redis.register_script(CLOSE)
        self._sweep = self.redis.register_script(SWEEP)

    async def open(self, user_id, conn_id):
        came = await self._open(keys=[CONNS + str(user_id), ONLINE], args=[conn_id, user_id])
        return float(came) if came else None

    async def close(self, user_id, conn_id, ttl):
        gone = await self._close(keys=[CONNS + str(user_id), ONLINE, LAST_SEEN], args=[conn_id, user_id, ttl])
        return float(gone) if gone else None

    async def sweep(self, ttl):
        flat = await self._sweep(keys=[ONLINE, LAST_SEEN], args=[ttl, CONNS])
        return [(int(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)]

    async def lookup(self, user_ids):
        if not user_ids:
            return time.time(), {}
        pipe = self.redis.pipeline(transaction=True)
        pipe.time().zmscore(ONLINE, user_ids).hmget(LAST_SEEN, user_ids)
        (sec, usec), online, seen = await pipe.execute()
        return sec + usec / 1e6, {
            u: (score is not None, float(last) if last is not None else None)
            for u, score, last in zip(user_ids, online, seen)
        }

    async def allow_typing(self, sender_id, recipient_id, interval):
        key = f"numeneon:typing:{sender_id}:{recipient_id}"
        return bool(await self.redis.set(key, 1, px=max(1, int(interval * 1000)), nx=True))

    async def aclose(self):
        await self.redis.aclose()


_current = None  # (event loop, redis url, store): a Redis client belongs to the loop it was made on


def state():
    """The store for this worker: Redis when settings.REDIS_URL is set, else this process's memory."""
    global _current
    loop, url = asyncio.get_running_loop(), settings.REDIS_URL
    if _current is None or _current[0] is not loop or _current[1] != url:
        _current = (loop, url, RedisState(url) if url else MemoryState())
    return _current[2]


async def reset():
    """Forget the store (closing its Redis connections): tests start each one afresh."""
    global _current
    if _current is not None:
        store, _current = _current[2], None
        await store.aclose()
