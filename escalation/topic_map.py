"""Which forum topic of the agents' group belongs to which customer (topic mode), kept in Redis.

One topic per customer, made on their first ticket and kept for every later one: the record
holds its thread id, the name it was given, whether it is closed, the ticket it shows now and
the card each ticket has in it. A topic made again (a person deleted it) starts a new record, so
the cards of the old one are forgotten and posted again. Every change names the thread it is
about and is refused if the record moved on to another thread meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redis.asyncio import Redis

from escalation.effects import effect_name
from escalation.keys import Keys

TOPIC_TTL_S = 400 * 24 * 3600
CARD_POST_TTL_S = 7 * 24 * 3600

# Set a field of the customer's record only while it is about this thread, and only if it changes.
# KEYS[1] the record  ARGV[1] thread  ARGV[2] field  ARGV[3] value  ARGV[4] "<ticket>:<version>" the
# value follows from ("" for none): an older ticket, or an older version of the same ticket, than
# the one recorded changes nothing, so refreshes that read tickets at different moments leave the
# topic as the latest says.
# Returns 1 when the value changed.
_SET_IF_THREAD = """
if redis.call('HGET', KEYS[1], 'thread') ~= ARGV[1] then return 0 end
if ARGV[4] ~= '' then
  local number, version = string.match(ARGV[4], '^(%d+):(%d+)$')
  local seen = redis.call('HGET', KEYS[1], 'v:' .. ARGV[2])
  if seen then
    local seen_number, seen_version = string.match(seen, '^(%d+):(%d+)$')
    number, version = tonumber(number), tonumber(version)
    seen_number, seen_version = tonumber(seen_number), tonumber(seen_version)
    if number < seen_number or (number == seen_number and version < seen_version) then return 0 end
  end
  redis.call('HSET', KEYS[1], 'v:' .. ARGV[2], ARGV[4])
end
if redis.call('HGET', KEYS[1], ARGV[2]) == ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1
"""
# Take the lock, or find that the same effect holds it (a replay goes on as its first run).
# KEYS[1] the lock  ARGV[1] owner  ARGV[2] TTL (ms). Returns 1 or 0.
_LOCK = """
local holder = redis.call('GET', KEYS[1])
if holder then return holder == ARGV[1] and 1 or 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""


@dataclass(frozen=True, slots=True)
class TopicRecord:
    """A customer's topic as last recorded."""

    thread_id: int
    name: str
    closed: bool
    ticket: int | None
    cards: dict[int, int] = field(default_factory=dict)


class TopicMap:
    """The customer <-> topic records of one agents' group (each team's group has its own)."""

    def __init__(self, redis: Redis, keys: Keys, chat_id: int) -> None:
        self.redis = redis
        self.keys = keys
        self.chat_id = chat_id
        self._set_if_thread = redis.register_script(_SET_IF_THREAD)
        self._lock = redis.register_script(_LOCK)
        self._unlock = redis.register_script(_UNLOCK)

    async def get(self, customer_id: int) -> TopicRecord | None:
        """The customer's topic, or None before their first ticket."""
        raw: dict[str, str] = await self.redis.hgetall(self.keys.topic(self.chat_id, customer_id))  # type: ignore[misc]
        if not raw.get("thread"):
            return None
        cards = {int(k[2:]): int(v) for k, v in raw.items() if k.startswith("c:")}
        ticket = raw.get("ticket")
        return TopicRecord(
            int(raw["thread"]),
            raw.get("name", ""),
            raw.get("closed") == "1",
            int(ticket) if ticket else None,
            cards,
        )

    async def owner(self, thread_id: int) -> int | None:
        """The customer whose topic this thread is, if it is one."""
        value = await self.redis.get(self.keys.topic_owner(self.chat_id, thread_id))
        return int(value) if value else None

    async def bind(self, customer_id: int, thread_id: int, name: str) -> None:
        """A topic was made for the customer: a new record (an old topic's cards are forgotten)."""
        key = self.keys.topic(self.chat_id, customer_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping={"thread": thread_id, "name": name, "closed": "0"})
            pipe.expire(key, TOPIC_TTL_S)
            pipe.set(self.keys.topic_owner(self.chat_id, thread_id), customer_id, ex=TOPIC_TTL_S)
            await pipe.execute()

    async def lock(self, customer_id: int, owner: str, ttl_s: float) -> bool:
        """Take the customer's topic lock (or find it is this effect's own)."""
        return bool(
            await self._lock(
                keys=[self.keys.topic_lock(self.chat_id, customer_id)], args=[owner, int(ttl_s * 1000)]
            )
        )

    async def unlock(self, customer_id: int, owner: str) -> None:
        """Let go of the lock, if it is still `owner`'s."""
        await self._unlock(keys=[self.keys.topic_lock(self.chat_id, customer_id)], args=[owner])

    async def set_closed(
        self, customer_id: int, thread_id: int, closed: bool, version: int | None = None
    ) -> bool:
        """Record the topic closed or open as ticket `version` has it; True when that changed (the
        caller then closes or reopens it). Without a version (a person's doing) it always applies."""
        return await self._set(customer_id, thread_id, "closed", "1" if closed else "0", version)

    async def set_name(self, customer_id: int, thread_id: int, name: str, version: tuple[int, int]) -> bool:
        """Record the topic's name as (ticket, version) has it; True when it changed (then renamed)."""
        return await self._set(customer_id, thread_id, "name", name, version)

    async def show_ticket(self, customer_id: int, thread_id: int, number: int) -> None:
        """The topic now shows this ticket: agents' messages in it go there."""
        await self._set(customer_id, thread_id, "ticket", str(number))

    async def set_card(self, customer_id: int, thread_id: int, number: int, message_id: int) -> None:
        """The ticket's card in this topic (edited in place from now on)."""
        await self._set(customer_id, thread_id, f"c:{number}", str(message_id))

    async def reserve_card_post(self, thread_id: int, number: int) -> bool:
        """True for the one caller that may post this ticket's card in this topic (and its replay)."""
        owner = effect_name("m")
        key = self.keys.topic_card_post(self.chat_id, thread_id, number)
        return bool(await self._lock(keys=[key], args=[owner, CARD_POST_TTL_S * 1000]))

    async def release_card_post(self, thread_id: int, number: int) -> None:
        """A card post that failed: the next refresh tries again."""
        await self.redis.delete(self.keys.topic_card_post(self.chat_id, thread_id, number))

    async def _set(
        self, customer_id: int, thread_id: int, name: str, value: str, version: tuple[int, int] | None = None
    ) -> bool:
        stamp = "" if version is None else f"{version[0]}:{version[1]}"
        changed = await self._set_if_thread(
            keys=[self.keys.topic(self.chat_id, customer_id)], args=[thread_id, name, value, stamp]
        )
        return bool(changed)
