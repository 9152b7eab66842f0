"""The agents' side: the on-call group works the queue with card buttons, replies and commands.

Only agents may act: the ids in AGENT_IDS and SUPERVISOR_IDS, or, when AGENT_IDS is empty, any
member of the agents' group. Anyone else gets an alert and nothing changes. Every action is a
store transition, so two agents pressing Claim at once cannot both win; the loser is told who
has the ticket. Every answer is in AGENTS_LANGUAGE (`handlers.refusals` for the store's refusals).

Internal and public text are kept apart by the command itself: `/note N text` is internal (shown
on the card, never sent), `/reply N text` and replies to a card go to the customer, and
`/resolve N` tells the customer only what follows an explicit `msg` (`/resolve N msg text`).
An answer to a ticket another agent holds is held back until its writer presses "send anyway".
In topic mode (`handlers.topics`) a customer's topic works the same way without the ticket numbers:
what an agent writes there is an answer, `/note text` a note.
Canned replies (`/r`, `/rr`, the card's Replies button; `handlers.canned`) are answers like any
other, in the customer's language; blocking customers is `handlers.blocks`.
"""

from __future__ import annotations

import html
import logging
import math
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import replace

from escalation.domain import Priority, State
from escalation.store_errors import IllegalTransition, StoreError
from escalation.ticket import Ticket
from handlers.blocks import CustomerBlocks
from handlers.callbacks import Callback
from handlers.cards import ANSWER_ACTION, queue_line, render_compact
from handlers.context import HandlerContext
from handlers.desk_actions import DeskActions
from handlers.events import Attachment, Button, ButtonPress, IncomingMessage, Keyboard, Outgoing, User
from handlers.faq_answers import FaqTeaching
from handlers.incidents import INCIDENT_ACTIONS, IncidentDesk
from handlers.messenger import Forbidden, TelegramError, TopicClosed, TopicGone
from handlers.names import agent_name, learn_name, mention, name_for_customers
from handlers.oncall import OnCallDesk
from handlers.ratings import rating_keyboard
from handlers.refusals import holder_name, other_team, outsider, refusal
from handlers.split import TELEGRAM_TEXT_LIMIT, fit_lines, split_text
from handlers.texts import a, t
from handlers.transfer import TicketTransfers

log = logging.getLogger(__name__)

MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})
MEMBERSHIP_CACHE_S = 60.0
QUEUE_PAGE = 15
QUEUE_SCAN = 500
NEXT_SCAN = 20
NOTE_MAX = 1000
RESOLUTION_MAX = 3000
REPLY_MAX = TELEGRAM_TEXT_LIMIT  # a longer answer could not come from Telegram; it is split for the customer
CAPTION_MAX = 900
CARD_ACTIONS = frozenset({"claim", "release", "resolve", "up", "down", "canned"})
CANNED_PER_ROW = 2
TOPIC_COMMANDS = frozenset(
    {"claim", "release", "resolve", "priority", "reply", "note", "r", "rr", "block", "unblock"}
)
# Where answers to agents go: the topic the agent wrote in (topic mode), for the handling's duration.
answer_thread: ContextVar[int | None] = ContextVar("answer_thread", default=None)


class Refused(Exception):
    """An agent's command cannot be carried out; the message (agents' language) says why."""


class AgentConversation:
    """Handles the agents' group: commands, replies to cards and card buttons.

    Commands are looked up in `commands` (name -> handler), so a new command is one entry.
    """

    def __init__(
        self,
        ctx: HandlerContext,
        actions: DeskActions,
        oncall: OnCallDesk,
        incidents: IncidentDesk,
        blocks: CustomerBlocks,
        faq: FaqTeaching,
    ) -> None:
        self.ctx = ctx
        self.faq = faq
        self.actions = actions
        self.oncall = oncall
        self.incidents = incidents
        self.blocks = blocks
        self.transfers = TicketTransfers(ctx, actions)
        self._membership: dict[int, tuple[bool, float]] = {}
        self.commands: dict[str, Callable[[IncomingMessage], Awaitable[None]]] = {
            "queue": self._queue,
            "mine": self._mine,
            "next": self._next,
            "claim": self._claim_command,
            "release": self._release_command,
            "resolve": self._resolve_command,
            "priority": self._priority_command,
            "reply": self._reply_command,
            "note": self._note_command,
            "r": self._canned_command,
            "rr": lambda message: self._canned_command(message, resolve=True),
            "block": self._block_command,
            "unblock": lambda message: self._block_command(message, block=False),
            "blocked": self._blocked_list,
            "transfer": self._transfer_command,
            "oncall": self.oncall.command,
            "incident": self._incident_command,
            "faq": self.faq.command,
        }

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
            status = (await self.ctx.sender.chat_member(config.agents_chat_id, user.id)).status
        except TelegramError as exc:
            log.warning("getChatMember for %s failed: %s", user.id, exc)
            return False
        member = status in MEMBER_STATUSES
        self._membership[user.id] = (member, time.monotonic())
        return member

    # ------------------------------------------------------------- messages

    async def on_message(self, message: IncomingMessage) -> None:
        """Commands, and replies to a card or a relayed customer message.

        In topic mode, whatever an agent writes in a customer's topic answers that customer (but
        `/note`, internal), and commands there need no ticket number (`with_ticket`); the bot's
        answers go to the same topic. Whoever writes in the group has their Telegram name learned,
        so that agents who only chat are named (not numbered) when a ping or a card mentions them.
        """
        await learn_name(self.ctx, message.user)
        in_topic = await self._topic_ticket(message)
        command = message.command
        if command is None and message.reply_to_message_id is None and in_topic is None:
            return
        addressee = message.addressee
        if addressee is not None and addressee.lower() != self.ctx.config.bot_username.lower():
            return  # a command for another bot in the same group
        number = None
        if command is None:
            number = in_topic or await self.ctx.state.ticket_for_message(
                message.chat.id, message.reply_to_message_id or 0
            )
            if number is None:
                return
        elif in_topic is not None:
            message = with_ticket(message, in_topic)
        token = answer_thread.set(message.thread_id)
        try:
            await self._act_on(message, number)
        finally:
            answer_thread.reset(token)

    async def _topic_ticket(self, message: IncomingMessage) -> int | None:
        """In topic mode, the ticket of the customer's topic the message was written in (else None)."""
        if message.thread_id is None or not self.actions.topics.enabled:
            return None
        return await self.actions.topics.ticket_in(message.chat.id, message.thread_id)

    async def _act_on(self, message: IncomingMessage, number: int | None) -> None:
        """An agent's answer to ticket `number`, or their command (`number` None)."""
        command = message.command
        if not await self.is_agent(message.user):
            await self._say(outsider(self.ctx, message.user.id), reply_to=message.message_id)
            return
        try:
            if number is not None:
                await self._reply(message, number, message.text or message.caption)
            elif command in self.commands:
                await self.commands[command](message)
            else:
                await self._say(a(self.language, "usage"), reply_to=message.message_id)
        except Refused as exc:
            await self._say(f"⚠️ {exc}", reply_to=message.message_id)
        except StoreError as exc:
            shown = number if number is not None else getattr(exc, "number", 0)  # Contended has none
            await self._say(f"⚠️ {await refusal(self.ctx, exc, shown)}", reply_to=message.message_id)

    # ------------------------------------------------------------- commands

    def _is_ours(self, ticket: Ticket) -> bool:
        """Whether the ticket is this group's team's (each team works its own tickets)."""
        return self.ctx.config.teams.of_ticket(ticket.team).name == self.ctx.config.own_team.name

    def _ours(self, ticket: Ticket) -> Ticket:
        """The ticket, if it is this group's team's; Refused, naming the team it is with, otherwise."""
        refused = other_team(self.ctx, ticket)
        if refused is not None:
            raise Refused(refused)
        return ticket

    async def _our_ticket(self, number: int) -> Ticket:
        """Ticket `number`, read and checked to be this group's team's (`_ours`)."""
        return self._ours(await self.ctx.store.get(number))

    def _incidents_elsewhere(self) -> str | None:
        """Incidents are the default team's business, in its group; elsewhere, the refusal that says so."""
        teams = self.ctx.config.teams
        if self.ctx.config.own_team.name == teams.default.name:
            return None
        return a(self.language, "incidents_elsewhere", team=html.escape(teams.default.title))

    async def _incident_command(self, message: IncomingMessage) -> None:
        if (elsewhere := self._incidents_elsewhere()) is not None:
            raise Refused(elsewhere)
        await self.incidents.command(message, message.user.id)

    async def _transfer_command(self, message: IncomingMessage) -> None:
        """`/transfer N team`: the ticket moves to another team's group, with its card and history."""
        teams = self.ctx.config.teams
        names = ", ".join(team.name for team in teams)
        number, rest = self._ticket_args(message)
        if not rest:
            raise Refused(a(self.language, "transfer_usage", teams=names))
        team = teams.named(rest)
        if team is None:
            raise Refused(a(self.language, "transfer_unknown", team=html.escape(rest[:40]), teams=names))
        ticket = await self._our_ticket(number)
        if ticket.state is State.RESOLVED:
            raise IllegalTransition(number, "transfer", ticket.state.value)
        if teams.of_ticket(ticket.team).name == team.name:
            raise IllegalTransition(number, "transfer", "same_team")
        moved = await self.transfers.transfer(number, team, message.user)
        await self._say(
            a(self.language, "transfer_ok", ticket=moved.label, team=html.escape(team.title)),
            reply_to=message.message_id,
        )

    async def _hold_resolve(
        self, agent: User, number: int, customer_message: str, reply_to: int
    ) -> str | None:
        """A resolve of a ticket another agent holds waits for "resolve anyway"; the warning, or None
        when the ticket is the agent's own or nobody's (resolved at once)."""
        ticket = await self._our_ticket(number)
        if ticket.state is not State.CLAIMED or ticket.assignee in (None, agent.id):
            return None
        return await self._hold(
            agent,
            ticket,
            customer_message,
            None,
            True,
            reply_to,
            warning_key="resolve_held",
            button_key="resolve_anyway",
        )

    def _ticket_args(self, message: IncomingMessage) -> tuple[int, str]:
        """`/cmd N rest`: the ticket number (ASCII digits only) and the rest, or Refused."""
        first, rest = [*message.args.split(maxsplit=1), "", ""][:2]
        number = ticket_number(first)
        if number is None:
            raise Refused(a(self.language, "number_usage", command=message.command or ""))
        return number, rest.strip()

    def _bounded(self, text: str, limit: int) -> str:
        """Agents' free text is bounded at input: a clear refusal, never a silent cut."""
        if len(text) > limit:
            raise Refused(a(self.language, "too_long_input", length=len(text), limit=limit))
        return text

    async def _claim_command(self, message: IncomingMessage) -> None:
        number, _ = self._ticket_args(message)
        ticket = await self._act("claim", number, message.user)
        await self._answer_with_ticket(message, ticket)

    async def _release_command(self, message: IncomingMessage) -> None:
        """One answer: "back in the queue", or, when a supervisor took it from its holder, the
        notice naming both (a second line saying the same read as a duplicate)."""
        number, _ = self._ticket_args(message)
        ticket, holder_told = await self._release(number, message.user, reply_to=message.message_id)
        await self.actions.refresh_card(await self.ctx.store.get(number))
        if not holder_told:
            await self._say(a(self.language, "released_ok", ticket=ticket.label), reply_to=message.message_id)

    async def _resolve_command(self, message: IncomingMessage) -> None:
        """`/resolve N` or `/resolve N msg <text for the customer>`; anything else is refused."""
        number, rest = self._ticket_args(message)
        word, text = [*rest.split(maxsplit=1), "", ""][:2]
        if rest and (word.lower() != "msg" or not text.strip()):
            raise Refused(a(self.language, "resolve_usage"))
        customer_message = self._bounded(text.strip(), RESOLUTION_MAX)
        if await self._hold_resolve(message.user, number, customer_message, message.message_id):
            return
        ticket = await self._act("resolve", number, message.user, customer_message=customer_message)
        if answer_thread.get() is None:  # in its topic, the closed topic and the card say it
            await self._say(a(self.language, "resolved_ok", ticket=ticket.label), reply_to=message.message_id)

    async def _priority_command(self, message: IncomingMessage) -> None:
        number, rest = self._ticket_args(message)
        try:
            priority = Priority.parse(rest)
        except ValueError:
            raise Refused(a(self.language, "priority_usage")) from None
        ticket = await self._set_priority(number, message.user.id, priority)
        await self._say(
            a(self.language, "priority_ok", ticket=ticket.label, priority=ticket.priority.name),
            reply_to=message.message_id,
        )

    async def _reply_command(self, message: IncomingMessage) -> None:
        number, rest = self._ticket_args(message)
        if not rest:
            raise Refused(a(self.language, "usage"))
        await self._reply(message, number, rest)

    async def _note_command(self, message: IncomingMessage) -> None:
        """An internal note: on the card and in the history, never sent to the customer."""
        number, rest = self._ticket_args(message)
        if not rest:
            raise Refused(a(self.language, "usage"))
        await self._our_ticket(number)
        ticket = await self.ctx.store.note(number, message.user.id, self._bounded(rest, NOTE_MAX))
        await self.actions.refresh_card(ticket)
        await self._say(a(self.language, "noted", ticket=ticket.label), reply_to=message.message_id)

    async def _target(self, message: IncomingMessage, usage: str) -> tuple[int, list[str]]:
        """The ticket a command is about, and the command's other words.

        `/cmd N ...`, or `/cmd ...` as a reply to a card or a relayed message (then every word is
        an argument); `usage` is the refusal when neither names a ticket.
        """
        words = message.args.split()
        if message.reply_to_message_id is not None:
            number = await self.ctx.state.ticket_for_message(message.chat.id, message.reply_to_message_id)
            if number is not None and (not words or ticket_number(words[0]) is None):
                return number, words
        if not words:
            raise Refused(usage)
        number = ticket_number(words[0])
        if number is None:
            raise Refused(a(self.language, "number_usage", command=message.command or ""))
        return number, words[1:]

    async def _canned_command(self, message: IncomingMessage, resolve: bool = False) -> None:
        """`/r N key` (or `/r key` replying to a card): a canned reply in the customer's language.

        `/rr` sends it as the resolution message and closes the ticket. Unknown keys are refused
        with the list of keys.
        """
        keys = ", ".join(self.ctx.canned.keys)
        number, words = await self._target(message, a(self.language, "canned_usage", keys=keys))
        if len(words) != 1:
            raise Refused(a(self.language, "canned_usage", keys=keys))
        text = await self._canned_text(number, words[0], message.user)
        await self._reply(message, number, text, resolve=resolve)

    async def _canned_text(self, number: int, key: str, agent: User) -> str:
        """The canned reply `key` for ticket `number`, in its customer's language, fields filled."""
        reply = self.ctx.canned.get(key)
        if reply is None:
            raise Refused(
                a(
                    self.language,
                    "canned_unknown",
                    reply=html.escape(key[:40]),
                    keys=", ".join(self.ctx.canned.keys),
                )
            )
        ticket = await self._our_ticket(number)
        customer = ticket.customer
        language = customer.language
        plan = t(language, f"plan_{customer.tier.value}" if customer.tier else "plan_unknown")
        fields = {
            "name": customer.name,
            "ticket": ticket.label,
            "plan": plan,
            "agent": name_for_customers(self.ctx, agent),
        }
        return reply.render(language, fields)

    async def _canned_list(self, press: ButtonPress, number: int) -> None:
        """The card's "Replies" button: the canned replies as buttons, under the card."""
        ticket = await self._our_ticket(number)
        language = ticket.customer.language
        buttons = [
            Button(reply.titles[self.language], self.ctx.codec.encode("cr", number, reply.key))
            for reply in self.ctx.canned
        ]
        rows = [buttons[i : i + CANNED_PER_ROW] for i in range(0, len(buttons), CANNED_PER_ROW)]
        title = a(
            self.language,
            "canned_title",
            ticket=ticket.label,
            tongue=a(self.language, f"language_{language}"),
        )
        await self.ctx.sender.answer_button(press.callback_id)
        chat = self.ctx.config.agents_chat_id
        if chat is None:
            return
        listing = await self.ctx.sender.send(
            Outgoing(
                chat,
                title,
                Keyboard.inline(*rows),
                thread_id=press.thread_id,
                reply_to=press.message_id,
                priority=2,
            )
        )
        await self.ctx.state.remember_message(chat, listing, number)  # replies to the list answer too

    async def _canned_button(self, press: ButtonPress, raw_number: str, key: str) -> None:
        """A canned reply chosen from the list: sent like `/r N key`, the agent told by a toast."""
        number = ticket_number(raw_number)
        if number is None:
            raise ValueError(f"malformed canned reply button {raw_number!r}")
        try:
            text = await self._canned_text(number, key, press.user)
            notice, held = await self._answer(
                press.user, number, text, None, False, reply_to=press.message_id
            )
        except Refused as exc:
            await self.ctx.sender.answer_button(press.callback_id, str(exc), alert=True)
            return
        except StoreError as exc:
            await self.ctx.sender.answer_button(
                press.callback_id, await refusal(self.ctx, exc, number), alert=True
            )
            return
        await self.ctx.sender.answer_button(press.callback_id, notice, alert=held)

    async def _block_command(self, message: IncomingMessage, block: bool = True) -> None:
        """`/block N` / `/unblock N` (or as a reply to a card): supervisors only."""
        if not self.blocks.may_block(message.user):
            raise Refused(a(self.language, "block_supervisors"))
        number, words = await self._target(message, a(self.language, "block_usage"))
        if words:
            raise Refused(a(self.language, "block_usage"))
        ticket = await self.ctx.store.find(number)  # a block outlives its ticket: unblock by number
        if ticket is not None:
            self._ours(ticket)
        if block:
            answer = await self.blocks.block(number, message.user)
        else:
            answer = await self.blocks.unblock(number, message.user)
        await self._say(answer, reply_to=message.message_id)

    async def _blocked_list(self, message: IncomingMessage) -> None:
        await self._say(await self.blocks.listing(), reply_to=message.message_id)

    async def _queue(self, message: IncomingMessage) -> None:
        """`/queue [page]`: the waiting tickets, most urgent first, a page at a time."""
        page = ticket_number(message.args) if message.args else 1
        if page is None:
            raise Refused(a(self.language, "usage"))
        waiting = sorted(
            [
                ticket
                for ticket in await self.ctx.store.list(State.OPEN, limit=QUEUE_SCAN)
                if self._is_ours(ticket)
            ],
            key=lambda ticket: (ticket.priority, ticket.due_at),
        )
        # One team: the whole queue, counted past the scan; several: the team's share of the scan.
        total = await self.ctx.store.queue_length() if self.ctx.config.team_setup is None else len(waiting)
        if not waiting:
            await self._say(a(self.language, "queue_empty"), reply_to=message.message_id)
            return
        pages = max(1, math.ceil(total / QUEUE_PAGE))
        page = min(page, pages)
        shown = waiting[(page - 1) * QUEUE_PAGE : page * QUEUE_PAGE]
        title = (
            a(self.language, "queue_title", count=total)
            if pages == 1
            else a(self.language, "queue_page", count=total, page=page, pages=pages)
        )
        lines = [title, *await self._lines(shown)]
        after = total - (page - 1) * QUEUE_PAGE - len(shown)
        more = [a(self.language, "queue_more", count=after, page=page + 1)] if after > 0 else []
        text = fit_lines([*lines, *more], lambda count: a(self.language, "and_more", count=count))
        await self._say(text, reply_to=message.message_id)

    async def _mine(self, message: IncomingMessage) -> None:
        mine = [
            ticket for ticket in await self.ctx.store.claimed_by(message.user.id) if self._is_ours(ticket)
        ]
        if not mine:
            await self._say(a(self.language, "mine_empty"), reply_to=message.message_id)
            return
        lines = [a(self.language, "mine_title"), *await self._lines(mine)]
        text = fit_lines(lines, lambda count: a(self.language, "and_more", count=count))
        await self._say(text, reply_to=message.message_id)

    async def _next(self, message: IncomingMessage) -> None:
        """Claim the most urgent waiting ticket (skipping any another agent grabs first)."""
        waiting = [t for t in await self.ctx.store.list(State.OPEN, limit=NEXT_SCAN) if self._is_ours(t)]
        for ticket in sorted(waiting, key=lambda item: (item.priority, item.due_at)):
            try:
                claimed = await self._act("claim", ticket.number, message.user)
            except IllegalTransition:
                continue
            await self._answer_with_ticket(message, claimed)
            return
        await self._say(a(self.language, "queue_empty"), reply_to=message.message_id)

    async def _answer_with_ticket(self, message: IncomingMessage, ticket: Ticket) -> None:
        """ "#3 is yours", with the ticket itself: who, what, and the time left."""
        opening = (await self.ctx.store.opening_texts([ticket.number]))[ticket.number]
        compact = render_compact(ticket, opening, language=self.language, now=self.ctx.clock.now())
        await self._say(
            f"{a(self.language, 'claimed_ok', ticket=ticket.label)}\n{compact}", reply_to=message.message_id
        )

    async def _lines(self, tickets: list[Ticket]) -> list[str]:
        openings = await self.ctx.store.opening_texts([ticket.number for ticket in tickets])
        now = self.ctx.clock.now()
        return [queue_line(ticket, openings[ticket.number], self.language, now) for ticket in tickets]

    # -------------------------------------------------------------- replies

    async def _reply(self, message: IncomingMessage, number: int, text: str, resolve: bool = False) -> None:
        """An agent's answer to the customer (and, with `resolve`, the ticket closed with it)."""
        limit = CAPTION_MAX if message.attachment is not None else RESOLUTION_MAX if resolve else REPLY_MAX
        text = self._bounded(text, limit)
        notice, held = await self._answer(
            message.user, number, text, message.attachment, resolve, reply_to=message.message_id
        )
        in_topic = message.thread_id is not None and self.actions.topics.enabled
        if in_topic and notice == a(self.language, "relayed", ticket=f"#{number}"):
            return  # the answer shows in the customer's topic as it was written; only failures are said
        if not held:
            await self._say(notice, reply_to=message.message_id)

    async def _answer(
        self,
        agent: User,
        number: int,
        text: str,
        attachment: Attachment | None,
        resolve: bool,
        reply_to: int | None,
    ) -> tuple[str, bool]:
        """Send an answer; held back (with "send anyway") if another agent holds the ticket.

        Returns what the agent is told and whether the answer was held (the warning is then
        already in the group, as a reply to `reply_to`).
        """
        ticket = await self._our_ticket(number)
        if ticket.state is State.RESOLVED:
            raise IllegalTransition(number, "reply to", ticket.state.value)
        if ticket.state is State.CLAIMED and ticket.assignee not in (None, agent.id):
            return await self._hold(agent, ticket, text, attachment, resolve, reply_to), True
        return await self._send_answer(ticket, agent, text, attachment, resolve), False

    async def _send_answer(
        self, ticket: Ticket, agent: User, text: str, attachment: Attachment | None, resolve: bool
    ) -> str:
        """Relay the answer, or close the ticket with it as the resolution message; the agent's notice."""
        if resolve:
            resolved = await self._act("resolve", ticket.number, agent, customer_message=text)
            return a(self.language, "resolved_ok", ticket=resolved.label)
        return a(self.language, await self._relay(ticket, agent, text, attachment), ticket=ticket.label)

    async def _hold(
        self,
        agent: User,
        ticket: Ticket,
        text: str,
        attachment: Attachment | None,
        resolve: bool,
        reply_to: int | None,
        warning_key: str = "reply_held",
        button_key: str = "send_anyway",
    ) -> str:
        """Warn the replier that another agent holds the ticket; send only on their explicit press."""
        holder = await holder_name(self.ctx, ticket.assignee)
        warning = a(self.language, warning_key, ticket=ticket.label, holder=holder)
        token = await self.ctx.state.hold_reply(
            {
                "number": ticket.number,
                "agent": agent.id,
                "text": text,
                "warning": warning,
                "resolve": resolve,
                "kind": attachment.kind if attachment else "",
                "file_id": attachment.file_id if attachment else "",
                "file_name": attachment.file_name if attachment else None,
            }
        )
        button = Button(a(self.language, button_key), self.ctx.codec.encode("force", token))
        await self._say(warning, reply_to=reply_to, keyboard=Keyboard.inline([button]))
        return warning

    async def _send_held(self, press: ButtonPress, token: str) -> None:
        """ "Send anyway": the held answer goes to the customer, once, and only by its writer."""
        held = await self.ctx.state.held_reply(token)
        if held is None:
            await self.ctx.sender.answer_button(press.callback_id, a(self.language, "reply_gone"), alert=True)
            return
        if held["agent"] != press.user.id:
            await self.ctx.sender.answer_button(
                press.callback_id, a(self.language, "reply_not_yours"), alert=True
            )
            return
        if not await self.ctx.state.release_held_reply(token):
            await self.ctx.sender.answer_button(press.callback_id, a(self.language, "reply_gone"), alert=True)
            return
        number = int(held["number"])
        attachment = (
            Attachment(held["kind"], held["file_id"], held.get("file_name")) if held.get("kind") else None
        )
        try:
            ticket = await self._our_ticket(number)
            if ticket.state is State.RESOLVED:
                raise IllegalTransition(number, "reply to", ticket.state.value)
            notice = await self._send_answer(
                ticket, press.user, held["text"], attachment, bool(held.get("resolve"))
            )
        except Refused as exc:
            notice = str(exc)
        except StoreError as exc:
            notice = await refusal(self.ctx, exc, number)
        await self.ctx.sender.answer_button(press.callback_id, notice)
        chat = self.ctx.config.agents_chat_id
        if chat is not None:
            await self.ctx.sender.edit(
                chat, press.message_id, f"{held['warning']}\n{notice}", Keyboard.inline()
            )

    async def _relay(self, before: Ticket, agent: User, text: str, attachment: Attachment | None) -> str:
        """Record the answer and send it to the customer; return the notice key for the agent."""
        kind = attachment.kind if attachment else "text"
        ticket = await self.ctx.store.reply(before.number, agent.id, text or f"[{kind}]", kind=kind)
        if before.first_response_at is None and ticket.first_response_at is not None:
            await self.ctx.state.record_first_response(ticket.first_response_at - ticket.created_at)
        notice = await self._deliver(ticket, text, attachment, agent)
        await self.actions.refresh_card(await self.ctx.store.get(ticket.number))
        return notice

    async def _deliver(self, ticket: Ticket, text: str, attachment: Attachment | None, agent: User) -> str:
        """Send the answer to the customer, signed with the agent's name; the notice for the agent."""
        customer = ticket.customer.telegram_id
        language = ticket.customer.language
        signed = html.escape(name_for_customers(self.ctx, agent))
        try:
            if attachment is not None:
                caption = t(
                    language, "agent_reply", agent=signed, ticket=ticket.label, text=html.escape(text)
                )
                await self.ctx.sender.send(
                    Outgoing(customer, caption, attachment=attachment, priority=int(ticket.priority))
                )
                return "relayed"
            for index, chunk in enumerate(split_text(text)):
                body = (
                    t(language, "agent_reply", agent=signed, ticket=ticket.label, text=html.escape(chunk))
                    if index == 0
                    else html.escape(chunk)
                )
                await self.ctx.sender.send(Outgoing(customer, body, priority=int(ticket.priority)))
        except Forbidden:
            await self.actions.customer_unreachable(ticket, agent.id)
            return "relay_failed"
        except TelegramError as exc:
            log.warning("answer to the customer of %s not delivered: %s", ticket.label, exc)
            return "relay_error"
        return "relayed"

    # -------------------------------------------------------------- buttons

    async def on_button(self, press: ButtonPress, callback: Callback) -> None:
        """Card and ping buttons (claim, release, resolve, priority, canned replies) and "send anyway".

        What the press makes the bot say goes to the topic the button was in.
        """
        token = answer_thread.set(press.thread_id)
        try:
            await self._on_button(press, callback)
        finally:
            answer_thread.reset(token)

    async def _on_button(self, press: ButtonPress, callback: Callback) -> None:
        if not await self.is_agent(press.user):
            await self.ctx.sender.answer_button(
                press.callback_id, outsider(self.ctx, press.user.id), alert=True
            )
            return
        await learn_name(self.ctx, press.user)
        if callback.action in INCIDENT_ACTIONS:
            if (elsewhere := self._incidents_elsewhere()) is not None:
                await self.ctx.sender.answer_button(press.callback_id, elsewhere, alert=True)
                return
            await self.incidents.on_button(press, callback)
            return
        if callback.action == "force" and len(callback.args) == 1:
            await self._send_held(press, callback.args[0])
            return
        if callback.action == "cr" and len(callback.args) == 2:
            await self._canned_button(press, callback.args[0], callback.args[1])
            return
        if callback.action == ANSWER_ACTION:
            await self.faq.on_button(press, callback)
            return
        number = ticket_number(callback.args[0]) if len(callback.args) == 1 else None
        if number is None or callback.action not in CARD_ACTIONS:
            raise ValueError(f"malformed card button {callback!r}")
        lang = self.language
        try:
            if callback.action == "canned":
                await self._canned_list(press, number)
            elif callback.action == "resolve" and (
                warning := await self._hold_resolve(press.user, number, "", press.message_id)
            ):
                await self.ctx.sender.answer_button(press.callback_id, warning, alert=True)
            elif callback.action in ("claim", "release", "resolve"):
                done = {"claim": "claimed_ok", "release": "released_ok", "resolve": "resolved_ok"}

                async def acknowledge(ticket: Ticket) -> None:
                    await self.ctx.sender.answer_button(
                        press.callback_id, a(lang, done[callback.action], ticket=ticket.label)
                    )

                await self._act(callback.action, number, press.user, acknowledge=acknowledge)
            else:
                current = await self.ctx.store.get(number)
                target = current.priority.raised() if callback.action == "up" else current.priority.lowered()
                ticket = await self._set_priority(number, press.user.id, target)
                await self.ctx.sender.answer_button(
                    press.callback_id,
                    a(lang, "priority_ok", ticket=ticket.label, priority=ticket.priority.name),
                )
        except Refused as exc:
            await self.ctx.sender.answer_button(press.callback_id, str(exc), alert=True)
        except StoreError as exc:
            await self.ctx.sender.answer_button(
                press.callback_id, await refusal(self.ctx, exc, number), alert=True
            )
            await self._refresh_quietly(number)

    # -------------------------------------------------------------- actions

    async def _act(
        self,
        action: str,
        number: int,
        agent: User,
        customer_message: str = "",
        acknowledge: Callable[[Ticket], Awaitable[None]] | None = None,
    ) -> Ticket:
        """Claim, release or resolve, then update the card and tell whoever must know.

        `acknowledge` answers the agent's button as soon as the change is made: the customer's
        notice and the card edit wait for Telegram's pacing (the group's, in a storm), the agent
        who pressed must not.
        """
        store = self.ctx.store
        if action != "release":  # a release reads the ticket, and checks it, itself
            await self._our_ticket(number)
        if action == "claim":
            ticket = await store.claim(number, agent.id)
            if acknowledge is not None:
                await acknowledge(ticket)
            await self.actions.tell_customer(
                ticket,
                t(
                    ticket.customer.language,
                    "claimed_notice",
                    agent=html.escape(name_for_customers(self.ctx, agent)),
                    ticket=ticket.label,
                ),
            )
        elif action == "release":
            ticket, _ = await self._release(number, agent, acknowledge=acknowledge)
        else:
            ticket = await store.resolve(number, agent.id, customer_message)
            if acknowledge is not None:
                await acknowledge(ticket)
            extra = f"\n{html.escape(customer_message)}" if customer_message else ""
            await self.actions.tell_customer(
                ticket,
                t(ticket.customer.language, "resolved_notice", ticket=ticket.label, note=extra),
                rating_keyboard(ticket, self.ctx),
                writer=agent.id if customer_message else None,
            )
        await self.actions.refresh_card(await store.get(number))
        return ticket

    async def _release(
        self,
        number: int,
        agent: User,
        reply_to: int | None = None,
        acknowledge: Callable[[Ticket], Awaitable[None]] | None = None,
    ) -> tuple[Ticket, bool]:
        """Release (a supervisor may take anyone's ticket); (the ticket, whether its holder was told).

        The customer, who was told who handles their ticket, hears that it is back in the queue
        and their wait as it now stands.
        """
        store = self.ctx.store
        before = await self._our_ticket(number)
        ticket = await store.release(number, agent.id, force=agent.id in self.ctx.config.supervisor_ids)
        if acknowledge is not None:
            await acknowledge(ticket)
        if before.assignee is not None:
            language = ticket.customer.language
            queue = await self.actions.queue_words(ticket, language)
            await self.actions.tell_customer(
                ticket, t(language, "released_notice", ticket=ticket.label, queue=queue)
            )
        if before.assignee is None or before.assignee == agent.id:
            return ticket, False
        await self._tell_holder(ticket, before.assignee, agent, reply_to)
        return ticket, True

    async def _tell_holder(self, ticket: Ticket, holder: int, by: User, reply_to: int | None) -> None:
        """A supervisor took a ticket from its holder: the holder is told, by mention (in answer to
        the supervisor's command, when there is one)."""
        await self._say(
            a(
                self.language,
                "released_by_other",
                ticket=ticket.label,
                holder=await mention(self.ctx, holder),
                by=html.escape(await agent_name(self.ctx, by.id)),
            ),
            reply_to=reply_to,
        )

    async def _set_priority(self, number: int, agent: int, priority: Priority) -> Ticket:
        """Set the priority, update the card, and tell the customer when it really changed."""
        before = await self._our_ticket(number)
        ticket = await self.ctx.store.set_priority(number, agent, priority)
        await self.actions.refresh_card(ticket)
        if ticket.priority is not before.priority:
            await self.actions.tell_priority_news(ticket, "priority_changed")
        return ticket

    async def _refresh_quietly(self, number: int) -> None:
        """Bring a stale card up to date after a refused press."""
        try:
            await self.actions.refresh_card(await self.ctx.store.get(number))
        except (StoreError, TelegramError) as exc:
            log.info("could not refresh card of #%s: %s", number, exc)

    async def _say(self, text: str, reply_to: int | None = None, keyboard: Keyboard | None = None) -> None:
        """An answer to agents, in the topic they wrote in (`answer_thread`), else the group's stream."""
        chat = self.ctx.config.agents_chat_id
        if chat is None:
            return
        thread = answer_thread.get()
        try:
            await self.ctx.sender.send(
                Outgoing(chat, text, keyboard, thread_id=thread, reply_to=reply_to, priority=2)
            )
        except (TopicClosed, TopicGone):  # the topic was closed or deleted meanwhile: say it in General
            if thread is None:
                raise
            await self.ctx.sender.send(Outgoing(chat, text, keyboard, priority=2))


def with_ticket(message: IncomingMessage, number: int) -> IncomingMessage:
    """A command written in a customer's topic, as if it named the topic's ticket.

    `/note` always takes all its words as the note; the others get the number unless they
    already name a ticket (`/resolve msg ...` becomes `/resolve N msg ...`).
    """
    command = message.command or ""
    if command not in TOPIC_COMMANDS:
        return message
    first = message.args.split(maxsplit=1)[0] if message.args else ""
    if command != "note" and ticket_number(first) is not None:
        return message
    return replace(message, text=f"/{command} {number} {message.args}".rstrip())


def ticket_number(text: str) -> int | None:
    """`12` or `#12` -> 12; None for anything else (ASCII digits only: `١٢` is not a number here)."""
    digits = text.strip().removeprefix("#")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        return None
    number = int(digits)
    return number if number > 0 else None
