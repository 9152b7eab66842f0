"""The Messenger port of both runtimes against the sandbox: what arrives, and which neutral error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from bot.runtime import Runtime, RuntimeKind, build_runtime
from handlers.events import Attachment, Button, Keyboard, Outgoing
from handlers.messenger import BadRequest, Forbidden, NotModified, RetryAfter
from sandbox import botapi
from sandbox.client import SandboxClient
from sandbox.params import Params
from sandbox.ratelimit import RateLimits
from sandbox.server import Sandbox
from tests.bot.runtime.conftest import bot_api

ANA = {"id": 601, "first_name": "Ana"}
CARD = Keyboard.inline([Button("Assumir", "claim:9")], [Button("Resolver", "resolve:9")])


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Params]]]:
    """The Bot API calls the sandbox serves, with their parameters as it read them."""
    seen: list[tuple[str, Params]] = []
    find = botapi.find_method

    def recording(name: str) -> Any:
        found = find(name)
        if found is None:
            return None
        canonical, handler = found

        async def record(core: Any, params: Params) -> Any:
            seen.append((canonical, params))
            return await handler(core, params)

        return canonical, record

    monkeypatch.setattr(botapi, "find_method", recording)
    yield seen


async def opened_chat(client: SandboxClient) -> int:
    """Ana writes first, as a subscriber must before a bot may write to them."""
    await client.send_message(ANA, "oi")
    return int(ANA["id"])


async def stored(client: SandboxClient, chat_id: int, message_id: int) -> dict[str, Any]:
    """A message as the sandbox keeps it now."""
    return next(m for m in await client.messages(chat_id) if m["message_id"] == message_id)


async def test_html_text_with_an_inline_keyboard_and_no_link_preview(
    client: SandboxClient, runtime: Runtime, calls: list[tuple[str, Params]]
) -> None:
    chat = await opened_chat(client)
    message_id = await runtime.messenger.send(
        Outgoing(chat_id=chat, text="<b>Ticket 9</b> aberto: https://status.example", keyboard=CARD)
    )

    message = await stored(client, chat, message_id)
    assert message["text"] == "Ticket 9 aberto: https://status.example"
    assert {"offset": 0, "length": 8, "type": "bold"} in message["entities"]
    assert message["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Assumir", "callback_data": "claim:9"}],
            [{"text": "Resolver", "callback_data": "resolve:9"}],
        ]
    }
    method, params = calls[-1]
    assert method == "sendMessage"
    assert params.text("parse_mode") == "HTML"
    assert params.obj("link_preview_options", "") == {"is_disabled": True}


async def test_contact_request_keyboard_then_its_removal(client: SandboxClient, runtime: Runtime) -> None:
    chat = await opened_chat(client)
    await runtime.messenger.send(
        Outgoing(chat_id=chat, text="Seu telefone?", keyboard=Keyboard.share_contact("Enviar"))
    )

    summary = next(c for c in await client.chats() if c["id"] == chat)
    assert summary["reply_keyboard"]["keyboard"] == [[{"text": "Enviar", "request_contact": True}]]
    assert summary["reply_keyboard"]["one_time_keyboard"] is True
    assert summary["reply_keyboard"]["resize_keyboard"] is True

    await runtime.messenger.send(Outgoing(chat_id=chat, text="Obrigado", keyboard=Keyboard.removed()))
    summary = next(c for c in await client.chats() if c["id"] == chat)
    assert summary["reply_keyboard"] is None


async def test_a_photo_by_file_id_with_an_html_caption(client: SandboxClient, runtime: Runtime) -> None:
    chat = await opened_chat(client)
    sent = await client.send_message(ANA, photo={"width": 640, "height": 480})
    photo = (await stored(client, chat, sent["message_id"]))["photo"][-1]

    message_id = await runtime.messenger.send(
        Outgoing(chat_id=chat, text="<i>Recebido</i>", attachment=Attachment("photo", photo["file_id"]))
    )
    message = await stored(client, chat, message_id)
    assert message["photo"][-1]["file_id"] == photo["file_id"]
    assert message["caption"] == "Recebido"
    assert message["caption_entities"] == [{"offset": 0, "length": 8, "type": "italic"}]


async def test_a_document_by_file_id(sandbox: Sandbox, client: SandboxClient, runtime: Runtime) -> None:
    chat = await opened_chat(client)
    upload = aiohttp.FormData()
    upload.add_field("chat_id", str(chat))
    upload.add_field("document", b"channel list", filename="canais.txt", content_type="text/plain")
    document = (await bot_api(sandbox, "sendDocument", data=upload))["document"]

    message_id = await runtime.messenger.send(
        Outgoing(chat_id=chat, attachment=Attachment("document", document["file_id"], "canais.txt"))
    )
    message = await stored(client, chat, message_id)
    assert message["document"]["file_id"] == document["file_id"]
    assert "caption" not in message


async def test_an_unknown_attachment_kind_is_a_bad_request(runtime: Runtime) -> None:
    with pytest.raises(BadRequest):
        await runtime.messenger.send(Outgoing(chat_id=1, text="x", attachment=Attachment("video", "v1")))


async def test_reply_to_and_to_a_vanished_message(client: SandboxClient, runtime: Runtime) -> None:
    chat = await opened_chat(client)
    first = await runtime.messenger.send(Outgoing(chat_id=chat, text="Primeira"))

    reply = await runtime.messenger.send(Outgoing(chat_id=chat, text="Resposta", reply_to=first))
    assert (await stored(client, chat, reply))["reply_to_message"]["message_id"] == first

    orphan = await runtime.messenger.send(Outgoing(chat_id=chat, text="Sem alvo", reply_to=9999))
    assert "reply_to_message" not in await stored(client, chat, orphan)


async def test_a_message_into_a_forum_topic(
    sandbox: Sandbox, client: SandboxClient, runtime: Runtime
) -> None:
    await client.send_message(ANA, "bom dia", chat={"id": -100900, "type": "supergroup", "is_forum": True})
    topic = await bot_api(sandbox, "createForumTopic", chat_id=-100900, name="Ticket 3")

    message_id = await runtime.messenger.send(
        Outgoing(chat_id=-100900, text="Assumido", thread_id=topic["message_thread_id"])
    )
    message = await stored(client, -100900, message_id)
    assert message["message_thread_id"] == topic["message_thread_id"]
    assert message["is_topic_message"] is True


async def test_edit_replaces_text_and_keyboard_and_identical_edit_is_not_modified(
    client: SandboxClient, runtime: Runtime
) -> None:
    chat = await opened_chat(client)
    card = await runtime.messenger.send(Outgoing(chat_id=chat, text="<b>Aberto</b>", keyboard=CARD))

    with pytest.raises(NotModified):
        await runtime.messenger.edit(chat, card, "<b>Aberto</b>", CARD)

    await runtime.messenger.edit(chat, card, "<b>Resolvido</b>")
    message = await stored(client, chat, card)
    assert message["text"] == "Resolvido"
    assert "reply_markup" not in message

    with pytest.raises(BadRequest):
        await runtime.messenger.edit(chat, card, "x", Keyboard.share_contact("Enviar"))


async def test_sending_to_a_user_who_blocked_the_bot_is_forbidden(
    client: SandboxClient, runtime: Runtime
) -> None:
    chat = await opened_chat(client)
    await client.block(chat)
    with pytest.raises(Forbidden):
        await runtime.messenger.send(Outgoing(chat_id=chat, text="Ainda aí?"))


async def test_sending_to_an_unknown_chat_is_a_bad_request(runtime: Runtime) -> None:
    with pytest.raises(BadRequest):
        await runtime.messenger.send(Outgoing(chat_id=-100123456, text="?"))


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own, at construction
async def test_a_burst_over_the_flood_limit_raises_retry_after(kind: RuntimeKind) -> None:
    limits = RateLimits(private_burst=2, private_per_second=0.1)
    async with Sandbox(limits=limits) as sandbox, SandboxClient(sandbox.base_url) as client:
        runtime = build_runtime(kind, sandbox.token, sandbox.base_url)
        try:
            chat = await opened_chat(client)
            with pytest.raises(RetryAfter) as caught:
                for n in range(10):
                    await runtime.messenger.send(Outgoing(chat_id=chat, text=f"aviso {n}"))
        finally:
            await runtime.close()
    assert caught.value.seconds > 0


async def test_answer_button_shows_in_the_callback_state(client: SandboxClient, runtime: Runtime) -> None:
    chat = await opened_chat(client)
    card = await runtime.messenger.send(Outgoing(chat_id=chat, text="Avalie", keyboard=CARD))
    quiet = await client.press(ANA, chat, card, "claim:9")
    loud = await client.press(ANA, chat, card, "resolve:9")

    await runtime.messenger.answer_button(quiet)
    await runtime.messenger.answer_button(loud, "Já resolvido por Bruno", alert=True)

    assert await client.callback(quiet) == {"answered": True, "text": None, "show_alert": False, "url": None}
    assert await client.callback(loud) == {
        "answered": True,
        "text": "Já resolvido por Bruno",
        "show_alert": True,
        "url": None,
    }
    with pytest.raises(BadRequest):
        await runtime.messenger.answer_button(loud)  # Telegram takes one answer per press


async def test_chat_member(client: SandboxClient, runtime: Runtime) -> None:
    members = [
        {"user": {"id": 701, "first_name": "Chefe"}, "status": "creator"},
        {"user": {"id": 702, "first_name": "Bruno"}, "status": "administrator"},
        {"user": {"id": 703, "first_name": "Carla"}, "status": "member"},
        {"user": {"id": 704, "first_name": "Ex"}, "status": "kicked"},
    ]
    await client.create_chat(-100950, title="Agentes", members=members)
    outsider = await opened_chat(client)

    members = [await runtime.messenger.chat_member(-100950, user) for user in (701, 702, 703, 704, outsider)]
    assert [member.status for member in members] == ["creator", "administrator", "member", "kicked", "left"]
    assert [member.user.first_name for member in members[:3]] == ["Chefe", "Bruno", "Carla"]
    with pytest.raises(BadRequest):
        await runtime.messenger.chat_member(-100950, 799)  # a user the bot has never seen
