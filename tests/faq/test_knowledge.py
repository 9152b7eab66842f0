"""The knowledge base: the packaged default, and strict validation of hand-edited files."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from faq.knowledge import (
    DEFAULT_FAQ_FILE,
    KnowledgeBase,
    KnowledgeBaseError,
    default_faq_path,
    load_knowledge_base,
    parse_knowledge_base,
)

VALID_ENTRY = {
    "id": "install-lg",
    "tags": ["setup"],
    "questions": {"pt": ["Como instalar na LG?"], "en": ["How do I install on LG?"]},
    "answer": {"pt": "Abra a loja.", "en": "Open the store."},
}


def with_entry(**changes: object) -> dict:
    entry = copy.deepcopy(VALID_ENTRY)
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return {"entries": [entry]}


def test_default_knowledge_base_covers_the_iptv_basics(kb: KnowledgeBase) -> None:
    assert len(kb) >= 40
    ids = {entry.id for entry in kb}
    for expected in (
        "install-samsung",
        "install-lg",
        "install-firestick",
        "m3u-login",
        "xtream-login",
        "pay-pix",
        "pay-boleto",
        "free-trial",
        "channel-list",
        "vpn",
        "support-hours",
    ):
        assert expected in ids


def test_every_default_entry_is_complete_in_three_languages(kb: KnowledgeBase) -> None:
    for entry in kb:
        assert set(entry.questions) == {"pt", "en", "es"}, entry.id
        assert set(entry.answers) == {"pt", "en", "es"}, entry.id
        assert len(entry.questions["pt"]) >= 3, entry.id
        assert all(len(entry.questions[lang]) >= 3 for lang in ("en", "es")), entry.id


def test_default_answers_are_plain_text_safe_for_html(kb: KnowledgeBase) -> None:
    for entry in kb:
        for lang, answer in entry.answers.items():
            assert not set("<>&") & set(answer), (entry.id, lang)
            assert len(answer) < 400, (entry.id, lang)


def test_answer_and_title_fall_back_to_another_language() -> None:
    kb = parse_knowledge_base(with_entry())
    entry = kb.get("install-lg")
    assert entry is not None
    assert entry.answer("es") == "Abra a loja."
    assert entry.title("es") == "Como instalar na LG?"
    assert entry.title("en") == "How do I install on LG?"


def test_faq_file_environment_variable_overrides_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("FAQ_FILE", raising=False)
    assert default_faq_path() == DEFAULT_FAQ_FILE
    custom = tmp_path / "mine.yaml"
    custom.write_text(yaml.safe_dump(with_entry()), encoding="utf-8")
    monkeypatch.setenv("FAQ_FILE", str(custom))
    assert [entry.id for entry in load_knowledge_base()] == ["install-lg"]


@pytest.mark.parametrize(
    ("document", "entry_id", "field"),
    [
        (with_entry(answer=None), "install-lg", "answer"),
        (with_entry(questions=None), "install-lg", "questions"),
        (with_entry(questions={"pt": ["ok"], "fr": ["comment"]}), "install-lg", "questions.fr"),
        (with_entry(answer={"pt": "ok", "de": "gut"}), "install-lg", "answer.de"),
        (with_entry(answer={"pt": ""}), "install-lg", "answer.pt"),
        (with_entry(questions={"pt": []}), "install-lg", "questions.pt"),
        (with_entry(anwser={"pt": "typo"}), "install-lg", "anwser"),
        (with_entry(tags="setup"), "install-lg", "tags"),
        (with_entry(id=None), "#1", "id"),
        (with_entry(id="Not A Slug"), "#1", "id"),
    ],
)
def test_invalid_entries_name_the_entry_and_the_field(document: dict, entry_id: str, field: str) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        parse_knowledge_base(document, "faq.yaml")
    assert caught.value.entry_id == entry_id
    assert caught.value.field == field
    assert entry_id in str(caught.value)
    assert field in str(caught.value)
    assert str(caught.value).startswith("faq.yaml: ")


def test_duplicate_ids_are_rejected_naming_the_id() -> None:
    document = {"entries": [copy.deepcopy(VALID_ENTRY), copy.deepcopy(VALID_ENTRY)]}
    with pytest.raises(KnowledgeBaseError, match=r"entry 'install-lg': id: duplicate id"):
        parse_knowledge_base(document, "faq.yaml")


@pytest.mark.parametrize("document", [None, [], {"entries": "x"}, {"other": []}])
def test_a_file_without_an_entries_list_is_rejected(document: object) -> None:
    with pytest.raises(KnowledgeBaseError, match="entries"):
        parse_knowledge_base(document)


def test_unreadable_and_malformed_files_fail_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="cannot read"):
        load_knowledge_base(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="not valid YAML"):
        load_knowledge_base(broken)


slugs = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
corruptions = st.sampled_from(
    ["drop-answer", "drop-questions", "bad-question-lang", "bad-answer-lang", "empty-answer"]
)


@settings(max_examples=100, deadline=None)
@given(ids=st.lists(slugs, min_size=1, max_size=6, unique=True), data=st.data())
def test_any_single_mistake_is_reported_with_its_entry_and_field(ids: list[str], data: st.DataObject) -> None:
    entries = [{**copy.deepcopy(VALID_ENTRY), "id": entry_id} for entry_id in ids]
    victim = data.draw(st.integers(0, len(ids) - 1))
    mistake = data.draw(corruptions)
    entry = entries[victim]
    field = {
        "drop-answer": "answer",
        "drop-questions": "questions",
        "bad-question-lang": "questions.it",
        "bad-answer-lang": "answer.it",
        "empty-answer": "answer.en",
    }[mistake]
    if mistake.startswith("drop-"):
        del entry[field]
    elif mistake == "bad-question-lang":
        entry["questions"]["it"] = ["come installare?"]
    elif mistake == "bad-answer-lang":
        entry["answer"]["it"] = "apri"
    else:
        entry["answer"]["en"] = "   "
    with pytest.raises(KnowledgeBaseError) as caught:
        parse_knowledge_base({"entries": entries}, "faq.yaml")
    assert (caught.value.entry_id, caught.value.field) == (ids[victim], field)
    assert f"entry {ids[victim]!r}: {field}:" in str(caught.value)
