"""Phrasings approved on one worker are matched by every worker: each watches the approvals in Redis."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.policy import Policy
from faq.matcher import Outcome
from handlers import faq_answers
from handlers.cards import closest_entries
from handlers.context import DeskConfig
from handlers.desk_actions import DeskActions
from handlers.faq_answers import FaqTeaching
from tests.handlers.desk_context import handler_context
from tests.handlers.test_incidents import AGENTS_CHAT, RecordingSender

QUESTION = "instalar na tv?"


def worker(redis: Redis, namespace: str, policy: Policy, clock: ManualClock) -> FaqTeaching:
    """One bot worker's FAQ side: its own triage (matcher) over the shared Redis."""
    config = DeskConfig(AGENTS_CHAT, frozenset({1}), frozenset(), frozenset())
    ctx = handler_context(redis, namespace, policy, clock, RecordingSender(), config)
    return FaqTeaching(ctx, DeskActions(ctx))


async def test_an_approval_on_one_worker_is_matched_by_the_other_within_its_refresh(
    redis: Redis, namespace: str, policy: Policy, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seconds = [100.0]
    monkeypatch.setattr(faq_answers.time, "monotonic", lambda: seconds[0])
    first, second = worker(redis, namespace, policy, clock), worker(redis, namespace, policy, clock)
    await first.refresh()
    await second.refresh()
    assert second.ctx.triage.matcher.match(QUESTION, "pt").outcome is not Outcome.ANSWER

    candidate = await first.phrasings.propose("install-smart-tv", "pt", QUESTION, ticket=1, agent=1, now=0.0)
    assert candidate is not None and await first.phrasings.approve(candidate.id) == candidate
    await first.refresh(force=True)
    assert first.ctx.triage.matcher.match(QUESTION, "pt").entry_id == "install-smart-tv"

    await second.refresh()  # within the second since its last look: no Redis round trip yet
    assert second.ctx.triage.matcher.match(QUESTION, "pt").outcome is not Outcome.ANSWER
    seconds[0] += faq_answers.REFRESH_S
    await second.refresh()
    assert second.ctx.triage.matcher.match(QUESTION, "pt").entry_id == "install-smart-tv"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("como instalo na tv lg?", "pt", "install-lg"),
        ("paguei o pix e não liberou", "pt", "pay-pix"),
        ("my stream keeps buffering", "en", "buffering-tips"),
        ("nenhum canal funciona, jogo começando agora!", "pt", None),
        ("quiero darme de baja", "es", None),
        ("any news?", "en", None),
    ],
)
def test_the_cards_faq_buttons_offer_only_entries_the_customers_words_ask_about(
    redis: Redis,
    namespace: str,
    policy: Policy,
    clock: ManualClock,
    text: str,
    lang: str,
    expected: str | None,
) -> None:
    triage = worker(redis, namespace, policy, clock).ctx.triage
    closest = [entry_id for entry_id, _ in closest_entries(triage, text, lang, "pt")]
    assert (closest[0] if closest else None) == expected
