"""Shared fixtures: the packaged policy and knowledge base, built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escalation.policy import Policy, load_policy
from faq.knowledge import KnowledgeBase, load_knowledge_base
from faq.matcher import FaqMatcher
from faq.triage import Triage

DATA = Path(__file__).resolve().parent / "data"


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a JSON-lines file, skipping blank lines."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> FaqMatcher:
    return FaqMatcher(kb)


@pytest.fixture(scope="session")
def triage(policy: Policy, kb: KnowledgeBase) -> Triage:
    return Triage(policy, kb)
