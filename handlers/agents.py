"""The agents' side: the on-call group works the queue with card buttons, replies and commands.

Only agents may act: the ids in AGENT_IDS and SUPERVISOR_IDS, or, when AGENT_IDS is empty, any
member of the agents' group. Anyone else gets an alert and nothing changes. Every action is a
store transition, so two agents pressing Claim at once cannot both win; the loser is told who
has the ticket.
"""

from __future__ import annotations

import html
import logging
import time

from escalation.domain import Priority, State
from escalation.store import IllegalTransition, NotAssignee, StoreError, TicketNotFound
from escalation.ticket import Ticket
from handlers.callbacks import Callback
from handlers.cards import time_left
from handlers.context import HandlerContext
from handlers.customer import rating_keyboard
from handlers.desk_actions import DeskActions
from handlers.events import ButtonPress, IncomingMessage, Outgoing, User
from handlers.incidents import IncidentDesk
from handlers.messenger import Forbidden, TelegramError
from handlers.oncall import OnCallDesk
from handlers.split import split_text
from handlers.texts import a, t

log = logging.getLogger(__name__)

MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})
MEMBERSHIP_CACHE_S = 60.0
QUEUE_LINES = 20


class AgentConversation:
    """Handles the agents' group: commands, replies to cards and card buttons."""

    def __init__(
        self, ctx: HandlerContext, actions: DeskActions, oncall: OnCallDesk, incidents: IncidentDesk
    ) -> None:
        self.ctx = ctx
        self.actions = actions
        self.oncall = oncall
        self.incidents = incidents
        self._membership: dict[int, tuple[bool, float]] = {}

    @property
    def language(self) -> str:
        """The agents' language (AGENTS_LANGUAGE)."""
        return self.ctx.config.agents_language

    async def is_agent(self, user: User) -> bool:
        """Configured agents and supervisors; with no AGENT_IDS, members of the agents' group."""
        config = self.ctx.config
        if user.id in config.agent_ids or user.id in config.supervisor_ids:
            return True
        if config.agent_ids or config.agents_chat_id is None or user.is_bot:
            return False
        cached = self._membership.get(user.id)
        if cached and time.monotonic() - cached[1] < MEMBERSHIP_CACHE_S:
            return cached[0]
        try:
            status = await self.ctx.sender.member_status(config.agents_chat_id, user.id)
        except TelegramError as exc:
            log.warning("getChatMember for %s failed: %s", user.id, exc)
            return False
        member = status in MEMBER_STATUSES
        self._membership[user.id] = (member, time.monotonic())
        return member

    # ------------------------------------------------------------- messages

    async def on_message(self, message: IncomingMessage) -> None:
        """Commands, and replies to a card or a relayed customer message."""
        command = message.command
        if command is None and message.reply_to_message_id is None:
            return
        if command is None:
            number = await self.ctx.state.ticket_for_message(
                message.chat.id, message.reply_to_message_id or 0
            )
            if number is None:
                return
        if not await self.is_agent(message.user):
            await self._say(a(self.language, "not_agent"), reply_to=message.message_id)
            return
        await self.ctx.state.set_agent_name(message.user.id, message.user.display_name)
        if command is None:
            try:
                await self._relay(message, number, message.text or message.caption)
            except StoreError as exc:
                await self._say(f"⚠️ {html.escape(str(exc))}", reply_to=message.message_id)
            return
        await self._command(message, command)

    async def _command(self, message: IncomingMessage, command: str) -> None:
        agent, args, lang = message.user.id, message.args.split(maxsplit=1), self.language
        number = _ticket_number(args[0]) if args else None
        rest = args[1] if len(args) > 1 else ""
        try:
            if command == "queue":
                await self._queue(message)
            elif command == "mine":
                await self._mine(message)
            elif command == "next":
                await self._next(message)
            elif command == "oncall":
                await self.oncall.command(message)
            elif command == "incident":
                await self.incidents.command(message, agent)
            elif command in ("claim", "release", "resolve") and number is not None:
                await self._act(command, number, message.user, note=rest)
                await self._say(
                    a(
                        lang,
                        f"{command}ed_ok" if command != "resolve" else "resolved_ok",
                        ticket=f"#{number}",
                    ),
                    reply_to=message.message_id,
                )
            elif command == "priority" and number is not None and rest:
                ticket = await self._set_priority(number, agent, Priority.parse(rest))
                await self._say(
                    a(lang, "priority_ok", ticket=ticket.label, priority=ticket.priority.name),
                    reply_to=message.message_id,
                )
            elif command == "reply" and number is not None and rest:
                await self._relay(message, number, rest)
            elif command == "note" and number is not None and rest:
                await self.ctx.store.note(number, agent, rest)
                await self._say(a(lang, "noted", ticket=f"#{number}"), reply_to=message.message_id)
            else:
                await self._say(a(lang, "usage"), reply_to=message.message_id)
        except (StoreError, ValueError) as exc:
            await self._say(f"⚠️ {html.escape(str(exc))}", reply_to=message.message_id)

    async def _relay(self, message: IncomingMessage, number: int, text: str) -> None:
        """An agent's answer goes to the customer (text, photo or document)."""
        before = await self.ctx.store.get(number)
        if before.state is State.RESOLVED:
            raise IllegalTransition(number, "reply to", before.state.value)
        kind = message.attachment.kind if message.attachment else "text"
        ticket = await self.ctx.store.reply(number, message.user.id, text or f"[{kind}]", kind=kind)
        if before.first_response_at is None and ticket.first_response_at is not None:
            await self.ctx.state.record_first_response(ticket.first_response_at - ticket.created_at)
        language = ticket.customer.language
        notice = await self._deliver(ticket, message, text, language)
        await self._say(a(self.language, notice, ticket=ticket.label), reply_to=message.message_id)
        await self.actions.refresh_card(await self.ctx.store.get(number))

    async def _deliver(self, ticket: Ticket, message: IncomingMessage, text: str, language: str) -> str:
        """Send the answer to the customer; return the notice for the agent (relayed or why not)."""
        customer = ticket.customer.telegram_id
        try:
            if message.attachment is not None:
                caption = t(language, "agent_reply", ticket=ticket.label, text=html.escape(text))
                await self.ctx.sender.send(
                    Outgoing(customer, caption, attachment=message.attachment, priority=int(ticket.priority))
                )
                return "relayed"
            for index, chunk in enumerate(split_text(text)):
                body = (
                    t(language, "agent_reply", ticket=ticket.label, text=html.escape(chunk))
                    if index == 0
                    else html.escape(chunk)
                )
                await self.ctx.sender.send(Outgoing(customer, body, priority=int(ticket.priority)))
        except Forbidden:
            if not ticket.unreachable:
                await self.ctx.store.mark_unreachable(ticket.number)
            return "relay_failed"
        except TelegramError as exc:
            log.warning("answer to the customer of %s not delivered: %s", ticket.label, exc)
            return "relay_error"
        return "relayed"

    async def _queue(self, message: IncomingMessage) -> None:
        waiting = await self.ctx.store.list(State.OPEN, limit=QUEUE_LINES)
        total = await self.ctx.store.queue_length()
        if not waiting:
            await self._say(a(self.language, "queue_empty"), reply_to=message.message_id)
            return
        ordered = sorted(waiting, key=lambda ticket: (ticket.priority, ticket.due_at))
        lines = [a(self.language, "queue_title", count=total)]
        lines += [self._line(ticket) for ticket in ordered]
        await self._say("\n".join(lines), reply_to=message.message_id)

    async def _mine(self, message: IncomingMessage) -> None:
        mine = await self.ctx.store.claimed_by(message.user.id)
        if not mine:
            await self._say(a(self.language, "mine_empty"), reply_to=message.message_id)
            return
        lines = [a(self.language, "mine_title"), *(self._line(ticket) for ticket in mine)]
        await self._say("\n".join(lines), reply_to=message.message_id)

    async def _next(self, message: IncomingMessage) -> None:
        """Claim the most urgent waiting ticket (skipping any another agent grabs first)."""
        waiting = await self.ctx.store.list(State.OPEN, limit=QUEUE_LINES)
        for ticket in sorted(waiting, key=lambda item: (item.priority, item.due_at)):
            try:
                claimed = await self._act("claim", ticket.number, message.user)
            except IllegalTransition:
                continue
            await self._say(a(self.language, "claimed_ok", ticket=claimed.label), reply_to=message.message_id)
            return
        await self._say(a(self.language, "queue_empty"), reply_to=message.message_id)

    def _line(self, ticket: Ticket) -> str:
        now = self.ctx.clock.now()
        return (
            f"{ticket.priority.name} <b>{ticket.label}</b> {ticket.customer.effective_tier.value} · "
            f"{ticket.intent.value} · {html.escape(ticket.customer.name)} · "
            f"{time_left(self.language, ticket.due_at, now)}"
            + (f" · 🚨I{ticket.incident}" if ticket.incident else "")
        )

    # -------------------------------------------------------------- buttons

    async def on_button(self, press: ButtonPress, callback: Callback) -> None:
        """Card buttons: claim, release, resolve, priority up and down."""
        if not await self.is_agent(press.user):
            await self.ctx.sender.answer_button(press.callback_id, a(self.language, "not_agent"), alert=True)
            return
        await self.ctx.state.set_agent_name(press.user.id, press.user.display_name)
        if len(callback.args) != 1 or _ticket_number(callback.args[0]) is None:
            raise ValueError("card buttons carry one ticket number")
        number = int(callback.args[0])
        lang = self.language
        try:
            if callback.action in ("claim", "release", "resolve"):
                ticket = await self._act(callback.action, number, press.user)
                done = {"claim": "claimed_ok", "release": "released_ok", "resolve": "resolved_ok"}
                await self.ctx.sender.answer_button(
                    press.callback_id, a(lang, done[callback.action], ticket=ticket.label)
                )
            elif callback.action in ("up", "down"):
                current = await self.ctx.store.get(number)
                target = current.priority.raised() if callback.action == "up" else current.priority.lowered()
                ticket = await self._set_priority(number, press.user.id, target)
                await self.ctx.sender.answer_button(
                    press.callback_id,
                    a(lang, "priority_ok", ticket=ticket.label, priority=ticket.priority.name),
                )
            else:
                raise ValueError(f"unknown card action {callback.action!r}")
        except (IllegalTransition, NotAssignee, TicketNotFound) as exc:
            await self.ctx.sender.answer_button(press.callback_id, str(exc), alert=True)
            await self._refresh_quietly(number)

    # -------------------------------------------------------------- actions

    async def _act(self, action: str, number: int, agent: User, note: str = "") -> Ticket:
        """Claim, release or resolve, then update the card and tell the customer what matters."""
        store = self.ctx.store
        supervisor = agent.id in self.ctx.config.supervisor_ids
        if action == "claim":
            ticket = await store.claim(number, agent.id)
            await self.actions.tell_customer(
                ticket,
                t(
                    ticket.customer.language,
                    "claimed_notice",
                    agent=html.escape(agent.first_name),
                    ticket=ticket.label,
                ),
            )
        elif action == "release":
            ticket = await store.release(number, agent.id, force=supervisor)
        else:
            ticket = await store.resolve(number, agent.id, note)
            language = ticket.customer.language
            extra = f"\n{html.escape(note)}" if note else ""
            await self.actions.tell_customer(
                ticket,
                t(language, "resolved_notice", ticket=ticket.label, note=extra),
                rating_keyboard(ticket, self.ctx),
            )
        await self.actions.refresh_card(await store.get(number))
        return ticket

    async def _set_priority(self, number: int, agent: int, priority: Priority) -> Ticket:
        ticket = await self.ctx.store.set_priority(number, agent, priority)
        await self.actions.refresh_card(ticket)
        return ticket

    async def _refresh_quietly(self, number: int) -> None:
        """Bring a stale card up to date after a refused press."""
        try:
            await self.actions.refresh_card(await self.ctx.store.get(number))
        except (StoreError, TelegramError) as exc:
            log.info("could not refresh card of #%s: %s", number, exc)

    async def _say(self, text: str, reply_to: int | None = None) -> None:
        chat = self.ctx.config.agents_chat_id
        if chat is not None:
            await self.ctx.sender.send(Outgoing(chat, text, reply_to=reply_to, priority=2))


def _ticket_number(text: str) -> int | None:
    try:
        number = int(text.removeprefix("#"))
    except ValueError:
        return None
    return number if number > 0 else None
