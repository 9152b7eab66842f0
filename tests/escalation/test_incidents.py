"""Incident detection and bookkeeping on Redis: exactly one incident per outage, whatever the race."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from escalation.clock import ManualClock
from escalation.desk_state import DeskState
from escalation.domain import Impact, State, Tier
from escalation.incidents import IncidentError, IncidentStore
from escalation.policy import Incidents, Policy
from escalation.report import build_report
from escalation.report_text import render_text
from escalation.store import TicketStore
from escalation.ticket import Customer
from tests.escalation.factories import customer, report

pytestmark = pytest.mark.cluster

MINUTE = 60.0


@pytest.fixture
def incidents(store: TicketStore, policy: Policy, clock: ManualClock) -> IncidentStore:
    rules = Incidents(min_reports=5, window=600, channels=["globo", "espn"])
    return IncidentStore(store.redis, store.keys, rules, clock)


def in_region(telegram_id: int, region: str, tier: Tier = Tier.BASIC) -> Customer:
    return replace(customer(telegram_id, tier), region=region)


async def outage(
    store: TicketStore, policy: Policy, incidents: IncidentStore, who: Customer, text: str = "caiu tudo"
) -> tuple[int, int | None, bool]:
    """A report as the customer handler makes it: submit, count, link; (ticket, incident, opened)."""
    ticket = (await report(store, policy, who, text)).ticket
    detection = await incidents.report(ticket, incidents.channel_in(text))
    for number in detection.linked:
        await store.link_incident(number, detection.incident_id or 0)
    return ticket.number, detection.incident_id, detection.opened


async def test_fifty_concurrent_reports_open_exactly_one_incident_and_link_all(
    store: TicketStore, policy: Policy, incidents: IncidentStore
) -> None:
    people = [customer(5000 + i, Tier.PREMIUM if i % 10 == 0 else Tier.BASIC) for i in range(50)]
    results = await asyncio.gather(*(outage(store, policy, incidents, who) for who in people))

    assert sum(1 for _, _, opened in results if opened) == 1
    assert sum(1 for _, incident, _ in results if incident is None) == 4  # linked by the opener
    [incident] = await incidents.list_open()
    assert incident.affected == 50 and incident.premium == 5
    linked = await incidents.tickets(incident.id)
    assert sorted(linked) == sorted(number for number, _, _ in results)
    tickets = await store.get_many(linked)
    assert all(ticket.incident == "1" for ticket in tickets)
    assert {t.customer.tier for t in tickets[:5]} == {Tier.PREMIUM}  # highest priority first
    events = [e["event"] for e in await store.history(linked[-1])]
    assert events == ["created", "incident_linked"]


async def test_reports_spread_over_hours_open_nothing(
    store: TicketStore, policy: Policy, incidents: IncidentStore, clock: ManualClock
) -> None:
    for i in range(20):
        _, incident, _ = await outage(store, policy, incidents, customer(6000 + i))
        assert incident is None
        clock.advance(30 * MINUTE)
    assert await incidents.list_open() == []


async def test_a_region_opens_its_own_incident_and_others_stay_apart(
    store: TicketStore, policy: Policy, incidents: IncidentStore
) -> None:
    for i in range(5):
        await outage(store, policy, incidents, in_region(7000 + i, "Recife"))
    [recife] = await incidents.list_open()
    assert recife.scope == "region:Recife" and recife.affected == 5
    for i in range(4):
        _, incident, _ = await outage(store, policy, incidents, in_region(7100 + i, "Manaus"))
        assert incident is None
    _, joined, opened = await outage(store, policy, incidents, in_region(7200, "Recife"))
    assert joined == recife.id and not opened
    assert len(await incidents.list_open()) == 1


async def test_a_named_channel_opens_a_channel_incident(
    store: TicketStore, policy: Policy, incidents: IncidentStore
) -> None:
    for i in range(5):
        await outage(store, policy, incidents, in_region(7300 + i, f"R{i}"), "a Glóbo saiu do ar")
    [incident] = await incidents.list_open()
    assert incident.scope == "channel:globo" and incident.channels == {"globo": 5}
    assert len(incident.regions) == 5


async def test_manual_open_status_resolve_and_summary_window(
    store: TicketStore, policy: Policy, incidents: IncidentStore, clock: ManualClock
) -> None:
    opened, created, _ = await incidents.open("Servidor <SP> fora")
    again, created_again, _ = await incidents.open("outro")
    assert created and not created_again and again.id == opened.id
    number, joined, _ = await outage(store, policy, incidents, customer(8000))
    assert joined == opened.id
    clock.advance(4 * MINUTE)
    assert (await incidents.set_status(opened.id, "investigando")).first_status_at == clock.now()
    clock.advance(6 * MINUTE)
    resolved = await incidents.resolve(opened.id, "voltou")
    assert resolved.status == "resolved" and resolved.duration(clock.now()) == 10 * MINUTE
    with pytest.raises(IncidentError):
        await incidents.resolve(opened.id)
    [summary] = [i.to_json(clock.now()) for i in await incidents.between(clock.now() - 3600, clock.now())]
    assert summary["first_status_s"] == 4 * MINUTE and summary["affected"] == 1
    assert (await store.get(number)).state is State.OPEN  # tickets are resolved by the handler
    assert await incidents.list_open() == []


async def test_summary_lists_incidents_with_duration_affected_and_first_status(
    store: TicketStore, policy: Policy, incidents: IncidentStore, clock: ManualClock
) -> None:
    opened, _, _ = await incidents.open("Globo <fora>")
    await outage(store, policy, incidents, customer(8100, Tier.PREMIUM))
    clock.advance(5 * MINUTE)
    await incidents.set_status(opened.id, "reiniciando")
    clock.advance(5 * MINUTE)
    await incidents.resolve(opened.id)

    report = await build_report(store, DeskState(store.redis, store.keys), clock.now() - 86400, clock.now())
    [entry] = report.incidents
    assert (entry["duration_s"], entry["first_status_s"]) == (10 * MINUTE, 5 * MINUTE)
    assert (entry["affected"], entry["premium"]) == (1, 1)
    text = render_text(report, "en")
    assert "I1 Globo &lt;fora&gt; (everyone): 10 min, 1 affected (1 premium), first status: 5 min" in text


async def test_the_summary_names_an_incident_scope_in_the_managers_words(
    store: TicketStore, policy: Policy, incidents: IncidentStore, clock: ManualClock
) -> None:
    """ "I1 (channel:globo)" in a Portuguese summary was the stored id: it reads "canal globo"."""
    for i in range(5):
        await outage(store, policy, incidents, customer(8200 + i), "a globo está travando")
    await incidents.open("Recife fora", scope="region:Recife")
    report = await build_report(store, DeskState(store.redis, store.keys), clock.now() - 86400, clock.now())
    portuguese, spanish = render_text(report, "pt"), render_text(report, "es")
    assert "🚨 I1 (canal globo): " in portuguese and "channel:" not in portuguese
    assert "🚨 I2 Recife fora (região Recife): " in portuguese and "region:" not in portuguese
    assert "🚨 I2 Recife fora (región Recife): " in spanish


async def test_strangers_alone_open_nothing_until_known_subscribers_report(
    store: TicketStore, policy: Policy, incidents: IncidentStore
) -> None:
    strangers = [customer(9000 + i, None) for i in range(8)]
    for who in strangers:
        _, incident, _ = await outage(store, policy, incidents, who, "a globo está travando")
        assert incident is None
    await outage(store, policy, incidents, customer(9100), "a globo está travando")
    assert await incidents.list_open() == []  # one known subscriber is not yet enough
    _, incident, opened = await outage(store, policy, incidents, customer(9101), "a globo está travando")
    assert opened
    assert len(await incidents.tickets(incident or 0)) == 10  # mostly strangers: a real outage still


async def test_reports_of_another_kind_never_count_together(
    store: TicketStore, policy: Policy, incidents: IncidentStore
) -> None:
    async def partial(telegram_id: int, text: str) -> None:
        ticket = (await report(store, policy, customer(telegram_id), text, impact=Impact.PARTIAL)).ticket
        assert (await incidents.report(ticket, incidents.channel_in(text))).incident is None

    for i in range(3):  # a burst about one channel...
        await partial(9200 + i, "a globo está travando")
    for i in range(2):  # ...and unrelated total outages in the same minutes
        await outage(store, policy, incidents, customer(9300 + i), "o aplicativo não abre")
    for i in range(4):  # partial faults naming no channel count nowhere
        await partial(9400 + i, "trava no celular")
    assert await incidents.list_open() == []


async def test_claimed_and_resolved_tickets_are_never_linked(
    store: TicketStore, policy: Policy, incidents: IncidentStore
) -> None:
    numbers = [(await outage(store, policy, incidents, customer(9500 + i)))[0] for i in range(4)]
    await store.claim(numbers[0], 2001)
    await store.resolve(numbers[1], 2001)
    _, incident, _ = await outage(store, policy, incidents, customer(9504))
    assert incident is None  # the resolved report no longer counts: four standing
    _, incident, opened = await outage(store, policy, incidents, customer(9505))
    assert opened and incident is not None
    linked = await incidents.tickets(incident)
    assert numbers[0] not in linked and numbers[1] not in linked and len(linked) == 4
    assert (await store.get(numbers[0])).incident is None


async def test_opening_by_hand_links_the_waiting_reports_of_its_window(
    store: TicketStore, policy: Policy, incidents: IncidentStore
) -> None:
    numbers = [(await outage(store, policy, incidents, customer(9600 + i)))[0] for i in range(3)]
    incident, created, linked = await incidents.open("Servidor fora")
    assert created and sorted(linked) == sorted(numbers)
    assert (await incidents.tickets(incident.id)) != []


async def test_the_first_five_premium_reports_are_named_and_the_rest_counted(
    store: TicketStore, policy: Policy, incidents: IncidentStore
) -> None:
    """A storm with many premium subscribers: the card names five of them, the count says the rest."""
    people = [customer(6000 + i, Tier.PREMIUM if i % 2 == 0 else Tier.BASIC) for i in range(5)]
    people += [customer(6100 + i, Tier.PREMIUM) for i in range(7)]
    numbers = [(await outage(store, policy, incidents, who))[0] for who in people]

    [incident] = await incidents.list_open()
    assert incident.premium == 10
    named = await incidents.premium_named(incident.id)
    premium_numbers = [n for n, who in zip(numbers, people, strict=True) if who.tier is Tier.PREMIUM]
    assert named == premium_numbers[:5]
