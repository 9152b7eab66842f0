"""`supportbot triage`: one JSON object per message, batch mode with per-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from escalation.domain import Tier
from faq.triage import Triage, TriageResult

KEYS = {"intent", "impact", "priority", "faq_id", "suggestions", "confidence", "reasons"}


def triage(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["triage", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_json(out: str) -> dict:
    lines = out.splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_a_message_gets_one_json_object_with_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = triage(capsys, "urgente!! caiu tudo e o jogo começa em 5 minutos", "--plan", "basic")
    result = one_json(out)
    assert code == 0
    assert set(result) == KEYS
    assert result["intent"] == "outage"
    assert result["impact"] == "total"
    assert result["priority"] == "P1"
    assert result["faq_id"] is None and result["suggestions"] == []
    assert 0.0 <= result["confidence"] <= 1.0
    assert result["reasons"] == [
        "serviço totalmente fora do ar",
        "urgência (evento ao vivo agora ou pedido urgente)",
    ]


def test_a_faq_question_gets_its_entry(capsys: pytest.CaptureFixture[str]) -> None:
    result = one_json(triage(capsys, "como pago com pix?", "--lang", "pt")[1])
    assert (result["intent"], result["impact"], result["faq_id"], result["priority"]) == (
        "faq",
        None,
        "pay-pix",
        "P4",
    )


def test_without_a_plan_the_customer_is_unlinked_basic(capsys: pytest.CaptureFixture[str]) -> None:
    result = one_json(triage(capsys, "nenhum canal funciona")[1])
    assert result["priority"] == "P2"
    assert result["reasons"][-1] == "cliente não identificado no cadastro (conta como básico)"
    premium = one_json(triage(capsys, "nenhum canal funciona", "--plan", "premium")[1])
    assert premium["priority"] == "P1"


def test_lang_sets_the_language_of_the_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    result = one_json(triage(capsys, "hi there", "--plan", "premium", "--lang", "en")[1])
    assert (result["intent"], result["priority"]) == ("greeting", "P3")
    assert result["reasons"] == ["information request", "premium plan (directory)"]


def test_jsonl_answers_every_line_in_order_with_errors_on_their_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        json.dumps({"text": "nenhum canal funciona", "plan": "premium", "lang": "pt"}),
        "not json",
        json.dumps({"plan": "basic"}),
        json.dumps({"text": "oi", "plan": "diamond"}),
        json.dumps({"text": "service is completely down"}),
        json.dumps(["text"]),
        json.dumps({"text": "quiero cancelar el servicio", "plan": "vip"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": "oi", "lang": "fr"}),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = triage(capsys, "--jsonl")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert len(results) == len(lines)
    assert (results[0]["intent"], results[0]["priority"]) == ("outage", "P1")
    assert set(results[1]) == {"error"} and "line 2" in results[1]["error"]
    assert "text" in results[2]["error"]
    assert "diamond" in results[3]["error"]
    assert (results[4]["intent"], results[4]["reasons"][0]) == ("outage", "service completely down")
    assert "error" in results[5]
    assert (results[6]["intent"], results[6]["priority"], results[6]["reasons"][0]) == (
        "cancel",
        "P1",
        "solicitud de cancelación",
    )
    assert "error" in results[7]
    assert "fr" in results[8]["error"]


def test_custom_faq_and_policy_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    faq = tmp_path / "faq.yaml"
    faq.write_text(
        yaml.safe_dump(
            {
                "entries": [
                    {
                        "id": "pesca",
                        "questions": {"pt": ["vocês têm canal de pesca?"]},
                        "answer": {"pt": "Sim, o Fishing TV."},
                    },
                ]
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    policy_text = (Path(__file__).resolve().parents[2] / "escalation" / "policy.yaml").read_text(
        encoding="utf-8"
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(policy_text.replace("other: P4 ", "other: P3 "), encoding="utf-8")
    result = one_json(triage(capsys, "tem canal de pesca?", "--faq", str(faq), "--policy", str(policy))[1])
    assert (result["intent"], result["faq_id"], result["priority"]) == ("faq", "pesca", "P3")


def test_operator_mistakes_end_with_one_line_and_code_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = triage(capsys)
    assert (code, out) == (1, "")
    assert "TEXT or --jsonl" in err
    code, _, err = triage(capsys, "oi", "--faq", str(tmp_path / "absent.yaml"))
    assert code == 1 and err.count("\n") == 1 and "cannot read" in err
    broken = tmp_path / "faq.yaml"
    broken.write_text(
        yaml.safe_dump({"entries": [{"id": "x", "questions": {"pt": ["a"]}}]}), encoding="utf-8"
    )
    code, _, err = triage(capsys, "oi", "--faq", str(broken))
    assert code == 1 and "entry 'x': answer: missing" in err


def test_the_installed_command_runs_without_redis_or_network(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("supportbot")
    if not command.exists():
        pytest.skip(f"{command} is not installed (pip install -e .)")
    stdin = (
        "\n".join(
            [
                json.dumps({"text": "ningún canal funciona", "plan": "standard"}),
                json.dumps({"text": "lots of buffering on HD channels", "plan": "premium", "lang": "en"}),
                "{broken",
            ]
        )
        + "\n"
    )
    completed = subprocess.run(
        [str(command), "triage", "--jsonl"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "REDIS_URL": "redis://127.0.0.1:1/0", "HOME": str(tmp_path)},
    )
    assert completed.returncode == 0, completed.stderr
    results = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [r.get("intent") for r in results] == ["outage", "outage", None]
    assert (results[0]["impact"], results[0]["priority"]) == ("total", "P2")
    assert (results[1]["impact"], results[1]["priority"]) == ("partial", "P2")
    assert "error" in results[2]


def test_a_bad_lexicon_in_the_policy_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy_text = (Path(__file__).resolve().parents[2] / "escalation" / "policy.yaml").read_text(
        encoding="utf-8"
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(policy_text.replace("\n    outage:\n", "\n    outgae:\n", 1), encoding="utf-8")
    code, out, err = triage(capsys, "caiu tudo", "--policy", str(policy))
    assert (code, out) == (1, "")
    assert "lexicons.pt.outgae: unknown category" in err and err.count("\n") == 1


def test_an_unexpected_failure_costs_one_line_not_the_batch(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Triage.classify

    def flaky(self: Triage, text: str, lang: str | None = None, tier: Tier | None = None) -> TriageResult:
        if text == "boom":
            raise RuntimeError("unexpected")
        return original(self, text, lang, tier)

    monkeypatch.setattr(Triage, "classify", flaky)
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"text": "boom"}\n{"text": "caiu tudo"}\n'))
    code, out, _ = triage(capsys, "--jsonl")
    first, second = (json.loads(line) for line in out.splitlines())
    assert code == 0
    assert "line 1: could not classify" in first["error"]
    assert second["intent"] == "outage"


def test_explain_shows_the_terms_the_three_leading_entries_and_the_rule_that_decided(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = triage(capsys, "como pagar com pix?", "--lang", "pt", "--explain")
    result = one_json(out)
    assert code == 0 and set(result) == KEYS | {"explain"}
    explain = result["explain"]
    assert explain["outcome"] == "answer" and explain["why"].startswith("answered: pay-pix scores")
    assert [term["known"] for term in explain["terms"]] == [True, True]
    assert explain["top"][0] == {
        "id": "pay-pix",
        "score": explain["top"][0]["score"],
        "explains": 1.0,
        "question": "Como pagar com Pix?",
    }
    assert 1 < len(explain["top"]) <= 3

    code, out, _ = triage(capsys, "qual a altura do Everest?", "--lang", "pt", "--explain")
    abstained = one_json(out)["explain"]
    assert (
        abstained["outcome"] == "none"
        and abstained["why"] == "no word of the message is in the knowledge base"
    )
    assert {term["term"]: term["known"] for term in abstained["terms"]} == {"altur": False, "everest": False}


def test_explain_with_jsonl_explains_every_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines_in = '{"text": "aceitam pix?"}\n{"text": "qual a altura do Everest?"}\n'
    monkeypatch.setattr("sys.stdin", io.StringIO(lines_in))
    code, out, _ = triage(capsys, "--jsonl", "--explain")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [line["explain"]["outcome"] for line in lines][1] == "none"
    assert lines[0]["explain"]["top"][0]["id"] == "pay-pix"


def test_explain_says_when_the_matchers_answer_is_not_sent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = triage(capsys, "canais não funcionam", "--lang", "pt", "--explain")
    result = one_json(out)
    assert code == 0 and result["intent"] == "outage" and result["faq_id"] is None
    explain = result["explain"]
    assert explain["outcome"] == "answer"  # the matcher alone would answer...
    assert explain["why"].endswith("; not sent: the message reads as outage, not as an FAQ question")
