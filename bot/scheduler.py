"""APScheduler in every worker: the SLA tick, on-call handovers, backlog snapshots, manager summaries.

The scheduler only decides *when* to try; each effect is claimed in Redis (the SLA tick takes
due entries atomically, handovers use GETSET, snapshots and summaries a SET NX per slot), so
with several workers every ping, handover and summary happens exactly once.
"""

from __future__ import annotations

import asyncio
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from escalation.policy import Policy
from handlers.dispatcher import Dispatcher

log = logging.getLogger(__name__)

SHIFT_CHECK_S = 60
SNAPSHOT_S = 600


class DeskScheduler:
    """The periodic jobs of one worker."""

    def __init__(self, dispatcher: Dispatcher, policy: Policy, timezone: str, tick_seconds: float) -> None:
        self.dispatcher = dispatcher
        self._running: set[asyncio.Task[None]] = set()
        self.scheduler = AsyncIOScheduler(timezone=timezone)
        options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        self.scheduler.add_job(
            self._guard(dispatcher.sla_watch.tick),
            IntervalTrigger(seconds=tick_seconds),
            id="sla-tick",
            **options,
        )
        self.scheduler.add_job(
            self._guard(dispatcher.oncall.check_shift),
            IntervalTrigger(seconds=SHIFT_CHECK_S),
            id="oncall",
            **options,
        )
        self.scheduler.add_job(
            self._guard(dispatcher.managers.record_snapshot),
            IntervalTrigger(seconds=SNAPSHOT_S),
            id="snapshot",
            **options,
        )
        for index, expression in enumerate(policy.summaries.cron):
            trigger = CronTrigger.from_crontab(expression, timezone=timezone)
            self.scheduler.add_job(
                self._guard(dispatcher.managers.send_scheduled_summary),
                trigger,
                id=f"summary-{index}",
                **options,
            )

    def start(self) -> None:
        """Start firing jobs (inside the running event loop).

        APScheduler logs two INFO lines for every run of every job ("Running job", "executed
        successfully"): with the SLA tick every 15 s that is noise forever, so its executor
        logs only warnings unless the desk logs at DEBUG. A failing job is still logged.
        """
        if not logging.getLogger().isEnabledFor(logging.DEBUG):
            logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
        self.scheduler.start()
        log.info("scheduler started: %s", ", ".join(job.id for job in self.scheduler.get_jobs()))

    async def stop(self, grace: float = 10.0) -> None:
        """Stop firing jobs and let running ones finish (a tick's pings reach the outbox before it drains)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._running:
            await asyncio.wait(self._running, timeout=grace)

    def _guard(self, job):  # type: ignore[no-untyped-def]
        """A failing job is logged and tried again at its next run, never kills the scheduler."""

        async def run() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await job()
            except Exception:
                log.exception("scheduled job %s failed", getattr(job, "__qualname__", job))
            finally:
                self._running.discard(task)

        run.__qualname__ = getattr(job, "__qualname__", "job")
        return run
