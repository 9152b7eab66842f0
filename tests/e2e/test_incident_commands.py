"""Careless `/incident` commands end to end on both runtimes: ids that do not parse, titles too long.

An incident id is `I4` or `4`; anything else meant as an id is refused, and with several
incidents open the agent is asked which one, never sent to "the newest". Titles and texts are
bounded at input; `/incident list` and the managers' summary never fail on what is stored.
"""

from __future__ import annotations

import pytest

from escalation.incidents import IncidentStore
from tests.e2e.conftest import AGENT_ANA, AGENTS_CHAT, MANAGER_CHAT, Desk, buttons, user

pytestmark = pytest.mark.cluster

ANA = user(AGENT_ANA, "Ana")


def incidents_of(desk: Desk) -> IncidentStore:
    return desk.bot.dispatcher.incidents.store


async def test_an_incident_id_is_I4_or_4_and_anything_else_is_refused(desk: Desk) -> None:
    await desk.agent_says(ANA, "/incident open Servidor SP fora")
    await desk.expect(AGENTS_CHAT, "Incident I1 opened.")
    await incidents_of(desk).open("Recife sem sinal", scope="region:Recife")  # I2, opened by detection

    await desk.agent_says(ANA, "/incident resolve 1 pronto")
    prompt = await desk.expect(
        AGENTS_CHAT, "I1: confirming closes the waiting tickets and tells their subscribers (0)"
    )
    cancel = await desk.api.press(ANA, AGENTS_CHAT, prompt["message_id"], buttons(prompt)["✖️ Cancel"])
    assert (await desk.api.callback(cancel))["text"] == "Resolution of I1 cancelled."
    stale = await desk.api.press(
        ANA, AGENTS_CHAT, prompt["message_id"], buttons(prompt)["✔️ Confirm: close 0"]
    )
    assert (await desk.api.callback(stale))["show_alert"]  # the cancelled count confirms nothing
    assert (await incidents_of(desk).get(1)).is_open

    await desk.agent_says(ANA, "/incident resolve 1 texto")
    await desk.expect(
        AGENTS_CHAT,
        "I1: confirming closes the waiting tickets and tells their subscribers (0)",
        after=prompt["message_id"],
    )
    await desk.agent_says(ANA, "/incident update voltando aos poucos")
    which = await desk.expect(AGENTS_CHAT, "incidents are open")
    assert "2 incidents are open (I2, I1). Say which, e.g. /incident update I2 text" in which["text"]
    await desk.agent_says(ANA, "/incident resolve #2 pronto")
    await desk.expect(AGENTS_CHAT, '"#2" is not an incident. Use the incident\'s number, e.g. I4 or 4.')
    await desk.agent_says(ANA, "/incident update I9 teste")
    await desk.expect(AGENTS_CHAT, "Incident I9 does not exist.")

    i1, i2 = await incidents_of(desk).get(1), await incidents_of(desk).get(2)
    assert i1.is_open and i1.resolve_asked is not None and i1.resolve_asked.text == "texto"
    assert i2.is_open and i2.status_text is None and i2.resolve_asked is None


async def test_long_titles_are_refused_and_lists_and_summaries_never_fail(desk: Desk) -> None:
    await desk.agent_says(ANA, "/incident open " + "T" * 4050)
    await desk.expect(AGENTS_CHAT, "Text too long (4050 characters; at most 120). Nothing was done.")
    assert await incidents_of(desk).recent() == []

    # Incidents stored before titles were bounded: one 4,050 characters long, and a dozen in all.
    store = incidents_of(desk)
    for n in range(12):
        incident, _, _ = await store.open(("X" * 4050) if n == 0 else f"Queda {n}")
        if n < 11:
            await store.resolve(incident.id)
    await desk.agent_says(ANA, "/incident update " + "u" * 1001)
    await desk.expect(AGENTS_CHAT, "Text too long (1001 characters; at most 1000). Nothing was done.")

    await desk.agent_says(ANA, "/incident list")
    listing = await desk.expect(AGENTS_CHAT, "Incidents:")
    assert "I12 Queda 11" in listing["text"] and "… and 2 more" in listing["text"]

    await desk.api.send_message(user(MANAGER_CHAT, "Gerente"), "/report 24h")
    summary = await desk.expect(MANAGER_CHAT, "Summary")
    assert "Incidents: 12" in summary["text"] and "… and 2 more" in summary["text"]
    assert "I1 " + "X" * 59 + "…" in summary["text"]
