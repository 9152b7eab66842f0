"""Effects shared by the customer and agent conversations: cards, customer notices, queue words.

Every change of a ticket ends here: its card is posted once and edited in place afterwards, the
customer is told what matters, and a customer who blocked the bot is marked unreachable on the
card instead of failing the agent's action.
"""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import replace

from escalation.domain import State
from escalation.effects import as_part, next_part
from escalation.store_errors import StoreError
from escalation.ticket import Ticket
from escalation.waits import estimate_wait
from handlers.board import QueueBoard
from handlers.cards import NOTES_SHOWN, card_keyboard, closest_entries, render_card
from handlers.context import HandlerContext
from handlers.events import Keyboard, Outgoing
from handlers.messenger import Forbidden, TelegramError
from handlers.moments import moment_words
from handlers.names import agent_name, mention
from handlers.split import split_text
from handlers.texts import a, t
from handlers.topics import TopicDesk

log = logging.getLogger(__name__)

_CUSTOMER_WORDS = frozenset({"created", "message", "reopened"})


class DeskActions:
    """Card upkeep and customer notifications for one desk."""

    def __init__(self, ctx: HandlerContext) -> None:
        self.ctx = ctx
        self.topics = TopicDesk(ctx, self._card_in_new_topic)
        self.board = QueueBoard(ctx)
        self._catching_up: set[asyncio.Task[None]] = set()

    async def refresh_card(self, ticket: Ticket, edit_priority: int | None = None) -> None:
        """Post the ticket's card to the agents' group, or edit the one already there.

        The card quotes the customer's latest message (a reopened ticket shows why it reopened).
        `edit_priority` queues an edit behind other sends (a burst's later messages), instead of
        at the ticket's priority.

        A card that cannot be posted (a wrong AGENTS_CHAT_ID, the bot removed from the group) is
        logged and tried again at the ticket's next change; it never fails the customer's flow.
        A ticket linked to a mass incident gets no card of its own (the incident's card stands
        for thousands of them, and names its first premium subscribers); one posted before the
        incident was detected is still kept up. Only reports of the incident's own kind and
        scope are linked, so a premium subscriber's different problem keeps its card. Once
        someone holds the ticket (or it is closed), its pings lose their Claim buttons. In topic
        mode the General topic's queue board follows (`QueueBoard.changed`).
        """
        self.board.changed()
        if ticket.state is not State.OPEN:
            await self._retire_pings(ticket)
        if ticket.incident is not None and ticket.card_message_id is None:
            return
        try:
            await self._refresh_card(ticket, edit_priority)
        except TelegramError as exc:
            log.error("card of %s could not be posted or edited: %s", ticket.label, exc)

    async def _retire_pings(self, ticket: Ticket) -> None:
        """Edit the ticket's live pings: no Claim button, and a line saying who has it (or that it closed)."""
        pings = await self.ctx.state.take_pings(ticket.number)
        team = self.ctx.for_ticket(ticket).config
        chat = team.agents_chat_id
        if not pings or chat is None:
            return
        language = team.agents_language
        if ticket.state is State.CLAIMED and ticket.assignee is not None:
            name = await agent_name(self.ctx, ticket.assignee)
            status = f"✔️ {a(language, 'card_claimed_by')}: {html.escape(name)}"
        else:
            status = f"✅ {a(language, 'state_closed')}"
        for message_id, text in pings.items():
            try:
                await self.ctx.sender.edit(chat, message_id, f"{text}\n{status}", Keyboard.inline())
            except TelegramError as exc:
                log.info("ping %s of %s not retired: %s", message_id, ticket.label, exc)

    async def _refresh_card(self, ticket: Ticket, edit_priority: int | None = None) -> None:
        chat = self.ctx.for_ticket(ticket).config.agents_chat_id
        if chat is None:
            return
        text, keyboard = await self.card(ticket)
        priority = int(ticket.priority)
        if self.topics.enabled:
            await self._topic_card(ticket, Outgoing(chat, text, keyboard, priority=priority), edit_priority)
            return
        if ticket.card_message_id is not None:
            card = Outgoing(chat, text, keyboard, priority=priority)
            await self._edit_card(ticket, card, ticket.card_message_id, edit_priority)
            return
        if not await self.ctx.state.reserve_card_post(ticket.number):
            return  # another refresh is posting this card, and brings it up to date once posted
        try:
            message_id = await self.ctx.sender.send(Outgoing(chat, text, keyboard, priority=priority))
        except TelegramError:
            await self.ctx.state.release_card_post(ticket.number)
            raise
        posted = await self.ctx.store.set_card(ticket.number, message_id)
        await self.ctx.state.remember_message(chat, message_id, ticket.number)
        if posted.version > ticket.version + 1:  # the ticket changed while its card was on its way
            await self._refresh_card(posted)

    async def _edit_card(
        self, ticket: Ticket, card: Outgoing, card_id: int, edit_priority: int | None
    ) -> None:
        """Edit the card to show this reading of the ticket, unless a newer reading was shown already.

        Two refreshes may check in one order and queue their edits in the other; the older one
        then finds, once its edit is done, that a newer reading was checked meanwhile, and shows
        the ticket as it is now, beside the handler (which must not wait for another edit in the
        group's queue): the card never stays behind the ticket.
        """
        number = ticket.number
        if not await self.ctx.state.show_card(number, ticket.version):
            return
        await self.ctx.sender.edit(
            card.chat_id, card_id, card.text, card.keyboard, priority=edit_priority or card.priority
        )
        if await self.ctx.state.newest_card(number) > ticket.version:
            task = asyncio.create_task(as_part(next_part(), self._catch_up(number)))
            self._catching_up.add(task)
            task.add_done_callback(self._catching_up.discard)

    async def _catch_up(self, number: int) -> None:
        """The card as the ticket is now, after an older reading's edit may have overtaken a newer one."""
        try:
            await self._refresh_card(await self.ctx.store.get(number))
        except (StoreError, TelegramError) as exc:
            log.info("card of #%s not brought up to date: %s", number, exc)

    async def card(self, ticket: Ticket) -> tuple[str, Keyboard]:
        """The ticket's card as its team reads it: the text and the buttons (none once resolved)."""
        language = self.ctx.for_ticket(ticket).config.agents_language
        history, blocked = await self.ctx.store.card_reading(ticket.number, ticket.customer.telegram_id)
        excerpt = next(
            (e["text"] for e in reversed(history) if e["event"] in _CUSTOMER_WORDS and e.get("text")), ""
        )
        notes = [
            (await self._author(entry["actor"]), entry.get("text", ""))
            for entry in [e for e in history if e["event"] == "note"][-NOTES_SHOWN:]
        ]
        name = await agent_name(self.ctx, ticket.assignee) if ticket.assignee else None
        if ticket.state is State.RESOLVED:
            resolver = next((e["actor"] for e in reversed(history) if e["event"] == "resolved"), "")
            if resolver.startswith("agent:"):
                name = await agent_name(self.ctx, int(resolver.split(":", 1)[1]))
        text = render_card(
            ticket,
            excerpt,
            language=language,
            timezone=self.ctx.config.timezone,
            now=self.ctx.clock.now(),
            assignee_name=name,
            notes=notes,
            blocked=blocked,
        )
        closest = (
            closest_entries(self.ctx.triage, excerpt, ticket.customer.language, language)
            if ticket.state is not State.RESOLVED
            else []
        )
        return text, card_keyboard(ticket, self.ctx.codec, language, closest) or Keyboard.inline()

    async def _topic_card(self, ticket: Ticket, card: Outgoing, edit_priority: int | None) -> None:
        """Topic mode: the card is the first message of the ticket in the customer's topic, edited in
        place; the topic is then kept in step (closed once resolved, reopened, renamed)."""
        customer, number, topics = ticket.customer.telegram_id, ticket.number, self.topics.map_for(ticket)
        thread = await self.topics.thread(ticket)
        record = await topics.get(customer)
        card_id = record.cards.get(number) if record is not None and record.thread_id == thread else None
        if card_id is not None:
            await self._edit_card(ticket, card, card_id, edit_priority)
            await self.topics.sync(ticket)
            return
        if not await topics.reserve_card_post(thread, number):
            return  # another refresh is posting this card, and brings it up to date once posted
        # The topic shows the ticket before its card appears: an agent who answers the card at
        # once reaches the ticket, not "not a ticket's topic".
        await topics.show_ticket(customer, thread, number)
        try:
            card_id, thread = await self.topics.post(ticket, card, card=True)
        except TelegramError:
            await topics.release_card_post(thread, number)
            raise
        await topics.set_card(customer, thread, number, card_id)
        await topics.show_ticket(customer, thread, number)
        posted = await self.ctx.store.set_card(number, card_id)
        await self.ctx.state.remember_message(card.chat_id, card_id, number)
        await self.topics.sync(posted)
        if posted.version > ticket.version + 1:  # the ticket changed while its card was on its way
            await self._refresh_card(posted)

    async def _card_in_new_topic(self, ticket: Ticket) -> None:
        """A deleted topic was made again: the customer's ticket gets its card there first."""
        await self._refresh_card(await self.ctx.store.get(ticket.number))

    async def to_ticket(self, ticket: Ticket, message: Outgoing) -> int:
        """A message about a ticket in the group: in its topic (topic mode), else under its card."""
        if self.topics.enabled:
            message_id, _ = await self.topics.post(ticket, message)
            return message_id
        return await self.ctx.sender.send(replace(message, reply_to=ticket.card_message_id))

    async def _author(self, actor: str) -> str:
        """An agent's name from an audit actor (`agent:<id>`)."""
        kind, _, ident = actor.partition(":")
        return await agent_name(self.ctx, int(ident)) if kind == "agent" and ident.isdigit() else actor

    async def tell_customer(
        self, ticket: Ticket, text: str, keyboard: Keyboard | None = None, writer: int | None = None
    ) -> bool:
        """Send the customer a message about their ticket; False (and the card says so) if they blocked us.

        `writer` is the agent whose own words the message carries (a resolution message), told
        in the group if it cannot be delivered.
        """
        try:
            await self.ctx.sender.send(
                Outgoing(ticket.customer.telegram_id, text, keyboard, priority=int(ticket.priority))
            )
        except Forbidden:
            await self.customer_unreachable(ticket, writer)
            return False
        except TelegramError as exc:
            log.warning("could not tell the customer of %s: %s", ticket.label, exc)
            return False
        if ticket.unreachable:
            await self.refresh_card(await self.ctx.store.mark_unreachable(ticket.number, False))
        return True

    async def customer_unreachable(self, ticket: Ticket, writer: int | None) -> None:
        """The customer blocked the bot (403): the card says so, and the agent who wrote is told.

        The group hears it once per ticket, by a mention of the writer (a toast after a button,
        or an answer scrolled away, is easily missed); later failures only show on the card and
        in the writer's own answer.
        """
        log.info("customer of %s blocked the bot", ticket.label)
        if not ticket.unreachable:
            await self.refresh_card(await self.ctx.store.mark_unreachable(ticket.number))
        team = self.ctx.for_ticket(ticket).config
        chat = team.agents_chat_id
        if writer is None or chat is None or not await self.ctx.state.first_unreachable_notice(ticket.number):
            return
        text = a(
            team.agents_language,
            "customer_unreachable",
            agent=await mention(self.ctx, writer),
            ticket=ticket.label,
            customer=html.escape(ticket.customer.name),
        )
        await self.to_ticket(ticket, Outgoing(chat, text, priority=2))

    async def tell_priority_news(self, ticket: Ticket, key: str, lead: str = "") -> bool:
        """Tell the customer their ticket's priority changed or its deadline slipped, with the new wait.

        `key` is `priority_changed` or `sla_slipped`; callers send each change once. `lead` is a
        line said first in the same message (the acknowledgement of the message that raised it).
        """
        language = ticket.customer.language
        text = (
            lead
            + "\n" * bool(lead)
            + t(
                language,
                key,
                ticket=ticket.label,
                priority=t(language, f"priority_{ticket.priority.name}"),
                queue=await self.queue_words(ticket, language),
            )
        )
        return await self.tell_customer(ticket, text)

    async def tell_supervisors(self, ticket: Ticket, text: str) -> None:
        """A line for the ticket's team's supervisors in its group, under its card, mentioning them."""
        team = self.ctx.for_ticket(ticket).config
        chat = team.agents_chat_id
        if chat is None:
            return
        mentions = await self.mentions(set(team.supervisor_ids), team.agents_language)
        message_id = await self.to_ticket(ticket, Outgoing(chat, f"{text}\n{mentions}".rstrip(), priority=2))
        await self.ctx.state.remember_message(chat, message_id, ticket.number)

    async def mentions(self, ids: set[int], language: str | None = None) -> str:
        """Agents by name, as mentions that notify them (`language`: the group's, by default the desk's).

        Someone whose name neither the group nor Telegram can tell is mentioned by role
        ("supervisão"), never as a bare Telegram id.
        """
        language = language or self.ctx.config.agents_language
        names = []
        for uid in sorted(ids):
            name = await agent_name(self.ctx, uid)
            if name == str(uid):
                supervisor = uid in self.ctx.config.teams.supervisors
                name = a(language, "mention_supervisor" if supervisor else "mention_agent")
            names.append(f'<a href="tg://user?id={uid}">{html.escape(name)}</a>')
        return " ".join(names)

    async def post_to_agents(self, ticket: Ticket, header: str, body: str) -> None:
        """Post a customer's words to the ticket's group as replies to the card, split if long."""
        chat = self.ctx.for_ticket(ticket).config.agents_chat_id
        if chat is None:
            return
        for index, chunk in enumerate(split_text(body)):
            text = (header + "\n" if index == 0 else "") + html.escape(chunk)
            message_id = await self.to_ticket(ticket, Outgoing(chat, text, priority=int(ticket.priority)))
            await self.ctx.state.remember_message(chat, message_id, ticket.number)

    async def queue_words(self, ticket: Ticket, language: str) -> str:
        """ "You are number 3 in the queue. Expect an answer by tomorrow at 13:00." (or "an agent has it")."""
        if ticket.state is State.CLAIMED:
            return t(language, "queue_claimed")
        position, typical = await self.ctx.store.queue_standing(ticket.number)
        if position is None:
            return ""
        return t(
            language,
            "queue_position",
            position=position,
            wait=self.wait_words(ticket, position, typical, language),
        )

    def wait_words(self, ticket: Ticket, position: int, typical: float | None, language: str) -> str:
        """The wait from the ticket's deadline, business hours, the queue ahead and the `typical`
        first response (`estimate_wait`).

        Cheap on purpose (read with the place in the queue): it runs for every new ticket, so it
        must not scan the claims.
        Under an hour it is said as minutes; longer, as the moment it ends, in `TIMEZONE`.
        """
        now = self.ctx.clock.now()
        estimate = estimate_wait(
            self.ctx.store.sla,
            ticket.priority,
            ticket.due_at,
            now,
            position=position,
            typical_first_response=typical,
            agents=len(self.ctx.for_ticket(ticket).config.agent_ids),
        )
        timezone = self.ctx.config.timezone
        back = moment_words(language, estimate.back_at, now, timezone) if estimate.back_at else ""
        if estimate.answer_by is None:
            return t(language, "wait_back_only", back=back) if back else t(language, "wait_unknown")
        if estimate.back_at is not None:
            after_opening = estimate.answer_by - estimate.back_at
            if after_opening < 3600:
                return t(language, "wait_back_minutes", back=back, n=_minutes(after_opening))
            when = moment_words(language, estimate.answer_by, now, timezone)
            return t(language, "wait_back", back=back, when=when)
        if estimate.answer_by - now < 3600:
            return t(language, "wait_minutes", n=_minutes(estimate.answer_by - now))
        return t(language, "wait_until", when=moment_words(language, estimate.answer_by, now, timezone))


def _minutes(seconds: float) -> int:
    """Whole minutes, at least one: "about 0 min" promises what nobody can keep."""
    return max(1, round(seconds / 60))
