"""An update handled again after its worker died mid-way: what it did is not done twice, and what it
had not done yet is done.

Each test handles an update inside `effect_scope("u<id>")` with a sender that dies (as the worker
would: not an error the dispatcher answers) on some send, then hands the same update to a fresh
dispatcher in a fresh scope of the same name. The sender counts every send it was asked for:
deduplicating a send that was asked twice is the outbox's job, not the handlers'.
"""

from __future__ import annotations

from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.effects import effect_scope
from escalation.policy import Policy
from handlers.context import DeskConfig
from handlers.dispatcher import Dispatcher
from handlers.events import Chat, ChatKind, Event, IncomingMessage, Outgoing, User
from handlers.texts import a
from tests.escalation.factories import customer, report
from tests.handlers.desk_context import handler_context
from tests.handlers.test_incidents import AGENTS_CHAT, RecordingSender

AGENT = 2001
JOAO = User(1001, "João", language_code="pt")


class WorkerDied(BaseException):
    """The worker's process ends here (kill -9, OOM): nothing after it runs, nobody apologises."""


class DyingSender(RecordingSender):
    """Records every send; the `dies_at`-th send (1-based) kills the worker instead of going out."""

    def __init__(self, dies_at: int | None = None) -> None:
        super().__init__()
        self.dies_at = dies_at
        self.asked = 0

    async def send(self, message: Outgoing) -> int:
        self.asked += 1
        if self.asked == self.dies_at:
            raise WorkerDied
        return await super().send(message)


def dispatcher(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock, sender: DyingSender
) -> Dispatcher:
    config = DeskConfig(AGENTS_CHAT, frozenset({AGENT}), frozenset(), frozenset())
    return Dispatcher(handler_context(redis, namespace, policy, clock, sender, config))


async def handle_dying(desk: Dispatcher, event: Event) -> None:
    """Handle `event` in its update's scope until the worker dies."""
    try:
        with effect_scope(f"u{event.update_id}"):
            await desk.handle(event)
    except WorkerDied:
        return
    raise AssertionError("the worker was meant to die mid-way")


async def test_a_report_handled_again_after_a_crash_opens_one_ticket_and_posts_its_card(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock
) -> None:
    message = IncomingMessage(
        100, 10, JOAO, Chat(JOAO.id, ChatKind.PRIVATE), text="nenhum canal funciona, tudo fora do ar"
    )
    first = DyingSender(dies_at=2)  # the acknowledgement goes out, the worker dies posting the card
    await handle_dying(dispatcher(redis, namespace, policy, clock, first), message)

    again = DyingSender()
    desk = dispatcher(redis, namespace, policy, clock, again)
    with effect_scope("u100"):
        await desk.handle(message)

    store = desk.ctx.store
    [ticket] = await store.list(limit=10)
    assert [entry["event"] for entry in await store.log(ticket.number)] == ["created", "card"]
    assert ticket.card_message_id is not None, "the replay did what the first run had not"
    acknowledged = [m for m in first.sent + again.sent if m.chat_id == JOAO.id]
    assert len(acknowledged) == 2 and all(ticket.label in m.text for m in acknowledged)
    assert acknowledged[0].text == acknowledged[1].text, "the same acknowledgement, asked again"
    assert [m.chat_id for m in again.sent] == [JOAO.id, AGENTS_CHAT]


async def test_a_claim_handled_again_is_not_refused_as_already_yours_nor_claimed_twice(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock
) -> None:
    agent = User(AGENT, "Ana", language_code="pt")
    command = IncomingMessage(200, 20, agent, Chat(AGENTS_CHAT, ChatKind.SUPERGROUP), text="/claim 1")
    first = DyingSender(dies_at=1)  # the claim is made, the worker dies telling the customer
    desk = dispatcher(redis, namespace, policy, clock, first)
    number = (await report(desk.ctx.store, policy, customer(JOAO.id))).ticket.number
    await handle_dying(desk, command)

    again = DyingSender()
    desk = dispatcher(redis, namespace, policy, clock, again)
    with effect_scope("u200"):
        await desk.handle(command)

    store = desk.ctx.store
    assert [entry["event"] for entry in await store.log(number)] == ["created", "claimed", "card"]
    assert (await store.get(number)).assignee == AGENT
    told = [m.text for m in again.sent if m.chat_id == JOAO.id]
    assert len(told) == 1, "the customer hears who took their ticket"
    card, answer = [m.text for m in again.sent if m.chat_id == AGENTS_CHAT]
    assert "#1" in card
    assert answer.startswith(a("pt", "claimed_ok", ticket="#1")), "not refused as already claimed"
