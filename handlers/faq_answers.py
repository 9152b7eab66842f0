"""Agents answering with an FAQ entry, and managers deciding on the phrasings that teaches.

An agent answers a ticket with an entry (`/faq n <entry>`, or one of the card's buttons naming
the entries closest to the customer's words): the customer gets the entry's answer in their
language as the agent's reply, and their words become a candidate phrasing of that entry
(`escalation.phrasings`). An agent answers a waiting ticket or their own, never one another
agent holds (the refusal names the holder). Managers list the candidates with `/faq` in their
chat (and after each scheduled summary) and approve or reject each with a button; an approved
phrasing is matched at once by this worker and within a second by every other
(`FaqTeaching.refresh` watches the approvals' version in Redis).
"""

from __future__ import annotations

import html
import math
import time
from typing import TYPE_CHECKING

from escalation.domain import State
from escalation.inert_links import inert_links
from escalation.phrasings import Candidate, PhrasingStore
from escalation.store_errors import IllegalTransition, StoreError
from faq.gaps import gap_key
from faq.language import LANGUAGES
from handlers.callbacks import Callback
from handlers.cards import FAQ_TITLE_CHARS
from handlers.context import HandlerContext
from handlers.events import Button, ButtonPress, IncomingMessage, Keyboard, Outgoing, User
from handlers.names import name_for_customers
from handlers.refusals import other_team, refusal
from handlers.split import split_text
from handlers.texts import a, t

if TYPE_CHECKING:
    from handlers.desk_actions import DeskActions

APPROVE_ACTION = "fqok"
REJECT_ACTION = "fqno"
LISTED_CANDIDATES = 5
REFRESH_S = 1.0
_WORDS_KINDS = frozenset({"text", "button", "faq_not_helpful"})
_MENU_LABELS = frozenset(t(language, "menu_human") for language in LANGUAGES)
_QUOTE_CHARS = 120


class FaqTeaching:
    """`/faq n <entry>` and the card's FAQ buttons; managers' `/faq` list and approve/reject buttons."""

    def __init__(self, ctx: HandlerContext, actions: DeskActions) -> None:
        self.ctx = ctx
        self.actions = actions
        self.phrasings = PhrasingStore(ctx.store.redis, ctx.store.keys)
        self._version: int | None = None
        self._checked_at = -math.inf

    @property
    def language(self) -> str:
        """Agents and managers read AGENTS_LANGUAGE."""
        return self.ctx.config.agents_language

    async def refresh(self, force: bool = False) -> None:
        """Match the approved phrasings (looked up in Redis at most once a second, or now if `force`)."""
        now = time.monotonic()
        if not force and now - self._checked_at < REFRESH_S:
            return
        self._checked_at = now
        version = await self.phrasings.version()
        if version != self._version:
            approved = await self.phrasings.approved()
            self.ctx.triage.learn((c.entry_id, c.lang, c.text) for c in approved)
            self._version = version

    # ------------------------------------------------------------- agents

    async def command(self, message: IncomingMessage) -> None:
        """`/faq n <entry>` from an agent (already checked to be one)."""
        args = message.args.split()
        number = _number(args[0]) if len(args) == 2 else None
        if number is None:
            notice = a(self.language, "faq_usage")
        else:
            notice = await self._answer_or_refusal(number, args[1], message.user)
        await self._to_agents(notice, reply_to=message.message_id)

    async def on_button(self, press: ButtonPress, callback: Callback) -> None:
        """The card's FAQ button (`faqa|n|entry`), pressed by an agent."""
        number = _number(callback.args[0]) if len(callback.args) == 2 else None
        if number is None:
            raise ValueError("an FAQ answer button carries a ticket number and an entry id")
        notice = await self._answer_or_refusal(number, callback.args[1], press.user)
        await self.ctx.sender.answer_button(press.callback_id, _plain(notice))

    async def _answer_or_refusal(self, number: int, entry_id: str, agent: User) -> str:
        try:
            return await self.answer(number, entry_id, agent)
        except StoreError as exc:
            return f"⚠️ {await refusal(self.ctx, exc, number)}"

    async def answer(self, number: int, entry_id: str, agent: User) -> str:
        """Send the entry's answer to the ticket's customer, propose their words; the agent's notice."""
        lang = self.language
        entry = self.ctx.triage.knowledge.get(entry_id)
        if entry is None:
            return a(lang, "faq_unknown_entry", entry=html.escape(entry_id[:FAQ_TITLE_CHARS]))
        store = self.ctx.store
        before = await store.get(number)
        if (elsewhere := other_team(self.ctx, before)) is not None:
            return f"⚠️ {elsewhere}"
        if before.state is State.RESOLVED:
            raise IllegalTransition(number, "answer", before.state.value)
        if before.state is State.CLAIMED and before.assignee != agent.id:
            raise IllegalTransition(number, "answer", before.state.value)  # another agent's customer
        customer_lang = before.customer.language
        answer = entry.answer(customer_lang)
        words = _customer_words(await store.log(number))
        ticket = await store.reply(number, agent.id, answer, kind="faq")
        if before.first_response_at is None and ticket.first_response_at is not None:
            await self.ctx.state.record_first_response(ticket.first_response_at - ticket.created_at)
        delivered = True
        for index, chunk in enumerate(split_text(answer)):
            body = html.escape(chunk)
            if index == 0:
                signed = html.escape(name_for_customers(self.ctx, agent))
                body = t(customer_lang, "agent_reply", agent=signed, ticket=ticket.label, text=body)
            delivered = delivered and await self.actions.tell_customer(ticket, body, writer=agent.id)
        await self.actions.refresh_card(await store.get(number))
        if not delivered:
            return a(lang, "relay_error", ticket=ticket.label)
        notice = a(lang, "faq_sent", title=html.escape(entry.title(lang)), ticket=ticket.label)
        candidate = None
        if words:
            now = self.ctx.clock.now()
            candidate = await self.phrasings.propose(
                entry.id, customer_lang, words, ticket=number, agent=agent.id, now=now
            )
        if candidate is not None:
            notice += " " + a(lang, "faq_proposed", id=candidate.id)
        return notice

    # ------------------------------------------------------------ managers

    async def show_candidates(self, chat_id: int, *, quiet_when_none: bool = False) -> None:
        """The pending candidates with approve/reject buttons (nothing when none and `quiet_when_none`)."""
        pending = await self.phrasings.pending()
        if not pending and quiet_when_none:
            return
        text, keyboard = self._candidates_view(pending)
        await self.ctx.sender.send(Outgoing(chat_id, text, keyboard, priority=3))

    async def on_manager_button(self, press: ButtonPress, callback: Callback) -> None:
        """Approve or reject one candidate, then show the list as it now stands in the same message."""
        candidate_id = _number(callback.args[0]) if len(callback.args) == 1 else None
        if candidate_id is None:
            raise ValueError("a candidate button carries one candidate id")
        lang = self.language
        if callback.action == APPROVE_ACTION:
            decided = await self.phrasings.approve(candidate_id)
            key = "faq_approved"
        else:
            decided = await self.phrasings.reject(candidate_id)
            key = "faq_rejected"
        if decided is None:
            toast = a(lang, "faq_candidate_gone", id=candidate_id)
        else:
            toast = a(lang, key, id=decided.id, entry=decided.entry_id)
            if key == "faq_approved":
                await self.refresh(force=True)
        await self.ctx.sender.answer_button(press.callback_id, toast)
        text, keyboard = self._candidates_view(await self.phrasings.pending())
        await self.ctx.sender.edit(press.chat.id, press.message_id, text, keyboard, priority=3)

    def _candidates_view(self, pending: list[Candidate]) -> tuple[str, Keyboard]:
        lang = self.language
        if not pending:
            return a(lang, "faq_candidates_none"), Keyboard.inline()
        shown = pending[:LISTED_CANDIDATES]
        lines = [a(lang, "faq_candidates_title", count=len(pending))]
        rows = []
        for candidate in shown:
            entry = self.ctx.triage.knowledge.get(candidate.entry_id)
            title = entry.title(lang) if entry else candidate.entry_id
            quote = inert_links(candidate.text)
            quote = quote if len(quote) <= _QUOTE_CHARS else quote[: _QUOTE_CHARS - 1] + "…"
            lines.append(
                a(
                    lang,
                    "faq_candidate_line",
                    id=candidate.id,
                    text=html.escape(quote),
                    title=html.escape(title[:FAQ_TITLE_CHARS]),
                    ticket=f"#{candidate.ticket}",
                )
            )
            rows.append(
                [
                    Button(
                        a(lang, "faq_approve", id=candidate.id),
                        self.ctx.codec.encode(APPROVE_ACTION, candidate.id),
                    ),
                    Button(
                        a(lang, "faq_reject", id=candidate.id),
                        self.ctx.codec.encode(REJECT_ACTION, candidate.id),
                    ),
                ]
            )
        if len(pending) > len(shown):
            lines.append(a(lang, "and_more", count=len(pending) - len(shown)))
        return "\n".join(lines), Keyboard.inline(*rows)

    async def _to_agents(self, text: str, reply_to: int | None = None) -> None:
        chat = self.ctx.config.agents_chat_id
        if chat is not None:
            await self.ctx.sender.send(Outgoing(chat, text, reply_to=reply_to, priority=2))


def _customer_words(history: list[dict[str, object]]) -> str:
    """The customer's question on the ticket: their first words that ask something.

    The card's 📚 entries were ranked from the same first words. Skipped: attachments, the menu's
    "talk to a person" label a button-opened ticket carries, and noise ("alô??", "ok").
    """
    for event in history:
        text = str(event.get("text") or "")
        if (
            str(event.get("actor", "")).startswith("customer:")
            and event.get("kind", "text") in _WORDS_KINDS
            and text not in _MENU_LABELS
            and gap_key(text) is not None
        ):
            return text
    return ""


def _number(text: str) -> int | None:
    digits = text.removeprefix("#")
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = int(digits)
    return number if number > 0 else None


def _plain(notice: str) -> str:
    """A notice without its HTML, for a button's toast (which is plain text, 200 characters at most)."""
    return html.unescape(notice.replace("<b>", "").replace("</b>", ""))[:200]
