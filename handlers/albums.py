"""A customer's album reaches the agents as one album, not as a row of loose photos.

Telegram delivers an album as one message per part. Each part goes on the ticket as any message
does (`TicketStore.submit`) and is gathered here (`escalation.albums`); the part that started the
album sends it once no part has come for ALBUM_QUIET_S: into the customer's topic (topic mode), or
under the ticket's card with the relay's header (group mode), where it counts as one message. The
sending runs beside the handler, so the later parts are handled meanwhile; a worker that dies in
that second loses the album's copy to the agents, not the parts, which stay in the ticket's history.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import time
from collections.abc import Awaitable, Callable

from escalation.albums import AlbumParts
from escalation.ticket import Ticket
from handlers.context import HandlerContext
from handlers.desk_actions import DeskActions
from handlers.events import Attachment, IncomingMessage, Outgoing
from handlers.messenger import TelegramError
from handlers.relay import AgentRelay

log = logging.getLogger(__name__)

ALBUM_QUIET_S = 1.0  # no new part for this long: the album is complete
ALBUM_WAIT_MAX_S = 15.0  # a customer's album never waits longer than this for its parts
ALBUM_MAX = 10  # Telegram's largest album


class AlbumRelay:
    """Gathers the parts of customers' albums and sends each album to the agents once.

    `header` gives the relay's header of a ticket (group mode), as the customer's other words get.
    """

    def __init__(
        self,
        ctx: HandlerContext,
        actions: DeskActions,
        relay: AgentRelay,
        header: Callable[[Ticket], Awaitable[str]],
    ) -> None:
        self.ctx = ctx
        self.actions = actions
        self.relay = relay
        self.header = header
        self.parts = AlbumParts(ctx.store.redis, ctx.store.keys)

    async def first_part(self, message: IncomingMessage) -> bool:
        """Whether this message started its album (without a ticket: answer an album once, not per part)."""
        group = message.media_group_id or ""
        return await self.parts.add(message.user.id, group, message.message_id, "")

    async def add(self, ticket: Ticket, message: IncomingMessage) -> bool:
        """Gather one part; True when it started the album (the album counts as one new message)."""
        attachment = message.attachment
        if attachment is None or message.media_group_id is None:
            raise ValueError("only an attachment with a media group id is part of an album")
        part = json.dumps(
            {
                "kind": attachment.kind,
                "file_id": attachment.file_id,
                "file_name": attachment.file_name,
                "caption": message.caption,
            },
            ensure_ascii=False,
        )
        customer, group = message.user.id, message.media_group_id
        first = await self.parts.add(customer, group, message.message_id, part)
        if first:
            self.relay.in_background(self._send_when_complete(ticket.number, customer, group))
        return first

    async def _send_when_complete(self, number: int, customer: int, group: str) -> None:
        """Wait until the parts stop coming, then send them all (once, whoever else tries)."""
        seen, deadline = -1, time.monotonic() + ALBUM_WAIT_MAX_S
        while (count := await self.parts.count(customer, group)) != seen and time.monotonic() < deadline:
            seen = count
            await asyncio.sleep(ALBUM_QUIET_S)
        parts = [json.loads(part) for part in await self.parts.take(customer, group) if part]
        ticket = await self.ctx.store.find(number)
        if not parts or ticket is None:
            return
        try:
            await self._send(ticket, parts)
        except TelegramError as exc:
            log.error("album of %s not relayed: %s", ticket.label, exc)

    async def _send(self, ticket: Ticket, parts: list[dict[str, str | None]]) -> None:
        """The album (or its one part) with the customer's captions, in the topic or under the card."""
        files = tuple(
            Attachment(kind=str(p["kind"]), file_id=str(p["file_id"]), file_name=p.get("file_name"))
            for p in parts[:ALBUM_MAX]
        )
        caption = html.escape("\n".join(str(p["caption"]) for p in parts if p.get("caption")))
        single = files[0] if len(files) == 1 else None
        album = () if single is not None else files
        chat = self.ctx.for_ticket(ticket).config.agents_chat_id
        if chat is None:
            return
        priority = int(ticket.priority)
        if self.actions.topics.enabled:
            who = f"<b>{html.escape(ticket.customer.name or str(ticket.customer.telegram_id))}</b>"
            text = who + (f": {caption}" if caption else "")
            await self.actions.topics.post(
                ticket, Outgoing(chat, text, attachment=single, album=album, priority=priority)
            )
            return
        text = await self.header(ticket) + (f"\n{caption}" if caption else "")
        message_id = await self.ctx.sender.send(
            Outgoing(
                chat,
                text,
                reply_to=ticket.card_message_id,
                attachment=single,
                album=album,
                priority=priority,
            )
        )
        await self.ctx.state.remember_message(chat, message_id, ticket.number)
