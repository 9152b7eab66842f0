"""An update that fails is answered "something went wrong" in the language of the chat it came from."""

from __future__ import annotations

from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.policy import Policy
from handlers.context import DeskConfig
from handlers.dispatcher import Dispatcher
from handlers.events import Chat, ChatKind, IncomingMessage, Outgoing, User
from handlers.texts import t
from tests.handlers.desk_context import handler_context
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
    sender = FirstSendFails()
    config = DeskConfig(
        AGENTS_CHAT, frozenset({1}), frozenset(), frozenset({MANAGER_CHAT}), agents_language="pt"
    )
    ctx = handler_context(redis, namespace, policy, clock, sender, config)
    manager = User(MANAGER_CHAT, "Marta", language_code="en")  # her Telegram app is in English
    report = IncomingMessage(1, 10, manager, Chat(MANAGER_CHAT, ChatKind.PRIVATE), text="/report")

    await Dispatcher(ctx).handle(report)

    assert [message.text for message in sender.sent] == [t("pt", "error")]
