"""FAQ gaps: the port, and the in-memory recorder."""

from __future__ import annotations

from faq.gaps import Gap, GapRecorder, InMemoryGapRecorder


def test_the_in_memory_recorder_satisfies_the_port() -> None:
    assert isinstance(InMemoryGapRecorder(), GapRecorder)


def test_the_same_question_typed_differently_is_one_gap() -> None:
    gaps = InMemoryGapRecorder()
    gaps.record("Tem canal de pesca?", "pt")
    gaps.record("tem canal de PESCA", "pt")
    gaps.record("do you have fishing channels?", "en")
    gaps.record("  ", "pt")
    assert gaps.top() == [Gap("Tem canal de pesca?", "pt", 2), Gap("do you have fishing channels?", "en", 1)]
    assert gaps.total() == 3


def test_top_is_limited_and_most_asked_first() -> None:
    gaps = InMemoryGapRecorder()
    for n in range(5):
        for _ in range(n + 1):
            gaps.record(f"pergunta {n}", "pt")
    assert [gap.count for gap in gaps.top(2)] == [5, 4]
