"""The incident card in a flood: one trailing edit shows every report, and while this worker has
that edit planned, reports take no throttle slot in Redis; a trailing edit lost with its worker
is made up by the next SLA tick of any worker."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.policy import Policy
from handlers.context import DeskConfig
from handlers.desk_actions import DeskActions
from handlers.dispatcher import Dispatcher
from handlers.events import Chat, ChatKind, IncomingMessage, Keyboard, Member, Outgoing, User
from handlers.incidents import IncidentDesk
from handlers.texts import a
from tests.escalation.factories import customer, report
from tests.handlers.desk_context import handler_context

AGENTS_CHAT = -100777
CARD_INTERVAL_S = 0.5


class RecordingSender:
    """The Sender port, keeping what the desk sends and edits; message ids count up from 1."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.edits: list[tuple[int, int, str]] = []

    async def send(self, message: Outgoing) -> int:
        self.sent.append(message)
        return len(self.sent)

    async def edit(
        self, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None = None, priority: int = 3
    ) -> None:
        self.edits.append((chat_id, message_id, text))

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        raise AssertionError("no button is pressed here")

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        return Member("member", User(user_id, f"User{user_id}"))


def incident_desk(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock, sender: RecordingSender
) -> IncidentDesk:
    """An IncidentDesk on the test's namespace whose card may change every CARD_INTERVAL_S."""
    rules = policy.incidents.model_copy(update={"card_interval": CARD_INTERVAL_S})
    fast = policy.model_copy(update={"incidents": rules})
    config = DeskConfig(AGENTS_CHAT, frozenset({1}), frozenset(), frozenset())
    ctx = handler_context(redis, namespace, fast, clock, sender, config)
    return IncidentDesk(ctx, DeskActions(ctx))


async def test_a_flood_is_shown_by_one_trailing_edit_without_throttle_round_trips(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock
) -> None:
    sender = RecordingSender()
    desk = incident_desk(redis, namespace, policy, clock, sender)
    slots: list[str] = []
    take_slot = desk.store.card_slot

    async def counted_slot(*args: Any) -> bool:
        slots.append(args[1])
        return await take_slot(*args)

    desk.store.card_slot = counted_slot  # type: ignore[method-assign]
    incident, _, _ = await desk.store.open("Globo fora do ar")
    await desk.refresh_card(incident)
    assert [m.chat_id for m in sender.sent] == [AGENTS_CHAT] and slots == ["now", "later"]

    for telegram_id in range(1, 11):
        ticket = (await report(desk.ctx.store, desk.ctx.policy, customer(telegram_id))).ticket
        assert await desk.on_outage(ticket.customer, ticket, "nenhum canal funciona", "pt")
    assert slots == ["now", "later"]  # ten reports, no slot taken: the planned edit shows them
    assert sender.edits == []

    await desk.drain()
    final = await desk.render(await desk.store.get(incident.id))
    assert "<b>10</b>" in final
    assert sender.edits == [(AGENTS_CHAT, 1, final)]

    ticket = (await report(desk.ctx.store, desk.ctx.policy, customer(11))).ticket
    await desk.on_outage(ticket.customer, ticket, "caiu tudo", "pt")
    assert len(slots) > 2  # the trailing edit is done: the next report goes through the slots again
    await desk.drain()


async def test_a_card_whose_trailing_edit_died_with_its_worker_is_caught_up_by_the_next_sla_tick(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock
) -> None:
    sender = RecordingSender()
    desk = incident_desk(redis, namespace, policy, clock, sender)
    incident, _, _ = await desk.store.open("Globo fora do ar")
    await desk.refresh_card(incident)
    for telegram_id in range(1, 7):
        ticket = (await report(desk.ctx.store, desk.ctx.policy, customer(telegram_id))).ticket
        assert await desk.on_outage(ticket.customer, ticket, "nenhum canal funciona", "pt")
    for task in list(desk._background):  # the worker holding the trailing edit is killed
        task.cancel()
    assert sender.edits == []

    survivor = Dispatcher(desk.ctx)  # another worker, which never saw these reports
    await survivor.sla_watch.tick()
    assert sender.edits == []  # the dead worker's trailing slot still holds: no edit yet

    keys = desk.ctx.store.keys
    await redis.delete(*(keys.incident_card_lock(incident.id, kind) for kind in ("now", "later")))
    await survivor.sla_watch.tick()  # the slots expired (deleted here rather than waited for)
    final = await desk.render(await desk.store.get(incident.id))
    assert "<b>6</b>" in final
    assert sender.edits == [(AGENTS_CHAT, 1, final)]

    await redis.delete(*(keys.incident_card_lock(incident.id, kind) for kind in ("now", "later")))
    await Dispatcher(desk.ctx).sla_watch.tick()
    assert len(sender.edits) == 1  # up to date: no worker edits it again


async def test_an_incident_id_in_non_ascii_digits_is_refused_not_acted_on(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock
) -> None:
    sender = RecordingSender()
    desk = incident_desk(redis, namespace, policy, clock, sender)
    await desk.store.open("Servidor SP fora", scope="region:SP")
    second, _, _ = await desk.store.open("Recife sem sinal", scope="region:Recife")
    agent = User(1, "Ana")
    typed = "I\u0662"  # "I٢": an Arabic-Indic two, which `\d` would take for 2

    await desk.command(
        IncomingMessage(
            1, 10, agent, Chat(AGENTS_CHAT, ChatKind.GROUP), text=f"/incident update {typed} volta já"
        ),
        agent.id,
    )

    assert sender.sent[-1].text == a("pt", "inc_bad_id", given=typed)
    assert (await desk.store.get(second.id)).status_text is None
