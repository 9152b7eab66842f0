"""What agents are called: on cards, in pings and refusals, and in what customers read.

The policy's alias (`agents.aliases`) wins. Otherwise the desk uses the Telegram name it learned
from anything the agent sent in the group, and for an agent who never spoke (a supervisor pinged
on a breach, say) it asks Telegram once (getChatMember on the agents' group) and keeps the
answer in Redis. Only when Telegram cannot tell either is an agent shown by user id.
"""

from __future__ import annotations

import html
import logging

from handlers.context import HandlerContext
from handlers.events import User
from handlers.messenger import TelegramError

log = logging.getLogger(__name__)


async def learn_name(ctx: HandlerContext, user: User) -> None:
    """Remember the name a person shows in the group (from any update they send)."""
    await ctx.state.set_agent_name(user.id, user.display_name)


async def agent_name(ctx: HandlerContext, agent_id: int) -> str:
    """The agent's alias or Telegram name (plain text, not escaped); asks Telegram when unknown."""
    known = await ctx.state.known_agent_name(agent_id)
    if known:
        return known
    chat = ctx.config.agents_chat_id
    if chat is None:
        return str(agent_id)
    try:
        member = await ctx.sender.chat_member(chat, agent_id)
    except TelegramError as exc:
        log.info("name of agent %s unknown to Telegram: %s", agent_id, exc)
        return str(agent_id)
    if not member.user.first_name:
        return str(agent_id)
    await learn_name(ctx, member.user)
    return member.user.display_name


async def mention(ctx: HandlerContext, agent_id: int) -> str:
    """A mention of the agent by name (HTML), which notifies them in the group."""
    name = html.escape(await agent_name(ctx, agent_id))
    return f'<a href="tg://user?id={agent_id}">{name}</a>'


def name_for_customers(ctx: HandlerContext, agent: User) -> str:
    """How a customer hears of an agent: the alias, else the first name (never @username or id)."""
    return ctx.state.aliases.get(agent.id) or agent.first_name
