"""Topic mode (AGENTS_TOPICS): the agents' group is a forum with one topic per customer.

Every scenario runs on both runtimes through the sandbox, whose forum answers Telegram's errors
for closed and deleted topics, and reads what agents see in each topic and in the General topic.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from bench.workspace import DAY_START, TICKETS, DayPlayer
from escalation.clock import ManualClock
from handlers.dispatcher import Dispatcher
from handlers.events import Chat, ChatKind, IncomingMessage, User
from handlers.texts import a
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENT_BRUNO,
    AGENTS_CHAT,
    CARLA_PREMIUM,
    JOAO_BASIC,
    Desk,
    buttons,
    open_harness,
    user,
)
from tests.e2e.test_scenarios import ANA, BRUNO, CARLA, JOAO, open_ticket

pytestmark = pytest.mark.cluster


async def make_forum(desk: Desk) -> None:
    """The agents' group as a forum (topics enabled), with both agents."""
    await desk.api.create_chat(
        AGENTS_CHAT,
        title="Agents",
        is_forum=True,
        members=[
            {"user": user(AGENT_ANA, "Ana"), "status": "member"},
            {"user": user(AGENT_BRUNO, "Bruno"), "status": "member"},
        ],
    )


@pytest.fixture
async def desk(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    """The bot in topic mode, English agent texts, limits off."""
    async for harness in open_harness(
        redis_config, namespace, runtime_kind, tmp_path, settings_overrides={"agents_topics": True}
    ):
        await make_forum(harness)
        yield harness


async def topics(desk: Desk) -> dict[int, dict[str, Any]]:
    """The group's forum topics by thread id, as the sandbox holds them."""
    chats = {chat["id"]: chat for chat in await desk.api.chats()}
    return {topic["message_thread_id"]: topic for topic in chats[AGENTS_CHAT]["topics"]}


async def topic_of(desk: Desk, number: int) -> int:
    """The thread of ticket #number's card (waits for the card)."""
    card = await desk.card(number)
    assert card.get("is_topic_message"), card
    return int(card["message_thread_id"])


async def in_topic(desk: Desk, thread: int, contains: str, after: int | None = None) -> dict[str, Any]:
    """The first bot message in a topic containing `contains` (not the card, which quotes the customer)."""
    return await desk.expect(
        AGENTS_CHAT,
        contains,
        after=after,
        where=lambda m: m.get("message_thread_id") == thread and "reply_markup" not in m,
    )


async def in_topic_says(
    desk: Desk, who: dict[str, Any], thread: int, text: str, **extra: Any
) -> dict[str, Any]:
    """An agent writes in a customer's topic."""
    return await desk.agent_says(who, text, message_thread_id=thread, **extra)


async def ticket_of(desk: Desk, who: dict[str, Any], text: str) -> int:
    """A customer writes; the ticket number the bot's answer to that message names."""
    sent = await desk.say(who, text)
    reply = await desk.expect(who["id"], "#", after=sent["message_id"])
    return int(reply["text"].split("#", 1)[1].split()[0].rstrip(".,"))


async def settle(desk: Desk) -> None:
    """Until everything queued for Telegram was sent."""
    await desk.bot.outbox.stop(drain_timeout=5)
    desk.bot.outbox.start()


async def test_a_customer_gets_one_topic_with_the_card_first_and_agents_answer_in_it(desk: Desk) -> None:
    number = await open_ticket(desk, CARLA)
    thread = await topic_of(desk, number)
    topic = (await topics(desk))[thread]
    assert topic["name"].startswith("🔴 P1 · #") and "Carla" in topic["name"]
    assert topic["icon_color"] == 0xFB6F5F  # red: the colour of P1
    card = await desk.card(number)
    assert {"Claim", "Release", "Resolve"} <= set(buttons(card))

    await desk.say(CARLA, "ainda sem sinal, já reiniciei o roteador")
    await in_topic(desk, thread, "já reiniciei o roteador")

    await in_topic_says(desk, ANA, thread, "Vou verificar agora, um momento")
    await desk.expect(CARLA_PREMIUM, "Vou verificar agora")
    await desk.card(number, where=lambda text: "With: Ana" in text)  # the first answer claimed it

    note = await in_topic_says(desk, ANA, thread, "/note cliente com roteador antigo")
    await in_topic(desk, thread, f"Note added to #{number}", after=note["message_id"])
    await desk.card(number, where=lambda text: "cliente com roteador antigo" in text)

    held = await in_topic_says(desk, BRUNO, thread, "Posso ajudar?")
    warning = await desk.expect(
        AGENTS_CHAT, "Ana", after=held["message_id"], where=lambda m: m.get("message_thread_id") == thread
    )
    assert "Send anyway" in buttons(warning)

    resolve = await in_topic_says(desk, ANA, thread, "/resolve msg Sinal restabelecido")
    await desk.expect(CARLA_PREMIUM, "Sinal restabelecido")
    await desk.card(number, where=lambda text: "✅" in text)
    await settle(desk)
    assert resolve["message_id"] not in [
        m.get("reply_to_message", {}).get("message_id") for m in await desk.bot_messages(AGENTS_CHAT)
    ]
    assert (await topics(desk))[thread]["is_closed"]
    customer_texts = " ".join(m.get("text", "") for m in await desk.bot_messages(CARLA_PREMIUM))
    assert "roteador antigo" not in customer_texts and "Posso ajudar" not in customer_texts
    assert len(await topics(desk)) == 1


async def test_a_new_ticket_of_the_same_customer_reopens_their_topic_with_a_new_card(desk: Desk) -> None:
    first = await open_ticket(desk, JOAO, "meu boleto veio errado, preciso de ajuda com a fatura")
    thread = await topic_of(desk, first)
    await in_topic_says(desk, ANA, thread, "/resolve")
    await desk.card(first, where=lambda text: "✅" in text)
    await settle(desk)
    assert (await topics(desk))[thread]["is_closed"]

    second = await ticket_of(desk, JOAO, "quero cancelar minha assinatura")
    assert second != first
    assert await topic_of(desk, second) == thread
    await settle(desk)
    assert not (await topics(desk))[thread]["is_closed"]
    assert len(await topics(desk)) == 1
    await in_topic_says(desk, BRUNO, thread, "Entendido, vou cuidar disso")
    await desk.expect(JOAO_BASIC, "vou cuidar disso")
    await desk.card(second, where=lambda text: "With: Bruno" in text)


async def test_a_deleted_topic_is_made_again_and_the_message_is_not_lost(desk: Desk) -> None:
    number = await open_ticket(desk, CARLA)
    thread = await topic_of(desk, number)
    await desk.api.topic_action(ANA, AGENTS_CHAT, thread, "delete")

    await desk.say(CARLA, "alguém pode me ajudar? continua tudo fora do ar")
    copied = await desk.expect(
        AGENTS_CHAT, "continua tudo fora do ar", where=lambda m: "reply_markup" not in m
    )
    new_thread = int(copied["message_thread_id"])
    assert new_thread != thread
    card = await desk.card(number)
    assert card["message_thread_id"] == new_thread and card["message_id"] < copied["message_id"]
    assert set(await topics(desk)) == {new_thread}

    await in_topic_says(desk, ANA, new_thread, "Estamos verificando")
    await desk.expect(CARLA_PREMIUM, "Estamos verificando")


async def test_a_topic_closed_by_a_person_is_reopened_and_the_message_is_not_lost(desk: Desk) -> None:
    number = await open_ticket(desk, CARLA)
    thread = await topic_of(desk, number)
    await desk.api.topic_action(ANA, AGENTS_CHAT, thread, "close")

    await desk.say(CARLA, "ainda aguardo retorno sobre a queda")
    await in_topic(desk, thread, "ainda aguardo retorno")
    assert not (await topics(desk))[thread]["is_closed"]


async def test_an_album_an_edit_and_a_voice_message_reach_the_topic(desk: Desk) -> None:
    number = await open_ticket(desk, CARLA)
    thread = await topic_of(desk, number)
    parts = [
        await desk.api.send_message(
            CARLA, photo={"width": 40 + i, "height": 30}, caption=caption, media_group_id="album-1"
        )
        for i, caption in enumerate(("a tela fica assim", None, None))
    ]
    album = await desk.api.wait_for(
        AGENTS_CHAT, lambda m: m.get("media_group_id") is not None and m.get("message_thread_id") == thread
    )
    await settle(desk)
    in_album = [
        m for m in await desk.bot_messages(AGENTS_CHAT) if m.get("media_group_id") == album["media_group_id"]
    ]
    assert len(in_album) == 3 and all("photo" in m for m in in_album)
    assert "Carla" in in_album[0]["caption"] and "a tela fica assim" in in_album[0]["caption"]
    loose = [m for m in await desk.bot_messages(AGENTS_CHAT) if "photo" in m and "media_group_id" not in m]
    assert loose == []
    assert len([m for m in await desk.bot_messages(CARLA_PREMIUM) if f"#{number}" in m.get("text", "")]) <= 2

    words = await desk.say(CARLA, "o decodificador mostra erro 42")
    await in_topic(desk, thread, "erro 42")
    await desk.api.send_message(CARLA, "o decodificador mostra erro 43", edit_message_id=words["message_id"])
    notice = await in_topic(desk, thread, "erro 43")
    edited = a("en", "customer_edited", name="Carla Souza", text="o decodificador mostra erro 43")
    assert notice["text"] == edited
    history = await desk.bot.desk.store.log(number)
    assert any(e["event"] == "edited" and e["text"] == "o decodificador mostra erro 43" for e in history)

    await desk.api.send_message(CARLA, voice={"duration": 4}, caption="ouve o barulho")
    voice = await desk.api.wait_for(
        AGENTS_CHAT, lambda m: "voice" in m and m.get("message_thread_id") == thread
    )
    assert "ouve o barulho" in voice["caption"]
    await desk.api.send_message(CARLA, video_note={"duration": 3})
    await desk.api.wait_for(AGENTS_CHAT, lambda m: "video_note" in m and m.get("message_thread_id") == thread)
    assert parts[0]["message_id"] < parts[-1]["message_id"]


async def test_a_photo_that_opens_a_ticket_is_copied_into_the_topic_after_the_card(desk: Desk) -> None:
    sent = await desk.api.send_message(
        JOAO, photo={"width": 64, "height": 48}, caption="tela preta, nada abre"
    )
    reply = await desk.expect(JOAO_BASIC, "#", after=sent["message_id"])
    number = int(reply["text"].split("#", 1)[1].split()[0].rstrip(".,"))
    thread = await topic_of(desk, number)
    card = await desk.card(number)
    photo = await desk.api.wait_for(
        AGENTS_CHAT, lambda m: "photo" in m and m.get("message_thread_id") == thread
    )
    assert photo["message_id"] > card["message_id"] and "tela preta" in photo.get("caption", "")


async def test_racing_first_messages_of_a_customer_on_two_workers_make_one_topic(desk: Desk) -> None:
    """Two handlers (as two workers: each its own dispatcher, one Redis) take two first messages of
    one customer at once, for several customers: each customer gets one topic."""
    customers = [user(1500 + i, f"Cliente{i}") for i in range(4)]
    for who in customers:  # the private chats exist, as after /start
        sent = await desk.say(who, "/start")
        await desk.expect(who["id"], "", after=sent["message_id"])
    workers = (desk.bot.dispatcher, Dispatcher(desk.bot.dispatcher.ctx))
    racing = [
        worker.handle(
            IncomingMessage(
                update_id=10**8 + 2 * who["id"] + index,
                message_id=10**6 + index,
                user=User(who["id"], who["first_name"], language_code="pt"),
                chat=Chat(who["id"], ChatKind.PRIVATE),
                text="nenhum canal funciona desde ontem, a tv está toda fora do ar",
            )
        )
        for who in customers
        for index, worker in enumerate(workers)
    ]
    await asyncio.gather(*racing)
    await settle(desk)
    forum = await topics(desk)
    names = sorted(topic["name"].split(" · ")[-1] for topic in forum.values())
    assert names == sorted(who["first_name"] for who in customers)


async def test_a_refresh_that_read_the_ticket_earlier_never_leaves_the_card_behind(desk: Desk) -> None:
    """Refreshes run side by side (a customer's follow-up, an agent's resolve): the one that read
    the ticket first may come last, and must not put the older state back on the card."""
    number = await open_ticket(desk, CARLA)
    await topic_of(desk, number)
    store, actions = desk.bot.desk.store, desk.bot.dispatcher.customers.actions
    earlier = await store.get(number)
    resolved = await store.resolve(number, AGENT_ANA)
    await actions.refresh_card(resolved)
    await desk.card(number, where=lambda text: "✅" in text)
    await actions.refresh_card(earlier)
    await settle(desk)
    assert "✅" in (await desk.card(number))["text"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DAY_START)


@pytest.fixture
async def day_desk(
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
    clock: ManualClock,
) -> AsyncIterator[Desk]:
    """Topic mode on the day's manual clock, Portuguese agent texts."""
    async for harness in open_harness(
        redis_config,
        namespace,
        runtime_kind,
        tmp_path,
        clock=clock,
        agents_language="pt",
        settings_overrides={"agents_topics": True},
    ):
        await make_forum(harness)
        yield harness


async def test_a_day_of_30_tickets_with_two_agents_in_topics(day_desk: Desk, clock: ManualClock) -> None:
    desk = day_desk
    watch = desk.bot.dispatcher.sla_watch

    async def sla_tick(seconds: float) -> None:
        clock.advance(seconds)
        await watch.tick()
        await watch.drain()

    player = DayPlayer(desk.api, topics=True, sla_tick=sla_tick)
    await player.play()
    await settle(desk)

    assert len(set(player.tickets)) == TICKETS
    forum = await topics(desk)
    assert len(forum) == TICKETS - 1  # one per customer: the second ticket went to the first topic
    assert all(topic["is_closed"] for topic in forum.values())
    cards = {number: await player.card(number, lambda text: "✅" in text) for number in set(player.tickets)}
    assert cards[player.tickets[0]]["message_thread_id"] == cards[player.tickets[-1]]["message_thread_id"]
    general = [m for m in await desk.bot_messages(AGENTS_CHAT) if "message_thread_id" not in m]
    # the General topic holds the SLA pings and the queue board: no card, no customer's words
    assert 0 < len(general) <= TICKETS // 3
    assert not any(
        m.get("text", "").startswith("Cliente") or "Motivos:" in m.get("text", "") for m in general
    )
    notes = [m for m in await desk.bot_messages(5000) if "trocou o roteador" in m.get("text", "")]
    assert notes == []
