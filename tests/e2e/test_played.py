"""What a person noticed playing the desk end to end, on both runtimes through the sandbox.

Each test replays what was played and reads what the customer or the agents were shown.
"""

from __future__ import annotations

from escalation.domain import Impact, Priority
from tests.e2e.conftest import JOAO_BASIC, Desk, user

JOAO = user(JOAO_BASIC, "João", "pt")


async def test_an_urgent_follow_up_to_a_partial_fault_stays_partial(desk: Desk) -> None:
    """ "é urgente, o jogo já começou" names no impact: the fault stays partial (P3 -> P2), never a
    total outage jumping to P1."""
    await desk.say(JOAO, "a globo está travando")
    await desk.expect(JOAO_BASIC, "#1")
    await desk.card(1)
    await desk.say(JOAO, "é urgente, o jogo já começou")
    news = await desk.expect(JOAO_BASIC, "mudou para")
    assert "mudou para alta" in news["text"]
    ticket = await desk.bot.desk.store.get(1)
    assert (ticket.impact, ticket.priority) == (Impact.PARTIAL, Priority.P2)
    card = await desk.card(1, where=lambda text: "P2" in text)
    assert "P1" not in card["text"]
