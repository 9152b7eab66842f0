"""Backlog snapshots: the open tickets per priority every 10 minutes, for the summary's chart.

One Redis stream per desk (`Keys.backlog_snapshots`), its entry ids taken from the desk's clock, so
a period's snapshots are read back by time; any number of workers take a slot once between them.
"""

from __future__ import annotations

from redis.exceptions import ResponseError

from escalation.backlog import backlog_now
from escalation.domain import Priority
from escalation.store import TicketStore

SNAPSHOT_SLOT_S = 600
SNAPSHOT_MAXLEN = 20_000
ONCE_TTL_S = 86_400
PRIORITIES = tuple(p.name for p in Priority)

Snapshot = tuple[float, dict[str, int]]


async def record_snapshot(store: TicketStore, now: float) -> bool:
    """Append the backlog per priority to the snapshot stream, once per 10-minute slot across workers.

    The entry id is derived from `now` (not the server's clock), so snapshots can be read back by
    time with the desk's clock. Returns False when another worker already took this slot, or when
    a newer snapshot exists (a worker whose clock lags behind): the chart keeps time order.
    """
    slot = int(now // SNAPSHOT_SLOT_S)
    if not await store.redis.set(store.keys.once(f"snapshot:{slot}"), "1", nx=True, ex=ONCE_TTL_S):
        return False
    entry: dict[str, str | int | float] = {"at": now, **(await backlog_now(store, now)).open_by_priority}
    try:
        await store.redis.xadd(
            store.keys.backlog_snapshots, entry, id=f"{_ms(now)}-0", maxlen=SNAPSHOT_MAXLEN, approximate=True
        )
    except ResponseError:
        return False
    return True


async def snapshots(store: TicketStore, since: float, now: float) -> list[Snapshot]:
    """The backlog snapshots taken in [since, now], oldest first: (at, {P1..P4: open tickets})."""
    rows = await store.redis.xrange(store.keys.backlog_snapshots, min=_ms(since), max=_ms(now))
    return [(float(values["at"]), {p: int(values.get(p, 0)) for p in PRIORITIES}) for _, values in rows]


def _ms(instant: float) -> int:
    return int(instant * 1000)
