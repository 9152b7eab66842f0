"""The ticket store: every transition of the desk, atomically, in Redis.

Each public method is one transition, applied by `lua/transition.lua`: it checks the ticket's
state (and, where Python computed values from a snapshot, its version), writes the fields,
re-indexes the ticket by its new state and appends the audit event, all in one script. When a
concurrent change wins the race the script refuses, and the methods that read first re-read and
retry; claim, release and resolve need no read at all, so two agents pressing Claim at once
cost one round trip each and exactly one wins.

This module says what each transition writes. `TicketStore` also inherits the reads
(`escalation.ticket_reads`), the call of the script with its retries and replays
(`escalation.transition`) and the SLA tick (`escalation.sla_tick`), so the rest of the desk holds
one store; what it can refuse is in `escalation.store_errors`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from escalation.clock import Clock, SystemClock, seconds_text
from escalation.domain import Assessment, Impact, Intent, Priority, Reason, ReasonCode, State
from escalation.keys import Keys
from escalation.policy import Policy
from escalation.sla import SlaClock, Target
from escalation.sla_tick import SlaTick
from escalation.stats import StatOp, StatOps
from escalation.store_errors import IllegalTransition, StoreError, TicketNotFound
from escalation.ticket import Customer, Ticket
from escalation.ticket_reads import Arrival, TicketReads
from escalation.transition import Applied, Conflict, TransitionScript

_LUA_DIR = Path(__file__).with_name("lua")
MAX_STORED_TEXT = 10_000


class Outcome(StrEnum):
    """What a customer's message did to the desk."""

    CREATED = "created"
    APPENDED = "appended"
    REOPENED = "reopened"


@dataclass(frozen=True, slots=True)
class Submission:
    """The ticket a customer's message landed in, and how."""

    ticket: Ticket
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Transfer:
    """A ticket before and after it moved to another team (the old card is the `before`'s)."""

    before: Ticket
    after: Ticket


class TicketStore(TicketReads, TransitionScript, SlaTick):
    """Tickets, queue and SLA index of one desk namespace: its reads, transitions and SLA tick.

    The one constructor: it sets the attributes its inherited parts declare and registers their scripts.
    """

    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        policy: Policy,
        sla: SlaClock,
        clock: Clock | None = None,
        audit_maxlen: int = 100_000,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.policy = policy
        self.sla = sla
        self.clock = clock or SystemClock()
        self.audit_maxlen = audit_maxlen
        self._transition = redis.register_script((_LUA_DIR / "transition.lua").read_text())
        self._sla_tick = redis.register_script((_LUA_DIR / "sla_tick.lua").read_text())
        self._arrival = redis.register_script((_LUA_DIR / "arrival.lua").read_text())
        self.stats = StatOps(keys)
        # Told of every applied transition and SLA step ("sla_warn", "sla_breach") with the
        # ticket's priority: the bot counts them for /metrics; escalation knows nothing of that.
        self.on_event: Callable[[str, Priority], None] = _ignore_event

    @classmethod
    def build(
        cls, redis: Redis, namespace: str, policy: Policy, timezone: str, clock: Clock | None = None
    ) -> TicketStore:
        """A store for one desk namespace with the policy's business calendar."""
        return cls(redis, Keys(namespace), policy, SlaClock(policy, policy.calendar(timezone)), clock)

    # ------------------------------------------------------- customer side

    async def submit(
        self,
        customer: Customer,
        text: str,
        assessment: Assessment,
        intent: Intent,
        impact: Impact | None,
        *,
        kind: str = "text",
        arrival: Arrival | None = None,
        follow_up: bool = False,
        contact: bool = True,
    ) -> Submission:
        """A customer message that needs a human: open a ticket, append to theirs, or reopen it.

        A customer has at most one active ticket: the script refuses to create a second one. A
        message within the reopen window of their last resolved ticket reopens it when it is about
        the same problem (the same intent, or `follow_up`: "still not working"); a different
        problem opens a new ticket. `contact` False (thanks, small talk) never counts towards
        the repeat-contact raise. `arrival`, when given, is the first reading of the customer's
        tickets (see `Arrival`).
        """
        cid = str(customer.telegram_id)
        reading = arrival

        async def attempt() -> Submission:
            nonlocal reading
            now = self.clock.now()
            try:
                snapshot = reading or await self._read_customer(customer.telegram_id)
                reading = None
                active, last = snapshot.active, snapshot.last_number
                if active is not None:
                    appended = self._append(
                        active, text, assessment, intent, impact, kind, now, contact=contact
                    )
                    return _submission(await appended)
                if last is not None:
                    previous = await self.get(last)
                    recent = now - (previous.resolved_at or 0.0) <= self.policy.reopen_window
                    if recent and (follow_up or intent is previous.intent):
                        return _submission(
                            await self._reopen(previous, text, assessment, intent, impact, kind, now)
                        )
            except TicketNotFound:
                raise Conflict("ticket vanished between read and write") from None
            created = self._create(customer, text, assessment, intent, impact, kind, now, last)
            return _submission(await created)

        return await self._retrying(attempt, f"customer {cid}")

    async def _create(
        self,
        customer: Customer,
        text: str,
        assessment: Assessment,
        intent: Intent,
        impact: Impact | None,
        kind: str,
        now: float,
        last: int | None,
    ) -> Applied:
        """A new ticket; refused when the customer has an active one or their last resolved one changed.

        `last` is the last resolved ticket this decision was made on (None for none).
        """
        clock, sla_at = self._clock_fields(assessment.priority, "first_response", now)
        fields = {
            **clock,
            "state": State.OPEN.value,
            "customer_name": customer.name,
            "language": customer.language,
            "subscriber_id": customer.subscriber_id or "",
            "tier": customer.tier.value if customer.tier else "",
            "region": customer.region or "",
            "account_status": "" if customer.account_status == "active" else customer.account_status,
            "team": self.policy.route_team(intent, impact, customer.effective_tier, customer.region),
            "created_at": seconds_text(now),
            "last_customer_at": seconds_text(now),
            "contacts": json.dumps([now]),
            "first_response_due": clock["due_at"],
            "resolution_due": seconds_text(self.sla.deadline(assessment.priority, now, "resolution")),
            **_assessment_fields(assessment, intent, impact),
        }
        event = {"text": text[:MAX_STORED_TEXT], "kind": kind, "priority": assessment.priority.name}
        return await self._transition_once(
            None,
            "created",
            f"customer:{customer.telegram_id}",
            now,
            fields,
            event,
            customer_id=customer.telegram_id,
            require_no_active=True,
            last_resolved=str(last or 0),
            sla_at=sla_at,
            stats=self.stats.created(now, intent, impact),
        )

    async def _append(
        self,
        ticket: Ticket,
        text: str,
        assessment: Assessment,
        intent: Intent,
        impact: Impact | None,
        kind: str,
        now: float,
        *,
        contact: bool,
    ) -> Applied:
        """A message on the active ticket; it is one more contact only when it starts a new burst.

        Messages closer together than `repeat_contact_gap` (a flood, a paste the app split in
        parts) are one contact, and thanks or small talk (`contact` False) are none.
        """
        rules = self.policy.priority
        contacts = [t for t in ticket.contacts if now - t <= rules.repeat_contact_window]
        burst = (
            ticket.last_customer_at is not None and now - ticket.last_customer_at < rules.repeat_contact_gap
        )
        if contact and not burst:
            contacts.append(now)
        fields: dict[str, str] = {"last_customer_at": seconds_text(now), "contacts": json.dumps(contacts)}
        current = Assessment(ticket.priority, ticket.reasons)
        situation = (ticket.intent, ticket.impact)
        if assessment.priority < current.priority:
            kept = tuple(r for r in current.reasons if r.code in _STICKY_REASONS)
            current = Assessment(assessment.priority, (*assessment.reasons, *kept))
            situation = (intent, impact)
        repeat = len(contacts) >= rules.repeat_contact_count
        if repeat and not any(r.code is ReasonCode.REPEAT_CONTACT for r in current.reasons):
            current = current.raised(Reason(ReasonCode.REPEAT_CONTACT))
        if current.reasons != ticket.reasons:
            fields.update(_assessment_fields(current, *situation))
        sla_at = ""
        if ticket.first_response_at is None:
            if current.priority != ticket.priority:
                clock, sla_at = self._clock_fields(
                    current.priority, "first_response", ticket.created_at, stage=ticket.sla_stage
                )
                fields.update(clock, first_response_due=clock["due_at"])
        elif ticket.due_kind != "next_response":
            clock, sla_at = self._clock_fields(current.priority, "next_response", now)
            fields.update(clock)
        event = {"text": text[:MAX_STORED_TEXT], "kind": kind, "priority": current.priority.name}
        return await self._transition_once(
            ticket,
            "message",
            f"customer:{ticket.customer.telegram_id}",
            now,
            fields,
            event,
            allowed=(State.OPEN, State.CLAIMED),
            check_version=True,
            sla_at=self._keep_claim_check(ticket, sla_at),
        )

    async def _reopen(
        self,
        ticket: Ticket,
        text: str,
        assessment: Assessment,
        intent: Intent,
        impact: Impact | None,
        kind: str,
        now: float,
    ) -> Applied:
        """The resolved ticket opens again, triaged afresh: priority, reasons and situation are the new ones.

        The old priority is not kept: a reopen is a new episode, and what the customer says now
        (a total outage after a partial one, or only "still slow") decides how urgent it is.
        """
        clock, sla_at = self._clock_fields(assessment.priority, "next_response", now)
        fields = {
            **clock,
            "state": State.OPEN.value,
            "assignee": "",
            "claimed_at": "",
            "resolved_at": "",
            "resolution": "",
            "csat": "",
            "last_customer_at": seconds_text(now),
            "contacts": json.dumps([now]),
            "resolution_due": seconds_text(self.sla.deadline(assessment.priority, now, "resolution")),
            "breached_at": "",
            "incident": "",
            **_assessment_fields(assessment, intent, impact),
        }
        event = {"text": text[:MAX_STORED_TEXT], "kind": kind, "priority": assessment.priority.name}
        return await self._transition_once(
            ticket,
            "reopened",
            f"customer:{ticket.customer.telegram_id}",
            now,
            fields,
            event,
            allowed=(State.RESOLVED,),
            check_version=True,
            require_no_active=True,
            sla_at=sla_at,
        )

    async def withdraw(self, number: int, customer_id: int) -> Ticket:
        """The customer withdraws their ticket (/cancel): it is resolved as withdrawn."""
        ticket = await self.get(number)
        if ticket.customer.telegram_id != customer_id:
            raise TicketNotFound(number)
        now = self.clock.now()
        fields = {"state": State.RESOLVED.value, "resolved_at": seconds_text(now), "resolution": "withdrawn"}
        return await self._apply(
            ticket,
            "withdrawn",
            f"customer:{customer_id}",
            now,
            fields,
            {},
            allowed=(State.OPEN, State.CLAIMED),
            stats=self.stats.resolved(now, withdrawn=True),
        )

    async def rate(self, number: int, customer_id: int, score: int) -> Ticket:
        """The customer's 1-5 rating of a resolved ticket; the first rating counts."""
        if not 1 <= score <= 5:
            raise StoreError("a rating is a whole number from 1 to 5")

        async def attempt() -> Ticket:
            ticket = await self.get(number)
            if ticket.customer.telegram_id != customer_id:
                raise TicketNotFound(number)
            if ticket.csat is not None:
                replayed = await self._replayed()
                if replayed is not None:
                    return replayed
                raise IllegalTransition(number, "rate", "already rated")
            now = self.clock.now()
            return await self._apply(
                ticket,
                "rated",
                f"customer:{customer_id}",
                now,
                {"csat": str(score)},
                {"score": score},
                allowed=(State.RESOLVED,),
                check_version=True,
                stats=self.stats.rated(now, score),
            )

        return await self._retrying(attempt, f"ticket #{number}")

    # ---------------------------------------------------------- agent side

    async def claim(self, number: int, agent_id: int) -> Ticket:
        """Take a waiting ticket; of concurrent claimers exactly one wins."""
        now = self.clock.now()
        fields = {"state": State.CLAIMED.value, "assignee": str(agent_id), "claimed_at": seconds_text(now)}
        claim_check = "<" + seconds_text(now + self.policy.escalation.claim_timeout)
        return await self._apply(
            number, "claimed", f"agent:{agent_id}", now, fields, {}, allowed=(State.OPEN,), sla_at=claim_check
        )

    async def release(self, number: int, agent_id: int, *, force: bool = False, reason: str = "") -> Ticket:
        """Put a claimed ticket back in the queue; only its assignee may, unless `force` (supervisor, SLA).

        Its SLA entry is due at once, so the escalation ladder held while it was claimed goes on.
        """
        now = self.clock.now()
        fields = {"state": State.OPEN.value, "assignee": "", "claimed_at": ""}
        actor = "system" if agent_id == 0 else f"agent:{agent_id}"
        return await self._apply(
            number,
            "released",
            actor,
            now,
            fields,
            {"reason": reason} if reason else {},
            allowed=(State.CLAIMED,),
            assignee=None if force else agent_id,
            sla_at=seconds_text(now),
        )

    async def release_silent_claim(self, number: int, assignee: int) -> Ticket | None:
        """The claim-timeout release: only if the same agent still holds it and has not answered.

        The SLA tick decided earlier; by the time this runs the claimer may have answered or
        another agent re-claimed, and then nothing is released (None).
        """

        async def attempt() -> Ticket | None:
            ticket = await self.get(number)
            silent = ticket.claimed_at is not None and (ticket.last_agent_at or 0) < ticket.claimed_at
            if ticket.state is not State.CLAIMED or ticket.assignee != assignee or not silent:
                return await self._replayed()
            now = self.clock.now()
            fields = {"state": State.OPEN.value, "assignee": "", "claimed_at": ""}
            return await self._apply(
                ticket,
                "released",
                "system",
                now,
                fields,
                {"reason": "claim_timeout"},
                allowed=(State.CLAIMED,),
                check_version=True,
                sla_at=seconds_text(now),
            )

        return await self._retrying(attempt, f"ticket #{number}")

    async def resolve(
        self, number: int, agent_id: int, note: str = "", *, only_waiting: bool = False
    ) -> Ticket:
        """Close the ticket; the customer will be asked for a rating.

        `only_waiting` refuses a claimed ticket: an incident's resolution closes the tickets
        nobody holds, and leaves a claimed one to the agent answering it.
        """
        now = self.clock.now()
        fields = {"state": State.RESOLVED.value, "resolved_at": seconds_text(now), "resolution": "resolved"}
        if note:
            fields["resolution_note"] = note[:MAX_STORED_TEXT]
        return await self._apply(
            number,
            "resolved",
            f"agent:{agent_id}",
            now,
            fields,
            {"note": note[:MAX_STORED_TEXT]} if note else {},
            allowed=(State.OPEN,) if only_waiting else (State.OPEN, State.CLAIMED),
            stats=self.stats.resolved(now, withdrawn=False),
        )

    async def reply(self, number: int, agent_id: int, text: str, *, kind: str = "text") -> Ticket:
        """An agent's answer to the customer: the first one stops the first-response clock.

        Replying to a waiting ticket claims it for the replying agent.
        """

        async def attempt() -> Ticket:
            ticket = await self.get(number)
            now = self.clock.now()
            fields = {"last_agent_at": seconds_text(now), **_due_fields("resolution", ticket.resolution_due)}
            stats: list[StatOp] = []
            if ticket.first_response_at is None:
                fields["first_response_at"] = seconds_text(now)
                stats = self.stats.first_response(now, ticket.created_at, ticket.first_response_due, agent_id)
            if ticket.state is State.OPEN:
                fields.update(state=State.CLAIMED.value, assignee=str(agent_id), claimed_at=seconds_text(now))
            return await self._apply(
                ticket,
                "reply",
                f"agent:{agent_id}",
                now,
                fields,
                {"text": text[:MAX_STORED_TEXT], "kind": kind},
                allowed=(State.OPEN, State.CLAIMED),
                check_version=True,
                sla_at="-",
                stats=stats,
            )

        return await self._retrying(attempt, f"ticket #{number}")

    async def note(self, number: int, agent_id: int, text: str) -> Ticket:
        """An internal note: stays in the ticket history, never reaches the customer."""
        now = self.clock.now()
        return await self._apply(
            number,
            "note",
            f"agent:{agent_id}",
            now,
            {},
            {"text": text[:MAX_STORED_TEXT]},
            allowed=tuple(State),
        )

    async def note_faq_answer(self, number: int, customer_id: int, question: str, entry_id: str) -> Ticket:
        """A question the FAQ answered while the customer's ticket was active: kept in its history.

        Agents then know what the customer was told; nothing else about the ticket changes.
        """
        now = self.clock.now()
        return await self._apply(
            number,
            "faq_answered",
            f"customer:{customer_id}",
            now,
            {},
            {"text": question[:MAX_STORED_TEXT], "faq": entry_id},
            allowed=(State.OPEN, State.CLAIMED),
        )

    async def log_event(
        self, number: int, event_name: str, actor: str, text: str = "", kind: str = ""
    ) -> Ticket:
        """An event in the ticket's history and the audit stream that changes nothing else.

        For what must be on the record without moving the ticket: a customer blocked or unblocked,
        and what a blocked customer wrote (kept, never relayed). Any state, resolved included.
        """
        event: dict[str, Any] = {"text": text[:MAX_STORED_TEXT]} if text else {}
        if kind:
            event["kind"] = kind
        return await self._apply(number, event_name, actor, self.clock.now(), {}, event, allowed=tuple(State))

    async def feedback(self, number: int, customer_id: int, text: str) -> Ticket:
        """What the customer said went wrong after rating the ticket low: kept in its history."""
        now = self.clock.now()
        return await self._apply(
            number,
            "feedback",
            f"customer:{customer_id}",
            now,
            {},
            {"text": text[:MAX_STORED_TEXT]},
            allowed=tuple(State),
        )

    async def set_priority(self, number: int, agent_id: int, priority: Priority) -> Ticket:
        """An agent overrides the priority; deadlines follow the new priority."""

        async def attempt() -> Ticket:
            ticket = await self.get(number)
            if ticket.state is State.RESOLVED:
                replayed = await self._replayed()
                if replayed is not None:
                    return replayed
                raise IllegalTransition(number, "reprioritise", ticket.state.value)
            now = self.clock.now()
            reasons = tuple(r for r in ticket.reasons if r.code is not ReasonCode.AGENT_SET)
            assessment = Assessment(priority, (*reasons, Reason(ReasonCode.AGENT_SET, str(agent_id))))
            fields = _assessment_fields(assessment, ticket.intent, ticket.impact)
            sla_at = ""
            owed = ticket.due_kind
            if owed in ("first_response", "next_response"):
                start = ticket.created_at if owed == "first_response" else (ticket.last_customer_at or now)
                clock, sla_at = self._clock_fields(priority, owed, start, stage=ticket.sla_stage)
                fields.update(clock)
                if owed == "first_response":
                    fields["first_response_due"] = clock["due_at"]
            return await self._apply(
                ticket,
                "priority",
                f"agent:{agent_id}",
                now,
                fields,
                {"from": ticket.priority.name, "to": priority.name},
                allowed=(State.OPEN, State.CLAIMED),
                check_version=True,
                sla_at=self._keep_claim_check(ticket, sla_at),
            )

        return await self._retrying(attempt, f"ticket #{number}")

    async def transfer(self, number: int, agent_id: int, team: str) -> Transfer:
        """Move a waiting or held ticket to another team: back in the queue, with no holder and no card.

        The new team's group gets a card of its own (the old one stays in the old group, marked
        transferred). The queue place, priority and deadlines are kept: the customer's wait does not
        start again. Refused (IllegalTransition) for a resolved ticket or one already in `team`.
        """

        async def attempt() -> Transfer:
            ticket = await self.get(number)
            if ticket.team == team:
                replayed = await self._replayed()
                if replayed is not None:
                    return await self._transfer_replayed(replayed)
                raise IllegalTransition(number, "transfer", "same_team")
            now = self.clock.now()
            fields = {"team": team, "state": State.OPEN.value, "assignee": "", "claimed_at": ""}
            fields["card_message_id"] = ""
            event = {
                "from": ticket.team,
                "to": team,
                "card": ticket.card_message_id or 0,
                "holder": ticket.assignee or 0,
            }
            moved = await self._transition_once(
                ticket,
                "transferred",
                f"agent:{agent_id}",
                now,
                fields,
                event,
                allowed=(State.OPEN, State.CLAIMED),
                check_version=True,
                sla_at=seconds_text(now) if ticket.state is State.CLAIMED else "",
            )
            if moved.event != "transferred":  # a replay whose first run applied it
                return await self._transfer_replayed(moved.ticket)
            return Transfer(ticket, moved.ticket)

        return await self._retrying(attempt, f"ticket #{number}")

    async def _transfer_replayed(self, after: Ticket) -> Transfer:
        """The transfer a replay's first run applied, its `before` rebuilt from the logged event."""
        logged = [e for e in await self.log(after.number) if e["event"] == "transferred"]
        if not logged:
            raise IllegalTransition(after.number, "transfer", "same_team")
        event = logged[-1]
        holder = int(event.get("holder") or 0) or None
        before = replace(
            after,
            team=str(event.get("from", "")),
            card_message_id=int(event.get("card") or 0) or None,
            assignee=holder,
            state=State.CLAIMED if holder else State.OPEN,
        )
        return Transfer(before, after)

    async def set_card(self, number: int, message_id: int) -> Ticket:
        """Remember the agents' card of this ticket so it is edited in place, never re-posted."""
        now = self.clock.now()
        return await self._apply(
            number, "card", "system", now, {"card_message_id": str(message_id)}, {}, allowed=tuple(State)
        )

    async def link_incident(self, number: int, incident_id: int) -> Ticket:
        """Link a waiting ticket to its mass incident (an audited transition like any other).

        Nothing else changes: the ticket keeps its queue place, priority and SLA clock, so a
        premium customer stays in the queue while agents work the incident as a whole. A claimed
        ticket is refused: it belongs to the agent answering it, not to the incident.
        """
        now = self.clock.now()
        return await self._apply(
            number,
            "incident_linked",
            "system",
            now,
            {"incident": str(incident_id)},
            {"incident": incident_id},
            allowed=(State.OPEN,),
        )

    async def mark_unreachable(self, number: int, unreachable: bool = True) -> Ticket:
        """The customer blocked the bot (403): agents see it on the card."""
        now = self.clock.now()
        return await self._apply(
            number,
            "unreachable" if unreachable else "reachable",
            "system",
            now,
            {"unreachable": "1" if unreachable else ""},
            {},
            allowed=tuple(State),
        )

    def _keep_claim_check(self, ticket: Ticket, sla_at: str) -> str:
        """Re-scheduling a claimed ticket's SLA must not push its claim-timeout check later.

        A claimer who has not answered loses the claim `claim_timeout` after claiming; a new
        SLA plan (a priority change) would otherwise replace that earlier check with a later step.
        """
        silent = ticket.claimed_at is not None and (ticket.last_agent_at or 0) < ticket.claimed_at
        if ticket.state is not State.CLAIMED or not silent or sla_at in ("", "-"):
            return sla_at
        check = ticket.claimed_at + self.policy.escalation.claim_timeout
        return seconds_text(min(float(sla_at), check))

    def _clock_fields(
        self, priority: Priority, target: Target, start: float, stage: int = 0
    ) -> tuple[dict[str, str], str]:
        """Fields of a response clock started at `start` (deadline, SLA plan, step) and its next check.

        `stage` keeps the steps already taken when only the priority of a running clock changes,
        so a warning is never sent twice for one clock.
        """
        plan = self.sla.plan(priority, start, target)
        fields = {
            "due_kind": target,
            "due_at": seconds_text(plan[-1]),
            "sla_plan": ",".join(map(str, plan)),
            "sla_stage": str(stage),
        }
        return fields, seconds_text(plan[min(stage, len(plan) - 1)])


_STICKY_REASONS = frozenset({ReasonCode.REPEAT_CONTACT, ReasonCode.SLA_BREACH, ReasonCode.AGENT_SET})


_OUTCOMES = {"created": Outcome.CREATED, "message": Outcome.APPENDED, "reopened": Outcome.REOPENED}


def _submission(applied: Applied) -> Submission:
    """What a customer's message did, as the transition that happened says, not as the branch asked.

    A replay after a crash reads the state its first run changed (the ticket it created is now
    active) and asks to append; the store answers with the creation the first run recorded, and
    the customer must hear "ticket created" as they would have.
    """
    return Submission(applied.ticket, _OUTCOMES.get(applied.event, Outcome.APPENDED))


def _ignore_event(event: str, priority: Priority) -> None:
    """The default `on_event`: nobody is listening."""


def _due_fields(kind: str, due: float) -> dict[str, str]:
    """A deadline with no SLA steps (resolution): nothing to ping about."""
    return {"due_kind": kind, "due_at": seconds_text(due), "sla_plan": "", "sla_stage": ""}


def _assessment_fields(assessment: Assessment, intent: Intent, impact: Impact | None) -> dict[str, str]:
    return {
        "priority": assessment.priority.name,
        "reasons": json.dumps([r.to_json() for r in assessment.reasons]),
        "intent": intent.value,
        "impact": impact.value if impact else "",
    }
