"""Announcing escalations: one POST per new review, generic JSON or Slack's format."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from sluice.config import ReviewsConfig
from sluice.sidecar.review_webhook import Announcer, payload
from sluice.store.reviews import Ruling, StoredReview

NOW = datetime(2026, 12, 3, 22, 0, tzinfo=UTC)


def review(**changes: Any) -> StoredReview:
    fields: dict[str, Any] = {
        "id": "r1",
        "key": "k",
        "created_at": NOW,
        "deadline_at": NOW + timedelta(seconds=120),
        "tool": "Bash",
        "arguments": '{\n  "command": "kubectl apply -f prod.yaml"\n}',
        "reason": "Applying to a cluster needs a second pair of eyes",
        "policy": "tool_rules",
        "session": "s1",
        "user": "alice",
        "team": "infra",
        "client": "key:abc",
        "context": "deploy",
        "on_deadline": "deny",
        "ruling": Ruling("pending"),
    }
    return StoredReview(**(fields | changes))


@pytest.fixture
async def hook_server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/hook")), received
    await server.close()


def test_the_json_announcement_carries_the_review_and_its_link() -> None:
    body = payload(review(), "json", "https://sluice.example/reviews#review-r1")
    assert body["event"] == "review.pending"
    assert body["link"] == "https://sluice.example/reviews#review-r1"
    assert body["review"]["tool"] == "Bash"
    assert body["review"]["user"] == "alice"
    assert body["review"]["deadline_at"] == "2026-12-03T22:02:00+00:00"


def test_the_slack_announcement_is_a_message_with_a_link() -> None:
    body = payload(review(arguments="x" * 5000), "slack", "https://sluice.example/reviews")
    assert body["text"].startswith("Sluice: a `Bash` call by alice waits for review")
    assert "<https://sluice.example/reviews|Review it>" in body["text"]
    assert len(body["blocks"][1]["text"]["text"]) < 1600  # long arguments are cut


async def test_each_announcement_is_posted(hook_server: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = hook_server
    config = ReviewsConfig.model_validate(
        {"enabled": True, "link": "https://sluice.example/", "webhook": {"url": url}}
    )
    announcer = Announcer.from_config(config)
    assert announcer is not None
    announcer.announce(review())
    for _ in range(100):
        if received:
            break
        await asyncio.sleep(0.02)
    await announcer.aclose()
    assert received[0]["link"] == "https://sluice.example/reviews#review-r1"
    assert received[0]["review"]["id"] == "r1"


async def test_an_unreachable_webhook_is_only_logged(caplog: pytest.LogCaptureFixture) -> None:
    announcer = Announcer("http://127.0.0.1:9/hook", "json", timeout_s=1)
    announcer.announce(review())
    for _ in range(100):
        if "review webhook failed" in caplog.text:
            break
        await asyncio.sleep(0.02)
    await announcer.aclose()
    assert "review webhook failed for r1" in caplog.text


def test_no_url_no_announcer() -> None:
    assert Announcer.from_config(ReviewsConfig(enabled=True)) is None
