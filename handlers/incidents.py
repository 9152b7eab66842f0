"""Mass incidents on the desk: one card for the agents, one status for every affected subscriber.

A subscriber whose outage report belongs to an open incident is told at once that the problem
is known (with the latest status) instead of getting an individual card; the incident's card is
edited in place, at most once per `incidents.card_interval` plus one trailing edit, so a storm
of thousands of reports costs the agents' group a handful of edits, never a message each.
`/incident update` and `/incident resolve` reach every linked subscriber through the outbound
queue, highest ticket priority first; their fan-out runs in the background so the agents'
group (one chat lane) stays responsive while thousands of messages go out.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from escalation.durations import duration_words
from escalation.incidents import GLOBAL, Incident, IncidentError, IncidentStore
from escalation.store import StoreError
from escalation.ticket import Customer, Ticket
from handlers.context import HandlerContext
from handlers.customer import rating_keyboard
from handlers.desk_actions import DeskActions
from handlers.events import IncomingMessage, Outgoing
from handlers.messenger import TelegramError
from handlers.texts import a, t

log = logging.getLogger(__name__)

FAN_OUT_CHUNK = 500
LIST_LINES = 10
_INCIDENT_ID = re.compile(r"^[Ii](\d+)$")


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

        The reports that made the threshold are linked too (they already had their own card).
        """
        detection = await self.store.report(ticket, self.store.channel_in(text))
        incident = detection.incident
        if incident is None:
            return False
        await asyncio.gather(*(self._link(number, incident.id) for number in detection.linked))
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
        await asyncio.gather(acknowledge, self.refresh_card(incident))
        return True

    async def _link(self, number: int, incident_id: int) -> None:
        try:
            await self.ctx.store.link_incident(number, incident_id)
        except StoreError as exc:
            log.info("ticket #%s not linked to I%s: %s", number, incident_id, exc)

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
                message_id = await self.ctx.sender.send(Outgoing(chat, self.render(incident), priority=1))
                await self.store.set_card(incident_id, message_id)
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
        await self.ctx.sender.edit(chat, incident.card_message_id, self.render(incident), priority=1)

    def render(self, incident: Incident) -> str:
        """The card's HTML: title, scope, affected and premium counts, what was named, status."""
        lang, now = self.language, self.ctx.clock.now()
        title = html.escape(incident.title) if incident.title else a(lang, "inc_auto_title")
        scope = a(lang, "inc_scope_global") if incident.scope == GLOBAL else html.escape(incident.scope)
        opened = datetime.fromtimestamp(incident.opened_at, ZoneInfo(self.ctx.config.timezone))
        lines = [
            f"🚨 <b>{a(lang, 'inc_title')} {incident.label}</b> · {title}",
            f"{a(lang, 'inc_scope')}: {scope} · {a(lang, 'inc_opened_at')}: {opened:%d/%m %H:%M}",
            a(lang, "inc_affected", count=incident.affected, premium=incident.premium),
        ]
        for key, named in (("inc_regions", incident.regions), ("inc_channels", incident.channels)):
            if named:
                top = sorted(named.items(), key=lambda item: (-item[1], item[0]))[:8]
                lines.append(f"{a(lang, key)}: " + ", ".join(f"{html.escape(n)} {c}" for n, c in top))
        status = html.escape(incident.status_text) if incident.status_text else a(lang, "inc_no_status")
        lines.append(f"{a(lang, 'inc_status')}: {status}")
        if incident.is_open:
            lines.append(a(lang, "inc_commands", label=incident.label))
        else:
            lines.append(a(lang, "inc_resolved", time=duration_words(incident.duration(now))))
        return "\n".join(lines)

    # --------------------------------------------------------------- agents

    async def command(self, message: IncomingMessage, agent_id: int) -> None:
        """`/incident open <title>`, `list`, `update [I<n>] <text>`, `resolve [I<n>] [text]`.

        Without an id, update and resolve act on the newest open incident: during an outage
        agents should not have to look an id up.
        """
        verb, _, rest = message.args.strip().partition(" ")
        rest = rest.strip()
        reply = message.message_id
        try:
            if verb == "open" and rest:
                incident, created = await self.store.open(rest)
                key = "inc_opened_ok" if created else "inc_exists"
                await self._say(a(self.language, key, label=incident.label), reply)
                if created:
                    await self.refresh_card(incident)
            elif verb == "list":
                await self._list(reply)
            elif verb == "update":
                incident, text = await self._target(rest)
                if not text:
                    raise IncidentError(a(self.language, "inc_usage"))
                await self._update(incident, text, reply)
            elif verb == "resolve":
                incident, text = await self._target(rest)
                await self._resolve(incident, text, agent_id, reply)
            else:
                await self._say(a(self.language, "inc_usage"), reply)
        except IncidentError as exc:
            await self._say(f"⚠️ {html.escape(str(exc))}", reply)

    async def _target(self, rest: str) -> tuple[Incident, str]:
        first, _, text = rest.partition(" ")
        match = _INCIDENT_ID.match(first)
        if match:
            return await self.store.get(int(match.group(1))), text.strip()
        current = await self.store.list_open()
        if not current:
            raise IncidentError(a(self.language, "inc_none"))
        return current[0], rest

    async def _list(self, reply: int) -> None:
        incidents = await self.store.recent(LIST_LINES)
        if not incidents:
            await self._say(a(self.language, "inc_none"), reply)
            return
        now = self.ctx.clock.now()
        lines = [a(self.language, "inc_list_title")]
        for inc in incidents:
            mark = "🚨" if inc.is_open else "✅"
            title = html.escape(inc.title) if inc.title else a(self.language, "inc_auto_title")
            lines.append(
                f"{mark} <b>{inc.label}</b> {title} · {html.escape(inc.scope)} · {inc.affected} "
                f"({inc.premium} premium) · {duration_words(inc.duration(now))}"
            )
        await self._say("\n".join(lines), reply)

    async def _update(self, incident: Incident, text: str, reply: int) -> None:
        updated = await self.store.set_status(incident.id, text)
        numbers = await self.store.tickets(incident.id)
        await self._say(a(self.language, "inc_update_sent", label=updated.label, count=len(numbers)), reply)
        await self.refresh_card(updated, force=True)
        body = html.escape(text)

        async def tell(ticket: Ticket) -> None:
            language = ticket.customer.language
            await self.actions.tell_customer(
                ticket, t(language, "incident_update", ticket=ticket.label, text=body)
            )

        self._spawn(lambda: self._fan_out(numbers, tell))

    async def _resolve(self, incident: Incident, text: str, agent_id: int, reply: int) -> None:
        resolved = await self.store.resolve(incident.id, text)
        numbers = await self.store.tickets(incident.id)
        await self._say(a(self.language, "inc_resolved_ok", label=resolved.label, count=len(numbers)), reply)
        await self.refresh_card(resolved, force=True)
        note = f"\n{html.escape(text)}" if text else ""

        async def close(ticket: Ticket) -> None:
            try:
                closed = await self.ctx.store.resolve(ticket.number, agent_id, text)
            except StoreError:
                return
            language = closed.customer.language
            await self.actions.tell_customer(
                closed,
                t(language, "incident_resolved", ticket=closed.label, note=note),
                rating_keyboard(closed, self.ctx),
            )
            if closed.card_message_id is not None:
                await self.actions.refresh_card(closed)

        self._spawn(lambda: self._fan_out(numbers, close))

    async def _fan_out(self, numbers: list[int], each: Callable[[Ticket], Awaitable[None]]) -> None:
        """Every linked ticket, read a chunk at a time; the outbox orders the sends by priority."""
        pending = []
        for start in range(0, len(numbers), FAN_OUT_CHUNK):
            tickets = await self.ctx.store.get_many(numbers[start : start + FAN_OUT_CHUNK])
            pending += [asyncio.ensure_future(each(ticket)) for ticket in tickets]
        await asyncio.gather(*pending)

    def _spawn(self, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        async def guarded() -> None:
            try:
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

    async def _say(self, text: str, reply_to: int | None = None) -> None:
        chat = self.ctx.config.agents_chat_id
        if chat is not None:
            await self.ctx.sender.send(Outgoing(chat, text, reply_to=reply_to, priority=2))
