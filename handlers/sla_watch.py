"""The SLA watch: turns each tick's ladder steps into messages, exactly once.

The store's tick decides which step each due ticket reached (atomically, whichever worker ran
it); this module only says it: a warning mentions the assignee or the on-call agents with a Claim
button, a breach mentions the supervisors, updates the card and tells the customer (once, in
their language, with the new wait), renotifications repeat until someone reacts, then the
managers hear of it. A claimer silent for too long loses the claim. Each tick also catches up
incident cards whose trailing edit was lost with a killed worker (`IncidentDesk.catch_up_cards`).
Every message names the customer and the problem in one line; a Claim button on a ping is
remembered so it goes once the ticket is claimed or closed (`DeskActions.refresh_card`).
When a tick has more pings than the agents' group may receive in one tick (20 a minute), they
go as one digest message instead of a flood.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
from dataclasses import replace

from escalation.domain import State
from escalation.oncall import OnCallRoster
from escalation.sla_tick import SlaEvent
from escalation.store_errors import StoreError
from handlers.cards import ticket_context, time_left
from handlers.context import DeskConfig, HandlerContext
from handlers.desk_actions import DeskActions
from handlers.events import Button, Keyboard, Outgoing
from handlers.incidents import IncidentDesk
from handlers.names import agent_name
from handlers.split import fit_lines
from handlers.texts import a

log = logging.getLogger(__name__)

GROUP_MESSAGES_PER_MINUTE = 20
ICONS = {"warn": "⏰", "breach": "🚨", "renotify": "🔁", "managers": "📣"}


class SlaWatch:
    """Acts on SLA ticks for one desk."""

    def __init__(
        self,
        ctx: HandlerContext,
        actions: DeskActions,
        roster: OnCallRoster,
        tick_seconds: float,
        incidents: IncidentDesk,
    ):
        self.ctx = ctx
        self.actions = actions
        self.roster = roster
        self.incidents = incidents
        self.digest_threshold = max(1, math.floor(GROUP_MESSAGES_PER_MINUTE * tick_seconds / 60))
        self._card_updates: set[asyncio.Task[None]] = set()

    async def tick(self) -> list[SlaEvent]:
        """One tick: advance every due ladder and tell the people concerned, then bring up to date
        the incident cards left behind (the tick runs in every worker, whichever survives). In
        topic mode the queue board's times are brought up to date too."""
        self.actions.board.changed()
        events = await self._ladder()
        await self.incidents.catch_up_cards()
        return events

    async def _ladder(self) -> list[SlaEvent]:
        now = self.ctx.clock.now()
        events = await self.ctx.store.sla_tick(now)
        if not events:
            return events
        groups, contexts = await self._contexts([event.number for event in events])
        released: dict[int, str] = {}
        for event in events:
            if event.release and (line := await self._release(event, groups[event.number])):
                released[event.number] = line
        # A ticket released in this tick is nobody's: its ping offers the Claim and says why, in one message.
        pings = [
            replace(e, assignee=None) if e.number in released else e
            for e in events
            if e.action in ("warn", "breach", "renotify")
        ]
        pinged = {e.number for e in pings}
        for number, line in released.items():
            if number not in pinged:
                text = f"{line}\n{contexts.get(number, '')}"
                priority = int(next(e.priority for e in events if e.number == number))
                await self._claimable(number, text, text, priority, groups[number])
        # Each team's group has its own 20 messages a minute: the digest threshold is per group.
        by_group: dict[int | None, list[SlaEvent]] = {}
        for event in pings:
            by_group.setdefault(groups[event.number].agents_chat_id, []).append(event)
        for group_pings in by_group.values():
            if len(group_pings) > self.digest_threshold:
                await self._digest(group_pings, now, contexts, groups[group_pings[0].number])
                continue
            for event in group_pings:
                context = contexts.get(event.number, "")
                if event.number in released:
                    context = f"{released[event.number]}\n{context}"
                await self._ping(event, now, context, groups[event.number])
        for event in events:
            if event.action == "managers":
                await self._tell_managers(event, now, contexts.get(event.number, ""))
        self._after_breaches_later([e.number for e in events if e.breached])
        return events

    async def drain(self) -> None:
        """Wait for card refreshes started by earlier ticks (tests, shutdown)."""
        if self._card_updates:
            await asyncio.gather(*self._card_updates, return_exceptions=True)

    # ------------------------------------------------------------- messages

    async def _contexts(self, numbers: list[int]) -> tuple[dict[int, DeskConfig], dict[int, str]]:
        """Each ticket's team (whose group hears of it) and its who-and-what line in that team's language."""
        tickets = await self.ctx.store.get_many(numbers)
        openings = await self.ctx.store.opening_texts([ticket.number for ticket in tickets])
        groups = {number: self.ctx.config for number in numbers}  # a ticket gone meanwhile: the desk's group
        groups.update({ticket.number: self.ctx.for_ticket(ticket).config for ticket in tickets})
        contexts = {
            ticket.number: ticket_context(
                ticket, openings[ticket.number], groups[ticket.number].agents_language
            )
            for ticket in tickets
        }
        return groups, contexts

    async def _ping(self, event: SlaEvent, now: float, context: str, team: DeskConfig) -> None:
        lang = team.agents_language
        who = await self._mentions(event, now, team)
        text = (
            f"{ICONS[event.action or 'warn']} <b>{event.priority.name}</b> <b>#{event.number}</b> · "
            f"{a(lang, 'sla_' + (event.action or 'warn'))} · {self._left(event, now, lang)}\n{context}"
        )
        if event.assignee is None:
            await self._claimable(event.number, text, f"{text}\n{who}", int(event.priority), team)
        else:
            await self._to_agents(f"{text}\n{who}", None, int(event.priority), team)

    async def _claimable(self, number: int, text: str, full: str, priority: int, team: DeskConfig) -> None:
        """A message with a Claim button, remembered so the button goes when the ticket is taken."""
        lang = team.agents_language
        keyboard = Keyboard.inline([Button(a(lang, "claim"), self.ctx.codec.encode("claim", number))])
        message_id = await self._to_agents(full, keyboard, priority, team)
        if message_id is not None:
            await self.ctx.state.remember_ping(number, message_id, text)

    async def _digest(
        self, events: list[SlaEvent], now: float, contexts: dict[int, str], team: DeskConfig
    ) -> None:
        lang = team.agents_language
        ordered = sorted(events, key=lambda e: (e.priority, e.due_at or 0))
        duty = await self._on_duty(team, now)
        mentions = await self._mention_ids(duty | set(team.supervisor_ids), lang)
        lines = [f"⏰ <b>{a(lang, 'sla_digest', count=len(events))}</b>", mentions]
        lines += [
            f"{ICONS[e.action or 'warn']} {e.priority.name} #{e.number} · {self._left(e, now, lang)} · "
            f"{contexts.get(e.number, '')}"
            for e in ordered
        ]
        text = fit_lines(lines, lambda count: a(lang, "and_more", count=count))
        await self._to_agents(text, None, int(ordered[0].priority), team)

    async def _tell_managers(self, event: SlaEvent, now: float, context: str) -> None:
        lang = self.ctx.config.agents_language
        text = (
            f"{ICONS['managers']} <b>{event.priority.name}</b> <b>#{event.number}</b> · "
            f"{a(lang, 'sla_managers')} · {self._left(event, now, lang)}\n{context}"
        )
        for chat in sorted(self.ctx.config.manager_chat_ids):
            try:
                await self.ctx.sender.send(Outgoing(chat, text, priority=int(event.priority)))
            except Exception:
                log.exception("could not tell manager chat %s about #%s", chat, event.number)

    async def _release(self, event: SlaEvent, team: DeskConfig) -> str | None:
        """Take the ticket back from a silent claimer; the line that says so, or None if not released."""
        lang = team.agents_language
        if event.assignee is None:
            return None
        try:
            ticket = await self.ctx.store.release_silent_claim(event.number, event.assignee)
        except StoreError as exc:
            log.info("claim timeout of #%s not applied: %s", event.number, exc)
            return None
        if ticket is None:
            log.info("claim timeout of #%s not applied: answered or re-claimed meanwhile", event.number)
            return None
        await self.actions.refresh_card(ticket)
        who = await agent_name(self.ctx, event.assignee)
        return a(lang, "claim_timeout", ticket=ticket.label, agent=html.escape(who))

    # -------------------------------------------------------------- helpers

    async def _mentions(self, event: SlaEvent, now: float, team: DeskConfig) -> str:
        if event.action in ("breach", "renotify"):
            targets = set(team.supervisor_ids)
            targets |= {event.assignee} if event.assignee else await self._on_duty(team, now)
        elif event.assignee is not None:
            targets = {event.assignee}
        else:
            targets = await self._on_duty(team, now)
        return await self._mention_ids(targets, team.agents_language)

    async def _on_duty(self, team: DeskConfig, now: float) -> set[int]:
        """Who is on call for a team's tickets: the on-call agents of that team (all of its agents
        when none of them is on call). A desk of one team pings whoever is on call."""
        duty = set((await self.roster.current(now)).agents)
        if self.ctx.config.team_setup is None:
            return duty
        return (duty & team.agent_ids) or set(team.agent_ids)

    async def _mention_ids(self, ids: set[int], language: str) -> str:
        return await self.actions.mentions(ids, language)

    def _left(self, event: SlaEvent, now: float, language: str) -> str:
        return time_left(language, event.due_at, now) if event.due_at else ""

    async def _to_agents(
        self, text: str, keyboard: Keyboard | None, priority: int, team: DeskConfig
    ) -> int | None:
        chat = team.agents_chat_id
        if chat is None:
            return None
        try:
            return await self.ctx.sender.send(Outgoing(chat, text, keyboard, priority=priority))
        except Exception:
            log.exception("could not post an SLA message to the agents' group %s", chat)
            return None

    def _after_breaches_later(self, numbers: list[int]) -> None:
        """Breached cards are edited, and their customers told, off the tick's path: a storm of
        breaches must not slow the tick. A breach happens once per clock, so each customer hears of
        it once; those linked to an incident were promised no time and hear from the incident."""
        if not numbers:
            return

        async def refresh() -> None:
            for ticket in await self.ctx.store.get_many(numbers):
                try:
                    await self.actions.refresh_card(ticket)
                    if ticket.incident is None and ticket.state is not State.RESOLVED:
                        await self.actions.tell_priority_news(ticket, "sla_slipped")
                except Exception:
                    log.exception("breach of %s: card or customer notice failed", ticket.label)

        task = asyncio.create_task(refresh())
        self._card_updates.add(task)
        task.add_done_callback(self._card_updates.discard)
