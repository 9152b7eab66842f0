"""Every refusal the store can raise reaches an agent in AGENTS_LANGUAGE, naming the holder."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

import escalation.store_errors as store_errors
from escalation.clock import ManualClock
from escalation.domain import Priority
from escalation.policy import Policy
from escalation.store_errors import IllegalTransition, StoreError
from handlers.context import DeskConfig
from handlers.refusals import REFUSAL_KEYS, refusal
from handlers.texts import LANGUAGES, a
from tests.escalation.factories import customer, report
from tests.handlers.desk_context import handler_context
from tests.handlers.test_incidents import RecordingSender

HOLDER = 2001


def _all_refusals() -> set[type[StoreError]]:
    found: set[type[StoreError]] = set()
    pending = list(StoreError.__subclasses__())
    while pending:
        kind = pending.pop()
        found.add(kind)
        pending += kind.__subclasses__()
    return found


def test_every_store_refusal_type_has_a_text() -> None:
    raised_by_store = {kind for kind in _all_refusals() if kind.__module__ == store_errors.__name__}
    assert raised_by_store - {IllegalTransition} <= set(REFUSAL_KEYS), "a store refusal with no agent text"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_refusals_are_translated_and_name_the_holder(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock, language: str
) -> None:
    config = DeskConfig(-100, frozenset({HOLDER}), frozenset(), frozenset(), agents_language=language)
    ctx = handler_context(redis, namespace, policy, clock, RecordingSender(), config)
    store = ctx.store
    await ctx.state.set_agent_name(HOLDER, "Ana")
    ticket = (await report(store, policy, customer(1001))).ticket
    await store.claim(ticket.number, HOLDER)
    refusals: list[StoreError] = []
    for attempt in (
        store.claim(ticket.number, 2002),
        store.release(ticket.number, 2002),
        store.claim(999, 2002),
    ):
        with pytest.raises(StoreError) as caught:
            await attempt
        refusals.append(caught.value)
    refusals += [store_errors.Contended("ticket #1: too many concurrent changes, try again")]
    await store.resolve(ticket.number, HOLDER)
    for attempt in (store.claim(ticket.number, 2002), store.set_priority(ticket.number, 2002, Priority.P1)):
        with pytest.raises(StoreError) as caught:
            await attempt
        refusals.append(caught.value)
    texts = [await refusal(ctx, exc, getattr(exc, "number", ticket.number)) for exc in refusals]
    assert not any(str(exc) in text for exc, text in zip(refusals, texts, strict=True))
    held = "#1"
    assert texts[0] == a(language, "refused_claimed", ticket=held, holder="Ana")
    assert texts[1] == a(language, "refused_not_holder", ticket=held, holder="Ana")
    assert texts[2] == a(language, "refused_not_found", ticket="#999")
    assert texts[3] == a(language, "refused_busy")
    assert texts[4] == texts[5] == a(language, "refused_resolved", ticket=held)
