"""`supportbot faq`: the phrasings agents taught the FAQ, from a shell.

`candidates` lists the customers' words agents answered with an entry (awaiting a manager),
`approve ID` / `reject ID` decide one as the managers' buttons do, and `export` writes the FAQ
file with every approved phrasing added to its entry, so the provider's file can take them in
(to stdout, or `--out FILE`). Approved phrasings are matched by the bot as soon as they are
approved, exported or not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.commands import CommandError
from bot.config import load_settings
from bot.desk import open_desk
from escalation.phrasings import Candidate, PhrasingStore
from faq.knowledge import knowledge_base_document, load_knowledge_base


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `faq candidates [--json]`, `faq approve ID`, `faq reject ID`, `faq export [--out FILE]`."""
    parser = subparsers.add_parser(
        "faq",
        help="phrasings learned from agents: list, approve, reject, export",
        description="Phrasings agents proposed by answering tickets with FAQ entries.",
        usage=argparse.SUPPRESS,
    )
    actions = parser.add_subparsers(dest="faq_action", metavar="ACTION", required=True)
    listing = actions.add_parser("candidates", help="the candidates awaiting a manager")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    for name in ("approve", "reject"):
        decide = actions.add_parser(name, help=f"{name} one candidate")
        decide.add_argument("id", type=_candidate_id, metavar="ID", help="the candidate's number (F12 or 12)")
    export = actions.add_parser("export", help="the FAQ file with the approved phrasings merged")
    export.add_argument("--faq", metavar="FILE", help="FAQ file (default: FAQ_FILE or the packaged one)")
    export.add_argument("--out", type=Path, metavar="FILE", help="write there instead of stdout")
    parser.set_defaults(handler=lambda args: asyncio.run(_run(args)))


def _candidate_id(text: str) -> int:
    digits = text.strip().upper().removeprefix("F")
    if not (digits.isascii() and digits.isdigit()) or int(digits) == 0:
        raise argparse.ArgumentTypeError(f"expected a candidate number such as F12, got {text!r}")
    return int(digits)


async def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    async with open_desk(settings) as desk:
        phrasings = PhrasingStore(desk.redis, desk.store.keys)
        if args.faq_action == "candidates":
            _print_candidates(await phrasings.pending(), args.json, settings.timezone)
        elif args.faq_action in ("approve", "reject"):
            decide = phrasings.approve if args.faq_action == "approve" else phrasings.reject
            decided = await decide(args.id)
            if decided is None:
                raise CommandError(f"faq: F{args.id} is not waiting (already decided, or unknown)")
            verb = "approved" if args.faq_action == "approve" else "rejected"
            print(f"F{decided.id} {verb}: {decided.text!r} -> {decided.entry_id}")
        else:
            _export(args, await phrasings.approved(), settings.faq_file)
    return 0


def _print_candidates(pending: list[Candidate], as_json: bool, timezone: str) -> None:
    if as_json:
        print(json.dumps([candidate.to_json() for candidate in pending], ensure_ascii=False, indent=2))
        return
    if not pending:
        print("no candidates waiting")
        return
    zone = ZoneInfo(timezone)
    for candidate in pending:
        when = datetime.fromtimestamp(candidate.at, zone).strftime("%d/%m %H:%M")
        print(
            f"F{candidate.id}  {candidate.entry_id}  [{candidate.lang}]  {candidate.text!r}  "
            f"(#{candidate.ticket}, agent {candidate.agent}, {when})"
        )


def _export(args: argparse.Namespace, approved: list[Candidate], configured: Path | None) -> None:
    kb = load_knowledge_base(args.faq or configured)
    learned = kb.with_phrasings((c.entry_id, c.lang, c.text) for c in approved)
    text = yaml.safe_dump(knowledge_base_document(learned), allow_unicode=True, sort_keys=False, width=1000)
    if args.out is None:
        sys.stdout.write(text)
        return
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {args.out}: {exc.strerror}") from None
    added = sum(1 for c in approved if kb.get(c.entry_id) is not None)
    print(f"wrote {args.out}: {len(learned)} entries, {added} approved phrasings merged")
