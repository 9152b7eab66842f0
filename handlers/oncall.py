"""On-call in the agents' group: `/oncall` to see, take or hand over the shift, and handovers.

At each change of shift (the rotation's, or someone taking it) the group gets one handover
message: who is on call now, the open tickets, the ones near breach, and the note left for them.
"""

from __future__ import annotations

import html

from escalation.domain import State
from escalation.oncall import Duty, OnCallRoster
from handlers.context import HandlerContext
from handlers.events import IncomingMessage, Outgoing
from handlers.texts import a

NEAR_BREACH_S = 30 * 60
LISTED = 10


class OnCallDesk:
    """The `/oncall` command and the handover messages."""

    def __init__(self, ctx: HandlerContext, roster: OnCallRoster) -> None:
        self.ctx = ctx
        self.roster = roster

    async def command(self, message: IncomingMessage) -> None:
        """`/oncall`, `/oncall take [note]`, `/oncall handover <note>`."""
        lang, now = self.ctx.config.agents_language, self.ctx.clock.now()
        action, _, rest = message.args.partition(" ")
        if action == "take":
            duty = await self.roster.take(message.user.id, now, rest.strip())
            await self.post_handover(duty, rest.strip())
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
        near = [t for t in open_tickets if t.due_kind != "resolution" and t.due_at - now <= NEAR_BREACH_S]
        lines = [
            f"🔄 <b>{a(lang, 'oncall_handover')}</b>",
            f"{a(lang, 'oncall_now')}: {await self._names(duty)}",
            f"{a(lang, 'oncall_open')}: {len(open_tickets)}",
        ]
        lines += [
            f"• {t.priority.name} {t.label} {html.escape(t.customer.name)}" for t in open_tickets[:LISTED]
        ]
        if near:
            lines.append(
                f"⏰ {a(lang, 'oncall_near')}: " + ", ".join(f"{t.priority.name} {t.label}" for t in near)
            )
        if note:
            lines.append(f"📝 {html.escape(note)}")
        await self._say("\n".join(lines))

    async def _names(self, duty: Duty) -> str:
        names = [
            f'<a href="tg://user?id={uid}">{html.escape(await self.ctx.state.agent_name(uid))}</a>'
            for uid in duty.agents
        ]
        return ", ".join(names) or "-"

    async def _say(self, text: str, reply_to: int | None = None) -> None:
        chat = self.ctx.config.agents_chat_id
        if chat is not None:
            await self.ctx.sender.send(Outgoing(chat, text, reply_to=reply_to, priority=2))
