"""The desk's Prometheus metrics: what each process counts, and what is read from Redis per scrape.

Counters and the latency histogram count what this process did (updates, tickets moved, SLA steps,
Bot API calls, Redis errors); Prometheus adds them up across workers with `sum()`. They are
module-level, as prometheus-client intends, and are registered in each server's registry, so two
desks in one test process do not collide at registration.

The desk's state (tickets waiting by priority, the oldest wait, incidents open) is read from Redis
when `/metrics` is scraped, so every worker reports the same desk, and a worker that just started
reports it as well as one that ran all day. The outbound backlog comes from the outbox.

Names follow Prometheus's conventions (`supportbot_` prefix, base units, `_total` on counters). No
label takes a customer's, a chat's or a ticket's id: labels are small fixed sets (priority P1..P4,
an update's kind, a Bot API method name).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from redis.exceptions import RedisError

from bot.runtime.base import EventHandler
from escalation.backlog import backlog_now
from escalation.domain import Priority
from escalation.store import TicketStore
from handlers.events import ButtonPress, ChatKind, Event

log = logging.getLogger(__name__)

PRIORITIES = tuple(p.name for p in Priority)

UPDATES_RECEIVED = Counter(
    "supportbot_updates_received",
    "Updates that reached the desk's handler, by kind",
    ["kind"],
    registry=None,
)
UPDATES_HANDLED = Counter(
    "supportbot_updates_handled",
    "Updates whose handling finished (answered, or failed and apologised for), by kind",
    ["kind"],
    registry=None,
)
HANDLER_SECONDS = Histogram(
    "supportbot_handler_duration_seconds",
    "Time from the start to the end of handling one update, by kind",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,
)
TICKET_EVENTS = {
    "created": Counter(
        "supportbot_tickets_created", "Tickets opened, by priority", ["priority"], registry=None
    ),
    "claimed": Counter(
        "supportbot_tickets_claimed", "Tickets claimed by an agent, by priority", ["priority"], registry=None
    ),
    "resolved": Counter(
        "supportbot_tickets_resolved", "Tickets resolved, by priority", ["priority"], registry=None
    ),
    "sla_warn": Counter(
        "supportbot_sla_warnings",
        "SLA near-breach warnings sent to the agents' group, by priority",
        ["priority"],
        registry=None,
    ),
    "sla_breach": Counter(
        "supportbot_sla_breaches",
        "First-response or next-response SLA breaches, by the ticket's priority once the breach raised it",
        ["priority"],
        registry=None,
    ),
}
API_CALLS = Counter(
    "supportbot_bot_api_calls",
    "Bot API requests answered, by method and HTTP status",
    ["method", "status"],
    registry=None,
)
API_RATE_LIMITED = Counter(
    "supportbot_bot_api_rate_limited",
    "Bot API requests answered 429 Too Many Requests, by method",
    ["method"],
    registry=None,
)
REDIS_ERRORS = Counter(
    "supportbot_redis_errors",
    "Failures caused by Redis after the client's retries (logged errors, readiness checks)",
    registry=None,
)
PROCESS_METRICS = (
    UPDATES_RECEIVED,
    UPDATES_HANDLED,
    HANDLER_SECONDS,
    *TICKET_EVENTS.values(),
    API_CALLS,
    API_RATE_LIMITED,
    REDIS_ERRORS,
)


class ApiContact:
    """When this process last had an answer from the Bot API (any status): readiness reads it."""

    last_answer: float | None = None


def observe_api_call(method: str, status: int) -> None:
    """Count one answered Bot API request; both runtimes' HTTP layers call this."""
    API_CALLS.labels(method=method, status=str(status)).inc()
    if status == 429:
        API_RATE_LIMITED.labels(method=method).inc()
    ApiContact.last_answer = time.monotonic()


def observe_desk_event(event: str, priority: Priority) -> None:
    """Count a ticket transition or SLA step the store reports (`TicketStore.on_event`)."""
    counter = TICKET_EVENTS.get(event)
    if counter is not None:
        counter.labels(priority=priority.name).inc()


def event_kind(event: Event) -> str:
    """The `kind` label: a button press, a private message, or a message in a group."""
    if isinstance(event, ButtonPress):
        return "button"
    return "private_message" if event.chat.kind is ChatKind.PRIVATE else "group_message"


def instrumented(handle: EventHandler) -> EventHandler:
    """`handle` counting each update's start and end by kind, and timing it."""

    async def observed(event: Event) -> None:
        kind = event_kind(event)
        UPDATES_RECEIVED.labels(kind=kind).inc()
        started = time.perf_counter()
        try:
            await handle(event)
        finally:
            HANDLER_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)
            UPDATES_HANDLED.labels(kind=kind).inc()

    return observed


class RedisErrorCounter(logging.Handler):
    """Counts logged failures whose exception is a Redis error, wherever the desk logs them.

    The desk already turns every failure into a log line with its exception (the dispatcher, the
    scheduler's jobs, the outbox); counting those lines counts every Redis failure that reached
    the desk through the client's retries, without a hook in each place.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        """Count the record if its exception, or one it was raised from, is a RedisError."""
        error = record.exc_info[1] if record.exc_info else None
        while error is not None:
            if isinstance(error, RedisError):
                REDIS_ERRORS.inc()
                return
            error = error.__cause__ or error.__context__


class DeskGauges:
    """Gauges of the desk's state, refreshed from Redis (and the outbox) on each scrape.

    A refresh walks the open tickets inside Redis in slices (`escalation.backlog`): a few
    milliseconds for hundreds of open tickets, a few hundred for 100,000, so it is done at most
    once per `min_interval` seconds however often Prometheus and people ask.
    """

    def __init__(
        self,
        registry: CollectorRegistry,
        store: TicketStore,
        outbound_backlog: Callable[[], Awaitable[dict[str, int]]],
        min_interval: float = 5.0,
    ) -> None:
        self.store = store
        self.outbound_backlog = outbound_backlog
        self.min_interval = min_interval
        self._refreshed_at = float("-inf")
        self.open_tickets = Gauge(
            "supportbot_open_tickets",
            "Tickets not resolved (waiting or claimed), by priority",
            ["priority"],
            registry=registry,
        )
        self.waiting_tickets = Gauge(
            "supportbot_waiting_tickets",
            "Tickets waiting for an agent to claim them, by priority",
            ["priority"],
            registry=registry,
        )
        self.oldest_wait = Gauge(
            "supportbot_oldest_wait_seconds",
            "Age of the oldest ticket waiting for an agent, by priority (0 when none waits)",
            ["priority"],
            registry=registry,
        )
        self.incidents_open = Gauge("supportbot_incidents_open", "Mass incidents open", registry=registry)
        self.outbound = Gauge(
            "supportbot_outbound_backlog",
            "Messages and edits waiting to be sent to Telegram, by priority",
            ["priority"],
            registry=registry,
        )

    async def refresh(self) -> None:
        """Read the desk's state now, unless it was read less than `min_interval` seconds ago."""
        started = time.monotonic()
        if started - self._refreshed_at < self.min_interval:
            return
        backlog = await backlog_now(self.store, self.store.clock.now())
        incidents = await self.store.redis.hlen(self.store.keys.incidents_open)
        outbound = await self.outbound_backlog()
        for priority in PRIORITIES:
            self.open_tickets.labels(priority=priority).set(backlog.open_by_priority[priority])
            self.waiting_tickets.labels(priority=priority).set(backlog.waiting_by_priority[priority])
            self.oldest_wait.labels(priority=priority).set(round(backlog.oldest_wait_by_priority[priority]))
            self.outbound.labels(priority=priority).set(outbound.get(priority, 0))
        self.incidents_open.set(incidents)
        self._refreshed_at = started


def desk_registry(
    store: TicketStore, outbound_backlog: Callable[[], Awaitable[dict[str, int]]]
) -> tuple[CollectorRegistry, DeskGauges]:
    """A registry with this process's counters, its CPU and memory, and the desk's gauges."""
    registry = CollectorRegistry()
    for metric in PROCESS_METRICS:
        registry.register(metric)
    ProcessCollector(registry=registry)
    return registry, DeskGauges(registry, store, outbound_backlog)
