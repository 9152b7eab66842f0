"""APScheduler in every worker: the SLA tick, on-call handovers, backlog snapshots, manager summaries.

The scheduler only decides *when* to try; each effect is claimed in Redis (the SLA tick takes
due entries atomically, handovers use GETSET, snapshots and summaries a SET NX per slot), so
with several workers every ping, handover and summary happens exactly once.
"""

from __future__ import annotations

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
        """Start firing jobs (inside the running event loop)."""
        self.scheduler.start()
        log.info("scheduler started: %s", ", ".join(job.id for job in self.scheduler.get_jobs()))

    def stop(self) -> None:
        """Stop firing jobs; a job already running finishes on its own."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    @staticmethod
    def _guard(job):  # type: ignore[no-untyped-def]
        """A failing job is logged and tried again at its next run, never kills the scheduler."""

        async def run() -> None:
            try:
                await job()
            except Exception:
                log.exception("scheduled job %s failed", getattr(job, "__qualname__", job))

        run.__qualname__ = getattr(job, "__qualname__", "job")
        return run
