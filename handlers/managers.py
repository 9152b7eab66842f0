"""The managers' chats: scheduled backlog summaries with a chart, and `/report [24h|7d]` on demand.

Each summary is followed by the phrasings agents proposed for the FAQ, with approve and reject
buttons (`handlers.faq_answers`), when any wait; `/faq` shows them at any time.

A scheduled summary covers the period since the last one (24 h for the first) and says what
changed since then; every worker's scheduler fires it, and a SET NX on the minute it is due
lets exactly one of them send it.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from escalation.backlog_snapshots import record_snapshot, snapshots
from escalation.report import Report, build_report, previous_figures
from escalation.report_text import backlog_chart, render_text
from handlers.context import HandlerContext
from handlers.events import Attachment, IncomingMessage, Outgoing
from handlers.faq_answers import FaqTeaching
from handlers.messenger import TelegramError
from handlers.split import split_text

log = logging.getLogger(__name__)

DEFAULT_PERIOD_S = 24 * 3600
ONCE_TTL_S = 7 * 24 * 3600
_PERIOD = re.compile(r"^(\d{1,3})([hd])$")


def parse_period(text: str) -> float | None:
    """`24h` or `7d` to seconds; None for anything else."""
    match = _PERIOD.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        return None
    return int(match.group(1)) * (3600 if match.group(2) == "h" else 86400)


class ManagerConversation:
    """Handles MANAGER_CHAT_IDS chats and the scheduled summaries."""

    def __init__(self, ctx: HandlerContext, faq: FaqTeaching) -> None:
        self.ctx = ctx
        self.faq = faq

    async def on_message(self, message: IncomingMessage) -> None:
        """`/report [24h|7d]` (also `/start`, `/help`) answers with the summary, `/faq` lists the
        phrasings agents proposed for the FAQ; other chatter is ignored."""
        if message.command == "faq":
            await self.faq.show_candidates(message.chat.id)
            return
        if message.command not in ("report", "start", "help"):
            return
        period = parse_period(message.args) if message.args else DEFAULT_PERIOD_S
        if period is None:
            await self.ctx.sender.send(Outgoing(message.chat.id, "/report 24h | /report 7d"))
            return
        now = self.ctx.clock.now()
        await self._send([message.chat.id], now - period, now, previous=None)

    async def record_snapshot(self) -> None:
        """A backlog snapshot for the charts (once per slot across workers)."""
        await record_snapshot(self.ctx.store, self.ctx.clock.now())

    async def send_scheduled_summary(self) -> bool:
        """The scheduled summary to every manager chat; False when another worker already sent it."""
        now = self.ctx.clock.now()
        redis, keys = self.ctx.store.redis, self.ctx.store.keys
        if not await redis.set(keys.once(f"summary:{int(now // 60)}"), "1", nx=True, ex=ONCE_TTL_S):
            return False
        previous = await previous_figures(self.ctx.store)
        since = float(previous["period"]["until"]) if previous else now - DEFAULT_PERIOD_S
        report = await self._send(sorted(self.ctx.config.manager_chat_ids), since, now, previous)
        await redis.set(keys.last_report, json.dumps(report.to_json()))
        return True

    async def _send(
        self, chats: list[int], since: float, now: float, previous: dict[str, Any] | None
    ) -> Report:
        """Build the report once and send its text and chart (when there is one) to each chat."""
        report = await build_report(self.ctx.store, self.ctx.state, since, now, previous)
        language, timezone = self.ctx.config.agents_language, self.ctx.config.timezone
        text = render_text(report, language, timezone)
        chart = backlog_chart(report, await snapshots(self.ctx.store, since, now), language, timezone)
        for chat in chats:
            try:
                for part in split_text(text):  # every section is bounded; this is the last guard
                    await self.ctx.sender.send(Outgoing(chat, part, priority=2))
                if chart is not None:
                    await self.ctx.sender.send(
                        Outgoing(
                            chat,
                            "",
                            attachment=Attachment("photo", file_name="backlog.png", data=chart),
                            priority=2,
                        )
                    )
                await self.faq.show_candidates(chat, quiet_when_none=True)
            except TelegramError as exc:
                log.warning("summary to manager chat %s failed: %s", chat, exc)
        return report
