"""Mass incidents on the desk: one card for the agents, one status for every affected subscriber.

A subscriber whose outage report belongs to an open incident is told at once that the problem
is known (with the latest status) instead of getting an individual card; the incident's card is
edited in place, at most once per `incidents.card_interval` plus one trailing edit, so a storm
of thousands of reports costs the agents' group a handful of edits, never a message each.
`/incident update` reaches every linked subscriber whose ticket is still active, in their
language (the agents' words quoted inside a translated frame). `/incident resolve` (or the
card's Resolve button) first shows how many waiting tickets it would close, and closes them
when an agent presses Confirm; claimed tickets stay with their holders, who are told. Sends go
through the outbound queue, highest ticket priority first; their fan-out runs in the background
so the agents' group (one chat lane) stays responsive while thousands of messages go out.
Titles and texts are bounded at input, and lists are trimmed, so nothing an agent types can
make a card, a list or a summary too long for Telegram.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from escalation.domain import State
from escalation.durations import duration_words
from escalation.effects import as_part, next_part, sub_scope
from escalation.incidents import GLOBAL, Incident, IncidentError, IncidentStore
from escalation.store_errors import StoreError
from escalation.ticket import Customer, Ticket
from handlers.callbacks import Callback
from handlers.cards import customer_tag
from handlers.context import HandlerContext
from handlers.desk_actions import DeskActions
from handlers.events import Button, ButtonPress, IncomingMessage, Keyboard, Outgoing
from handlers.messenger import TelegramError
from handlers.names import agent_name, mention
from handlers.ratings import rating_keyboard
from handlers.texts import a, t

log = logging.getLogger(__name__)

FAN_OUT_CHUNK = 500
LIST_LINES = 10
TITLE_MAX = 120
TEXT_MAX = 1000
LIST_TITLE_CHARS = 60
KEPT_LINES = 20
INCIDENT_ACTIONS = frozenset({"iupd", "ires", "iok", "ino"})
_INCIDENT_ID = re.compile(r"^[Ii]?([0-9]{1,9})$")  # ASCII digits only, as ticket numbers
_MEANT_AS_ID = re.compile(r"^(#|[Ii]?\d)")


class _Refusal(Exception):
    """An agent's command refused; the message is the agents' text saying why."""


def cut(text: str, limit: int) -> str:
    """`text` shortened to `limit` characters with an ellipsis (titles in lists and cards)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class IncidentDesk:
    """Detection on the customer side, the incident card, and the agents' `/incident` command."""

    def __init__(self, ctx: HandlerContext, actions: DeskActions) -> None:
        self.ctx = ctx
        self.actions = actions
        self.store = IncidentStore(ctx.store.redis, ctx.store.keys, ctx.policy.incidents, ctx.clock)
        self._background: set[asyncio.Task[None]] = set()
        self._trailing: set[int] = set()

    @property
    def language(self) -> str:
        """The agents' language."""
        return self.ctx.config.agents_language

    # ------------------------------------------------------------ customers

    async def on_outage(self, customer: Customer, ticket: Ticket, text: str, language: str) -> bool:
        """Count an outage report; True when it belongs to an incident and the customer was told so.

        The reports that made the threshold are linked too: their cards, already posted, are
        marked with the incident. A premium subscriber is named on the incident's card.
        """
        detection = await self.store.report(ticket, self.store.channel_in(text))
        incident = detection.incident
        if incident is None:
            return False
        linked = await self._link_all(detection.linked, incident.id)
        if ticket.number not in {found.number for found in linked}:
            await self.refresh_card(incident)
            return False
        status = (
            html.escape(incident.status_text)
            if incident.status_text
            else t(language, "incident_investigating")
        )
        acknowledge = self.ctx.sender.send(
            Outgoing(
                customer.telegram_id,
                t(language, "incident_known", ticket=ticket.label, status=status),
                priority=int(ticket.priority),
            )
        )
        await asyncio.gather(as_part("ack", acknowledge), as_part("card", self.refresh_card(incident)))
        return True

    async def _link_all(self, numbers: Sequence[int], incident_id: int) -> list[Ticket]:
        """Link tickets to the incident; the cards already posted show it (a premium
        subscriber's report is named on the incident's card instead). Returns the tickets linked."""
        linked = [
            found
            for found in await asyncio.gather(
                *(as_part(f"l{n}", self._link(n, incident_id)) for n in numbers)
            )
            if found is not None
        ]
        await asyncio.gather(
            *(
                as_part(f"c{found.number}", self.actions.refresh_card(found))
                for found in linked
                if found.card_message_id is not None
            )
        )
        return linked

    async def _link(self, number: int, incident_id: int) -> Ticket | None:
        try:
            return await self.ctx.store.link_incident(number, incident_id)
        except StoreError as exc:
            log.info("ticket #%s not linked to I%s: %s", number, incident_id, exc)
            return None

    # ----------------------------------------------------------------- card

    async def refresh_card(self, incident: Incident, *, force: bool = False) -> None:
        """Post the card once, then edit it in place, throttled.

        One caller per `card_interval` edits now; one more plans a trailing edit at the end of the
        interval (reading the incident afresh then), so the last report is always shown without
        an edit per report. While this process has a trailing edit planned that has not read the
        incident yet, a report needs nothing more (that edit will show it), so during a flood
        most reports cost no throttle round trip. `force` (updates, resolution) edits at once.
        `incident` is as the caller just read or changed it.
        """
        try:
            await self._refresh_card(incident, force)
        except (TelegramError, IncidentError) as exc:
            log.error("card of incident I%s could not be posted or edited: %s", incident.id, exc)

    async def _refresh_card(self, incident: Incident, force: bool) -> None:
        chat = self.ctx.config.agents_chat_id
        if chat is None:
            return
        interval = self.ctx.policy.incidents.card_interval
        incident_id = incident.id
        if not force and incident_id in self._trailing:
            return
        if incident.card_message_id is None:
            if await self.store.claim_card_post(incident_id):
                message_id = await self.ctx.sender.send(
                    Outgoing(chat, await self.render(incident), self.keyboard(incident), priority=1)
                )
                await self.store.set_card(incident_id, message_id, incident.affected)
                await self.store.card_slot(incident_id, "now", interval)
                await self._later(incident_id, interval)
            return
        if force or await self.store.card_slot(incident_id, "now", interval):
            await self._edit(incident_id)
        else:
            await self._later(incident_id, interval)

    async def _later(self, incident_id: int, interval: float) -> None:
        """Plan the trailing edit of this interval, unless another report already did."""
        if not await self.store.card_slot(incident_id, "later", interval):
            return

        async def trailing() -> None:
            await asyncio.sleep(interval)
            self._trailing.discard(incident_id)
            await self._edit(incident_id)

        self._trailing.add(incident_id)
        task = self._spawn(trailing)
        # Also when cancelled before it ran: an id left behind would silence the card for good.
        # (Discarding a newer plan's id instead only costs that plan its shortcut.)
        task.add_done_callback(lambda _: self._trailing.discard(incident_id))

    async def _edit(self, incident_id: int) -> None:
        chat = self.ctx.config.agents_chat_id
        incident = await self.store.get(incident_id)
        if chat is None or incident.card_message_id is None:
            return
        await self.ctx.sender.edit(
            chat,
            incident.card_message_id,
            await self.render(incident),
            self.keyboard(incident),
            priority=1,
        )
        await self.store.card_shown(incident_id, incident.affected)

    async def catch_up_cards(self) -> None:
        """Edit the cards of open incidents left behind; every worker's SLA tick calls it.

        The trailing edit of the live path lives in one worker's memory: a worker killed while
        it waits takes it along, and once reports stop nothing else would edit the card. What
        each card last showed is in Redis, so whichever worker ticks next finds it behind and,
        when its throttle slots are free (no trailing edit planned, none made lately), edits it;
        taking the slot makes that one worker of many.
        """
        if self.ctx.config.agents_chat_id is None:
            return
        interval = self.ctx.policy.incidents.card_interval
        for incident in await self.store.list_open():
            if not incident.card_behind or not await self.store.catch_up_slot(incident.id, interval):
                continue
            try:
                await self._edit(incident.id)
            except (TelegramError, IncidentError) as exc:
                log.error("card of incident I%s could not be caught up: %s", incident.id, exc)

    async def render(self, incident: Incident) -> str:
        """The card's HTML: title, scope, affected and premium counts, what was named, status,
        and a resolution waiting for its confirmation."""
        lang, now = self.language, self.ctx.clock.now()
        title = html.escape(cut(incident.title, TITLE_MAX)) if incident.title else a(lang, "inc_auto_title")
        opened = datetime.fromtimestamp(incident.opened_at, ZoneInfo(self.ctx.config.timezone))
        lines = [
            f"🚨 <b>{a(lang, 'inc_title')} {incident.label}</b> · {title}",
            f"{a(lang, 'inc_scope')}: {self._scope(incident)} · "
            f"{a(lang, 'inc_opened_at')}: {opened:%d/%m %H:%M}",
            a(lang, "inc_affected", count=incident.affected, premium=incident.premium),
        ]
        if incident.premium:
            lines.append(await self._premium_line(incident))
        for key, named in (("inc_regions", incident.regions), ("inc_channels", incident.channels)):
            if named:
                top = sorted(named.items(), key=lambda item: (-item[1], item[0]))[:8]
                lines.append(
                    f"{a(lang, key)}: " + ", ".join(f"{html.escape(cut(n, 40))} {c}" for n, c in top)
                )
        status = html.escape(incident.status_text) if incident.status_text else a(lang, "inc_no_status")
        lines.append(f"{a(lang, 'inc_status')}: {status}")
        if incident.is_open:
            lines.append(a(lang, "inc_commands", label=incident.label))
            if incident.resolve_asked is not None:
                agent = html.escape(await agent_name(self.ctx, incident.resolve_asked.agent))
                lines.append(a(lang, "inc_resolve_pending", agent=agent, count=incident.resolve_asked.closes))
        else:
            lines.append(a(lang, "inc_resolved", time=duration_words(incident.duration(now))))
        return "\n".join(lines)

    async def _premium_line(self, incident: Incident) -> str:
        """The first premium subscribers of the outage by ticket and name, and how many more.

        Their reports of the same outage get no card of their own (hundreds of premium
        subscribers in one outage would flood the group); naming them here keeps them visible.
        """
        lang = self.language
        tickets = await self.ctx.store.get_many(await self.store.premium_named(incident.id))
        named = [f"{found.label} {customer_tag(found.customer, lang)}" for found in tickets]
        more = incident.premium - len(named)
        return f"{a(lang, 'inc_premium_named')}: {', '.join(named)}" + (
            f" {a(lang, 'and_more', count=more)}" if more > 0 else ""
        )

    def keyboard(self, incident: Incident) -> Keyboard:
        """Update and Resolve on an open incident; Confirm and Cancel once a resolution is asked."""
        lang, codec, n = self.language, self.ctx.codec, incident.id
        if not incident.is_open:
            return Keyboard.inline()
        if incident.resolve_asked is not None:
            return Keyboard.inline(
                [
                    Button(
                        a(lang, "inc_btn_confirm", count=incident.resolve_asked.closes),
                        codec.encode("iok", n),
                    ),
                    Button(a(lang, "inc_btn_cancel"), codec.encode("ino", n)),
                ]
            )
        return Keyboard.inline(
            [
                Button(a(lang, "inc_btn_update"), codec.encode("iupd", n)),
                Button(a(lang, "inc_btn_resolve"), codec.encode("ires", n)),
            ]
        )

    def _scope(self, incident: Incident) -> str:
        """ "everyone", "channel globo", "region Recife", in the agents' language."""
        kind, _, name = incident.scope.partition(":")
        if incident.scope == GLOBAL or kind not in ("channel", "region"):
            return a(self.language, "inc_scope_global")
        return a(self.language, f"inc_scope_{kind}", name=html.escape(cut(name, 60)))

    # --------------------------------------------------------------- agents

    async def command(self, message: IncomingMessage, agent_id: int) -> None:
        """`/incident open <title>`, `list`, `update [I<n>] <text>`, `resolve [I<n>] [text]`.

        The id is `I4` or `4`. Without one, update and resolve act on the open incident when
        there is exactly one; with several open the agent is asked which, and a first word
        meant as an id that does not parse (`#4`, `4x`) is refused: a status or a resolution
        sent to the wrong incident reaches thousands of subscribers.
        """
        verb, _, rest = message.args.strip().partition(" ")
        rest = rest.strip()
        reply = message.message_id
        try:
            if verb == "open" and rest:
                _bounded(rest, TITLE_MAX, self.language)
                incident, created, numbers = await self.store.open(rest)
                key = "inc_opened_ok" if created else "inc_exists"
                await self._say(a(self.language, key, label=incident.label), reply)
                if created:
                    await self._link_all(numbers, incident.id)
                    await self.refresh_card(await self.store.get(incident.id))
            elif verb == "list":
                await self._list(reply)
            elif verb == "update":
                incident, text = await self._target(verb, rest)
                if not text:
                    raise _Refusal(a(self.language, "inc_usage"))
                _bounded(text, TEXT_MAX, self.language)
                await self._update(incident, text, reply)
            elif verb == "resolve":
                incident, text = await self._target(verb, rest)
                _bounded(text, TEXT_MAX, self.language)
                await self._ask_resolve(incident, text, agent_id, reply)
            else:
                await self._say(a(self.language, "inc_usage"), reply)
        except IncidentError as exc:
            await self._say(self._refused(exc), reply)
        except _Refusal as exc:
            await self._say(str(exc), reply)

    async def on_button(self, press: ButtonPress, callback: Callback) -> None:
        """The incident card's buttons: Update (how to), Resolve (asks), Confirm, Cancel."""
        if len(callback.args) != 1 or not (callback.args[0].isascii() and callback.args[0].isdecimal()):
            raise ValueError("incident buttons carry one incident id")
        lang, answer = self.language, self.ctx.sender.answer_button
        try:
            incident = await self.store.get(int(callback.args[0]))
            if not incident.is_open:
                raise IncidentError("not_open", incident.label)
            if callback.action == "iupd":
                await answer(press.callback_id, a(lang, "inc_update_hint", label=incident.label), alert=True)
            elif callback.action == "ires":
                asked = incident.resolve_asked
                await self._ask_resolve(incident, asked.text if asked else "", press.user.id, None)
                await answer(press.callback_id)
            elif callback.action == "iok" and incident.resolve_asked is None:
                # A Confirm left on an earlier prompt after Cancel: the count it showed is gone.
                await answer(
                    press.callback_id, a(lang, "inc_resolve_cancelled", label=incident.label), alert=True
                )
            elif callback.action == "iok":
                await self._resolve(incident, press.user.id)
                await answer(press.callback_id)
            else:
                cancelled = await self.store.cancel_resolve(incident.id)
                await self.refresh_card(cancelled, force=True)
                await answer(press.callback_id, a(lang, "inc_resolve_cancelled", label=incident.label))
        except IncidentError as exc:
            await answer(press.callback_id, self._refused(exc), alert=True)

    def _refused(self, exc: IncidentError) -> str:
        key = "inc_missing" if exc.reason == "missing" else "inc_not_open"
        return a(self.language, key, label=exc.label)

    async def _target(self, verb: str, rest: str) -> tuple[Incident, str]:
        first, _, text = rest.partition(" ")
        match = _INCIDENT_ID.match(first)
        if match:
            return await self.store.get(int(match.group(1))), text.strip()
        if _MEANT_AS_ID.match(first):
            raise _Refusal(a(self.language, "inc_bad_id", given=html.escape(cut(first, 20))))
        current = await self.store.list_open()
        if not current:
            raise _Refusal(a(self.language, "inc_none"))
        if len(current) > 1:
            labels = ", ".join(inc.label for inc in current[:LIST_LINES])
            raise _Refusal(
                a(
                    self.language,
                    "inc_which",
                    count=len(current),
                    labels=labels,
                    verb=verb,
                    label=current[0].label,
                )
            )
        return current[0], rest

    async def _list(self, reply: int) -> None:
        incidents = await self.store.recent(LIST_LINES + 1)
        if not incidents:
            await self._say(a(self.language, "inc_none"), reply)
            return
        now = self.ctx.clock.now()
        lines = [a(self.language, "inc_list_title")]
        for inc in incidents[:LIST_LINES]:
            mark = "🚨" if inc.is_open else "✅"
            title = (
                html.escape(cut(inc.title, LIST_TITLE_CHARS))
                if inc.title
                else a(self.language, "inc_auto_title")
            )
            lines.append(
                f"{mark} <b>{inc.label}</b> {title} · {self._scope(inc)} · {inc.affected} "
                f"({inc.premium} premium) · {duration_words(inc.duration(now))}"
            )
        total = await self.ctx.store.redis.zcard(self.ctx.store.keys.incidents)
        if total > LIST_LINES:
            lines.append(a(self.language, "inc_more", count=total - LIST_LINES))
        await self._say("\n".join(lines), reply)

    async def _linked(self, incident_id: int) -> list[Ticket]:
        """Every linked ticket, read a chunk at a time, highest priority first."""
        numbers = await self.store.tickets(incident_id)
        tickets: list[Ticket] = []
        for start in range(0, len(numbers), FAN_OUT_CHUNK):
            tickets += await self.ctx.store.get_many(numbers[start : start + FAN_OUT_CHUNK])
        return tickets

    def _quoted(self, language: str, key: str, text: str, **values: object) -> str:
        """The agents' words inside a frame in the subscriber's language, saying they are quoted
        (and in which language, when it is not the subscriber's)."""
        written = "" if language == self.language else t(language, f"written_in_{self.language}")
        return t(language, key, text=html.escape(text), written=written, **values)

    async def _update(self, incident: Incident, text: str, reply: int) -> None:
        updated = await self.store.set_status(incident.id, text)
        active = [ticket for ticket in await self._linked(incident.id) if ticket.state is not State.RESOLVED]
        await self._say(a(self.language, "inc_update_sent", label=updated.label, count=len(active)), reply)
        await self.refresh_card(updated, force=True)

        async def tell(ticket: Ticket) -> None:
            language = ticket.customer.language
            await self.actions.tell_customer(
                ticket, self._quoted(language, "incident_update", text, ticket=ticket.label)
            )

        self._spawn(lambda: _each(active, tell))

    async def _ask_resolve(self, incident: Incident, text: str, agent_id: int, reply: int | None) -> None:
        """Show how many waiting tickets a resolution closes (and how many stay with agents);
        nothing closes before an agent confirms."""
        tickets = await self._linked(incident.id)
        waiting = sum(1 for ticket in tickets if ticket.state is State.OPEN)
        claimed = sum(1 for ticket in tickets if ticket.state is State.CLAIMED)
        asked = await self.store.ask_resolve(incident.id, agent_id, text, waiting)
        await self._say(
            a(self.language, "inc_resolve_asked", label=asked.label, count=waiting, claimed=claimed),
            reply,
            self.keyboard(asked),
        )
        await self.refresh_card(asked, force=True)

    async def _resolve(self, incident: Incident, agent_id: int) -> None:
        """Close the incident and, in the background, every linked ticket nobody holds; then tell
        the group how many closed and name the holders of the claimed ones, which stay open."""
        text = incident.resolve_asked.text if incident.resolve_asked else ""
        resolved = await self.store.resolve(incident.id, text)
        await self.refresh_card(resolved, force=True)
        tickets = await self._linked(incident.id)
        closed: list[Ticket] = []
        kept: list[Ticket] = []

        async def close(ticket: Ticket) -> None:
            if ticket.state is State.RESOLVED:
                return
            try:
                done = await self.ctx.store.resolve(ticket.number, agent_id, text, only_waiting=True)
            except StoreError:
                current = await self.ctx.store.get(ticket.number)
                if current.state is State.CLAIMED:
                    kept.append(current)
                return
            closed.append(done)
            language = done.customer.language
            note = self._quoted(language, "incident_note", text) if text else ""
            await self.actions.tell_customer(
                done,
                t(language, "incident_resolved", ticket=done.label, note=note),
                rating_keyboard(done, self.ctx),
            )
            if done.card_message_id is not None:
                await self.actions.refresh_card(done)

        async def close_all() -> None:
            await _each(tickets, close)
            name = html.escape(await agent_name(self.ctx, agent_id))
            lines = [a(self.language, "inc_resolved_ok", label=resolved.label, agent=name, count=len(closed))]
            if kept:
                kept.sort(key=lambda ticket: ticket.number)
                holders = [
                    f"{ticket.label} ({await self._mention(ticket.assignee)})" for ticket in kept[:KEPT_LINES]
                ]
                more = (
                    [a(self.language, "inc_more", count=len(kept) - KEPT_LINES)]
                    if len(kept) > KEPT_LINES
                    else []
                )
                lines.append(a(self.language, "inc_kept", tickets=", ".join([*holders, *more])))
            await self._say("\n".join(lines))

        self._spawn(close_all)

    async def _mention(self, agent: int | None) -> str:
        if agent is None:
            return "?"
        return await mention(self.ctx, agent)

    def _spawn(self, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        part = next_part()

        async def guarded() -> None:
            try:
                with sub_scope(part):
                    await work()
            except Exception:
                log.exception("incident background work failed")

        task = asyncio.create_task(guarded())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def drain(self) -> None:
        """Wait for background fan-outs and trailing card edits (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*list(self._background))

    async def _say(self, text: str, reply_to: int | None = None, keyboard: Keyboard | None = None) -> None:
        chat = self.ctx.config.agents_chat_id
        if chat is not None:
            await self.ctx.sender.send(Outgoing(chat, text, keyboard, reply_to=reply_to, priority=2))


async def _each(tickets: list[Ticket], work: Callable[[Ticket], Awaitable[None]]) -> None:
    """`work` on every ticket at once; the outbox orders the sends by priority.

    Each ticket's work counts its effects apart (`sub_scope`), as they interleave differently in a replay.
    """
    await asyncio.gather(*(as_part(f"t{ticket.number}", work(ticket)) for ticket in tickets))


def _bounded(text: str, limit: int, language: str) -> None:
    """Refuse a title or text longer than `limit` before anything is stored or sent."""
    if len(text) > limit:
        raise _Refusal(a(language, "inc_too_long", length=len(text), limit=limit))
