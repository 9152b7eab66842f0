"""A customer's words in the agents' group: one compact message per burst, edited as it grows.

The message goes to the bottom of the group as a reply to the ticket's card (so a reply to it
reaches the customer) and mentions who holds the ticket. Further messages of the same burst edit
it in place with the latest words and "+N messages". The edits go behind everything else in the
group's queue, so a flooding customer never delays another customer's card or an agent's command,
and the handler does not wait for them: the outbound queue keeps only the newest pending edit of a
message, so a burst costs as many edits as the group has room for, and the customer's next
message is handled at once. The whole text stays in the ticket's history.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Coroutine
from typing import Any

from escalation.effects import as_part, next_part
from escalation.relays import RelayState, RelayStep
from escalation.ticket import Ticket
from handlers.context import HandlerContext
from handlers.events import Outgoing
from handlers.messenger import NotModified, TelegramError
from handlers.texts import a

log = logging.getLogger(__name__)

GROWTH_PRIORITY = 9  # queued after every ticket priority (1-4): growth never delays another send


class AgentRelay:
    """Posts and grows the relay messages of one desk."""

    def __init__(self, ctx: HandlerContext) -> None:
        self.ctx = ctx
        self.state = RelayState(ctx.store.redis, ctx.store.keys)
        self._edits: set[asyncio.Task[None]] = set()

    async def relay(self, ticket: Ticket, text: str, header: str, *, new: bool = False) -> bool:
        """Relay one customer message; True when it started a new relay message (a new burst).

        `header` (HTML) heads a new relay; a burst already relayed keeps its own. `new` starts a
        new relay whatever the burst (a reopened ticket).
        """
        chat = self.ctx.for_ticket(ticket).config.agents_chat_id
        if chat is None:
            return False
        now = self.ctx.clock.now()
        step = await self.state.add(ticket.number, now, ticket.last_agent_at or 0.0, text, header, new=new)
        if step.verb == "edit":
            await self._edit(chat, step, ticket)
        if step.verb != "post":
            return False
        try:
            message_id = await self.ctx.sender.send(
                Outgoing(
                    chat,
                    self._render(step, ticket),
                    reply_to=ticket.card_message_id,
                    priority=int(ticket.priority),
                )
            )
        except TelegramError:
            await self.state.abandon(ticket.number)
            raise
        await self.ctx.state.remember_message(chat, message_id, ticket.number)
        latest = await self.state.posted(ticket.number, message_id)
        if latest.count > 1:  # more of the burst came while the post was on its way
            await self._edit(chat, latest, ticket)
        return True

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run another edit of the burst (the card's latest words) off the handler's path, like its own."""
        task = asyncio.create_task(as_part(next_part(), work))
        self._edits.add(task)
        task.add_done_callback(self._edits.discard)

    async def drain(self) -> None:
        """Wait for the edits started so far (shutdown, tests)."""
        if self._edits:
            await asyncio.gather(*self._edits, return_exceptions=True)

    async def _edit(self, chat: int, step: RelayStep, ticket: Ticket) -> None:
        """Queue the relay's edit without waiting for it (see the module's docstring)."""
        if step.message_id is None:
            return
        self.in_background(self._send_edit(chat, step.message_id, self._render(step, ticket)))

    async def _send_edit(self, chat: int, message_id: int, text: str) -> None:
        try:
            await self.ctx.sender.edit(chat, message_id, text, priority=GROWTH_PRIORITY)
        except NotModified:
            pass
        except TelegramError as exc:
            log.warning("relay message %s could not be edited: %s", message_id, exc)

    def _render(self, step: RelayStep, ticket: Ticket) -> str:
        """Header, the burst's latest words, "+N messages" and how much of the history was dropped."""
        language = self.ctx.for_ticket(ticket).config.agents_language
        words = ("…" if step.cut else "") + step.text
        lines = [step.header, html.escape(words)]
        notes = []
        if step.count > 1:
            more = step.count - 1
            notes.append(a(language, "relay_more_one" if more == 1 else "relay_more", n=more))
        if ticket.log_dropped:
            notes.append(a(language, "card_log_dropped", n=ticket.log_dropped))
        if notes:
            lines.append(f"<i>{' · '.join(notes)}</i>")
        return "\n".join(lines)
