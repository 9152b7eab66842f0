"""`supportbot triage`: what the desk would make of a message, as JSON, with no Redis or network.

For operators tuning the FAQ and the lexicons, and for batch checks. `--explain` adds why the FAQ
matcher answered, suggested or abstained (`faq.explain`): the message's terms, the three leading
entries with their scores, and the rule that decided. `--jsonl` reads
`{"text": ..., "plan": ..., "lang": ...}` lines from stdin and writes one result per line, in
order; a bad line gets `{"error": ...}` on its line instead of stopping the run. `--plan` is the
operator's explicit input here; in the bot the plan only ever comes from the customer directory.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

from bot.commands import CommandError
from escalation.domain import Tier
from faq.explain import explain
from faq.knowledge import KnowledgeBaseError
from faq.language import LANGUAGES, parse_language
from faq.triage import Triage

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `triage TEXT [--plan] [--lang] [--faq] [--policy] [--jsonl]`."""
    parser = subparsers.add_parser(
        "triage",
        help="classify a message: intent, impact, priority, FAQ answer",
        description="Print one JSON object: intent, impact, priority, faq_id, suggestions, "
        "confidence and reasons.",
    )
    parser.add_argument("text", nargs="?", metavar="TEXT", help="the message (omit with --jsonl)")
    parser.add_argument("--plan", choices=[tier.value for tier in Tier], help="plan tier (default: unlinked)")
    parser.add_argument("--lang", choices=LANGUAGES, help="message language (default: detected)")
    parser.add_argument("--faq", metavar="FILE", help="FAQ file (default: FAQ_FILE or the packaged one)")
    parser.add_argument(
        "--policy", metavar="FILE", help="policy file (default: POLICY_FILE or the packaged one)"
    )
    parser.add_argument(
        "--jsonl", action="store_true", help="read JSON lines from stdin, write one result each"
    )
    parser.add_argument(
        "--explain", action="store_true", help="add why the FAQ answered, suggested or abstained"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Classify TEXT, or every stdin line with --jsonl."""
    if args.jsonl == (args.text is not None):
        raise CommandError("triage: give either TEXT or --jsonl")
    try:
        triage = Triage.from_files(args.faq, args.policy or os.environ.get("POLICY_FILE") or None)
    except KnowledgeBaseError as exc:
        raise CommandError(str(exc)) from None
    default_tier = Tier(args.plan) if args.plan else None
    if not args.jsonl:
        _emit(_result(triage, args.text, args.lang, default_tier, args.explain))
        return 0
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")
    for number, line in enumerate(sys.stdin, start=1):
        try:
            result = _classify_line(triage, line, number, default_tier, args.lang, args.explain)
        except Exception as exc:  # one odd line must not cost the rest of the batch
            log.exception("triage failed on line %d", number)
            result = {"error": f"line {number}: could not classify ({type(exc).__name__})"}
        _emit(result)
    return 0


def _result(triage: Triage, text: str, lang: str | None, tier: Tier | None, why: bool) -> dict[str, Any]:
    """One message's result, with the matcher's explanation when asked for."""
    result = triage.classify(text, lang, tier)
    output = result.to_json()
    if why:
        output["explain"] = explain(triage.matcher, text, result.lang)
    return output


def _classify_line(
    triage: Triage,
    line: str,
    number: int,
    default_tier: Tier | None,
    default_lang: str | None,
    why: bool = False,
) -> dict[str, Any]:
    """One input line's result, or an error object naming the line and what is wrong with it."""
    if not line.strip():
        return {"error": f"line {number}: empty line"}
    try:
        item = json.loads(line)
    except ValueError:
        return {"error": f"line {number}: not valid JSON"}
    if not isinstance(item, dict):
        return {"error": f"line {number}: expected a JSON object with a text"}
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"error": f"line {number}: `text` must be a non-empty string"}
    plan = item.get("plan")
    tier = default_tier
    if plan not in (None, ""):
        tier = _tier(triage, plan)
        if tier is None:
            return {"error": f"line {number}: unknown plan {plan!r} (expected basic, standard or premium)"}
    lang = item.get("lang") or None
    if lang is not None and (not isinstance(lang, str) or parse_language(lang) is None):
        return {"error": f"line {number}: unknown lang {lang!r} (expected pt, en or es)"}
    return _result(triage, text, lang or default_lang, tier, why)


def _tier(triage: Triage, plan: object) -> Tier | None:
    """A tier name, or a plan name the policy maps to a tier ("vip" -> premium); None otherwise."""
    if not isinstance(plan, str):
        return None
    name = plan.strip().lower()
    if name in {tier.value for tier in Tier}:
        return Tier(name)
    return triage.policy.plans.get(name)


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()
