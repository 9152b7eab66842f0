"""What users do in the sandbox reaches `handle` as neutral events, on both runtimes (polling)."""

from __future__ import annotations

import asyncio

from bot.durable.intake import Intake
from bot.runtime import Runtime
from handlers.events import (
    Attachment,
    Button,
    ButtonPress,
    ChatKind,
    Contact,
    IncomingMessage,
    Keyboard,
    Outgoing,
)
from sandbox.client import SandboxClient
from sandbox.server import Sandbox
from tests.bot.runtime.conftest import Inbox, bot_api, stop

ANA = {"id": 501, "first_name": "Ana", "username": "ana_tv", "language_code": "pt-BR"}
BRUNO = {"id": 502, "first_name": "Bruno", "language_code": "es"}


async def test_a_command_with_arguments_and_the_senders_language(client: SandboxClient, inbox: Inbox) -> None:
    sent = await client.send_message(ANA, "/status@iptv_support_sandbox_bot 1234 urgente")

    event = await inbox.next()
    assert isinstance(event, IncomingMessage)
    assert (event.update_id, event.message_id) == (sent["update_id"], sent["message_id"])
    assert (event.command, event.args) == ("status", "1234 urgente")
    assert (event.user.id, event.user.first_name, event.user.username) == (501, "Ana", "ana_tv")
    assert event.user.language_code == "pt-BR" and not event.user.is_bot
    assert (event.chat.id, event.chat.kind) == (501, ChatKind.PRIVATE)


async def test_a_reply_to_the_bots_message(client: SandboxClient, runtime: Runtime, inbox: Inbox) -> None:
    await client.send_message(ANA, "oi")
    await inbox.next()
    question = await runtime.messenger.send(Outgoing(chat_id=501, text="Qual é o seu plano?"))

    await client.send_message(ANA, "Premium", reply_to_message_id=question)
    event = await inbox.next()
    assert isinstance(event, IncomingMessage)
    assert (event.text, event.reply_to_message_id) == ("Premium", question)


async def test_a_shared_contact(client: SandboxClient, inbox: Inbox) -> None:
    await client.send_message(ANA, contact={"phone_number": "+5511988887777", "user_id": 501})

    event = await inbox.next()
    assert isinstance(event, IncomingMessage)
    assert event.contact == Contact("+5511988887777", 501)
    assert event.text == ""


async def test_a_photo_with_caption_names_the_largest_size(client: SandboxClient, inbox: Inbox) -> None:
    sent = await client.send_message(ANA, photo={"width": 1600, "height": 1200}, caption="tela preta")

    event = await inbox.next()
    assert isinstance(event, IncomingMessage)
    stored = next(m for m in await client.messages(501) if m["message_id"] == sent["message_id"])
    largest = max(stored["photo"], key=lambda size: size["width"] * size["height"])
    assert len(stored["photo"]) > 1
    assert event.attachment == Attachment("photo", largest["file_id"])
    assert event.caption == "tela preta"


async def test_a_message_in_a_group(client: SandboxClient, inbox: Inbox) -> None:
    group = {"id": -100700, "type": "supergroup", "title": "Agentes"}
    await client.send_message(BRUNO, "/fila", chat=group)

    event = await inbox.next()
    assert isinstance(event, IncomingMessage)
    assert (event.chat.id, event.chat.kind, event.chat.title) == (-100700, ChatKind.SUPERGROUP, "Agentes")
    assert event.user.language_code == "es"
    assert event.command == "fila" and event.thread_id is None


async def test_a_message_in_a_forum_topic(sandbox: Sandbox, client: SandboxClient, inbox: Inbox) -> None:
    await client.create_chat(-100800, title="Plantão", is_forum=True)
    topic = await bot_api(sandbox, "createForumTopic", chat_id=-100800, name="Ticket 17")

    await client.send_message(
        BRUNO, "cliente sem sinal", chat=-100800, message_thread_id=topic["message_thread_id"]
    )
    event = await inbox.next()
    assert isinstance(event, IncomingMessage)
    assert event.thread_id == topic["message_thread_id"]
    assert event.reply_to_message_id is None  # Telegram's implicit reply to the topic root is not a reply


async def test_a_button_press(client: SandboxClient, runtime: Runtime, inbox: Inbox) -> None:
    await client.send_message(ANA, "oi")
    await inbox.next()
    keyboard = Keyboard.inline([Button("Resolvido", "rate:ok"), Button("Não", "rate:no")])
    card = await runtime.messenger.send(Outgoing(chat_id=501, text="Resolveu?", keyboard=keyboard))

    callback_id = await client.press(ANA, 501, card, "rate:ok")
    event = await inbox.next()
    assert isinstance(event, ButtonPress)
    assert (event.callback_id, event.data, event.message_id) == (callback_id, "rate:ok", card)
    assert (event.user.id, event.chat.id, event.thread_id) == (501, 501, None)


async def test_updates_sent_while_the_bot_was_down_are_not_skipped(
    client: SandboxClient, runtime: Runtime, intake: Intake
) -> None:
    await client.send_message(ANA, "alguém aí?")
    await client.send_message(ANA, "meu canal caiu")

    inbox = Inbox()
    polling = asyncio.create_task(intake.run_polling(inbox))
    try:
        events = [await inbox.next(), await inbox.next()]
    finally:
        await stop(polling)
    assert [e.text for e in events if isinstance(e, IncomingMessage)] == ["alguém aí?", "meu canal caiu"]
