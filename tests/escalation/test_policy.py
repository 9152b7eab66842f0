"""Policy loading: the defaults of the issue, and a bad file names the key path and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from escalation.domain import Priority, Tier
from escalation.policy import DEFAULT_POLICY_FILE, PolicyError, load_policy, parse_duration


def test_default_sla_targets(policy) -> None:  # type: ignore[no-untyped-def]
    targets = {p.name: (policy.target(p).first_response, policy.target(p).clock) for p in Priority}
    assert targets == {
        "P1": (900, "always"),
        "P2": (3600, "always"),
        "P3": (4 * 3600, "business"),
        "P4": (24 * 3600, "business"),
    }
    assert policy.reopen_window == 24 * 3600
    assert policy.escalation.warnings == [0.5, 0.8]


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("4h", 14400), ("1d", 86400), ("1.5h", 5400), (30, 30)]
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["15", "15 minutes", "-1h", "0m", "", "h", True])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(text)


def test_plan_names_map_to_tiers_ignoring_case_accents_and_spacing(policy) -> None:  # type: ignore[no-untyped-def]
    assert policy.tier_of("Ouro") is Tier.PREMIUM
    assert policy.tier_of("padrão") is Tier.STANDARD
    assert policy.tier_of("PREMIUM") is Tier.PREMIUM
    assert policy.tier_of(" Padrao ") is Tier.STANDARD
    assert policy.tier_of("BÁSICO") is Tier.BASIC
    assert policy.tier_of("Premium Anual") is None
    assert policy.tier_of("prêmio") is None
    assert policy.tier_of("mystery") is None
    assert policy.tier_of(None) is None


def test_two_spellings_of_one_plan_cannot_map_to_different_tiers(tmp_path: Path) -> None:
    path = write_policy(tmp_path, lambda data: data["plans"].update({"Basico": "premium"}))
    with pytest.raises(PolicyError, match="another spelling"):
        load_policy(path)


def write_policy(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(DEFAULT_POLICY_FILE.read_text())
    change(data)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["sla"]["P1"].update(first_response="soon"),
            "sla.P1.first_response: expected a duration",
        ),
        (lambda d: d["sla"].pop("P3"), "missing P3"),
        (lambda d: d["sla"]["P2"].update(clock="lunar"), "sla.P2.clock"),
        (lambda d: d["business_hours"]["weekly"].update(mon=["9-18"]), "business_hours.weekly"),
        (lambda d: d["plans"].update(diamond="platinum"), "plans.diamond"),
        (lambda d: d["priority"]["base"].update(outage_total="P9"), "priority.base"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d["escalation"].update(warnings=[1.5]), "escalation.warnings"),
    ],
)
def test_bad_policy_names_the_key_path(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PolicyError, match=message.replace(".", r"\.")):
        load_policy(write_policy(tmp_path, change))


def test_unreadable_and_non_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("sla: [unclosed")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(broken)
