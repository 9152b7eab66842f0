"""Why the desk refused an agent's action, in the agents' language.

The store's errors are written for logs and operators (English); what an agent reads comes from
here. Every refusal type the store can raise has its own text, and a refusal of a held ticket
names who holds it.
"""

from __future__ import annotations

import html

from escalation.domain import State
from escalation.store_errors import Contended, IllegalTransition, NotAssignee, StoreError, TicketNotFound
from escalation.ticket import Ticket
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
    "same_team": "refused_same_team",
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


def other_team(ctx: HandlerContext, ticket: Ticket) -> str | None:
    """Why a team may not act on another team's ticket (None when the ticket is `ctx`'s team's).

    A team acts on its own tickets from its own group; another team's ticket is theirs to work,
    or to transfer back.
    """
    team = ctx.config.teams.of_ticket(ticket.team)
    if team.name == ctx.config.own_team.name:
        return None
    return a(
        ctx.config.agents_language, "ticket_other_team", ticket=ticket.label, team=html.escape(team.title)
    )


def outsider(ctx: HandlerContext, user_id: int) -> str:
    """The refusal for someone who is not an agent of `ctx`'s team, in the language they read.

    A configured agent of another team is told whose group this is, in their own team's
    language; anyone else hears "only agents" in the group's language.
    """
    theirs = ctx.config.teams.of_user(user_id)
    if not theirs or ctx.config.team_setup is None:
        return a(ctx.config.agents_language, "not_agent")
    return a(
        theirs[0].language,
        "other_team_member",
        yours=html.escape(", ".join(team.title for team in theirs)),
        team=html.escape(ctx.config.own_team.title),
    )
