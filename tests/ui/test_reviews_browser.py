"""The Review page in a real headless Chromium (strict CSP, no inline script): a reviewer
logs in, sees an escalated call appear while a worker's stream waits on it, reads its
arguments and context, and approves it; the waiting call goes on. A viewer sees no buttons.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import playwright.async_api as playwright_api
import pytest
from aiohttp.test_utils import TestServer

from sluice.admin import Readiness, create_app
from sluice.config import GatewayConfig, ReviewsConfig
from sluice.schema import upgrade
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.reviews import ReviewDesk
from sluice.store import Store
from sluice.store.reviews import ReviewQueue, Ticket
from tests.admin.conftest import ADMIN_KEY, REVIEWER_KEY, VIEWER_KEY
from tests.policies.factories import tool_call_hook
from tests.sidecar.policies_for_tests import EscalateTools, chain
from tests.ui.test_browser import shot
from tests.ui.test_keys_browser import browser_page

__all__ = ["browser_page"]

COMMAND = "kubectl apply -f prod.yaml && echo '<img src=x onerror=alert(1)>'"


@pytest.fixture
async def admin(admin_env: None, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    """An admin server with admin, viewer and reviewer keys over a SQLite store."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'reviews.db'}"
    await upgrade(url)
    keys = {
        "key": {"env": "TEST_ADMIN_KEY"},
        "viewer_key": {"env": "TEST_VIEWER_KEY"},
        "reviewer_key": {"env": "TEST_REVIEWER_KEY"},
    }
    config = GatewayConfig.model_validate({"admin": keys, "store_url": None})
    async with Store(url) as store:
        app = create_app(
            config,
            readiness=Readiness(envoy_admin_url=None, worker_sockets=[], store=store),
            store=store,
        )
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        try:
            yield str(server.make_url("")).rstrip("/"), url
        finally:
            await server.close()


async def log_in(page: Any, base: str, key: str) -> None:
    await page.goto(f"{base}/reviews")
    await page.fill("#key", key)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/reviews")


async def test_a_reviewer_sees_the_call_appear_and_approves_it(
    admin: tuple[str, str], browser_page: Any
) -> None:
    base, url = admin
    page, expect = browser_page, playwright_api.expect
    await log_in(page, base, REVIEWER_KEY)
    await expect(page.locator("#review-empty")).to_be_visible()

    desk = ReviewDesk(ReviewQueue.open_store(url), ReviewsConfig(enabled=True, poll_ms=50))
    escalating = chain((EscalateTools, {"tools": ["Bash"]}))
    hook = tool_call_hook("Bash", {"command": COMMAND})
    decisions: list[Decision] = []
    waiting = asyncio.create_task(Chain(escalating.policies, reviews=desk).run(hook, decisions))
    try:
        card = page.locator(".review-card")
        await expect(card).to_have_count(1, timeout=10_000)
        await expect(card.locator(".review-tool")).to_have_text("Bash")
        await expect(card.locator(".review-reason")).to_have_text("Bash needs a second look")
        # Pretty-printed, and hostile text shown as text.
        await expect(card.locator(".review-arguments")).to_have_text(
            '{\n  "command": "' + COMMAND + '"\n}'
        )
        await expect(card.locator("dl")).to_contain_text("User's last request")
        await shot(page, "review-waiting")
        assert not waiting.done()
        await card.locator("textarea").fill("checked the manifest")
        await card.locator(".review-approve").click()
        await asyncio.wait_for(waiting, 5)
    finally:
        waiting.cancel()
        await desk.aclose()
    assert hook.blocked is None
    assert "checked the manifest" in decisions[-1].reason
    await expect(page.locator(".review-card")).to_have_count(0)
    decided = page.locator("#review-decided tr")
    await expect(decided).to_have_count(1)
    await expect(decided).to_contain_text("approved")
    await expect(decided).to_contain_text("checked the manifest")
    await shot(page, "review-decided")
    assert page.csp_errors == []


async def test_a_viewer_sees_the_queue_without_buttons(
    admin: tuple[str, str], browser_page: Any
) -> None:
    base, url = admin
    queue = ReviewQueue.open_store(url)
    try:
        await queue.open(Ticket("k", "Bash", '{"command": "ls"}', "why", "p", 60, "deny"), 600)
    finally:
        await queue.aclose()
    page, expect = browser_page, playwright_api.expect
    await log_in(page, base, VIEWER_KEY)
    await expect(page.locator(".review-card")).to_have_count(1)
    await expect(page.locator(".review-approve")).to_have_count(0)
    await expect(page.locator("main")).to_contain_text("Your key is read-only")


async def test_an_approval_for_the_team_becomes_a_rule_an_admin_can_revoke(
    admin: tuple[str, str], browser_page: Any
) -> None:
    base, url = admin
    queue = ReviewQueue.open_store(url)
    try:
        ticket = Ticket("k", "Bash", '{"command": "make deploy"}', "why", "p", 60, "deny")
        await queue.open(dataclasses.replace(ticket, team="infra"), 600)
    finally:
        await queue.aclose()
    page, expect = browser_page, playwright_api.expect
    await log_in(page, base, REVIEWER_KEY)
    card = page.locator(".review-card")
    await expect(card).to_have_count(1)
    await expect(card.locator(".review-remember-session")).to_have_count(0)  # no session
    await card.locator("textarea").fill("deploys are fine for infra")
    await card.locator(".review-remember-team").click()
    await expect(page.locator("#review-decided tr")).to_contain_text("approved")

    await page.click("form[action='/logout'] button")  # a reviewer may not change policies
    await page.wait_for_url(f"{base}/login")
    await page.goto(f"{base}/policies")  # an admin revokes
    await page.fill("#key", ADMIN_KEY)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/policies")
    approvals = page.locator("#policies-approvals tbody tr")
    await expect(approvals).to_have_count(1)
    await expect(approvals).to_contain_text('{"command":"make deploy"}')
    await expect(approvals).to_contain_text("team infra")
    await expect(approvals).to_contain_text("deploys are fine for infra")
    await shot(page, "policies-standing-approval")
    await approvals.locator(".revoke-approval").click()
    await expect(approvals).to_contain_text("None: every escalated call goes to a reviewer.")
    assert page.csp_errors == []
