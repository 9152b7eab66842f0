"""aiogram 3 against the sandbox over HTTP: its own types parse what the sandbox answers."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from PIL import Image

from sandbox import RateLimits, Sandbox, SandboxClient
from tests.sandbox.conftest import ANA, BOT_ID, BRUNO, GROUP, TOKEN

CARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="Assumir", callback_data="claim:9")],
        [InlineKeyboardButton(text="Status", url="https://status.example")],
    ]
)


def png(width: int = 64, height: int = 48) -> bytes:
    """A small PNG, like the backlog chart the bot sends."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


async def open_bot(sandbox: Sandbox) -> Bot:
    """An aiogram Bot whose session points at the sandbox, the documented way."""
    return Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(sandbox.base_url)))


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    """aiogram's Bot on the sandbox."""
    aiogram_bot = await open_bot(sandbox)
    yield aiogram_bot
    await aiogram_bot.session.close()


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (BOT_ID, True, "iptv_support_sandbox_bot")


async def test_html_message_with_keyboard_then_edits(bot: Bot, client: SandboxClient, ana_chat: int) -> None:
    sent = await bot.send_message(
        ana_chat, "<b>Ticket 9</b> aberto 📺 <i>agora</i>", parse_mode=ParseMode.HTML, reply_markup=CARD
    )
    assert sent.text == "Ticket 9 aberto 📺 agora"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 0, 8), ("italic", 19, 5)]
    assert sent.reply_markup is not None and sent.reply_markup.model_dump() == CARD.model_dump()
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.chat.id == ana_chat and sent.chat.type == "private"

    edited = await bot.edit_message_text(
        "Ticket 9 <u>com Ana</u>",
        chat_id=ana_chat,
        message_id=sent.message_id,
        parse_mode=ParseMode.HTML,
        reply_markup=CARD,
    )
    assert not isinstance(edited, bool) and edited.edit_date is not None
    unmarked = await bot.edit_message_reply_markup(chat_id=ana_chat, message_id=sent.message_id)
    assert not isinstance(unmarked, bool) and unmarked.reply_markup is None

    stored = (await client.messages(ana_chat, after=sent.message_id - 1))[0]
    assert stored["text"] == "Ticket 9 com Ana" and "reply_markup" not in stored

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Ticket 9 <u>com Ana</u>", chat_id=ana_chat, message_id=sent.message_id, parse_mode=ParseMode.HTML
        )


async def test_updates_and_callback_answer(bot: Bot, client: SandboxClient, ana_chat: int) -> None:
    first = await bot.get_updates(timeout=0)
    assert first[0].message is not None and first[0].message.text == "oi"
    card = await bot.send_message(ana_chat, "Ajudou?", reply_markup=CARD)
    press = await client.press(ANA, ana_chat, card.message_id, "claim:9")

    updates = await bot.get_updates(offset=first[-1].update_id + 1, timeout=5)
    assert len(updates) == 1
    query = updates[0].callback_query
    assert query is not None and query.data == "claim:9" and query.id == press
    assert query.message is not None and query.message.message_id == card.message_id
    assert await bot.answer_callback_query(query.id, text="É seu", show_alert=True)
    assert await client.callback(press) == {
        "answered": True,
        "text": "É seu",
        "show_alert": True,
        "url": None,
    }
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == []


async def test_photo_and_document_upload_download_and_resend(bot: Bot, ana_chat: int) -> None:
    photo = await bot.send_photo(
        ana_chat, BufferedInputFile(png(), "chart.png"), caption="<b>Backlog</b>", parse_mode=ParseMode.HTML
    )
    assert photo.photo is not None and (photo.photo[-1].width, photo.photo[-1].height) == (64, 48)
    assert photo.caption == "Backlog" and photo.caption_entities and photo.caption_entities[0].type == "bold"
    downloaded = await bot.download(photo.photo[-1].file_id)
    assert downloaded is not None and downloaded.read()[:2] == b"\xff\xd8"  # Telegram keeps photos as JPEG
    again = await bot.send_photo(ana_chat, photo.photo[-1].file_id)
    assert again.photo == photo.photo

    document = await bot.send_document(ana_chat, BufferedInputFile(b"ticket;sla\n9;ok\n", "backlog.csv"))
    assert document.document is not None and document.document.file_name == "backlog.csv"
    file = await bot.get_file(document.document.file_id)
    assert file.file_path and file.file_size == 16
    content = await bot.download_file(file.file_path)
    assert content is not None and content.read() == b"ticket;sla\n9;ok\n"
    resent = await bot.send_document(ana_chat, document.document.file_id, caption="de novo")
    assert resent.document == document.document

    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(ana_chat, BufferedInputFile(b"not an image", "x.png"))


async def test_group_members_topics_and_message_ops(bot: Bot, client: SandboxClient, ana_chat: int) -> None:
    await client.create_chat(
        GROUP, title="Agentes", is_forum=True, members=[{"user": BRUNO, "status": "administrator"}]
    )
    said = await client.send_message(ANA, "alguém?", chat=GROUP)
    assert isinstance(await bot.get_chat_member(GROUP, ANA["id"]), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(GROUP, BRUNO["id"]), ChatMemberAdministrator)
    assert isinstance(await bot.get_chat_member(GROUP, BOT_ID), ChatMemberAdministrator)
    await client.set_member(GROUP, ANA, "left")
    assert isinstance(await bot.get_chat_member(GROUP, ANA["id"]), ChatMemberLeft)

    topic = await bot.create_forum_topic(GROUP, "Ticket 9")
    in_topic = await bot.send_message(
        GROUP,
        "card",
        message_thread_id=topic.message_thread_id,
        reply_parameters=ReplyParameters(message_id=said["message_id"]),
    )
    assert in_topic.message_thread_id == topic.message_thread_id and in_topic.is_topic_message
    assert in_topic.reply_to_message is not None and in_topic.reply_to_message.text == "alguém?"
    assert await bot.edit_forum_topic(GROUP, topic.message_thread_id, name="Ticket 9 · P1")
    assert await bot.close_forum_topic(GROUP, topic.message_thread_id)
    assert await bot.pin_chat_message(GROUP, in_topic.message_id)
    assert await bot.send_chat_action(GROUP, "typing")

    copied = await bot.copy_message(ana_chat, GROUP, in_topic.message_id)
    forwarded = await bot.forward_message(ana_chat, GROUP, in_topic.message_id)
    assert forwarded.forward_origin is not None and forwarded.text == "card"
    assert await bot.delete_message(ana_chat, copied.message_id)
    assert await bot.set_my_commands([BotCommand(command="status", description="Ver o chamado")])
    assert [c.command for c in await bot.get_my_commands()] == ["status"]


async def test_webhook_set_info_delete(bot: Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook"
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""


async def test_forbidden_and_retry_after_exceptions(client: SandboxClient) -> None:
    limits = RateLimits(private_per_second=0.01, private_burst=1)
    async with Sandbox(token=TOKEN, limits=limits) as strict, SandboxClient(strict.base_url) as control:
        aiogram_bot = await open_bot(strict)
        try:
            await control.send_message(ANA, "oi")
            await aiogram_bot.send_message(ANA["id"], "1")
            with pytest.raises(TelegramRetryAfter) as caught:
                await aiogram_bot.send_message(ANA["id"], "2")
            assert caught.value.retry_after >= 1
            await control.block(ANA["id"])
            with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
                await aiogram_bot.send_message(ANA["id"], "3")
        finally:
            await aiogram_bot.session.close()


async def test_closed_and_deleted_topics_answer_telegrams_errors(
    bot: Bot, client: SandboxClient, ana_chat: int
) -> None:
    await client.create_chat(
        GROUP, title="Agentes", is_forum=True, members=[{"user": ANA, "status": "member"}]
    )
    closed = await bot.create_forum_topic(GROUP, "Ticket 1")
    gone = await bot.create_forum_topic(GROUP, "Ticket 2")
    kept = await bot.send_message(GROUP, "card 2", message_thread_id=gone.message_thread_id)
    await client.topic_action(ANA, GROUP, closed.message_thread_id, "close")
    await client.topic_action(ANA, GROUP, gone.message_thread_id, "delete")
    with pytest.raises(TelegramBadRequest, match="Bad Request: TOPIC_CLOSED"):
        await bot.send_message(GROUP, "x", message_thread_id=closed.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message thread not found"):
        await bot.send_message(GROUP, "x", message_thread_id=gone.message_thread_id)
    said = await bot.send_message(ana_chat, "a customer's words")
    with pytest.raises(TelegramBadRequest, match="Bad Request: TOPIC_DELETED"):
        await bot.copy_message(GROUP, ana_chat, said.message_id, message_thread_id=gone.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="Bad Request: TOPIC_DELETED"):
        await bot.reopen_forum_topic(GROUP, gone.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("card 2 · P1", chat_id=GROUP, message_id=kept.message_id)
    assert await bot.reopen_forum_topic(GROUP, closed.message_thread_id)
    assert await bot.send_message(GROUP, "again", message_thread_id=closed.message_thread_id)
    assert await bot.delete_forum_topic(GROUP, closed.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="Bad Request: TOPIC_DELETED"):
        await bot.close_forum_topic(GROUP, closed.message_thread_id)
    texts = [m.get("text") for m in await client.messages(GROUP)]
    assert "card 2" not in texts and "again" not in texts, "a deleted topic's messages go with it"
