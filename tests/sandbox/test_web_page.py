"""The sandbox's demo page: its control hooks over HTTP, and the page itself in headless Chromium.

The browser tests start the real bot (aiogram) against a sandbox in this event loop, exactly as the
end-to-end harness does, register the demo as `supportbot run` does, and then act only through the
page: choosing people, typing, pressing buttons. They assert what the page shows, with Playwright's
auto-waiting `expect`, so they wait for behaviour and never for a fixed time.

They need Debian's `chromium` at /usr/bin/chromium (`.ci/run` installs it); without it they are
skipped with that reason, visible in pytest's `-ra` summary.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image
from playwright.async_api import Browser, Locator, Page, async_playwright, expect
from redis.asyncio import Redis

from bot.app import register_demo, sandbox_defaults
from bot.config import Settings
from escalation.directory import CsvDirectory
from escalation.policy import Policy
from sandbox import Sandbox, SandboxClient
from tests.e2e.conftest import MANAGER_CHAT, Desk, open_harness
from tests.sandbox.conftest import TOKEN, BotApi

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_INSTALLED = os.access(CHROMIUM, os.X_OK)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: a slow CI machine may take seconds per step; expect() returns as soon as the page is right.
EXPECT_TIMEOUT_MS = 20_000
VIEWPORT = {"width": 1440, "height": 900}


def png(width: int = 640, height: int = 360) -> bytes:
    """A small chart-like PNG, as the scheduled summaries will send."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (51, 144, 236)).save(buffer, format="PNG")
    return buffer.getvalue()


# -- the hooks the page relies on ---------------------------------------------------------------


async def test_demo_is_404_until_the_app_registers_it_then_lists_directory_and_people(
    sandbox: Sandbox, client: SandboxClient, policy: Policy
) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{sandbox.base_url}/sandbox/api/demo") as response:
        assert response.status == 404
        assert "supportbot run" in (await response.json())["error"]

    settings = sandbox_defaults(Settings(_env_file=None))  # type: ignore[call-arg]
    assert settings.customers_file is not None
    await register_demo(sandbox, settings, CsvDirectory(settings.customers_file, policy))

    async with aiohttp.ClientSession() as http, http.get(f"{sandbox.base_url}/sandbox/api/demo") as response:
        demo: dict[str, Any] = await response.json()
    assert demo["agents_chat_id"] == settings.agents_chat_id
    roles = [(agent["id"], agent["role"]) for agent in demo["agents"]]
    assert roles == [(2001, "agent"), (2002, "agent"), (2003, "supervisor")]
    assert demo["managers"] == [{"chat_id": 3001, "first_name": "Marta (manager)"}]
    subscribers = {s["subscriber_id"]: s for s in demo["subscribers"]}
    assert len(subscribers) == 8
    carla, pedro = subscribers["SUB-1001"], subscribers["SUB-1005"]
    assert (carla["telegram_id"], carla["tier"], carla["phone"]) == (1001, "premium", "+5511900001001")
    assert (pedro["telegram_id"], pedro["plan"], pedro["tier"]) == (None, "padrão", "standard")
    assert subscribers["SUB-1003"]["language"] == "en"


async def test_files_route_gives_the_download_path_without_counting_a_bot_api_call(
    sandbox: Sandbox, client: SandboxClient, api: BotApi
) -> None:
    await client.send_message(601, "/start")
    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("chat_id", "601")
        form.add_field("photo", png(), filename="chart.png", content_type="image/png")
        async with http.post(f"{sandbox.base_url}/bot{TOKEN}/sendPhoto", data=form) as response:
            sizes = (await response.json())["result"]["photo"]
        calls_before = (await client.stats())["calls"]

        async with http.get(f"{sandbox.base_url}/sandbox/api/files/{sizes[-1]['file_id']}") as response:
            file = await response.json()
        assert file["url"] == f"/file/bot{TOKEN}/{file['file_path']}"
        assert file["content_type"] == "image/jpeg"
        async with http.get(sandbox.base_url + file["url"]) as response:
            with Image.open(io.BytesIO(await response.read())) as image:
                assert image.size == (640, 360)
        async with http.get(f"{sandbox.base_url}/sandbox/api/files/nope") as response:
            assert response.status == 404
    assert (await client.stats())["calls"] == calls_before


async def test_root_serves_the_page_and_its_assets(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(sandbox.base_url + "/") as response:
            page = await response.text()
        assert response.content_type == "text/html"
        assert 'src="/static/app.js"' in page and 'href="/static/style.css"' in page
        for asset in ("app.js", "style.css"):
            async with http.get(f"{sandbox.base_url}/static/{asset}") as response:
                assert response.status == 200


# -- the page in a browser ------------------------------------------------------------------------


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium driven by Playwright; skipped (with the reason) when it is missing."""
    if not CHROMIUM_INSTALLED:
        pytest.skip(f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` (.ci/run does)")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def demo(redis: Redis, redis_url: str, namespace: str, tmp_path: Path) -> AsyncIterator[Desk]:
    """The bot on aiogram against its own sandbox, with the demo registered as `supportbot run` does."""
    async for harness in open_harness(redis_url, namespace, "aiogram", tmp_path):
        await register_demo(harness.sandbox, harness.settings, harness.bot.dispatcher.ctx.directory)
        yield harness


@pytest.fixture
async def page(browser: Browser, demo: Desk) -> AsyncIterator[Page]:
    """The demo page, opened at the sandbox's root like the URL `make run` prints."""
    context = await browser.new_context(viewport=VIEWPORT)
    opened = await context.new_page()
    opened.set_default_timeout(EXPECT_TIMEOUT_MS)
    await opened.goto(f"{demo.sandbox.base_url}/")
    try:
        yield opened
    finally:
        await context.close()


async def write(pane: Locator, text: str) -> None:
    """Type into a pane's composer and press Enter, as a person would."""
    box = pane.locator("form.composer input[name=text]")
    await box.fill(text)
    await box.press("Enter")


def bot_message(pane: Locator, text: str) -> Locator:
    """The bot's messages in a pane that contain `text`."""
    return pane.locator(".msg.bot", has_text=text)


@pytest.mark.browser
async def test_premium_outage_reported_claimed_answered_resolved_and_rated_in_the_browser(
    page: Page, demo: Desk, tmp_path: Path
) -> None:
    phone, group = page.locator("#phone-pane"), page.locator("#group-pane")
    manager = page.locator("#manager-pane")

    await phone.get_by_label("Subscriber", exact=True).select_option(label="Carla Souza · premium")
    await expect(phone.locator("#persona-info")).to_contain_text("SUB-1001")
    await write(phone, "nenhum canal funciona, urgente!")
    opened = bot_message(phone, "Abri o chamado")
    await expect(opened).to_contain_text("#1")
    await expect(opened.locator("strong", has_text="urgente")).to_be_visible()

    card = bot_message(group, "Customer: Carla Souza")
    await expect(card).to_contain_text("P1 · #1 · premium")
    await group.get_by_label("Acting as", exact=True).select_option(label="Ana (agent)")
    await card.get_by_role("button", name="Claim").click()
    await expect(group.locator(".toast")).to_contain_text("#1 is yours")
    await expect(card).to_contain_text("With: Ana")
    await expect(bot_message(phone, "cuidando do seu chamado")).to_contain_text("Ana")

    await card.get_by_role("button", name="Reply").click()
    await expect(group.locator("#group-replying")).to_contain_text("Replying to")
    await write(group, "Reinicie o app, por favor")
    await expect(bot_message(phone, "Reinicie o app, por favor")).to_be_visible()
    await expect(bot_message(group, "Sent to the customer (#1)")).to_be_visible()

    await write(phone, "reiniciei e voltou, obrigada")
    await expect(bot_message(group, "reiniciei e voltou").locator(".quote")).to_contain_text("#1")

    await card.get_by_role("button", name="Resolve").click()
    await expect(card).to_contain_text("✅ Resolved by Ana")
    await expect(card.locator(".inline-keyboard")).to_have_count(0)
    await bot_message(phone, "foi resolvido").get_by_role("button", name="5⭐").click()
    await expect(bot_message(phone, "Obrigado pela avaliação")).to_contain_text("⭐⭐⭐⭐⭐")
    await expect(card).to_contain_text("Rating: ⭐⭐⭐⭐⭐")

    await manager.get_by_role("button", name="/report").click()
    await expect(manager.locator(".msg.bot").first).to_be_visible()

    await expect(page.locator("#limits-state")).to_have_text("off")
    await page.get_by_text("Rate limits").click()
    await expect(page.locator("#limits-state")).to_have_text("on")
    assert demo.sandbox.limits_enabled
    await expect(page.locator("#stat-calls")).not_to_have_text("0")

    await expect(page.locator(".toast:visible")).to_have_count(0)  # popups fade; the picture shows the chats
    shot = tmp_path / "demo-page.png"
    await page.screenshot(path=shot)
    assert shot.stat().st_size > 10_000


@pytest.mark.browser
async def test_page_renders_formatting_photos_documents_and_shares_the_subscribers_phone(
    page: Page, demo: Desk
) -> None:
    phone, manager = page.locator("#phone-pane"), page.locator("#manager-pane")

    await manager.get_by_role("button", name="/report").click()
    await expect(manager.locator(".msg.bot").first).to_be_visible()
    bot = f"{demo.sandbox.base_url}/bot{demo.sandbox.token}"
    async with aiohttp.ClientSession() as http:
        html = (
            "<b>bold <i>both</i></b> <u>under</u> <s>gone</s> <code>x()</code> "
            "<tg-spoiler>secret</tg-spoiler> "
            '🎉 <a href="https://example.com/">site</a> <a href="javascript:alert(1)">trap</a> '
            '&lt;img src=x onerror=alert(1)&gt;\n<pre><code class="language-python">print(1)</code></pre>'
            "<blockquote>quoted</blockquote>"
        )
        message = {"chat_id": MANAGER_CHAT, "text": html, "parse_mode": "HTML"}
        await http.post(f"{bot}/sendMessage", json=message)
        form = aiohttp.FormData()
        form.add_field("chat_id", str(MANAGER_CHAT))
        form.add_field("caption", "<b>Weekly</b> backlog")
        form.add_field("parse_mode", "HTML")
        form.add_field("photo", png(), filename="chart.png", content_type="image/png")
        await http.post(f"{bot}/sendPhoto", data=form)
        form = aiohttp.FormData()
        form.add_field("chat_id", str(MANAGER_CHAT))
        form.add_field("document", b"number,state\n1,open\n", filename="backlog.csv", content_type="text/csv")
        await http.post(f"{bot}/sendDocument", data=form)

    text = bot_message(manager, "quoted").locator(".text")
    await expect(text.locator("strong")).to_have_text("bold both")
    await expect(text.locator("strong em")).to_have_text("both")
    await expect(text.locator("u")).to_have_text("under")
    await expect(text.locator("s")).to_have_text("gone")
    await expect(text.locator("code").first).to_have_text("x()")
    await expect(text.locator("pre code.language-python")).to_have_text("print(1)")
    await expect(text.locator("blockquote")).to_have_text("quoted")
    await expect(text.locator(".spoiler")).to_have_text("secret")
    await expect(text.get_by_role("link", name="site")).to_have_attribute("href", "https://example.com/")
    await expect(text.locator(".unsafe-link")).to_have_text("trap")
    await expect(text.get_by_role("link", name="trap")).to_have_count(0)
    await expect(text).to_contain_text("<img src=x onerror=alert(1)>")
    await expect(text.locator("img")).to_have_count(0)

    photo = bot_message(manager, "Weekly backlog")
    await expect(photo.locator(".text strong")).to_have_text("Weekly")
    image = photo.locator("img.photo")
    files = f"/file/bot{re.escape(demo.sandbox.token)}"
    await expect(image).to_have_attribute("src", re.compile(rf"^{files}/photos/"))
    await expect(image).to_have_js_property("naturalWidth", 640)
    await expect(manager.get_by_role("link", name="backlog.csv")).to_have_attribute(
        "href", re.compile(rf"^{files}/documents/.+\.csv$")
    )

    await phone.get_by_label("Subscriber", exact=True).select_option(label="Pedro Alves · padrão")
    await phone.get_by_role("button", name="/start").click()
    share = phone.locator("#phone-keyboard").get_by_role("button", name="Compartilhar meu telefone")
    await share.click()
    await expect(phone.locator(".msg.out .contact")).to_contain_text("+5531900001005")
    await expect(bot_message(phone, "SUB-1005")).to_contain_text("vinculada (plano padrão)")
    await expect(share).to_be_hidden()


@pytest.mark.browser
async def test_a_forum_group_lists_its_topics_as_telegram_does_and_opens_each(
    page: Page, demo: Desk, tmp_path: Path
) -> None:
    group, api = page.locator("#group-pane"), demo.api
    chat = demo.settings.agents_chat_id
    assert chat is not None
    await api.create_chat(chat, title="Agents", is_forum=True)
    await api.send_message({"id": 1001, "first_name": "Carla"}, "nenhum canal funciona, urgente!")
    bot = f"{demo.sandbox.base_url}/bot{demo.sandbox.token}"
    async with aiohttp.ClientSession() as http:

        async def call(method: str, **params: Any) -> Any:
            async with http.post(f"{bot}/{method}", json=params) as response:
                body = await response.json()
            assert body["ok"], body
            return body["result"]

        carla = await call("createForumTopic", chat_id=chat, name="#1 Carla Souza · P1", icon_color=0xFB6F5F)
        joao = await call("createForumTopic", chat_id=chat, name="#2 João Lima · P3", icon_color=0x8EEE98)
        await call(
            "sendMessage", chat_id=chat, message_thread_id=joao["message_thread_id"], text="Fatura em dobro"
        )
        await call("closeForumTopic", chat_id=chat, message_thread_id=joao["message_thread_id"])
        await call(
            "sendMessage", chat_id=chat, message_thread_id=carla["message_thread_id"], text="Canais fora"
        )
        await call(
            "sendMessage", chat_id=chat, message_thread_id=carla["message_thread_id"], text="Ainda fora"
        )

    topics = group.locator("#group-topics .topic-row")
    await expect(topics).to_have_count(3)
    await expect(group.locator("#forum-hint")).to_contain_text("what you write there goes to them")
    await expect(group.locator("#group-hint")).to_be_hidden()
    await expect(group.locator("#group-chat")).to_be_hidden()
    await expect(group.locator("#group-composer")).to_be_hidden()
    general, first, second = topics.nth(0), topics.nth(1), topics.nth(2)
    await expect(general.locator(".topic-name")).to_have_text("General")
    await expect(general.locator(".topic-icon")).to_have_text("#")
    await expect(general.locator(".topic-last")).to_contain_text("Bot: ")  # the ticket's card
    await expect(first.locator(".topic-name")).to_have_text("#1 Carla Souza · P1")
    await expect(first.locator(".topic-last")).to_have_text("Bot: Ainda fora")
    await expect(first.locator(".unread")).to_have_text("3")  # its creation and two messages
    await expect(first.locator(".topic-icon")).to_have_css("background-color", "rgb(251, 111, 95)")
    await expect(first.locator(".topic-icon")).to_have_text("C")
    await expect(first.locator(".topic-lock")).to_have_count(0)
    await expect(second.locator(".topic-name")).to_have_text("#2 João Lima · P3")
    await expect(second.locator(".topic-lock")).to_be_visible()
    await expect(second.locator(".topic-last")).to_have_text("Topic closed")
    await expect(second.locator(".topic-icon")).to_have_css("background-color", "rgb(142, 238, 152)")
    listing = tmp_path / "forum-topics.png"
    await page.screenshot(path=listing)

    await first.click()
    bar = group.locator("#topic-bar")
    await expect(bar.locator(".topic-title")).to_have_text("#1 Carla Souza · P1")
    await expect(bot_message(group, "Canais fora")).to_be_visible()
    await expect(bot_message(group, "Ainda fora")).to_be_visible()
    await expect(bot_message(group, "Ainda fora").locator(".quote")).to_have_count(0)  # the topic's root
    await expect(group.locator(".service")).to_have_text(["Topic “#1 Carla Souza · P1” created"])
    await expect(bot_message(group, "Customer: Carla")).to_have_count(0)  # the card is in General
    await group.get_by_label("Acting as", exact=True).select_option(label="Ana (agent)")
    await write(group, "Estou vendo, Carla")
    await expect(group.locator(".msg.out", has_text="Estou vendo, Carla")).to_be_visible()
    in_topic = await api.messages(chat, thread=carla["message_thread_id"])
    assert in_topic[-1]["text"] == "Estou vendo, Carla" and in_topic[-1]["from"]["id"] == 2001
    opened = tmp_path / "forum-topic-open.png"
    await page.screenshot(path=opened)

    await bar.get_by_role("button", name="All topics").click()
    await expect(topics.nth(1).locator(".topic-name")).to_have_text("#1 Carla Souza · P1")
    await expect(topics.nth(1).locator(".unread")).to_have_count(0)
    await expect(topics.nth(1).locator(".topic-last")).to_have_text("Ana (agent): Estou vendo, Carla")

    await general.click()
    await expect(bar.locator(".topic-title")).to_have_text("General")
    await expect(bar.locator(".topic-sub")).to_have_text("Messages outside any topic")
    await expect(bot_message(group, "Customer: Carla")).to_be_visible()
    await expect(bot_message(group, "Canais fora")).to_have_count(0)
    await bar.get_by_role("button", name="All topics").click()
    await topics.nth(2).click()
    await expect(bar.locator(".topic-sub")).to_have_text("Closed topic")
    await expect(bar.get_by_role("img", name="Closed topic")).to_be_visible()
    await expect(bot_message(group, "Fatura em dobro")).to_be_visible()
    assert listing.stat().st_size > 10_000 and opened.stat().st_size > 10_000
