"""A FAQ file that follows its edits without a restart, and survives a broken edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from faq.knowledge import KnowledgeBaseError
from faq.source import KnowledgeFile


def write_faq(path: Path, answer: str, extra_entry: bool = False, *, mtime_ns: int | None = None) -> None:
    entries = [{"id": "pix", "questions": {"pt": ["como pagar com pix?"]}, "answer": {"pt": answer}}]
    if extra_entry:
        entries.append(
            {"id": "boleto", "questions": {"pt": ["posso pagar com boleto?"]}, "answer": {"pt": "Sim."}}
        )
    path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True), encoding="utf-8")
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_edit_takes_effect_on_the_first_use_after_the_check_interval(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    write_faq(path, "Chave: 123.", mtime_ns=1_000_000_000)
    clock = FakeClock()
    source = KnowledgeFile(path, check_interval=1.0, monotonic=clock)
    assert source.knowledge_base.get("pix").answer("pt") == "Chave: 123."
    write_faq(path, "Chave: 456.", extra_entry=True, mtime_ns=2_000_000_000)
    clock.now += 0.5
    assert source.knowledge_base.get("pix").answer("pt") == "Chave: 123."
    clock.now += 0.5
    assert source.knowledge_base.get("pix").answer("pt") == "Chave: 456."
    assert source.matcher().match("pagar com boleto", "pt").entry_id == "boleto"


def test_an_unchanged_file_is_not_reparsed(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    write_faq(path, "Chave: 123.", mtime_ns=1_000_000_000)
    source = KnowledgeFile(path, check_interval=0)
    assert source.matcher() is source.matcher()


def test_a_broken_edit_keeps_the_last_good_version(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "faq.yaml"
    write_faq(path, "Chave: 123.", mtime_ns=1_000_000_000)
    source = KnowledgeFile(path, check_interval=0)
    path.write_text("entries:\n  - id: pix\n    questions: {pt: [oi]}\n", encoding="utf-8")
    os.utime(path, ns=(2_000_000_000, 2_000_000_000))
    assert source.knowledge_base.get("pix").answer("pt") == "Chave: 123."
    assert "entry 'pix': answer" in caplog.text
    write_faq(path, "Chave: 789.", mtime_ns=3_000_000_000)
    assert source.knowledge_base.get("pix").answer("pt") == "Chave: 789."


def test_the_first_load_must_succeed(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError):
        KnowledgeFile(tmp_path / "absent.yaml")
