"""The agents' card of a ticket: one message per ticket, edited in place on every change.

Everything a customer typed is HTML-escaped and cut to an excerpt, so no input can break the
card's markup or its length.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from escalation.domain import Priority, State
from escalation.durations import duration_words
from escalation.reasons import describe
from escalation.ticket import Customer, Ticket
from faq.normalize import tokens
from faq.triage import Triage
from handlers.callbacks import CallbackCodec
from handlers.events import Button, Keyboard
from handlers.texts import a

EXCERPT_CHARS = 400
LINE_EXCERPT_CHARS = 80
NOTES_SHOWN = 3
NOTE_CHARS = 200
ANSWER_ACTION = "faqa"
CARD_ENTRIES = 2
CARD_RECALL = 0.5
FAQ_TITLE_CHARS = 40
_DUE_LABELS = {
    "first_response": "card_due",
    "next_response": "card_due_next",
    "resolution": "card_due_resolution",
}
PRIORITY_MARK = {Priority.P1: "🔴", Priority.P2: "🟠", Priority.P3: "🟡", Priority.P4: "⚪"}


def time_left(language: str, due: float, now: float) -> str:
    """ "12 min left" or "overdue by 3 min"."""
    if due >= now:
        return a(language, "left", time=duration_words(due - now))
    return a(language, "overdue", time=duration_words(now - due))


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis (not escaped)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def situation(ticket: Ticket, language: str) -> str:
    """ "queda / total": the intent and impact in the agents' language."""
    words = a(language, f"intent_{ticket.intent.value}")
    return words + (f" / {a(language, f'impact_{ticket.impact.value}')}" if ticket.impact else "")


def tier_words(ticket: Ticket, language: str) -> str:
    """The plan tier in the agents' language."""
    return a(language, f"tier_{ticket.customer.effective_tier.value}")


def customer_tag(customer: Customer, language: str) -> str:
    """The customer's name and what tells them apart from a namesake (escaped HTML).

    The subscriber id when linked (and the region when known), else the end of their Telegram id.
    """
    name = html.escape(customer.name or str(customer.telegram_id))
    if customer.subscriber_id:
        detail = html.escape(customer.subscriber_id)
    else:
        detail = f"{a(language, 'card_not_linked')} · tg …{str(customer.telegram_id)[-4:]}"
    if customer.region:
        detail += f" · {html.escape(customer.region)}"
    return f"{name} ({detail})"


def ticket_context(ticket: Ticket, opening: str, language: str) -> str:
    """One line saying who and what: for pings, escalations and lists."""
    return (
        f"{customer_tag(ticket.customer, language)} · {situation(ticket, language)} · "
        f"«{html.escape(shorten(opening, LINE_EXCERPT_CHARS))}»"
    )


def queue_line(ticket: Ticket, opening: str, language: str, now: float) -> str:
    """One ticket in `/queue`, `/mine` and the handover: priority, number, who, what, time left."""
    return (
        f"{PRIORITY_MARK[ticket.priority]} {ticket.priority.name} <b>{ticket.label}</b> · "
        f"{ticket_context(ticket, opening, language)} · {time_left(language, ticket.due_at, now)}"
        + (f" · 🚨I{ticket.incident}" if ticket.incident else "")
    )


def render_compact(ticket: Ticket, opening: str, *, language: str, now: float) -> str:
    """The ticket in a few lines, for the answer to `/claim` and `/next`."""
    return "\n".join(
        [
            f"{PRIORITY_MARK[ticket.priority]} <b>{ticket.priority.name}</b> · <b>{ticket.label}</b> · "
            f"{tier_words(ticket, language)} · {situation(ticket, language)}",
            f"{a(language, 'card_customer')}: {customer_tag(ticket.customer, language)}",
            f"<blockquote>{html.escape(shorten(opening, EXCERPT_CHARS))}</blockquote>",
            f"⏱ {time_left(language, ticket.due_at, now)}",
        ]
    )


def render_card(
    ticket: Ticket,
    excerpt: str,
    *,
    language: str,
    timezone: str,
    now: float,
    assignee_name: str | None = None,
    notes: Sequence[tuple[str, str]] = (),
    blocked: bool = False,
) -> str:
    """The card's HTML text; `notes` are the latest internal notes as (author, text), oldest first.

    `blocked`: a supervisor blocked the customer (their messages stay in the ticket, unrelayed).
    """
    customer = ticket.customer
    who = html.escape(customer.name or str(customer.telegram_id))
    account = (
        html.escape(customer.subscriber_id) if customer.subscriber_id else a(language, "card_not_linked")
    )
    text = excerpt if len(excerpt) <= EXCERPT_CHARS else excerpt[: EXCERPT_CHARS - 1] + "…"
    lines = [
        f"{PRIORITY_MARK[ticket.priority]} <b>{ticket.priority.name}</b> · <b>{ticket.label}</b> · "
        f"{tier_words(ticket, language)}",
        situation(ticket, language),
        f"{a(language, 'card_reasons')}: {html.escape('; '.join(describe(ticket.reasons, language)))}",
        f"{a(language, 'card_customer')}: {who} · {account}",
        *_account_status(customer.account_status, customer.account_active, language),
        f"<blockquote>{html.escape(text)}</blockquote>",
    ]
    if notes:
        lines.append(f"{a(language, 'card_notes')}:")
        lines += [
            f"• {html.escape(author)}: {html.escape(shorten(note, NOTE_CHARS))}"
            for author, note in notes[-NOTES_SHOWN:]
        ]
    due_label = a(language, _DUE_LABELS.get(ticket.due_kind, "card_due_next"))
    if ticket.state is State.RESOLVED:
        key = "card_withdrawn" if ticket.resolution == "withdrawn" else "card_resolved"
        resolver = f" {html.escape(assignee_name)}" if assignee_name and key == "card_resolved" else ""
        lines.append(f"✅ {a(language, key)}{resolver}")
        if ticket.csat:
            lines.append(f"{a(language, 'card_rating')}: {'⭐' * ticket.csat}")
    else:
        local = datetime.fromtimestamp(ticket.due_at, ZoneInfo(timezone)).strftime("%d/%m %H:%M")
        lines.append(f"⏱ {due_label}: {local} ({time_left(language, ticket.due_at, now)})")
        if ticket.state is State.CLAIMED:
            lines.append(f"👤 {a(language, 'card_claimed_by')}: {html.escape(assignee_name or '?')}")
        else:
            lines.append(f"🕓 {a(language, 'card_waiting')}")
    if ticket.breached_at is not None and ticket.state is not State.RESOLVED:
        lines.append(a(language, "card_breached"))
    if ticket.incident is not None:
        lines.append(a(language, "card_incident", label=f"I{ticket.incident}"))
    if ticket.unreachable:
        lines.append(a(language, "card_unreachable"))
    if ticket.log_dropped:
        lines.append(a(language, "card_log_dropped", n=ticket.log_dropped))
    if blocked:
        lines.append(a(language, "card_blocked"))
    return "\n".join(lines)


def _account_status(status: str, active: bool, language: str) -> list[str]:
    """The card's status line for a subscription not in force (none while it is active)."""
    return [] if active else [a(language, "card_account", status=a(language, f"card_account_{status}"))]


def card_keyboard(
    ticket: Ticket, codec: CallbackCodec, language: str, faq_entries: Sequence[tuple[str, str]] = ()
) -> Keyboard | None:
    """Claim / Release / Resolve, priority, canned replies and "📚 <entry>" answers; none once resolved.

    `faq_entries` are the (id, title) of the FAQ entries closest to the customer's words: one
    press answers the customer with that entry (an id too long for Telegram's 64-byte button
    data gets no button; `/faq n <entry>` still works).

    All three state buttons stay on the card whatever the state, so agents always find them in
    the same place; the store refuses the ones that do not apply and the agent is told why.
    """
    if ticket.state is State.RESOLVED:
        return None
    n = ticket.number
    first = [
        Button(a(language, action), codec.encode(action, n)) for action in ("claim", "release", "resolve")
    ]
    second = []
    if ticket.priority is not Priority.P1:
        second.append(Button(a(language, "up"), codec.encode("up", n)))
    if ticket.priority is not Priority.P4:
        second.append(Button(a(language, "down"), codec.encode("down", n)))
    second.append(Button(a(language, "canned_button"), codec.encode("canned", n)))
    answers = []
    for entry_id, title in faq_entries:
        try:
            answers.append([Button(f"📚 {title}", codec.encode(ANSWER_ACTION, n, entry_id))])
        except ValueError:
            continue
    return Keyboard.inline(first, second, *answers)


def closest_entries(triage: Triage, text: str, lang: str, title_lang: str) -> list[tuple[str, str]]:
    """The (id, title) of the entries closest to a customer's words, for the card's buttons.

    Up to `CARD_ENTRIES` of the matcher's leading entries that explain at least `CARD_RECALL` of
    the message, with at least one of its words in the entry's questions: a button whose entry
    shares only a word of its answer ("baja" and an app update) or a word or two of a longer
    report (a live game and recording) sends the agent to an answer that has nothing to do with
    the ticket, which is worse than no button.
    """
    matcher = triage.matcher
    closest = []
    for item in matcher.ranking(tokens(text), lang)[:CARD_ENTRIES]:
        entry = matcher.kb.get(item.entry_id)
        if entry is not None and item.recall >= CARD_RECALL and item.asked >= 1:
            closest.append((entry.id, entry.title(title_lang)[:FAQ_TITLE_CHARS]))
    return closest
