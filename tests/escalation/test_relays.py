"""The relay state on a real Redis: one group message per customer burst, shared by every worker."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from escalation.keys import Keys
from escalation.relays import RELAY_SPAN_S, RELAY_TEXT_BYTES, RelayState

pytestmark = pytest.mark.cluster

NOW = 1_767_798_000.0


async def test_a_burst_posts_once_then_grows_until_an_agent_answers_or_it_is_old(
    redis: Redis, namespace: str
) -> None:
    relays = RelayState(redis, Keys(namespace))
    first = await relays.add(1, NOW, 0, "caiu tudo", "head")
    assert (first.verb, first.count, first.text) == ("post", 1, "caiu tudo")
    waiting = await relays.add(1, NOW + 1, 0, "alô?", "other head")
    assert (waiting.verb, waiting.count) == ("wait", 2), "its post is on its way"
    posted = await relays.posted(1, 77)
    assert (posted.message_id, posted.count, posted.header) == (77, 2, "head")
    assert posted.text == "caiu tudo\nalô?"
    grown = await relays.add(1, NOW + 2, 0, "???", "other head")
    assert (grown.verb, grown.message_id, grown.count) == ("edit", 77, 3)

    assert (await relays.add(1, NOW + 3, NOW + 2.5, "obrigado", "head 2")).verb == "post"
    await relays.posted(1, 78)
    assert (await relays.add(1, NOW + 3 + RELAY_SPAN_S, 0, "e agora?", "head 3")).verb == "post"
    await relays.posted(1, 79)
    assert (await relays.add(1, NOW + 4 + RELAY_SPAN_S, 0, "reaberto", "head 4", new=True)).verb == "post"
    assert (await relays.add(2, NOW, 0, "outro chamado", "head")).verb == "post"


async def test_the_text_keeps_the_latest_words_without_splitting_a_character(
    redis: Redis, namespace: str
) -> None:
    relays = RelayState(redis, Keys(namespace))
    await relays.add(1, NOW, 0, "início " + "ç" * 4000, "head")
    await relays.posted(1, 5)
    step = await relays.add(1, NOW + 1, 0, "fim ✅", "head")
    assert step.cut and step.text.endswith("\nfim ✅")
    assert len(step.text.encode()) <= RELAY_TEXT_BYTES
    assert set(step.text.split("\n")[0]) == {"ç"}


async def test_concurrent_messages_of_one_burst_post_once(redis: Redis, namespace: str) -> None:
    relays = RelayState(redis, Keys(namespace))
    steps = await asyncio.gather(*(relays.add(1, NOW, 0, f"m{i}", "head") for i in range(50)))
    assert [s.verb for s in steps].count("post") == 1
    assert max(s.count for s in steps) == 50
