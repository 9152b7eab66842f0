"""The matcher on other providers' knowledge bases (tests/faq/kbs, see its README).

`bench/tune_faq.py` chooses the matcher's values on the tuning, held-out, fresh, second and
fresh2 questions (the two fresh sets were written blind to earlier matchers and have since been
read and tuned on); `fresh3.jsonl`, written blind before the last changes and measured once
after them, gives the figures reported in README.md and is deliberately not guarded here.
The floors below are the figures measured when they were set, rounded down: a change that
lowers one fails here. The issue's target is 90% top 1 and 90% abstention on each knowledge
base the team did not tune on.
"""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from escalation.keys import Keys
from escalation.phrasings import PhrasingStore
from escalation.policy import Policy
from faq.evaluation import evaluate, read_rows
from faq.knowledge import load_knowledge_base
from faq.matcher import FaqMatcher
from faq.triage import Triage

from .conftest import DATA

KBS = DATA.parent / "kbs"
PROVIDERS = ("sinalmais", "cableflix", "streamhub")
FLOORS = {
    "tune": {
        "sinalmais": {"top1": 0.96, "abstain": 1.0},
        "cableflix": {"top1": 0.96, "abstain": 1.0},
        "streamhub": {"top1": 0.90, "abstain": 1.0},
    },
    "heldout": {
        "sinalmais": {"top1": 0.96, "abstain": 0.90},
        "cableflix": {"top1": 0.93, "abstain": 1.0},
        "streamhub": {"top1": 0.94, "abstain": 1.0},
    },
    "fresh": {
        "sinalmais": {"top1": 0.85, "abstain": 1.0},
        "cableflix": {"top1": 0.88, "abstain": 1.0},
        "streamhub": {"top1": 0.85, "abstain": 0.98},
    },
    "fresh2": {
        "sinalmais": {"top1": 0.86, "abstain": 1.0},
        "cableflix": {"top1": 0.93, "abstain": 1.0},
        "streamhub": {"top1": 0.83, "abstain": 1.0},
    },
}


def rows(name: str, split: str) -> list[dict[str, object]]:
    return read_rows(KBS / name / f"{split}.jsonl")


def test_three_providers_with_their_own_ids_languages_and_a_large_one() -> None:
    bases = {name: load_knowledge_base(KBS / name / "faq.yaml") for name in PROVIDERS}
    assert max(len(kb) for kb in bases.values()) >= 100
    prefixes = {
        name: {entry.id.split("_")[0].rstrip("0123456789-") for entry in kb} for name, kb in bases.items()
    }
    assert (
        all(len(found) == 1 for found in prefixes.values())
        and len(set(map(frozenset, prefixes.values()))) == 3
    )
    main_language = {
        name: max(("pt", "en", "es"), key=lambda lang: sum(lang in e.questions for e in kb))
        for name, kb in bases.items()
    }
    assert set(main_language.values()) == {"pt", "es", "en"}
    assert bases["sinalmais"].synonyms, "one provider extends the synonyms in its own file"


@pytest.mark.parametrize("name", PROVIDERS)
def test_tuning_held_out_and_fresh_questions_are_apart_and_labelled_with_real_entries(name: str) -> None:
    kb = load_knowledge_base(KBS / name / "faq.yaml")
    splits = [rows(name, split) for split in ("tune", "heldout", "fresh", "fresh2", "fresh3")]
    texts = [{row["text"] for row in split} for split in splits]
    assert all(not texts[i] & texts[j] for i in range(len(texts)) for j in range(i + 1, len(texts)))
    for row in [row for split in splits for row in split] + rows(name, "second"):
        assert row["faq_id"] is None or kb.get(str(row["faq_id"])) is not None, row
    for split, least in zip(splits, (30, 30, 30, 25, 25), strict=True):
        assert sum(row["faq_id"] is None for row in split) >= 10
        assert sum(row["faq_id"] is not None for row in split) >= least


@pytest.mark.parametrize("split", tuple(FLOORS))
@pytest.mark.parametrize("name", PROVIDERS)
def test_tuning_held_out_and_fresh_figures_do_not_fall_below_their_floors(name: str, split: str) -> None:
    scores = evaluate(FaqMatcher(load_knowledge_base(KBS / name / "faq.yaml")), rows(name, split))
    floors = FLOORS[split][name]
    assert scores.top1 >= floors["top1"], [r["text"] for r in scores.misses]
    assert scores.abstain >= floors["abstain"], [r["text"] for r in scores.wrongly_answered]


async def test_approving_the_misses_agents_answered_lifts_top1_on_other_customers_wordings(
    redis: Redis, namespace: str, policy: Policy
) -> None:
    """The agent path's effect, measured: each question the matcher missed is answered by an agent
    with its entry (a candidate), approved by a manager, and learned by triage; other customers'
    wordings of the same questions (`second.jsonl`) then find their entry more often."""
    kb = load_knowledge_base(KBS / "streamhub" / "faq.yaml")
    triage = Triage(policy, kb)
    second = rows("streamhub", "second")
    before = evaluate(triage.matcher, second)
    abstained_before = evaluate(triage.matcher, rows("streamhub", "heldout")).abstain
    misses = [
        row
        for split in ("tune", "heldout")
        for row in evaluate(triage.matcher, rows("streamhub", split)).misses
    ]
    phrasings = PhrasingStore(redis, Keys(namespace))
    for ticket, row in enumerate(misses, start=1):
        candidate = await phrasings.propose(
            str(row["faq_id"]), str(row["lang"]), str(row["text"]), ticket=ticket, agent=2001, now=0.0
        )
        assert candidate is not None and await phrasings.approve(candidate.id) == candidate
    triage.learn((c.entry_id, c.lang, c.text) for c in await phrasings.approved())
    after = evaluate(triage.matcher, second)
    assert len(misses) >= 5
    assert after.top1 >= before.top1 + 0.2, (before, after)
    assert evaluate(triage.matcher, rows("streamhub", "heldout")).abstain >= abstained_before
