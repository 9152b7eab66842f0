"""The managers' chats: `/report` sends the backlog summary now."""

from __future__ import annotations

import html

from escalation.backlog import backlog_now
from handlers.cards import duration_words
from handlers.context import HandlerContext
from handlers.events import IncomingMessage, Outgoing
from handlers.texts import a


class ManagerConversation:
    """Handles commands in MANAGER_CHAT_IDS chats."""

    def __init__(self, ctx: HandlerContext) -> None:
        self.ctx = ctx

    async def on_message(self, message: IncomingMessage) -> None:
        """`/report` (and `/start`, `/help`) answer with the summary; other chatter is ignored."""
        if message.command in ("report", "start", "help"):
            await self.ctx.sender.send(Outgoing(message.chat.id, await self.summary()))

    async def summary(self) -> str:
        """The backlog as a short HTML text in the agents' language."""
        lang = self.ctx.config.agents_language
        backlog = await backlog_now(self.ctx.store, self.ctx.clock.now())
        per_priority = " · ".join(f"{name}: {count}" for name, count in backlog.open_by_priority.items())
        lines = [
            f"<b>{a(lang, 'report_title')}</b>",
            per_priority,
            f"{a(lang, 'report_open')}: {backlog.waiting} · {a(lang, 'report_claimed')}: {backlog.claimed}",
        ]
        if backlog.oldest is not None:
            lines.append(
                f"{a(lang, 'report_oldest')}: {backlog.oldest.label} "
                f"({backlog.oldest.priority.name}, {duration_words(backlog.oldest_wait_s)})"
            )
        else:
            lines.append(f"{a(lang, 'report_oldest')}: {a(lang, 'report_none')}")
        for agent, count in sorted(backlog.claimed_by_agent.items(), key=lambda item: -item[1]):
            lines.append(f"👤 {html.escape(await self.ctx.state.agent_name(agent))}: {count}")
        return "\n".join(lines)
