"""Long polling by one worker of the desk at a time, confirming to Telegram only what Redis holds.

Telegram lets one getUpdates run per token, so the workers elect a poller with a lease in Redis
(`POLL_LEASE_S`, renewed before every poll); the others stand by and check now and then. A
fetched batch goes into the inbox in the same script that records the next offset and renews
the lease (so a busy poller polls again at once), and only then does the next getUpdates send
that offset, which is what confirms the batch to Telegram.
If the poller dies between the two, the batch is fetched again from the stored offset (by the
worker that takes the lease over, within `POLL_LEASE_S`) and the inbox drops what it already has.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.durable.inbox import Inbox, Lane, PollTurn, lanes_of
from escalation.unavailable import REDIS_UNAVAILABLE
from handlers.events import Event
from handlers.messenger import TelegramError, Unauthorized

log = logging.getLogger("bot.runtime")

POLL_TIMEOUT_S = 2
POLL_LEASE_S = POLL_TIMEOUT_S + 4.0  # a poll, its store, and time to spare: a take-over within seconds
STANDBY_S = 1.0
RETRY_S = (0.5, 10.0)

FetchUpdates = Callable[[int | None, int], Awaitable[Sequence[tuple[int, Event | None]]]]


class Poller:
    """Holds the poll lease when it can and moves updates from getUpdates into the inbox."""

    def __init__(self, inbox: Inbox, fetch: FetchUpdates, stored: Callable[[set[Lane]], None]) -> None:
        self.inbox = inbox
        self._fetch = fetch
        self._stored = stored
        self._renewed: PollTurn | None = None  # the lease, renewed with the last batch stored
        self.polling = False

    async def run(self) -> None:
        """Poll (or stand by) until cancelled; then leave the lease for a standby worker."""
        retry = RETRY_S[0]
        try:
            while True:
                try:
                    await self._round()
                    retry = RETRY_S[0]
                except Unauthorized:
                    raise
                except (TelegramError, *REDIS_UNAVAILABLE) as exc:
                    log.error("polling: %s; trying again in %.1fs", exc, retry)
                    await asyncio.sleep(retry)
                    retry = min(retry * 2, RETRY_S[1])
        finally:
            self.polling = False
            try:
                await self.inbox.leave_poll()
            except REDIS_UNAVAILABLE:
                log.warning("polling: could not leave the poll lease; it ends within %.0fs", POLL_LEASE_S)

    async def _round(self) -> None:
        turn, self._renewed = self._renewed, None
        if turn is None:
            turn = await self.inbox.hold_poll(POLL_LEASE_S)
        if turn is None:
            if self.polling:
                log.warning("polling: another worker holds the poll lease now; standing by")
            self.polling = False
            await asyncio.sleep(STANDBY_S)
            return
        if not self.polling:
            log.info("polling: this worker polls for the desk")
        self.polling = True
        updates = await self._fetch(turn.offset, POLL_TIMEOUT_S)
        if not updates:
            return
        offset = max(update_id for update_id, _ in updates) + 1
        if await self.inbox.put(updates, offset=offset, lease=POLL_LEASE_S) is None:
            log.warning(
                "polling: lost the poll lease during a poll; the next poller fetches that batch again"
            )
            return
        self._renewed = PollTurn(offset)
        self._stored(lanes_of(updates))
