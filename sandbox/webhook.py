"""Webhook mode: pending updates are POSTed to the bot's URL, one at a time, in update_id order.

As Telegram does, the sandbox sends `X-Telegram-Bot-Api-Secret-Token` when a secret was set,
counts any 2xx as delivered, keeps the update and retries after a failure (recording the error for
getWebhookInfo), and executes a method call the bot puts in its response body
(`{"method": "sendMessage", ...}`). Unlike Telegram it accepts plain http:// URLs and any port,
since the bot under test listens on localhost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.updates import UpdateQueue

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DELIVERY_TIMEOUT_S = 60.0

MethodCall = Callable[[str, dict[str, Any]], Awaitable[object]]


@dataclass
class WebhookConfig:
    """What setWebhook stored, plus the last delivery error getWebhookInfo reports."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] = field(default_factory=list)
    last_error_date: int | None = None
    last_error_message: str | None = None


class WebhookDelivery:
    """A background task delivering updates while a webhook is set."""

    def __init__(self, queue: UpdateQueue, call_method: MethodCall, *, retry_delay: float = 1.0) -> None:
        self.queue = queue
        self.config: WebhookConfig | None = None
        self._call_method = call_method
        self._retry_delay = retry_delay
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def configure(self, config: WebhookConfig | None) -> None:
        """Set or remove the webhook; the delivery loop picks the change up at once."""
        self.config = config
        self.queue.arrived.notify()

    def start(self) -> None:
        """Start the delivery loop (idempotent)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        """Stop the loop and close the HTTP session."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while True:
            config = self.config
            batch = self.queue.peek(1) if config is not None else []
            if config is None or not batch:
                await self.queue.arrived.wait(3600)
                continue
            error = await self._deliver(config, batch[0])
            if error is None:
                self.queue.drop(batch[0]["update_id"])
            else:
                config.last_error_date, config.last_error_message = int(time.time()), error
                await asyncio.sleep(self._retry_delay)

    async def _deliver(self, config: WebhookConfig, update: dict[str, Any]) -> str | None:
        """POST one update; None on success, else the error text Telegram would report."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_S))
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        try:
            async with self._session.post(config.url, json=update, headers=headers) as response:
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                reply = await response.json(content_type=None) if await response.read() else None
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectionError:
            return "Connection refused"
        except ValueError:
            reply = None
        if isinstance(reply, dict) and isinstance(reply.get("method"), str):
            method = reply.pop("method")
            try:
                await self._call_method(method, reply)
            except Exception:  # the bot gets no answer to a webhook reply, errors included
                log.info("webhook reply %s failed", method, exc_info=True)
        return None
