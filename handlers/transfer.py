"""`/transfer N team`: a ticket moves to another team's group, with its history.

The store moves it (`TicketStore.transfer`: back in the queue, no holder, audited); then the old
card is marked "transferred to <team> by <agent>" and loses its buttons, the old group's pings
lose their Claim button, the new group gets a card of its own and, under it, the ticket's history
so far: the customer's messages, the agents' answers and the internal notes (the history stays
among agents, as notes always do). The customer hears of it only when what they were told
changes (an agent had it, or the expected wait moves); otherwise a transfer is the desk's
business.

In topic mode the ticket moves from the customer's topic in the old group to their topic in the
new one (made if they have none there: the same per-customer records, so their next words go there
too), where the card and the history are posted; the old topic gets a "transferred" notice and is
closed.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from escalation.relays import RelayState
from escalation.teams import Team
from escalation.ticket import Ticket
from handlers.context import HandlerContext
from handlers.desk_actions import DeskActions
from handlers.events import Keyboard, Outgoing, User
from handlers.messenger import TelegramError
from handlers.names import agent_name
from handlers.split import TELEGRAM_TEXT_LIMIT
from handlers.texts import a, t

log = logging.getLogger(__name__)

HISTORY_ENTRY_CHARS = 600
HISTORY_CHUNK = TELEGRAM_TEXT_LIMIT - 200  # room for the header and the markup of a line
_CUSTOMER_EVENTS = frozenset({"created", "message", "reopened", "edited"})
_ICONS = {"reply": "💬", "note": "📝"}


class TicketTransfers:
    """Moves tickets between teams and tells each group (and, if it matters, the customer)."""

    def __init__(self, ctx: HandlerContext, actions: DeskActions) -> None:
        self.ctx = ctx
        self.actions = actions
        self.relays = RelayState(ctx.store.redis, ctx.store.keys)

    async def transfer(self, number: int, team: Team, agent: User) -> Ticket:
        """Move ticket `number` to `team` (the caller checked it may); the ticket as it is now.

        The card-post reservation is let go first, so the new group's card is posted by whichever
        change of the ticket comes first; releasing it while the old card exists changes nothing
        (a ticket with a card is edited, never posted).
        """
        await self.ctx.state.release_card_post(number)
        moved = await self.ctx.store.transfer(number, agent.id, team.name)
        before, after = moved.before, moved.after
        await self.relays.abandon(number)  # the customer's next words start a relay in the new group
        old = self.ctx.for_ticket(before).config
        by = html.escape(await agent_name(self.ctx, agent.id))
        line = "➡️ " + a(old.agents_language, "transferred_card", team=html.escape(team.title), agent=by)
        await self._mark_old_card(before, old.agents_chat_id, line)
        await self._retire_pings(number, old.agents_chat_id, line)
        if self.actions.topics.enabled and old.agents_chat_id is not None:
            notice = a(
                old.agents_language,
                "topic_transferred",
                ticket=before.label,
                team=html.escape(team.title),
                agent=by,
            )
            await self.actions.topics.leave(before, notice)
        await self.actions.refresh_card(after)
        posted = await self.ctx.store.get(number)
        await self._post_history(posted, before, by)
        await self._tell_customer(before, posted)
        return posted

    async def _mark_old_card(self, before: Ticket, chat: int | None, line: str) -> None:
        """The old group's card: as it was, with who moved it where, and no buttons."""
        if chat is None or before.card_message_id is None:
            return
        text, _ = await self.actions.card(before)
        try:
            await self.ctx.sender.edit(
                chat, before.card_message_id, f"{text}\n{line}", Keyboard.inline(), priority=2
            )
        except TelegramError as exc:
            log.info("old card of %s not marked transferred: %s", before.label, exc)

    async def _retire_pings(self, number: int, chat: int | None, line: str) -> None:
        """The old group's pings keep their words and lose their Claim button."""
        pings = await self.ctx.state.take_pings(number)
        if chat is None:
            return
        for message_id, text in pings.items():
            try:
                await self.ctx.sender.edit(chat, message_id, f"{text}\n{line}", Keyboard.inline())
            except TelegramError as exc:
                log.info("ping %s of #%s not retired: %s", message_id, number, exc)

    async def _post_history(self, ticket: Ticket, before: Ticket, by: str) -> None:
        """The ticket's history so far, under the new card, in as few messages as fit."""
        team = self.ctx.for_ticket(ticket).config
        chat = team.agents_chat_id
        if chat is None:
            return
        language = team.agents_language
        old_team = self.ctx.config.teams.of_ticket(before.team)
        header = "🗂 " + a(
            language, "transfer_history", ticket=ticket.label, team=html.escape(old_team.title), agent=by
        )
        lines = [
            await self._history_line(entry, ticket, language)
            for entry in await self.ctx.store.log(ticket.number)
            if entry["event"] in _CUSTOMER_EVENTS or entry["event"] in _ICONS
        ]
        if ticket.log_dropped:
            lines.insert(0, f"<i>{a(language, 'card_log_dropped', n=ticket.log_dropped)}</i>")
        for chunk in _chunks(header, [line for line in lines if line]):
            message_id = await self.actions.to_ticket(
                ticket, Outgoing(chat, chunk, priority=int(ticket.priority))
            )  # under the card, or in the customer's topic in the new group
            await self.ctx.state.remember_message(chat, message_id, ticket.number)  # a reply answers too

    async def _history_line(self, entry: dict[str, Any], ticket: Ticket, language: str) -> str:
        """One entry: when, who, what (escaped, cut); a note is marked internal."""
        when = datetime.fromtimestamp(float(entry["at"]), ZoneInfo(self.ctx.config.timezone))
        text = str(entry.get("text") or f"[{entry.get('kind', '')}]")
        if len(text) > HISTORY_ENTRY_CHARS:
            text = text[: HISTORY_ENTRY_CHARS - 1] + "…"
        event = entry["event"]
        if event in _CUSTOMER_EVENTS:
            who = f"👤 {html.escape(ticket.customer.name)}"
        else:
            kind, _, ident = str(entry.get("actor", "")).partition(":")
            name = await agent_name(self.ctx, int(ident)) if kind == "agent" and ident.isdigit() else kind
            who = f"{_ICONS[event]} {html.escape(name)}"
            if event == "note":
                who += f" ({a(language, 'history_internal')})"
        return f"<b>{when:%d/%m %H:%M}</b> {who}: {html.escape(text)}"

    async def _tell_customer(self, before: Ticket, after: Ticket) -> None:
        """The customer hears of the transfer only if what they were told changes (their wait)."""
        language = after.customer.language
        was = await self.actions.queue_words(before, language)
        now = await self.actions.queue_words(after, language)
        if was == now:
            return
        await self.actions.tell_customer(
            after, t(language, "transferred_notice", ticket=after.label, queue=now)
        )


def _chunks(header: str, lines: list[str]) -> list[str]:
    """The header and the lines packed into messages that fit (every line fits: entries are cut)."""
    chunks: list[str] = []
    current = header
    for line in lines:
        if len(current) + 1 + len(line) > HISTORY_CHUNK:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}"
    chunks.append(current)
    return chunks
