"""The subscriber's side: a private chat with the bot.

Free text goes through triage. The FAQ answers what it is sure of (and asks whether it helped),
offers close matches as buttons, and everything that needs a person opens or joins the
customer's one ticket. Who the customer is, and so their plan tier, comes only from the
directory: by their Telegram id, or after they proved a phone number by sharing their own
contact. What they type about their plan changes nothing.
"""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING

from escalation.domain import Impact, Intent
from escalation.priority import assess
from escalation.reasons import describe
from escalation.store import Outcome
from escalation.store_errors import IllegalTransition, StoreError, TicketNotFound
from escalation.ticket import Customer, Ticket
from escalation.ticket_reads import Arrival
from faq.triage import TriageResult
from handlers.albums import AlbumRelay
from handlers.callbacks import Callback
from handlers.context import HandlerContext
from handlers.desk_actions import DeskActions
from handlers.events import Button, ButtonPress, IncomingMessage, Keyboard, MessageEdit, Outgoing, User
from handlers.faq_gaps import record_gap
from handlers.messenger import TelegramError
from handlers.ratings import RATE_ACTION
from handlers.relay import GROWTH_PRIORITY, AgentRelay
from handlers.split import split_text
from handlers.texts import a, pick_language, t

if TYPE_CHECKING:
    from handlers.blocks import CustomerBlocks
    from handlers.incidents import IncidentDesk

log = logging.getLogger(__name__)

NEEDS_A_PERSON = frozenset({Intent.OUTAGE, Intent.CANCEL, Intent.BILLING, Intent.HUMAN})
FAQ_TOPICS_SHOWN = 6
AGENT_ACTIVE_S = 15 * 60
NOT_HELPED = "n"
LOW_RATING = 2  # this many stars or fewer: ask what went wrong and tell the supervisors
EDIT_CHUNK = 3500  # an edited text shown in a topic: room for the notice's own words


class CustomerConversation:
    """Handles private-chat messages and the customer's button presses."""

    def __init__(
        self,
        ctx: HandlerContext,
        actions: DeskActions,
        blocks: CustomerBlocks,
        incidents: IncidentDesk | None = None,
    ) -> None:
        self.ctx = ctx
        self.actions = actions
        self.incidents = incidents
        self.relay = AgentRelay(ctx)
        self.albums = AlbumRelay(ctx, actions, self.relay, self._relay_header)
        self.blocks = blocks

    # ---------------------------------------------------------------- input

    async def on_message(self, message: IncomingMessage, arrival: Arrival) -> None:
        """Route one private message: contact, command, ticket follow-up or new question.

        `arrival` is what Redis said about the sender as the message came in (for a replay after
        a crash: as it came in the first time).
        """
        language = self._language(message.user)
        if message.contact is not None:
            await self._contact(message, language)
            return
        command = message.command
        if command is not None:
            await self._command(message, command, language)
            return
        if await self.blocks.withhold(message, arrival, language):
            return
        text = message.text or message.caption
        if arrival.active is None and arrival.last_number is not None and text.strip():
            # After a low rating, the next words answer "what went wrong?" (unless another ticket
            # was resolved since: then the question is stale and the message is taken as it is).
            rated = await self.ctx.state.take_feedback(message.user.id)
            if rated is not None and rated == arrival.last_number:
                await self._feedback(rated, message, text, language)
                return
        if arrival.active is not None:
            await self._follow_up(arrival.active, message, text, language, arrival)
            return
        if not text.strip():
            if message.media_group_id is None or await self.albums.first_part(message):
                await self._say(message.chat.id, t(language, "attachment_no_ticket"))  # once per album
            return
        customer = await self._directory_customer(message.user, language, arrival.linked_subscriber)
        result = self.ctx.triage.classify(text, lang=language, tier=customer.tier)
        await self._answer(message, customer, text, result, language, arrival)

    async def on_edit(self, edit: MessageEdit) -> None:
        """The customer edited a message they sent: on their active ticket the new words are kept in
        its history and shown to the agents (an "edited" notice in the topic, an "edited" line in
        the group's relay). Without an active ticket the edit changes nothing; a blocked customer's
        edit is kept, not shown."""
        ticket = await self.ctx.store.active_ticket(edit.user.id)
        if ticket is None or not edit.text.strip():
            return
        actor = f"customer:{edit.user.id}"
        blocked = await self.ctx.state.block_record(edit.user.id) is not None
        await self.ctx.store.log_event(ticket.number, "withheld" if blocked else "edited", actor, edit.text)
        team = self.ctx.for_ticket(ticket).config
        chat = team.agents_chat_id
        if blocked or chat is None:
            return
        if self.actions.topics.enabled:
            name = html.escape(ticket.customer.name or str(ticket.customer.telegram_id))
            for index, chunk in enumerate(split_text(edit.text, EDIT_CHUNK)):
                body = (
                    a(team.agents_language, "customer_edited", name=f"<b>{name}</b>", text=html.escape(chunk))
                    if index == 0
                    else html.escape(chunk)
                )
                await self.actions.topics.post(ticket, Outgoing(chat, body, priority=int(ticket.priority)))
            return
        line = a(team.agents_language, "edited_line", text=edit.text)
        await self.relay.relay(ticket, line, await self._relay_header(ticket))

    async def on_button(self, press: ButtonPress, callback: Callback) -> None:
        """Menu, FAQ feedback and rating buttons."""
        language = self._language(press.user)
        action, args = callback.action, callback.args
        reaches_agents = action == "menu" and args[:1] == ("human",)
        if reaches_agents and await self.blocks.refuse_button(press.user, press.callback_id, language):
            return
        if action == "menu" and args:
            await self.ctx.sender.answer_button(press.callback_id)
            await self._close_offer(press, args, language)
            await self._menu(press, args[0], language)
        elif action == "faq" and args:
            await self.ctx.sender.answer_button(press.callback_id)
            await self._close_offer(press, args, language)
            await self._send_faq_answer(press.chat.id, args[0], language)
        elif action == "helped" and len(args) in (2, 3):
            await self._helped(press, args[0], args[1] == "1", language, args[2] if len(args) == 3 else "")
        elif action == RATE_ACTION and len(args) == 2:
            await self._rate(press, int(args[0]), int(args[1]), language)
        else:
            raise ValueError(f"unknown customer action {action!r}")

    # ------------------------------------------------------------- commands

    async def _command(self, message: IncomingMessage, command: str, language: str) -> None:
        user, chat = message.user, message.chat.id
        if command == "start":
            await self._say(
                chat, t(language, "welcome", name=html.escape(user.first_name)), self._menu_keyboard(language)
            )
            if await self._subscriber_id(user.id) is None:
                await self._say(
                    chat,
                    t(language, "link_share_prompt"),
                    Keyboard.share_contact(t(language, "menu_share_phone")),
                )
        elif command == "help":
            await self._say(chat, t(language, "help"), self._menu_keyboard(language))
        elif command == "status":
            await self._status(chat, user.id, language)
        elif command == "cancel":
            await self._withdraw(chat, user.id, language)
        elif command == "link":
            await self._link(message, language)
        else:
            await self._say(chat, t(language, "unknown_command"))

    async def _status(self, chat: int, user_id: int, language: str) -> None:
        ticket = await self.ctx.store.active_ticket(user_id)
        if ticket is None:
            await self._say(chat, t(language, "status_none"), self._menu_keyboard(language))
            return
        await self._say(chat, await self._status_text(ticket, language))

    async def _status_text(self, ticket: Ticket, language: str) -> str:
        """Where the ticket stands: its state, priority, place in the queue and the wait, as of now."""
        return t(
            language,
            "status",
            ticket=ticket.label,
            state=t(language, f"state_{ticket.state.value}"),
            priority=t(language, f"priority_{ticket.priority.name}"),
            queue=await self.actions.queue_words(ticket, language),
        )

    async def _withdraw(self, chat: int, user_id: int, language: str) -> None:
        ticket = await self.ctx.store.active_ticket(user_id)
        if ticket is None:
            await self._say(chat, t(language, "cancel_none"))
            return
        try:
            withdrawn = await self.ctx.store.withdraw(ticket.number, user_id)
        except (IllegalTransition, TicketNotFound):
            await self._say(chat, t(language, "cancel_none"))
            return
        await self._say(chat, t(language, "cancelled", ticket=withdrawn.label))
        await self.actions.refresh_card(withdrawn)

    async def _link(self, message: IncomingMessage, language: str) -> None:
        """`/link S1001`: linked only when the directory already ties that subscriber to this user.

        Anyone can type a subscriber id, so a bare claim never changes a customer's tier: for a
        subscriber not tied to this Telegram account the customer must share their own phone.
        """
        chat, user = message.chat.id, message.user
        subscriber_id = message.args.split()[0] if message.args else ""
        if not subscriber_id:
            await self._say(chat, t(language, "link_usage"))
            return
        found = await self.ctx.directory.by_subscriber_id(subscriber_id) if self.ctx.directory else None
        if found is None:
            await self._say(chat, t(language, "link_not_found"))
            return
        if found.telegram_id != user.id:
            await self._say(
                chat,
                t(language, "link_share_prompt"),
                Keyboard.share_contact(t(language, "menu_share_phone")),
            )
            return
        await self.ctx.state.link(user.id, found.subscriber_id)
        await self._say(
            chat,
            t(language, "link_ok", subscriber=html.escape(found.subscriber_id), plan=html.escape(found.plan)),
        )

    async def _contact(self, message: IncomingMessage, language: str) -> None:
        """A shared contact links the account only if it is the sender's own number."""
        chat, user, contact = message.chat.id, message.user, message.contact
        assert contact is not None
        if contact.user_id != user.id:
            await self._say(chat, t(language, "contact_not_own"), Keyboard.removed())
            return
        found = await self.ctx.directory.by_phone(contact.phone_number) if self.ctx.directory else None
        if found is None:
            await self._say(chat, t(language, "link_not_found"), Keyboard.removed())
            return
        await self.ctx.state.link(user.id, found.subscriber_id)
        await self._say(
            chat,
            t(language, "link_ok", subscriber=html.escape(found.subscriber_id), plan=html.escape(found.plan)),
            Keyboard.removed(),
        )

    # ---------------------------------------------------------------- triage

    async def _answer(
        self,
        message: IncomingMessage,
        customer: Customer,
        text: str,
        result: TriageResult,
        language: str,
        arrival: Arrival,
    ) -> None:
        chat = message.chat.id
        if result.intent is Intent.OUTAGE and not customer.account_active:
            await self._inactive_account(customer, text, result, language, arrival, message)
        elif result.intent in NEEDS_A_PERSON:
            await self._open_ticket(
                customer,
                text,
                result.intent,
                result,
                language,
                arrival,
                follow_up=result.follow_up,
                message=message,
            )
        elif (
            result.follow_up
            and not _answered_by_faq(result)
            and await self._reopen_follow_up(customer, text, result, language, arrival, message)
        ):
            return
        elif result.faq_id is not None:
            await self.ctx.state.remember_question(message.user.id, text)
            await self._send_faq_answer(chat, result.faq_id, language)
        elif result.suggestions:
            await record_gap(self.ctx, text)
            await self.ctx.state.remember_question(message.user.id, text)
            rows = [
                [Button(self._faq_title(entry, language)[:60], self.ctx.codec.encode("faq", entry))]
                for entry in result.suggestions[:3]
            ]
            rows.append([Button(t(language, "menu_human"), self.ctx.codec.encode("menu", "human"))])
            await self._say(chat, t(language, "faq_suggest"), Keyboard.inline(*rows))
        elif result.intent is Intent.GREETING:
            await self._say(
                chat,
                t(language, "greeting", name=html.escape(message.user.first_name)),
                self._menu_keyboard(language),
            )
        else:
            await record_gap(self.ctx, text)
            await self._say(chat, t(language, "unknown"), self._menu_keyboard(language))

    async def _reopen_follow_up(
        self,
        customer: Customer,
        text: str,
        result: TriageResult,
        language: str,
        arrival: Arrival,
        message: IncomingMessage,
    ) -> bool:
        """ "Ainda não voltou", "still nothing": reopen the problem just resolved, if there is one.

        The message names no problem of its own, so it is triaged as the resolved ticket's
        situation (urgency and the customer's plan as they are now). False when nothing was
        resolved within the reopen window: the message is then answered as any other.
        """
        if arrival.last_number is None:
            return False
        previous = await self.ctx.store.find(arrival.last_number)
        if previous is None or previous.resolved_at is None:
            return False
        if self.ctx.clock.now() - previous.resolved_at > self.ctx.policy.reopen_window:
            return False
        await self._open_ticket(
            customer,
            text,
            previous.intent,
            result,
            language,
            arrival,
            impact=previous.impact,
            follow_up=True,
            message=message,
        )
        return True

    async def _inactive_account(
        self,
        customer: Customer,
        text: str,
        result: TriageResult,
        language: str,
        arrival: Arrival,
        message: IncomingMessage,
    ) -> None:
        """ "Nothing works" from a subscriber whose account is suspended, cancelled or expired.

        That is the likely cause, so they hear it first, with how to pay from the FAQ's entry
        tagged `billing`; a billing ticket still opens (they may have paid already), at basic priority.
        """
        entry = next((e for e in self.ctx.triage.knowledge if "billing" in e.tags), None)
        how_to_pay = f"\n{html.escape(entry.answer(language))}" if entry else ""
        status = t(language, f"account_{customer.account_status}")
        await self._say(
            customer.telegram_id, t(language, "account_inactive", status=status, how_to_pay=how_to_pay)
        )
        await self._open_ticket(customer, text, Intent.BILLING, result, language, arrival, message=message)

    async def _open_ticket(
        self,
        customer: Customer,
        text: str,
        intent: Intent,
        result: TriageResult | None,
        language: str,
        arrival: Arrival | None = None,
        *,
        impact: Impact | None = None,
        follow_up: bool = False,
        message: IncomingMessage | None = None,
    ) -> Ticket:
        """Open, join or reopen the customer's ticket and tell them (and the agents) what happened.

        `arrival` is the reading taken as the customer's message came in, if this follows one;
        `impact` overrides the message's own (a follow-up takes the resolved ticket's);
        `follow_up` reopens the last resolved ticket whatever the message's intent; `message` is
        the customer's message that asked (None: a button), whose photo or document, if any, goes
        to the agents under the card: the card quotes only its caption.
        """
        attachment = message.attachment if message is not None else None
        kind = attachment.kind if attachment is not None else ("text" if message is not None else "button")
        if impact is None and result is not None and intent is Intent.OUTAGE:
            impact = result.impact
        urgent = bool(result and result.urgent)
        assessment = assess(
            self.ctx.policy,
            intent,
            impact,
            customer.tier,
            urgent=urgent,
            account_active=customer.account_active,
        )
        submission = await self.ctx.store.submit(
            customer, text, assessment, intent, impact, kind=kind, arrival=arrival, follow_up=follow_up
        )
        ticket = submission.ticket
        if submission.outcome is Outcome.APPENDED:
            new_burst = await self._relay_to_agents(ticket, text, message)
            if new_burst and not self._agent_active(ticket):
                await self._say(customer.telegram_id, t(language, "ticket_appended", ticket=ticket.label))
            return ticket
        if (
            intent is Intent.OUTAGE
            and self.incidents is not None
            and await self.incidents.on_outage(customer, ticket, text, language)
        ):
            return ticket
        await self._announce(ticket, submission.outcome, language, text)
        if attachment is not None:  # under the card just posted: the ticket as it is now knows its id
            await self._relay_to_agents(await self.ctx.store.get(ticket.number), text, message)
        return ticket

    async def _announce(self, ticket: Ticket, outcome: Outcome, language: str, text: str) -> None:
        """A new or reopened ticket: the customer hears number, priority, why and wait; then the agents.

        The customer first: the agents' group is paced at 20 messages a minute, and an
        acknowledgement must not wait behind a queue of cards. A reopened ticket's card is far up
        the group by now, so the agents also get a new message at the bottom with the customer's
        words, the new priority and whoever resolved it.
        """
        key = "ticket_created" if outcome is Outcome.CREATED else "ticket_reopened"
        await self._say(
            ticket.customer.telegram_id,
            t(
                language,
                key,
                ticket=ticket.label,
                priority=t(language, f"priority_{ticket.priority.name}"),
                reasons=html.escape("; ".join(describe(ticket.reasons, language))),
                queue=await self.actions.queue_words(ticket, language),
            ),
            priority=int(ticket.priority),
        )
        await self.actions.refresh_card(ticket)
        if outcome is Outcome.REOPENED:
            await self._relay_reopen(ticket, text)

    async def _relay_reopen(self, ticket: Ticket, text: str) -> None:
        if self.actions.topics.enabled:  # the topic was reopened with the card: the words follow it
            await self.actions.topics.copy(ticket, text)
            return
        language = self.ctx.for_ticket(ticket).config.agents_language
        header = a(
            language,
            "relay_reopened",
            ticket=ticket.label,
            priority=ticket.priority.name,
            name=html.escape(ticket.customer.name),
        )
        history = await self.ctx.store.log(ticket.number)
        resolver = next((e["actor"] for e in reversed(history) if e["event"] == "resolved"), "")
        if resolver.startswith("agent:"):
            header += " · 👤 " + await self.actions.mentions({int(resolver.split(":", 1)[1])}, language)
        await self.relay.relay(ticket, text, header, new=True)

    async def _follow_up(
        self, ticket: Ticket, message: IncomingMessage, text: str, language: str, arrival: Arrival
    ) -> None:
        """Anything the customer sends while their ticket is active goes to the ticket and the agents.

        The message is triaged again (a worse problem raises the priority), and the agents get it
        in the burst's relay message. A question that the FAQ answers is answered at once and noted
        on the ticket, unless an agent is in the conversation (then it is theirs to answer); not
        any message the FAQ matches, nor an urgent one: a flood of words that happen to match, or
        "urgente, tem jogo agora", is for the agents. Thanks and small talk never count as a
        repeat contact. The customer hears "added to your ticket" once per burst, and only while
        no agent is answering them; asking how long it takes ("quanto tempo?", "any news?"), they
        hear instead where the ticket stands and the wait as of now (not an FAQ entry that happens to
        match: on an open ticket "how long?" is about the ticket). On a ticket linked to a mass
        incident the message is only appended: agents work the incident card, and thousands of
        "still down" messages must not flood their group. A subscriber whose account is not active
        who says again that nothing works is read as on their first message (`_inactive_account`):
        billing, not an outage.
        """
        customer = await self._directory_customer(message.user, language, arrival.linked_subscriber)
        result = self.ctx.triage.classify(text, lang=language, tier=customer.tier) if text.strip() else None
        question = result is not None and result.asks and not result.urgent and not result.asks_status
        if question and _answered_by_faq(result) and not self._agent_active(ticket):
            await self.ctx.store.note_faq_answer(ticket.number, customer.telegram_id, text, result.faq_id)
            await self.ctx.state.remember_question(message.user.id, text)
            await self._send_faq_answer(message.chat.id, result.faq_id, language, ticket.number)
            return
        intent = result.intent if result and result.intent in NEEDS_A_PERSON else ticket.intent
        if intent is Intent.OUTAGE and not customer.account_active:
            intent = Intent.BILLING
        outage = result is not None and result.intent is Intent.OUTAGE and intent is Intent.OUTAGE
        impact = result.impact if result and outage else ticket.impact
        urgent = bool(result and result.urgent)
        assessment = assess(
            self.ctx.policy,
            intent,
            impact,
            customer.tier,
            urgent=urgent,
            account_active=customer.account_active,
        )
        kind = message.attachment.kind if message.attachment else "text"
        body = text or f"[{kind}]"
        small_talk = result is not None and result.intent not in NEEDS_A_PERSON and result.courtesy
        submission = await self.ctx.store.submit(
            customer,
            body,
            assessment,
            intent,
            impact,
            kind=kind,
            arrival=arrival,
            follow_up=bool(result and result.follow_up),
            contact=not small_talk,
        )
        updated = submission.ticket
        if submission.outcome is not Outcome.APPENDED:
            # The ticket was resolved meanwhile: this message reopened it (or opened a new one).
            await self._announce(updated, submission.outcome, language, body)
            return
        if updated.incident is None:
            new_burst = await self._relay_to_agents(updated, body, message, before=ticket)
            if updated.priority != ticket.priority or new_burst:
                await self.actions.refresh_card(updated)
            elif not self.actions.topics.enabled:  # in a topic the words are right under the card
                self.relay.in_background(self._show_latest_words(updated.number))
        else:
            gap = self.ctx.policy.priority.repeat_contact_gap
            new_burst = (
                ticket.last_customer_at is None or self.ctx.clock.now() - ticket.last_customer_at >= gap
            )
        acknowledge = new_burst and not self._agent_active(ticket)
        appended = t(language, "ticket_appended", ticket=updated.label) if acknowledge else ""
        if updated.priority != ticket.priority:  # urgency or a repeated contact raised it: say so, once
            await self.actions.tell_priority_news(updated, "priority_changed", lead=appended)
        elif result is not None and result.asks_status and not self._agent_active(ticket):
            await self._say(message.chat.id, await self._status_text(updated, language))
        elif acknowledge:
            await self._say(message.chat.id, appended)

    async def _show_latest_words(self, number: int) -> None:
        """The card quotes a burst's latest words too, edited behind every other send.

        It runs off the handler's path, so it reads the ticket afresh: a claim or a resolve that
        came meanwhile must not be overwritten by this message's older snapshot.
        """
        ticket = await self.ctx.store.find(number)
        if ticket is not None:
            await self.actions.refresh_card(ticket, edit_priority=GROWTH_PRIORITY)

    def _agent_active(self, ticket: Ticket) -> bool:
        """An agent answered this customer lately: they are in the conversation, so the bot keeps out."""
        answered = ticket.last_agent_at
        return answered is not None and self.ctx.clock.now() - answered < AGENT_ACTIVE_S

    async def _relay_to_agents(
        self,
        ticket: Ticket,
        text: str,
        message: IncomingMessage | None = None,
        before: Ticket | None = None,
    ) -> bool:
        """The customer's words to the agents; True when they started a new relay message (a new burst).

        Text joins the burst's relay (`AgentRelay`); a photo or document is posted as itself.
        With no agents' group configured every message counts as new (nothing was relayed). In
        topic mode every message is copied into the customer's topic, and a burst is new after
        the repeat-contact gap since `before` (the ticket as the message found it).
        """
        team = self.ctx.for_ticket(ticket).config
        chat = team.agents_chat_id
        if chat is None:
            return True
        topics = self.actions.topics.enabled
        last = before.last_customer_at if before is not None else None
        new_burst = last is None or self.ctx.clock.now() - last >= self.ctx.policy.priority.repeat_contact_gap
        if message is not None and message.attachment is not None and message.media_group_id is not None:
            started = await self.albums.add(ticket, message)  # an album is one message, sent once complete
            return started and (new_burst or not topics)
        if topics:
            attachment = message.attachment if message is not None else None
            shown = message.caption if message is not None and attachment is not None else text
            await self.actions.topics.copy(ticket, shown, attachment)
            return new_burst
        header = await self._relay_header(ticket)
        if message is not None and message.attachment is not None:
            caption = header + (f"\n{html.escape(text)}" if text else "")
            message_id = await self.ctx.sender.send(
                Outgoing(
                    chat,
                    caption,
                    reply_to=ticket.card_message_id,
                    attachment=message.attachment,
                    priority=int(ticket.priority),
                )
            )
            await self.ctx.state.remember_message(chat, message_id, ticket.number)
            return True
        return await self.relay.relay(ticket, text, header)

    async def _relay_header(self, ticket: Ticket) -> str:
        """What heads the customer's words in the group: ticket, name and who holds it."""
        language = self.ctx.for_ticket(ticket).config.agents_language
        name = html.escape(ticket.customer.name)
        header = a(language, "customer_says", ticket=f"<b>{ticket.label}</b>", name=name)
        if ticket.assignee is not None:
            header += " · 👤 " + await self.actions.mentions({ticket.assignee}, language)
        return header

    # --------------------------------------------------------------- buttons

    async def _menu(self, press: ButtonPress, choice: str, language: str) -> None:
        chat = press.chat.id
        if choice == "report":
            await self._say(chat, t(language, "ask_problem"))
        elif choice == "faq":
            entries = list(self.ctx.triage.knowledge)[:FAQ_TOPICS_SHOWN]
            rows = [
                [Button(entry.title(language)[:60], self.ctx.codec.encode("faq", entry.id))]
                for entry in entries
            ]
            await self._say(chat, t(language, "faq_topics"), Keyboard.inline(*rows))
        elif choice == "human":
            customer = await self._customer(press.user, language)
            question = await self.ctx.state.take_question(press.user.id)
            await self._open_ticket(
                customer, question or t(language, "menu_human"), Intent.HUMAN, None, language
            )
        elif choice == "status":
            await self._status(chat, press.user.id, language)

    async def _send_faq_answer(
        self, chat: int, entry_id: str, language: str, open_ticket: int | None = None
    ) -> None:
        """The FAQ's answer with "did this help?"; with `open_ticket`, that their ticket stays open.

        The buttons carry the ticket's number, so the answer reads the same once they are pressed.
        """
        entry = self.ctx.triage.knowledge.get(entry_id)
        if entry is None:
            await self._say(chat, t(language, "unknown"), self._menu_keyboard(language))
            return
        extra = () if open_ticket is None else (open_ticket,)
        keyboard = Keyboard.inline(
            [
                Button(t(language, "yes"), self.ctx.codec.encode("helped", entry_id, 1, *extra)),
                Button(t(language, "no"), self.ctx.codec.encode("helped", entry_id, 0, *extra)),
            ]
        )
        await self._say(chat, self._faq_answer_text(entry_id, language, open_ticket), keyboard)

    def _faq_answer_text(
        self, entry_id: str, language: str, open_ticket: int | None, choice: str = ""
    ) -> str:
        entry = self.ctx.triage.knowledge.get(entry_id)
        answer = html.escape(entry.answer(language)) if entry else ""
        note = (
            "" if open_ticket is None else "\n\n" + t(language, "faq_ticket_open", ticket=f"#{open_ticket}")
        )
        return f"{answer}{note}\n\n{t(language, 'faq_helpful')} {choice}".rstrip()

    async def _helped(
        self, press: ButtonPress, entry_id: str, helped: bool, language: str, open_ticket: str
    ) -> None:
        """👍 or 👎 on an FAQ answer; the buttons go away once pressed (one answer per question).

        👎 opens nothing by itself: the customer is offered the next closest answers to what
        they asked and "talk to a person", which opens a ticket with their own words.
        """
        await self.ctx.sender.answer_button(press.callback_id)
        choice = t(language, "yes" if helped else "no")
        ticket = int(open_ticket) if open_ticket.isascii() and open_ticket.isdigit() else None
        await self._edit_away(press, self._faq_answer_text(entry_id, language, ticket, choice))
        if helped:
            await self.ctx.state.take_question(press.user.id)
            await self._say(press.chat.id, t(language, "faq_thanks"))
            return
        question = await self.ctx.state.pending_question(press.user.id)
        others = self.ctx.triage.alternatives(question, language, exclude=entry_id) if question else ()
        codec = self.ctx.codec
        rows = [
            [Button(self._faq_title(other, language)[:60], codec.encode("faq", other, NOT_HELPED))]
            for other in others
        ]
        rows.append([Button(t(language, "menu_human"), codec.encode("menu", "human", NOT_HELPED))])
        key = "faq_not_helped" if others else "faq_not_helped_human"
        await self._say(press.chat.id, t(language, key), Keyboard.inline(*rows))

    async def _close_offer(self, press: ButtonPress, args: tuple[str, ...], language: str) -> None:
        """A button of the 👎 offer was pressed: the offer's buttons go away (one choice per offer)."""
        if NOT_HELPED not in args[1:]:
            return
        await self._edit_away(press, t(language, "faq_not_helped_chosen"))

    async def _edit_away(self, press: ButtonPress, text: str) -> None:
        """Replace the pressed message's text and remove its buttons; a failed edit is only logged."""
        try:
            await self.ctx.sender.edit(press.chat.id, press.message_id, text, Keyboard.inline())
        except TelegramError as exc:
            log.info("buttons of message %s stay: %s", press.message_id, exc)

    async def _rate(self, press: ButtonPress, number: int, score: int, language: str) -> None:
        """The rating is answered in a new message; the resolution message keeps its text and loses
        its buttons. A low rating asks what went wrong and tells the supervisors."""
        try:
            ticket = await self.ctx.store.rate(number, press.user.id, score)
        except IllegalTransition:
            await self.ctx.sender.answer_button(press.callback_id, t(language, "already_rated"))
            await self.ctx.sender.edit(press.chat.id, press.message_id, None, Keyboard.inline())
            return
        except StoreError:
            await self.ctx.sender.answer_button(press.callback_id, t(language, "error"), alert=True)
            return
        await self.ctx.sender.answer_button(press.callback_id)
        await self.ctx.sender.edit(press.chat.id, press.message_id, None, Keyboard.inline())
        stars = "⭐" * score
        if score <= LOW_RATING:
            await self.ctx.state.ask_feedback(press.user.id, number)
            await self._say(press.chat.id, t(language, "rated_low", ticket=ticket.label, stars=stars))
            await self.actions.tell_supervisors(
                ticket,
                a(
                    self.ctx.for_ticket(ticket).config.agents_language,
                    "low_rating",
                    ticket=ticket.label,
                    stars=stars,
                    name=html.escape(ticket.customer.name),
                ),
            )
        else:
            await self._say(press.chat.id, t(language, "rated", stars=stars))
        await self.actions.refresh_card(ticket)

    async def _feedback(self, number: int, message: IncomingMessage, text: str, language: str) -> None:
        """The answer to "what went wrong?": kept on the ticket and shown to the supervisors."""
        ticket = await self.ctx.store.feedback(number, message.user.id, text)
        header = a(
            self.ctx.for_ticket(ticket).config.agents_language,
            "rating_feedback",
            ticket=ticket.label,
            name=html.escape(ticket.customer.name),
        )
        await self.actions.post_to_agents(ticket, header, text)
        await self._say(message.chat.id, t(language, "feedback_thanks", ticket=ticket.label))

    # --------------------------------------------------------------- helpers

    def _language(self, user: User) -> str:
        return pick_language(user.language_code, self.ctx.config.default_language)

    async def _subscriber_id(self, user_id: int) -> str | None:
        linked = await self.ctx.state.linked_subscriber(user_id)
        if linked:
            return linked
        found = await self.ctx.directory.by_telegram_id(user_id) if self.ctx.directory else None
        return found.subscriber_id if found else None

    async def _customer(self, user: User, language: str) -> Customer:
        """The customer as the directory knows them; not found means unlinked (basic)."""
        linked = await self.ctx.state.linked_subscriber(user.id) if self.ctx.directory else None
        return await self._directory_customer(user, language, linked)

    async def _directory_customer(self, user: User, language: str, linked: str | None) -> Customer:
        """`_customer` for a user whose linked subscriber id (or None) was already read."""
        directory = self.ctx.directory
        found = None
        if directory is not None:
            found = (
                await directory.by_subscriber_id(linked)
                if linked
                else await directory.by_telegram_id(user.id)
            )
        if found is None:
            return Customer(user.id, user.first_name, language)
        return Customer(
            user.id,
            found.name or user.first_name,
            language,
            found.subscriber_id,
            found.tier,
            found.region,
            found.status,
        )

    def _faq_title(self, entry_id: str, language: str) -> str:
        entry = self.ctx.triage.knowledge.get(entry_id)
        return entry.title(language) if entry else entry_id

    def _menu_keyboard(self, language: str) -> Keyboard:
        codec = self.ctx.codec
        return Keyboard.inline(
            [
                Button(t(language, "menu_report"), codec.encode("menu", "report")),
                Button(t(language, "menu_faq"), codec.encode("menu", "faq")),
            ],
            [
                Button(t(language, "menu_human"), codec.encode("menu", "human")),
                Button(t(language, "menu_status"), codec.encode("menu", "status")),
            ],
        )

    async def _say(self, chat: int, text: str, keyboard: Keyboard | None = None, priority: int = 3) -> None:
        await self.ctx.sender.send(Outgoing(chat, text, keyboard, priority=priority))


def _answered_by_faq(result: TriageResult) -> bool:
    """The FAQ answers the message, unless it says the problem is still there.

    "Ainda não voltou aqui" may resemble an FAQ entry (catch-up TV "voltar"), but it tells the desk
    that a problem persists, which is for people; a question with a follow-up word ("is it still
    possible to pay by Pix?") is still the FAQ's.
    """
    return result.faq_id is not None and not (result.follow_up and not result.asks)
