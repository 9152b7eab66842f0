"""`supportbot report`: the managers' summary of a period from a shell, as text, JSON or a chart.

The same figures the scheduled summaries send (`escalation.report`), for a manager or a script that
wants them without Telegram. "What changed" compares with the last scheduled summary, if any.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import re
import sys
from pathlib import Path

from bot.commands import CommandError
from bot.config import load_settings
from bot.desk import open_desk
from escalation.backlog_snapshots import snapshots
from escalation.desk_state import DeskState
from escalation.policy import parse_duration
from escalation.report import build_report, previous_figures
from escalation.report_text import backlog_chart, render_text
from escalation.stats import RETENTION_S

DEFAULT_SINCE = "24h"
_TAG = re.compile(r"<[^>]+>")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `report [--since 24h|7d|90m] [--json] [--png FILE]`."""
    parser = subparsers.add_parser(
        "report",
        help="the managers' summary of a period",
        description="The managers' summary of a period (whole hours), e.g. "
        "`supportbot report --since 7d --png backlog.png`.",
        # One line on stderr for a mistake, as every command: argparse's usage line is left out.
        usage=argparse.SUPPRESS,
    )
    parser.add_argument(
        "--since",
        type=_period,
        default=DEFAULT_SINCE,
        metavar="DURATION",
        help=f"how far back: 90m, 24h, 7d (default {DEFAULT_SINCE}, at most 100d)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--png", type=Path, metavar="FILE", help="also write the backlog chart to FILE")
    parser.set_defaults(handler=lambda args: asyncio.run(_report(args)))


def _period(text: str) -> float:
    """`90m`, `24h`, `7d` to seconds, within the rollups' retention."""
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}, got {text!r}") from None
    if seconds > RETENTION_S:
        raise argparse.ArgumentTypeError(f"at most {RETENTION_S // 86400}d (the figures are kept that long)")
    return seconds


async def _report(args: argparse.Namespace) -> int:
    settings = load_settings()
    async with open_desk(settings) as desk:
        now = desk.clock.now()
        since = now - args.since
        state = DeskState(desk.redis, desk.store.keys, desk.policy.agents.aliases)
        report = await build_report(desk.store, state, since, now, await previous_figures(desk.store))
        points = await snapshots(desk.store, since, now) if args.png else []
    language = settings.agents_language
    chart = backlog_chart(report, points, language, settings.timezone) if args.png else None
    if args.png and chart is None:
        print(f"no chart written to {args.png}: no backlog snapshot in the period", file=sys.stderr)
    elif args.png and chart is not None:
        try:
            args.png.write_bytes(chart)
        except OSError as exc:
            raise CommandError(f"cannot write {args.png}: {exc.strerror}") from None
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(html.unescape(_TAG.sub("", render_text(report, language, settings.timezone))))
    return 0
