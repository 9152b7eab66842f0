"""An agent acting on a ticket another agent holds is warned first, on both runtimes.

Replies already waited for "send anyway"; a resolve (the card's button or `/resolve`) waits for
"resolve anyway", pressed by the agent who asked, so nobody closes a colleague's conversation
by a slip of the finger.
"""

from __future__ import annotations

import pytest

from escalation.domain import State
from handlers.texts import a
from tests.e2e.conftest import AGENT_ANA, AGENT_BRUNO, AGENTS_CHAT, CARLA_PREMIUM, Desk, buttons
from tests.e2e.test_agents import answer, press
from tests.e2e.test_scenarios import ANA, BRUNO, CARLA, JOAO, open_ticket

pytestmark = pytest.mark.cluster


async def test_resolving_a_ticket_another_agent_holds_waits_for_resolve_anyway(desk: Desk) -> None:
    number = await open_ticket(desk, CARLA)
    n = f"#{number}"
    card = await desk.card(number)
    await answer(desk, BRUNO, f"/claim {number}")
    card = await desk.card(number, where=lambda text: "Bruno" in text)

    warned = await press(desk, ANA, card, a("en", "resolve"))
    warning = a("en", "resolve_held", ticket=n, holder="Bruno")
    assert warned["show_alert"] and warned["text"] == warning
    asked = await desk.expect(
        AGENTS_CHAT,
        warning,
        where=lambda m: m.get("reply_to_message", {}).get("message_id") == card["message_id"],
    )
    ticket = await desk.bot.desk.store.get(number)
    assert (ticket.state, ticket.assignee) == (State.CLAIMED, AGENT_BRUNO)

    assert (await press(desk, BRUNO, asked, a("en", "resolve_anyway")))["text"] == a("en", "reply_not_yours")
    resolved = await press(desk, ANA, asked, a("en", "resolve_anyway"))
    assert resolved["text"] == a("en", "resolved_ok", ticket=n)
    assert (await desk.bot.desk.store.get(number)).state is State.RESOLVED
    await desk.expect(CARLA_PREMIUM, "✅")  # the resolution notice, with its rating buttons
    history = await desk.bot.desk.store.log(number)
    assert [e["actor"] for e in history if e["event"] == "resolved"] == [f"agent:{AGENT_ANA}"]


async def test_resolve_command_on_a_held_ticket_is_held_too_and_the_holder_resolves_at_once(
    desk: Desk,
) -> None:
    number = await open_ticket(desk, JOAO)
    n = f"#{number}"
    await answer(desk, BRUNO, f"/claim {number}")
    warning = await answer(desk, ANA, f"/resolve {number} msg Resolvido pela Ana")
    assert warning == a("en", "resolve_held", ticket=n, holder="Bruno")
    assert (await desk.bot.desk.store.get(number)).state is State.CLAIMED
    held = await desk.expect(AGENTS_CHAT, warning, where=lambda m: bool(buttons(m)))
    assert list(buttons(held)) == [a("en", "resolve_anyway")]
    assert await answer(desk, BRUNO, f"/resolve {number}") == a("en", "resolved_ok", ticket=n)
    gone = await press(desk, ANA, held, a("en", "resolve_anyway"))
    assert gone["text"] == a("en", "refused_resolved", ticket=n)  # Bruno closed it meanwhile: nothing twice
