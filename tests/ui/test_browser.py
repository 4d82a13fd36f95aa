"""The web UI in a real headless Chromium, in front of a real gateway (Envoy, sidecar, fake
upstream) protected by an admin key: log in, watch a request arrive live, read its session
with the blocked tool call, export it, change a policy and see the next request follow it,
and check that a prompt full of markup stays text. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest

from tests.dataplane.conftest import track
from tests.harness import (
    ROOT,
    FakeUpstream,
    Gateway,
    gateway_config,
    short_tempdir,
    start_fake_upstream,
    start_gateway,
)

pytestmark = pytest.mark.dataplane

import playwright.async_api as playwright_api  # noqa: E402 - a dev dependency

KEY = "ui-admin-" + "q" * 32
SHOTS = ROOT / "test-artifacts" / "screenshots"
XSS = '<script>alert("xss")</script><img src=x onerror="alert(1)"> javascript:alert(2)'
RM = {"name": "Bash", "arguments": {"command": "rm -rf / --no-preserve-root"}}
LS = {"name": "Bash", "arguments": {"command": "ls -la"}}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def ui_gateway() -> Iterator[tuple[Gateway, FakeUpstream]]:
    """A gateway with a real admin key (not a demo) and tool_rules in its default chain."""
    with short_tempdir() as base, pytest.MonkeyPatch.context() as env:
        env.setenv("UI_TEST_ADMIN_KEY", KEY)
        upstream = start_fake_upstream(base)
        try:
            config = gateway_config(
                upstream.url,
                base / "run",
                admin={"key": {"env": "UI_TEST_ADMIN_KEY"}, "demo": False},
                policies=[{"name": "tool_rules"}],
            )
            with track(start_gateway(base, config)) as gateway:
                gateway.extra_logs.append(upstream.log)
                yield gateway, upstream
        finally:
            upstream.stop()


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    if CHROMIUM is None:
        # A missing browser is a broken install, not a reason to leave the UI untested.
        pytest.fail("no chromium: run scripts/system-deps (as root) or apt-get install chromium")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = await browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 900}
        )
        opened = await context.new_page()
        opened.dialogs = []  # any dialog would mean a transcript's script ran

        async def refuse(dialog: Any) -> None:
            opened.dialogs.append(dialog.message)
            await dialog.dismiss()

        opened.on("dialog", refuse)
        try:
            yield opened
        finally:
            await browser.close()


async def send(gateway: Gateway, prompt: str, *calls: dict[str, Any]) -> anthropic.types.Message:
    headers = {"x-fake-script": "tools", "x-fake-tool": json.dumps(list(calls))}
    client = anthropic.AsyncAnthropic(base_url=gateway.url, api_key="k", max_retries=0)
    async with (
        client,
        client.messages.stream(
            model="claude-sonnet-4-6",
            max_tokens=512,
            messages=[{"role": "user", "content": prompt}],
            extra_headers=headers,
        ) as stream,
    ):
        return await stream.get_final_message()


async def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def tools_of(message: anthropic.types.Message) -> list[str]:
    return [b.input["command"] for b in message.content if b.type == "tool_use"]


async def test_the_ui_end_to_end_in_a_browser(
    ui_gateway: tuple[Gateway, FakeUpstream], page: Any, tmp_path: Path
) -> None:
    gateway, _ = ui_gateway
    admin = f"http://127.0.0.1:{gateway.config['admin']['port']}"
    expect = playwright_api.expect

    # Log in: the key is asked for, a wrong one refused, the right one lands on Live.
    await page.goto(f"{admin}/live")
    assert "/login" in page.url
    await shot(page, "login")
    await page.fill("#key", "wrong")
    await page.click("button[type=submit]")
    await expect(page.locator(".error")).to_contain_text("not valid")
    await page.fill("#key", KEY)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{admin}/live")
    await expect(page.locator("#live-state")).to_have_text("live", timeout=10_000)

    # A request with a dangerous tool call appears live, highlighted.
    reply = await send(gateway, XSS, RM, LS)
    assert tools_of(reply) == ["ls -la"]
    row = page.locator("#live-rows tr.has-blocked").first
    await expect(row).to_be_visible(timeout=20_000)
    await expect(row).to_contain_text("tool_rules block")
    await page.fill("#live-filters input[name=text]", "no-such-thing")
    await expect(row).to_be_hidden()
    await page.fill("#live-filters input[name=text]", "")
    await shot(page, "live")

    # Its session: the blocked call is highlighted, the hostile prompt shown as text.
    await row.locator("a.open-session").click()
    await page.wait_for_url("**/sessions/**")
    blocked = page.locator(".tool-call.blocked")
    await expect(blocked).to_contain_text("rm -rf / --no-preserve-root")
    await expect(page.locator(".message.role-user .text").first).to_have_text(XSS)
    assert await page.locator("main img").count() == 0
    await shot(page, "session")

    # Exports download the session.
    async with page.expect_download() as download_info:
        await page.click("#export-md")
    download = await download_info.value
    markdown = await asyncio.to_thread(Path(await download.path()).read_text)
    assert "tool_rules: block" in markdown
    async with page.expect_download() as jsonl_info:
        await page.click("#export-jsonl")
    jsonl = await asyncio.to_thread(Path(await (await jsonl_info.value).path()).read_text)
    lines = jsonl.splitlines()
    assert json.loads(lines[0])["type"] == "session"

    # The diff of what policy changed.
    await page.click("a.diff-link")
    await expect(page.locator("pre.diff .del").first).to_be_visible()
    await shot(page, "exchange-diff")

    await page.goto(f"{admin}/sessions")
    await expect(page.locator("table.sessions tbody tr").first).to_be_visible()
    await shot(page, "sessions")
    await page.goto(f"{admin}/health")
    await expect(page.locator("h1 .badge")).to_have_text("ready")
    await shot(page, "health")

    # Change a policy in its generated form; the next request follows it.
    assert tools_of(await send(gateway, "list files", LS)) == ["ls -la"]
    await page.goto(f"{admin}/policies")
    card = page.locator('.chain[data-chain="default"] .policy[data-policy="tool_rules"]')
    await expect(card).to_be_visible()
    await card.locator("textarea[name=deny_tools]").fill("Bash")
    await card.locator("button.validate").click()
    await expect(card.locator(".result")).to_have_text("valid")
    await card.locator("input.comment").fill("no shell today")
    await card.locator("button.apply").click()
    await expect(card.locator(".result")).to_contain_text("applied as version", timeout=10_000)
    await shot(page, "policies")
    followed = False
    for _ in range(40):
        if not tools_of(await send(gateway, "list files again", LS)):
            followed = True
            break
        await page.wait_for_timeout(250)
    assert followed, "the workers did not pick up the new policy version"

    assert page.dialogs == []  # no script from a transcript ever ran


async def test_the_spend_page_draws_its_charts_in_a_browser(
    ui_gateway: tuple[Gateway, FakeUpstream], page: Any
) -> None:
    gateway, _ = ui_gateway
    admin = f"http://127.0.0.1:{gateway.config['admin']['port']}"
    expect = playwright_api.expect
    refused: list[str] = []  # what the Content-Security-Policy stopped, if anything
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    await page.goto(f"{admin}/login")
    await page.fill("#key", KEY)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{admin}/live")
    await send(gateway, "what does this cost?", LS)  # claude-sonnet-4-6: a list price

    bars = page.locator("#cost-chart svg rect.bar")
    for _ in range(40):  # the event log stores the exchange within a second or two
        await page.goto(f"{admin}/spend")
        if await bars.count():
            break
        await page.wait_for_timeout(250)
    await expect(bars.first).to_be_visible()
    assert (await bars.first.locator("title").text_content() or "").endswith(tuple("0123456789"))
    await expect(page.locator("#spend-totals strong")).to_contain_text("$")
    await expect(page.locator("#token-chart svg rect.bar").first).to_be_visible()
    await expect(page.locator("#top-model tbody tr").first).to_contain_text("claude-sonnet-4-6")
    await expect(page.locator("#top-sessions tbody a").first).to_be_visible()
    await shot(page, "spend")
    await page.click("#chart-by a:text('model')")
    await expect(page.locator("#cost-chart h2")).to_have_text("Spend per day by model")
    await page.goto(f"{admin}/sessions")
    await expect(page.locator("table.sessions td.cost").first).to_contain_text("$")
    assert refused == []
    assert page.dialogs == []
