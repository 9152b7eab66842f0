"""`supportbot faq` as an operator runs it: a real process on the test's Redis."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from redis.asyncio import Redis

from escalation.keys import Keys
from escalation.phrasings import PhrasingStore
from faq.knowledge import load_knowledge_base
from tests.bot.test_tickets_cli import supportbot


async def test_candidates_are_listed_decided_and_approved_ones_exported(
    redis: Redis, redis_url: str, namespace: str, tmp_path: Path
) -> None:
    phrasings = PhrasingStore(redis, Keys(namespace))
    first = await phrasings.propose(
        "pay-pix", "pt", "dá pra pagar no pix parcelado?", ticket=3, agent=2001, now=1e9
    )
    second = await phrasings.propose("free-trial", "en", "can I try it first", ticket=4, agent=2002, now=1e9)
    assert first and second

    listed = supportbot(redis_url, namespace, "faq", "candidates", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(c["id"], c["entry_id"], c["lang"], c["text"]) for c in json.loads(listed.stdout)] == [
        (first.id, "pay-pix", "pt", "dá pra pagar no pix parcelado?"),
        (second.id, "free-trial", "en", "can I try it first"),
    ]
    text = supportbot(redis_url, namespace, "faq", "candidates")
    assert f"F{first.id}  pay-pix  [pt]  'dá pra pagar no pix parcelado?'  (#3, agent 2001," in text.stdout

    approved = supportbot(redis_url, namespace, "faq", "approve", f"F{first.id}")
    assert approved.returncode == 0 and "approved" in approved.stdout
    rejected = supportbot(redis_url, namespace, "faq", "reject", str(second.id))
    assert rejected.returncode == 0 and "rejected" in rejected.stdout
    again = supportbot(redis_url, namespace, "faq", "approve", str(second.id))
    assert (again.returncode, again.stderr.strip()) == (
        1,
        f"supportbot: faq: F{second.id} is not waiting (already decided, or unknown)",
    )
    bad = supportbot(redis_url, namespace, "faq", "approve", "F0")
    assert bad.returncode != 0 and "expected a candidate number" in bad.stderr

    out = tmp_path / "faq.yaml"
    exported = supportbot(redis_url, namespace, "faq", "export", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    kb = load_knowledge_base(out)
    original = load_knowledge_base()
    assert len(kb) == len(original)
    pix = kb.get("pay-pix")
    assert pix is not None and pix.questions["pt"][-1] == "dá pra pagar no pix parcelado?"
    assert kb.get("free-trial").questions == original.get("free-trial").questions  # type: ignore[union-attr]
    assert yaml.safe_load(supportbot(redis_url, namespace, "faq", "export").stdout) == yaml.safe_load(
        out.read_text(encoding="utf-8")
    )
