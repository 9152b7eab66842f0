"""Topic mode: one forum topic per customer in the agents' group, mended when people break it.

With AGENTS_TOPICS the agents' group is a forum. A customer's first ticket makes their topic
(under a Redis lock, so two racing messages never make two), named with the ticket, the customer
and the priority, its icon colour chosen from the priority (Telegram fixes it at creation, so a
later change shows in the name). Every later ticket of the customer comes to the same topic with
a card of its own; resolving closes the topic and a new or reopened ticket reopens it.

People can close or delete a topic by hand. Whatever is posted to a customer goes through
`post`: a closed topic is reopened, a deleted one made again (its card posted first), and the
message sent again, so nothing is lost ("message thread not found", `TOPIC_CLOSED`,
`TOPIC_DELETED`).
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from escalation.domain import Priority, State
from escalation.effects import effect_name
from escalation.ticket import Ticket
from escalation.topic_map import TopicMap
from handlers.cards import PRIORITY_MARK
from handlers.context import HandlerContext
from handlers.events import Attachment, Outgoing, TopicOp
from handlers.messenger import TelegramError, TopicClosed, TopicGone
from handlers.split import split_text

# Telegram's six topic colours: red, yellow, blue and green stand for P1..P4.
ICON_COLOUR = {Priority.P1: 0xFB6F5F, Priority.P2: 0xFFD67E, Priority.P3: 0x6FB9F0, Priority.P4: 0x8EEE98}
TOPIC_NAME_MAX = 128
LOCK_TTL_S = 300.0  # longer than a creation waits in a busy group's queue (20 sends a minute)
LOCK_POLL_S = 0.05
MEND_ATTEMPTS = 3
# Closing, reopening and renaming go at one priority, so the queue keeps them in the order they were
# decided: at the tickets' priorities a P3 reopen could leave after a later P1 close, or before it.
STATE_PRIORITY = 1


def topic_name(ticket: Ticket) -> str:
    """ "🔴 P1 · #12 · Carla": what agents read in the topic list (at most 128 characters)."""
    name = " ".join((ticket.customer.name or str(ticket.customer.telegram_id)).split())
    full = f"{PRIORITY_MARK[ticket.priority]} {ticket.priority.name} · {ticket.label} · {name}"
    return full if len(full) <= TOPIC_NAME_MAX else full[: TOPIC_NAME_MAX - 1] + "…"


class TopicDesk:
    """The customers' topics of one desk: made once, kept in step with their tickets, mended.

    `on_new_topic` posts the ticket's card in a topic just made again, before what was on its way.
    """

    def __init__(self, ctx: HandlerContext, on_new_topic: Callable[[Ticket], Awaitable[None]]) -> None:
        self.ctx = ctx
        self.on_new_topic = on_new_topic
        self._maps: dict[int, TopicMap] = {}

    @property
    def enabled(self) -> bool:
        """Topic mode is on (each team's group is a forum)."""
        return self.ctx.config.agents_topics

    def map_for(self, ticket: Ticket) -> TopicMap:
        """The topic records of the group that works this ticket (its team's)."""
        chat = self.ctx.for_ticket(ticket).config.agents_chat_id
        if chat is None:
            raise TelegramError(f"no agents' group for {ticket.label}")
        return self._map(chat)

    def _map(self, chat: int) -> TopicMap:
        if chat not in self._maps:
            self._maps[chat] = TopicMap(self.ctx.store.redis, self.ctx.store.keys, chat)
        return self._maps[chat]

    async def thread(self, ticket: Ticket) -> int:
        """The customer's topic, made now if they have none."""
        record = await self.map_for(ticket).get(ticket.customer.telegram_id)
        if record is not None:
            return record.thread_id
        return await self._make(ticket, gone=None)

    async def ticket_in(self, chat: int, thread_id: int) -> int | None:
        """The ticket a topic of group `chat` shows now (agents' messages in it go there)."""
        topics = self._map(chat)
        customer = await topics.owner(thread_id)
        if customer is None:
            return None
        record = await topics.get(customer)
        return record.ticket if record is not None and record.thread_id == thread_id else None

    async def post(self, ticket: Ticket, message: Outgoing, *, card: bool = False) -> tuple[int, int]:
        """Send into the customer's topic: (message id, thread id). `card`: the message is the card.

        A closed topic is reopened and a deleted one made again (with the card first), then the
        message is sent again.
        """
        thread = await self.thread(ticket)
        topics = self.map_for(ticket)
        for _ in range(MEND_ATTEMPTS):
            try:
                sent = await self.ctx.sender.send(replace(message, thread_id=thread, reply_to=None))
                return sent, thread
            except TopicClosed:
                await self._reopen(topics, ticket.customer.telegram_id, thread)
            except TopicGone:
                thread = await self._make(ticket, gone=thread)
                if not card:
                    await self.on_new_topic(ticket)
        raise TelegramError(f"the topic of {ticket.label} could not be mended")

    async def copy(self, ticket: Ticket, text: str, attachment: Attachment | None = None) -> None:
        """A customer's message in their topic, as they wrote it (an attachment with its caption)."""
        chat = self.map_for(ticket).chat_id
        who = f"<b>{html.escape(ticket.customer.name or str(ticket.customer.telegram_id))}</b>"
        if attachment is not None:
            caption = who + (f": {html.escape(text)}" if text else "")
            await self.post(
                ticket, Outgoing(chat, caption, attachment=attachment, priority=int(ticket.priority))
            )
            return
        for index, chunk in enumerate(split_text(text)):
            body = f"{who}: {html.escape(chunk)}" if index == 0 else html.escape(chunk)
            await self.post(ticket, Outgoing(chat, body, priority=int(ticket.priority)))

    async def sync(self, ticket: Ticket) -> None:
        """Keep the topic in step with the ticket it shows: closed once resolved, open and named
        after its priority while active. An older ticket's change leaves the topic alone, and so
        does a snapshot older than one already applied (refreshes run side by side)."""
        customer, topics = ticket.customer.telegram_id, self.map_for(ticket)
        chat = topics.chat_id
        record = await topics.get(customer)
        if record is None or record.ticket != ticket.number:
            return
        active = ticket.state is not State.RESOLVED
        thread, priority, version = record.thread_id, STATE_PRIORITY, (ticket.number, ticket.version)
        if await topics.set_closed(customer, thread, not active, version):
            await self._op(TopicOp(chat, "reopen" if active else "close", thread, priority=priority))
        name = topic_name(ticket)
        if active and await topics.set_name(customer, thread, name, version):
            await self._op(TopicOp(chat, "edit", thread, name=name, priority=priority))

    async def leave(self, before: Ticket, notice: str) -> None:
        """The ticket left its team's group (a transfer): `notice` in its topic there, then the topic
        closed. The customer's topic in the new team's group is made by the ticket's next post.

        A topic showing another ticket of the customer by now is left alone; one closed or deleted
        by a person gets no notice.
        """
        topics, customer = self.map_for(before), before.customer.telegram_id
        record = await topics.get(customer)
        if record is None or record.ticket != before.number:
            return
        thread = record.thread_id
        try:
            await self.ctx.sender.send(
                Outgoing(topics.chat_id, notice, thread_id=thread, priority=STATE_PRIORITY)
            )
        except (TopicClosed, TopicGone):
            return
        if await topics.set_closed(customer, thread, True):
            await self._op(TopicOp(topics.chat_id, "close", thread, priority=STATE_PRIORITY))

    async def _op(self, op: TopicOp) -> None:
        """A topic change; a topic deleted meanwhile is left for the next post to make again."""
        try:
            await self.ctx.sender.topic(op)
        except TopicGone:
            return

    async def _reopen(self, topics: TopicMap, customer: int, thread: int) -> None:
        """A person closed the topic: open it again (and record it open)."""
        await topics.set_closed(customer, thread, False)
        await self.ctx.sender.topic(TopicOp(topics.chat_id, "reopen", thread, priority=STATE_PRIORITY))

    async def _make(self, ticket: Ticket, gone: int | None) -> int:
        """Make the customer's topic under their lock; `gone` is the deleted topic it replaces.

        Whoever waited for the lock finds the topic the holder made, and makes none.
        """
        customer, topics = ticket.customer.telegram_id, self.map_for(ticket)
        owner = effect_name("m")
        deadline = time.monotonic() + LOCK_TTL_S
        while not await topics.lock(customer, owner, LOCK_TTL_S):
            if time.monotonic() > deadline:
                raise TelegramError(f"the topic of {ticket.label} is being made elsewhere for too long")
            await asyncio.sleep(LOCK_POLL_S)
        try:
            record = await topics.get(customer)
            if record is not None and record.thread_id != gone:
                return record.thread_id
            name = topic_name(ticket)
            thread = await self.ctx.sender.topic(
                TopicOp(
                    topics.chat_id,
                    "create",
                    name=name,
                    icon_color=ICON_COLOUR[ticket.priority],
                    priority=int(ticket.priority),
                )
            )
            await topics.bind(customer, thread, name)
            return thread
        finally:
            await topics.unlock(customer, owner)
