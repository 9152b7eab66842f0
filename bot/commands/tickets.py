"""`supportbot tickets list|show`: look at the desk from a shell, as text or JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.commands import CommandError
from bot.config import load_settings
from bot.desk import open_desk
from escalation.domain import State
from escalation.store_errors import TicketNotFound
from escalation.ticket import Ticket


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `tickets list` and `tickets show`."""
    parser = subparsers.add_parser("tickets", help="list or show tickets")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="tickets by state (default: all, newest first)")
    listing.add_argument("--state", choices=[s.value for s in State], help="only tickets in this state")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=lambda args: asyncio.run(_list(args)))
    show = actions.add_parser("show", help="one ticket with its audit history")
    show.add_argument("number", type=_ticket_number, help="the ticket number (5 or #5)")
    show.add_argument("--json", action="store_true", help="print a JSON document")
    show.set_defaults(handler=lambda args: asyncio.run(_show(args)))


def _ticket_number(text: str) -> int:
    try:
        number = int(text.removeprefix("#"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a ticket number: {text!r}") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"not a ticket number: {text!r}")
    return number


async def _list(args: argparse.Namespace) -> int:
    settings = load_settings()
    async with open_desk(settings) as desk:
        tickets = await desk.store.list(State(args.state) if args.state else None, limit=args.limit)
    if args.json:
        print(json.dumps([t.to_json() for t in tickets], ensure_ascii=False, indent=2))
        return 0
    if not tickets:
        print("no tickets")
        return 0
    tz = ZoneInfo(settings.timezone)
    print(f"{'#':>6}  {'state':8} {'prio':4} {'intent':9} {'customer':20} {'assignee':10} due")
    for t in tickets:
        print(
            f"{t.label:>6}  {t.state.value:8} {t.priority.name:4} {t.intent.value:9} "
            f"{t.customer.name[:20]:20} {t.assignee or '-'!s:10} {_when(t.due_at, tz)}"
        )
    return 0


async def _show(args: argparse.Namespace) -> int:
    settings = load_settings()
    async with open_desk(settings) as desk:
        try:
            ticket = await desk.store.get(args.number)
            history = await desk.store.history(args.number)
        except TicketNotFound as exc:
            raise CommandError(str(exc)) from None
    if args.json:
        print(json.dumps({**ticket.to_json(), "history": history}, ensure_ascii=False, indent=2))
        return 0
    _print_ticket(ticket, history, ZoneInfo(settings.timezone))
    return 0


def _print_ticket(ticket: Ticket, history: list[dict[str, Any]], tz: ZoneInfo) -> None:
    customer = ticket.customer
    print(
        f"{ticket.label}  {ticket.state.value}  {ticket.priority.name}  {ticket.intent.value}"
        f"{' / ' + ticket.impact.value if ticket.impact else ''}"
    )
    print(
        f"customer: {customer.name} (telegram {customer.telegram_id}, "
        f"{customer.subscriber_id or 'not linked'}, {customer.effective_tier.value})"
    )
    print(
        f"reasons: {', '.join(r.code.value + (f'={r.detail}' if r.detail else '') for r in ticket.reasons)}"
    )
    print(f"assignee: {ticket.assignee or '-'}   due ({ticket.due_kind}): {_when(ticket.due_at, tz)}")
    dropped = f" ({ticket.log_dropped} older entries dropped)" if ticket.log_dropped else ""
    print(f"history:{dropped}")
    for event in history:
        text = f"  {event.get('text', '')!r}" if event.get("text") else ""
        print(f"  {_when(event['at'], tz)}  {event['event']:10} {event['actor']}{text}")


def _when(epoch: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(epoch, tz).strftime("%Y-%m-%d %H:%M")
