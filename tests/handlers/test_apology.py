"""An update that fails is answered "something went wrong" in the language of the chat it came from."""

from __future__ import annotations

from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.desk_state import DeskState
from escalation.policy import Policy
from escalation.store import TicketStore
from faq.triage import Triage
from handlers.callbacks import CallbackCodec
from handlers.context import DeskConfig, HandlerContext
from handlers.dispatcher import Dispatcher
from handlers.events import Chat, ChatKind, IncomingMessage, Outgoing, User
from handlers.texts import t
from tests.conftest import TIMEZONE
from tests.handlers.test_incidents import AGENTS_CHAT, RecordingSender

MANAGER_CHAT = 500


class FirstSendFails(RecordingSender):
    """The first send fails with an unexpected error (a bug anywhere on the way); later ones go through."""

    failed = False

    async def send(self, message: Outgoing) -> int:
        if not self.failed:
            self.failed = True
            raise RuntimeError("unexpected failure")
        return await super().send(message)


async def test_a_managers_failed_report_is_apologised_for_in_the_agents_language(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock
) -> None:
    store = TicketStore.build(redis, namespace, policy, TIMEZONE, clock)
    sender = FirstSendFails()
    ctx = HandlerContext(
        config=DeskConfig(
            AGENTS_CHAT, frozenset({1}), frozenset(), frozenset({MANAGER_CHAT}), agents_language="pt"
        ),
        policy=policy,
        store=store,
        state=DeskState(redis, store.keys),
        triage=Triage.from_files(),
        directory=None,
        sender=sender,
        codec=CallbackCodec(b"test-secret"),
        clock=clock,
    )
    manager = User(MANAGER_CHAT, "Marta", language_code="en")  # her Telegram app is in English
    report = IncomingMessage(1, 10, manager, Chat(MANAGER_CHAT, ChatKind.PRIVATE), text="/report")

    await Dispatcher(ctx).handle(report)

    assert [message.text for message in sender.sent] == [t("pt", "error")]
