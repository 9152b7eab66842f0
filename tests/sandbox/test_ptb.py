"""python-telegram-bot 22 against the sandbox over HTTP: Bot calls, errors, and Application polling."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from sandbox import RateLimits, Sandbox, SandboxClient
from tests.sandbox.conftest import ANA, BOT_ID, BRUNO, GROUP, TOKEN
from tests.sandbox.test_aiogram import png

CARD = InlineKeyboardMarkup([[InlineKeyboardButton("Assumir", callback_data="claim:9")]])


def ptb_bot(sandbox: Sandbox) -> Bot:
    """A PTB Bot on the sandbox: base_url gets the token appended, base_file_url too."""
    return Bot(TOKEN, base_url=sandbox.ptb_base_url, base_file_url=sandbox.ptb_base_file_url)


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    """An initialised PTB Bot (initialising calls getMe)."""
    async with ptb_bot(sandbox) as ptb:
        yield ptb


async def test_get_me_html_keyboard_and_edits(bot: Bot, ana_chat: int) -> None:
    assert (bot.id, bot.username) == (BOT_ID, "iptv_support_sandbox_bot")
    sent = await bot.send_message(
        ana_chat,
        "<b>Ticket 9</b> 📺 <a href='https://status.example'>status</a>",
        parse_mode=ParseMode.HTML,
        reply_markup=CARD,
    )
    assert sent.text == "Ticket 9 📺 status"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 8), ("text_link", 12, 6)]
    assert sent.entities[1].url == "https://status.example"
    assert sent.reply_markup == CARD
    assert sent.from_user is not None and sent.from_user.id == BOT_ID

    edited = await bot.edit_message_text(
        "Ticket 9 com Ana", chat_id=ana_chat, message_id=sent.message_id, reply_markup=CARD
    )
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    cleared = await bot.edit_message_reply_markup(chat_id=ana_chat, message_id=sent.message_id)
    assert not isinstance(cleared, bool) and cleared.reply_markup is None
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=ana_chat, message_id=sent.message_id)


async def test_updates_and_callback_answer(bot: Bot, client: SandboxClient, ana_chat: int) -> None:
    first = await bot.get_updates(timeout=0)
    assert first[0].message is not None and first[0].message.chat.id == ana_chat
    card = await bot.send_message(ana_chat, "Ajudou?", reply_markup=CARD)
    press = await client.press(ANA, ana_chat, card.message_id, "claim:9")
    updates = await bot.get_updates(offset=first[-1].update_id + 1, timeout=5)
    query = updates[0].callback_query
    assert query is not None and query.id == press and query.data == "claim:9"
    assert await query.answer("Ok")
    assert (await client.callback(press))["text"] == "Ok"


async def test_photo_document_get_file_and_download(bot: Bot, ana_chat: int) -> None:
    photo = await bot.send_photo(ana_chat, png(1600, 900), caption="Backlog")
    sizes = [(p.width, p.height) for p in photo.photo]
    assert sizes == [(90, 51), (320, 180), (800, 450), (1280, 720), (1600, 900)]
    largest = await bot.get_file(photo.photo[-1].file_id)
    assert largest.file_path is not None and largest.file_path.startswith(bot.base_file_url)
    assert (await largest.download_as_bytearray())[:2] == b"\xff\xd8"

    document = await bot.send_document(ana_chat, b"a,b\n1,2\n", filename="report.csv")
    assert document.document is not None and document.document.mime_type == "text/csv"
    file = await bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"


async def test_chat_members(bot: Bot, client: SandboxClient) -> None:
    await client.create_chat(GROUP, title="Agentes", members=[{"user": BRUNO, "status": "administrator"}])
    await client.send_message(ANA, "oi", chat=GROUP)
    assert isinstance(await bot.get_chat_member(GROUP, ANA["id"]), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(GROUP, BRUNO["id"]), ChatMemberAdministrator)
    await client.set_member(GROUP, BRUNO, "left")
    assert isinstance(await bot.get_chat_member(GROUP, BRUNO["id"]), ChatMemberLeft)


async def test_errors_map_to_ptb_exceptions(client: SandboxClient) -> None:
    async with (
        Sandbox(token=TOKEN, limits=RateLimits(private_per_second=0.01, private_burst=1)) as strict,
        SandboxClient(strict.base_url) as control,
        ptb_bot(strict) as ptb,
    ):
        await control.send_message(ANA, "oi")
        await ptb.send_message(ANA["id"], "1")
        with pytest.raises(RetryAfter):
            await ptb.send_message(ANA["id"], "2")
        with pytest.raises(BadRequest, match="Message text is empty"):
            await ptb.send_message(ANA["id"], " ")
        await control.block(ANA["id"])
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await ptb.send_message(ANA["id"], "3")


async def test_application_polling_gets_a_command_and_a_message(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(sandbox.ptb_base_url)
        .base_file_url(sandbox.ptb_base_file_url)
        .build()
    )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start greets."""
        assert update.effective_message is not None
        await update.effective_message.reply_text("Olá! Como posso ajudar?")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any other text is echoed as a quoted reply."""
        assert update.effective_message is not None and update.effective_message.text is not None
        await update.effective_message.reply_text(f"Recebi: {update.effective_message.text}", do_quote=True)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=2)
        try:
            await client.send_message(ANA, "/start")
            await client.wait_for(ANA["id"], lambda m: m.get("text") == "Olá! Como posso ajudar?", 10)
            sent = await client.send_message(ANA, "sem sinal")
            reply = await client.wait_for(ANA["id"], lambda m: m.get("text") == "Recebi: sem sinal", 10)
            assert reply["reply_to_message"]["message_id"] == sent["message_id"]
        finally:
            await app.updater.stop()
            await app.stop()


async def test_closed_and_deleted_topics_raise_ptb_bad_request(bot: Bot, client: SandboxClient) -> None:
    await client.create_chat(
        GROUP, title="Agentes", is_forum=True, members=[{"user": ANA, "status": "member"}]
    )
    closed = await bot.create_forum_topic(GROUP, "Ticket 1")
    gone = await bot.create_forum_topic(GROUP, "Ticket 2")
    card = await bot.send_message(GROUP, "card 1", message_thread_id=closed.message_thread_id)
    await client.topic_action(ANA, GROUP, closed.message_thread_id, "close")
    await client.topic_action(ANA, GROUP, gone.message_thread_id, "delete")
    with pytest.raises(BadRequest, match="Topic_closed"):
        await bot.send_message(GROUP, "x", message_thread_id=closed.message_thread_id)
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(GROUP, "x", message_thread_id=gone.message_thread_id)
    with pytest.raises(BadRequest, match="Topic_deleted"):
        await bot.forward_message(GROUP, GROUP, card.message_id, message_thread_id=gone.message_thread_id)
    with pytest.raises(BadRequest, match="Topic_deleted"):
        await bot.edit_forum_topic(GROUP, gone.message_thread_id, name="Ticket 2 · P1")
