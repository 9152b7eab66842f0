"""A customer's album (photos or files sent together) gathered part by part, then taken once.

Telegram delivers an album as one message per part, with a shared `media_group_id`. Each part is
recorded as it is handled; the part that started the album is told so (and told again if its
handling is replayed), and whoever sends the album takes all parts at once, exactly once.
"""

from __future__ import annotations

from redis.asyncio import Redis

from escalation.keys import Keys

ALBUM_TTL_S = 3600

# KEYS[1] the album  ARGV[1] message id  ARGV[2] the part  ARGV[3] TTL (s)
# Returns 1 when this message started the album (the first to be recorded, or its replay).
_ADD = """
redis.call('HSET', KEYS[1], 'p:' .. ARGV[1], ARGV[2])
redis.call('HSETNX', KEYS[1], 'owner', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and 1 or 0
"""
# KEYS[1] the album. Returns the parts (field, value, ...) once; nothing after it was taken.
_TAKE = """
if redis.call('HSETNX', KEYS[1], 'sent', '1') == 0 then return {} end
local parts = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 2) == 'p:' then
    parts[#parts + 1] = string.sub(all[i], 3)
    parts[#parts + 1] = all[i + 1]
  end
end
return parts
"""


class AlbumParts:
    """The albums of a desk's customers while their parts come in."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._add = redis.register_script(_ADD)
        self._take = redis.register_script(_TAKE)

    async def add(self, customer_id: int, group_id: str, message_id: int, part: str) -> bool:
        """Record one part; True when it started the album (its handler then sends the album)."""
        key = self.keys.album(customer_id, group_id)
        return bool(await self._add(keys=[key], args=[message_id, part, ALBUM_TTL_S]))

    async def count(self, customer_id: int, group_id: str) -> int:
        """How many parts were recorded so far."""
        fields: list[str] = await self.redis.hkeys(self.keys.album(customer_id, group_id))  # type: ignore[misc]
        return sum(1 for field in fields if field.startswith("p:"))

    async def take(self, customer_id: int, group_id: str) -> list[str]:
        """All parts in message order, for the one caller that sends the album (then nothing)."""
        raw: list[str] = await self._take(keys=[self.keys.album(customer_id, group_id)])
        pairs = sorted((int(raw[i]), raw[i + 1]) for i in range(0, len(raw), 2))
        return [part for _, part in pairs]
