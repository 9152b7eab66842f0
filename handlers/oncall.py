"""On-call in the agents' group: `/oncall` to see, take or hand over the shift, and handovers.

At each change of shift (the rotation's, or someone taking it) the group gets one handover
message: who is on call now, the open tickets, the ones already breached, the ones near breach,
and the note left for them. The message is trimmed ("… and 12 more") to fit one Telegram message,
and notes are bounded at input.
"""

from __future__ import annotations

import html

from escalation.domain import State
from escalation.oncall import Duty, OnCallRoster
from escalation.ticket import Ticket
from handlers.context import HandlerContext
from handlers.events import IncomingMessage, Outgoing
from handlers.names import mention
from handlers.split import fit_lines
from handlers.texts import a

NEAR_BREACH_S = 30 * 60
LISTED = 10
NOTE_MAX = 500


class OnCallDesk:
    """The `/oncall` command and the handover messages."""

    def __init__(self, ctx: HandlerContext, roster: OnCallRoster) -> None:
        self.ctx = ctx
        self.roster = roster

    async def command(self, message: IncomingMessage) -> None:
        """`/oncall`, `/oncall take [note]`, `/oncall handover <note>`."""
        lang, now = self.ctx.config.agents_language, self.ctx.clock.now()
        action, rest = [*message.args.split(maxsplit=1), "", ""][:2]
        if len(rest.strip()) > NOTE_MAX:
            await self._say(
                "⚠️ " + a(lang, "too_long_input", length=len(rest.strip()), limit=NOTE_MAX), message.message_id
            )
            return
        if action == "take":
            duty = await self.roster.take(message.user.id, now, rest.strip())
            left = await self.roster.take_note()
            await self.post_handover(duty, "\n".join(note for note in (left, rest.strip()) if note))
        elif action == "handover" and rest.strip():
            await self.roster.leave_note(rest.strip())
            await self._say(a(lang, "oncall_note_saved"), message.message_id)
        else:
            duty = await self.roster.current(now)
            await self._say(f"{a(lang, 'oncall_now')}: {await self._names(duty)}", message.message_id)

    async def check_shift(self) -> bool:
        """Post the handover if the duty changed since any worker last looked (one worker posts it)."""
        change = await self.roster.changed(self.ctx.clock.now())
        if change is None:
            return False
        await self.post_handover(*change)
        return True

    async def post_handover(self, duty: Duty, note: str) -> None:
        """The handover message: on call now, open tickets, near breach, the note."""
        lang, now = self.ctx.config.agents_language, self.ctx.clock.now()
        open_tickets = [
            *await self.ctx.store.list(State.OPEN, limit=500),
            *await self.ctx.store.list(State.CLAIMED, limit=500),
        ]
        open_tickets.sort(key=lambda t: (t.priority, t.due_at))
        owed = [t for t in open_tickets if t.due_kind != "resolution"]
        breached = [t for t in owed if t.due_at < now or t.breached_at is not None]
        near = [t for t in owed if t not in breached and t.due_at - now <= NEAR_BREACH_S]
        head = [
            f"🔄 <b>{a(lang, 'oncall_handover')}</b>",
            f"{a(lang, 'oncall_now')}: {await self._names(duty)}",
        ]
        if note:
            head.append(f"📝 {html.escape(note)}")
        lines = [f"{a(lang, 'oncall_open')}: {len(open_tickets)}"]
        lines += [
            f"• {t.priority.name} {t.label} {html.escape(t.customer.name)}" for t in open_tickets[:LISTED]
        ]
        if len(open_tickets) > LISTED:
            lines.append(a(lang, "and_more", count=len(open_tickets) - LISTED))
        for key, icon, group in (("oncall_breached", "🚨", breached), ("oncall_near", "⏰", near)):
            if group:
                lines.append(f"{icon} {a(lang, key)}: " + _labels(group, lang))
        text = fit_lines([*head, *lines], lambda count: a(lang, "and_more", count=count))
        await self._say(text)

    async def _names(self, duty: Duty) -> str:
        names = [await mention(self.ctx, uid) for uid in duty.agents]
        return ", ".join(names) or "-"

    async def _say(self, text: str, reply_to: int | None = None) -> None:
        chat = self.ctx.config.agents_chat_id
        if chat is not None:
            await self.ctx.sender.send(Outgoing(chat, text, reply_to=reply_to, priority=2))


def _labels(tickets: list[Ticket], language: str) -> str:
    """ "P1 #3, P2 #7 … and 40 more": a bounded inline list."""
    shown = ", ".join(f"{t.priority.name} {t.label}" for t in tickets[:LISTED])
    more = len(tickets) - LISTED
    return shown + (f" {a(language, 'and_more', count=more)}" if more > 0 else "")
