"""Phrasings learned from agents: candidates proposed, decided once, approved ones listed."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from escalation import phrasings as phrasings_module
from escalation.keys import Keys
from escalation.phrasings import PhrasingStore

pytestmark = pytest.mark.cluster


@pytest.fixture
def phrasings(redis: Redis, namespace: str) -> PhrasingStore:
    return PhrasingStore(redis, Keys(namespace))


async def propose(phrasings: PhrasingStore, entry: str, text: str, ticket: int = 1):
    return await phrasings.propose(entry, "pt", text, ticket=ticket, agent=2001, now=1000.0)


async def test_a_candidate_waits_until_approved_then_counts_as_learned(phrasings: PhrasingStore) -> None:
    first = await propose(phrasings, "pay-pix", "  aceita   pix? ")
    assert first is not None and first.text == "aceita pix?"
    assert [c.id for c in await phrasings.pending()] == [first.id]
    version = await phrasings.version()

    approved = await phrasings.approve(first.id)

    assert approved == first
    assert await phrasings.pending() == []
    assert await phrasings.approved() == [first]
    assert await phrasings.version() == version + 1


async def test_a_rejected_candidate_is_gone_and_teaches_nothing(phrasings: PhrasingStore) -> None:
    candidate = await propose(phrasings, "pay-pix", "aceita pix?")
    assert candidate is not None
    assert await phrasings.reject(candidate.id) == candidate
    assert (await phrasings.pending(), await phrasings.approved(), await phrasings.version()) == ([], [], 0)
    assert await phrasings.approve(candidate.id) is None


async def test_two_managers_deciding_at_once_decide_once(phrasings: PhrasingStore) -> None:
    candidate = await propose(phrasings, "pay-pix", "aceita pix?")
    assert candidate is not None
    results = await asyncio.gather(phrasings.approve(candidate.id), phrasings.reject(candidate.id))
    assert sorted(result is None for result in results) == [False, True]
    assert len(await phrasings.approved()) + len(await phrasings.pending()) <= 1


async def test_the_same_words_for_the_same_entry_are_proposed_once(phrasings: PhrasingStore) -> None:
    assert await propose(phrasings, "pay-pix", "Aceita Pix?") is not None
    assert await propose(phrasings, "pay-pix", "aceita pix?", ticket=2) is None
    assert await propose(phrasings, "pay-card", "aceita pix?", ticket=3) is not None
    assert await propose(phrasings, "pay-pix", "   ") is None


async def test_pending_candidates_are_bounded(
    phrasings: PhrasingStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phrasings_module, "MAX_PENDING", 3)
    for n in range(3):
        assert await propose(phrasings, "pay-pix", f"pergunta {n}") is not None
    assert await propose(phrasings, "pay-pix", "mais uma") is None
    assert len(await phrasings.pending()) == 3
