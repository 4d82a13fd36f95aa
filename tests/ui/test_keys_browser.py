"""The Keys page in a real headless Chromium (strict CSP, no inline script): log in with the
admin key, issue a key and see it once, find it gone on reload, revoke it. Screenshots go
to test-artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import playwright.async_api as playwright_api
import pytest
from aiohttp.test_utils import TestServer

from sluice.admin import Readiness, create_app
from sluice.auth import hash_key, looks_like_key
from sluice.schema import upgrade
from sluice.store import Store
from sluice.store.keys import active_keys, list_keys
from tests.admin.conftest import ADMIN_KEY, config
from tests.ui.test_browser import CHROMIUM, shot


@pytest.fixture
async def admin(admin_env: None, tmp_path: Path) -> AsyncIterator[tuple[str, Store]]:
    """An admin server with a real admin key over a SQLite store, on 127.0.0.1."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}"
    await upgrade(url)
    async with Store(url) as store:
        app = create_app(
            config(),
            readiness=Readiness(envoy_admin_url=None, worker_sockets=[], store=store),
            store=store,
        )
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        try:
            yield str(server.make_url("")).rstrip("/"), store
        finally:
            await server.close()


@pytest.fixture
async def browser_page() -> AsyncIterator[Any]:
    if CHROMIUM is None:
        missing = "no chromium: run scripts/system-deps (as root) or apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda m: page.csp_errors.append(m.text) if "Content Security" in m.text else None,
        )
        try:
            yield page
        finally:
            await browser.close()


async def test_issue_a_key_see_it_once_and_revoke_it(
    admin: tuple[str, Store], browser_page: Any
) -> None:
    base, store = admin
    page, expect = browser_page, playwright_api.expect
    await page.goto(f"{base}/keys")
    assert "/login" in page.url
    await page.fill("#key", ADMIN_KEY)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/keys")
    await expect(page.locator("table.keys")).to_contain_text("No key yet.")

    form = page.locator("#create-key")
    await form.locator("input[name=user]").fill("alice@example.com")
    await form.locator("input[name=team]").fill("payments")
    await form.locator("input[name=models]").fill("claude-*")
    await form.locator("input[name=expires]").fill("30d")
    await form.locator("button[type=submit]").click()
    shown = page.locator("#new-key-secret")
    await expect(shown).to_be_visible()
    secret = await shown.input_value()
    assert looks_like_key(secret)
    [key] = await active_keys(store)
    assert key.hash == hash_key(secret)
    row = page.locator(f'tr[data-key="{key.id}"]')
    await expect(row).to_contain_text("alice@example.com")
    await expect(row).to_contain_text("claude-*")
    await shot(page, "keys-issued")

    # Shown once: the list, reloaded, holds neither the key nor any part of it.
    await page.goto(f"{base}/keys")
    await expect(page.locator("#new-key-secret")).to_have_count(0)
    assert secret[10:] not in await page.content()

    await row.locator("button.revoke").click()
    await expect(page.locator("#revoked-note")).to_contain_text(key.id)
    await expect(row.locator(".state-cell")).to_contain_text("revoked")
    await expect(row.locator("button.revoke")).to_have_count(0)
    await shot(page, "keys-revoked")
    [stored] = await list_keys(store)
    assert stored.revoked_at is not None
    assert await active_keys(store) == []
    assert page.csp_errors == []
