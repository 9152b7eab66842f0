"""Small builders shared by the escalation tests."""

from __future__ import annotations

from redis.asyncio import Redis

from escalation.domain import Impact, Intent, Tier
from escalation.policy import Policy
from escalation.priority import assess
from escalation.store import Submission, TicketStore
from escalation.ticket import Customer
from escalation.ticket_reads import Arrival


def customer(telegram_id: int, tier: Tier | None = Tier.BASIC, name: str = "Ana") -> Customer:
    """A linked customer (tier None = not in the directory)."""
    return Customer(telegram_id, name, "pt", f"S{telegram_id}" if tier else None, tier)


async def report(
    store: TicketStore,
    policy: Policy,
    who: Customer,
    text: str = "nada funciona",
    intent: Intent = Intent.OUTAGE,
    impact: Impact | None = Impact.TOTAL,
    urgent: bool = False,
    arrival: Arrival | None = None,
) -> Submission:
    """Submit a customer message the way the handlers will: assess, then submit."""
    assessment = assess(policy, intent, impact, who.tier, urgent=urgent)
    return await store.submit(who, text, assessment, intent, impact, arrival=arrival)


async def dump_namespace(redis: Redis, namespace: str) -> dict[str, object]:
    """Every key of a namespace with its content, to compare the desk before and after something."""
    result: dict[str, object] = {}
    async for key in redis.scan_iter(match=f"{namespace}:*"):
        kind = await redis.type(key)
        if kind == "hash":
            result[key] = await redis.hgetall(key)
        elif kind == "zset":
            result[key] = await redis.zrange(key, 0, -1, withscores=True)
        elif kind == "list":
            result[key] = await redis.lrange(key, 0, -1)
        elif kind == "stream":
            result[key] = await redis.xrange(key)
        else:
            result[key] = await redis.get(key)
    return result
