"""Why the desk refused an agent's action, in the agents' language.

The store's errors are written for logs and operators (English); what an agent reads comes from
here. Every refusal type the store can raise has its own text, and a refusal of a held ticket
names who holds it.
"""

from __future__ import annotations

import html

from escalation.domain import State
from escalation.store import Contended, IllegalTransition, NotAssignee, StoreError, TicketNotFound
from handlers.context import HandlerContext
from handlers.names import agent_name
from handlers.texts import a

REFUSAL_KEYS: dict[type[StoreError], str] = {
    TicketNotFound: "refused_not_found",
    NotAssignee: "refused_not_holder",
    Contended: "refused_busy",
}
STATE_KEYS = {
    State.OPEN.value: "refused_open",
    State.CLAIMED.value: "refused_claimed",
    State.RESOLVED.value: "refused_resolved",
}


async def holder_name(ctx: HandlerContext, agent_id: int | None) -> str:
    """The holder's name as agents know it (escaped), or "nobody"."""
    if agent_id is None:
        return a(ctx.config.agents_language, "nobody")
    return html.escape(await agent_name(ctx, agent_id))


async def refusal(ctx: HandlerContext, exc: StoreError, number: int) -> str:
    """The text an agent reads when the store refused their action on ticket `number`."""
    language = ctx.config.agents_language
    ticket = f"#{number}"
    if isinstance(exc, IllegalTransition):
        if exc.state == State.CLAIMED.value:
            held = await ctx.store.find(number)
            holder = await holder_name(ctx, held.assignee if held else None)
            return a(language, "refused_claimed", ticket=ticket, holder=holder)
        return a(language, STATE_KEYS[exc.state], ticket=ticket)
    if isinstance(exc, NotAssignee):
        return a(language, "refused_not_holder", ticket=ticket, holder=await holder_name(ctx, exc.assignee))
    return a(language, REFUSAL_KEYS[type(exc)], ticket=ticket)
