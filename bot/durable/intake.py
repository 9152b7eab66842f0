"""A worker's intake: updates in from Telegram (polling or webhook) through the inbox to the handler.

The runtime (aiogram or python-telegram-bot) only talks to Telegram: it fetches and parses
updates. Everything between arrival and handling lives in Redis (`bot.durable.inbox`), so the
same code serves one worker or many, and a killed worker's updates are handled by the others.
"""

from __future__ import annotations

import asyncio
import contextlib

from bot.durable.inbox import Inbox
from bot.durable.poller import Poller
from bot.durable.webhook import WebhookReceiver
from bot.durable.workers import InboxWorkers
from bot.runtime import logs
from bot.runtime.base import EventHandler, Runtime
from bot.runtime.transport import SHUTDOWN_GRACE_SECONDS, WEBHOOK_LISTEN, webhook_path


class Intake:
    """Runs one worker's side of the desk's inbound path until cancelled."""

    def __init__(self, runtime: Runtime, inbox: Inbox, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        self.runtime = runtime
        self.inbox = inbox
        self.grace = grace

    async def run_polling(self, handle: EventHandler) -> None:
        """Remove any webhook (keeping pending updates), then poll when this worker holds the lease."""
        await self.runtime.delete_webhook()
        username = await self.runtime.bot_username()
        workers = InboxWorkers(self.inbox, handle)
        poller = Poller(self.inbox, self.runtime.fetch_updates, workers.wake)
        logs.started(self.runtime.name, "polling", username, self.runtime.api)
        try:
            await _together(poller.run(), workers.run(self.grace))
        finally:
            logs.stopped(self.runtime.name, "polling")

    async def run_webhook(self, handle: EventHandler, url: str, secret: str, port: int) -> None:
        """Serve `url`'s path on `port`, register the webhook with the secret, handle until cancelled.

        The webhook stays registered on stop: other workers behind the same URL go on.
        """
        if not secret:
            raise ValueError("webhook mode needs a secret token")
        workers = InboxWorkers(self.inbox, handle)
        receiver = WebhookReceiver(self.inbox, self.runtime.parse_update, secret, workers.wake)
        await receiver.start(WEBHOOK_LISTEN, port, webhook_path(url))
        started = False
        try:
            username = await self.runtime.bot_username()
            await self.runtime.set_webhook(url, secret)
            logs.started(
                self.runtime.name, "webhook", username, self.runtime.api, f"on port {port} for {url}"
            )
            started = True
            await workers.run(self.grace)
        finally:
            await receiver.stop()
            if started:
                logs.stopped(self.runtime.name, "webhook")


async def _together(*jobs: object) -> None:
    """Run coroutines until one ends or fails (then cancel the rest, and raise its error)."""
    tasks = [asyncio.ensure_future(job) for job in jobs]  # type: ignore[arg-type]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
