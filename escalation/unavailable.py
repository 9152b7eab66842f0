"""The Redis errors that mean "Redis is not there right now", as opposed to "this command is wrong".

A handler that meets one of these has not failed: the update is handled again once Redis answers
(`bot.durable.workers`), so the dispatcher lets them through instead of apologising to the person
and calling the update done. A failover (a replica answering READONLY, a Cluster slot moving, no
primary known yet) is the same kind of absence.
"""

from __future__ import annotations

from redis.exceptions import (
    BusyLoadingError,
    ClusterDownError,
    ConnectionError,
    ReadOnlyError,
    TimeoutError,
    TryAgainError,
)

REDIS_UNAVAILABLE: tuple[type[Exception], ...] = (
    ConnectionError,
    TimeoutError,
    BusyLoadingError,
    ReadOnlyError,
    ClusterDownError,
    TryAgainError,
)
