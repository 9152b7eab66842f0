"""A handler context on the test's real Redis, for handler tests that need no sandbox."""

from __future__ import annotations

from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.desk_state import DeskState
from escalation.policy import Policy
from escalation.store import TicketStore
from faq.triage import Triage
from handlers.callbacks import CallbackCodec
from handlers.context import DeskConfig, HandlerContext
from handlers.messenger import Sender
from tests.conftest import TIMEZONE


def handler_context(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock, sender: Sender, config: DeskConfig
) -> HandlerContext:
    """What the app wires for one worker, with the packaged FAQ, no directory and a fixed button secret."""
    store = TicketStore.build(redis, namespace, policy, TIMEZONE, clock)
    return HandlerContext(
        config=config,
        policy=policy,
        store=store,
        state=DeskState(redis, store.keys),
        triage=Triage.from_files(),
        directory=None,
        sender=sender,
        codec=CallbackCodec(b"test-secret"),
        clock=clock,
    )
