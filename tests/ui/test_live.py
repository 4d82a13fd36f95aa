"""Live activity: the store's recent-exchanges query on both backends, the feed, the stream."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from sluice.admin.ui.live import LIVE_FEED, LiveFeed
from sluice.store import Decision, Outcome, Store
from tests.store.factories import T0, record
from tests.ui.conftest import auth, login

Client = TestClient[Any, Any]


async def test_recent_exchanges_are_read_oldest_first_skipping_seen_ones(store: Store) -> None:
    await store.write(
        [
            record(0, id="a", started_at=T0),
            record(1, id="b", started_at=T0 + timedelta(seconds=5)),
            record(
                2,
                id="c",
                started_at=T0 + timedelta(seconds=9),
                outcome=Outcome.BLOCKED,
                decisions=[Decision("tool_rules", "tool_call", "block", "sudo")],
            ),
        ]
    )
    found = await store.recent_exchanges(T0 + timedelta(seconds=1), skip={"b"})
    assert [a.id for a in found] == ["c"]
    [blocked] = found
    assert blocked.outcome is Outcome.BLOCKED
    assert blocked.blocked_tool_calls == 1
    assert blocked.decisions[0].reason == "sudo"
    assert [a.id for a in await store.recent_exchanges(T0, limit=2)] == ["a", "b"]


async def test_the_feed_sees_an_exchange_recorded_late(sqlite_store: Store) -> None:
    feed = LiveFeed(sqlite_store, grace_s=60)
    feed._newest = T0  # as if it had started watching at T0
    await sqlite_store.write([record(0, id="fast", started_at=T0 + timedelta(seconds=10))])
    assert [x["id"] for x in await feed.poll_once()] == ["fast"]
    # A long stream that started before "fast" is recorded after it: still shown, once.
    await sqlite_store.write([record(1, id="slow", started_at=T0 + timedelta(seconds=2))])
    assert [x["id"] for x in await feed.poll_once()] == ["slow"]
    assert await feed.poll_once() == []


async def read_events(response: Any, count: int, timeout: float = 10) -> list[str]:
    """The first ``count`` SSE messages (events or comments) of a stream."""
    messages: list[str] = []
    buffer = ""
    async with asyncio.timeout(timeout):
        while len(messages) < count:
            buffer += (await response.content.readany()).decode()
            while "\n\n" in buffer:
                message, buffer = buffer.split("\n\n", 1)
                messages.append(message)
    return messages


async def test_the_stream_pushes_new_exchanges_and_keepalives(
    ui: Client, sqlite_store: Store
) -> None:
    ui.app[LIVE_FEED].poll_s = 0.05
    ui.app[LIVE_FEED]._newest = T0
    ui.app[LIVE_FEED].heartbeat_s = 0.2
    await login(ui)
    async with ui.get("/api/live") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        [retry] = await read_events(response, 1)
        assert retry == "retry: 2000"
        await sqlite_store.write([record(0, id="x-live", user_id="alice")])
        messages = await read_events(response, 1)
        assert await read_events(response, 1) == [": keepalive"]
    event = messages[0]
    assert event.startswith("id: x-live")
    assert "event: exchange" in event
    data = json.loads(event.split("data: ", 1)[1])
    assert data["user_id"] == "alice"
    assert data["outcome"] == "ok"


async def test_a_new_listener_first_gets_the_latest_exchanges(
    ui: Client, sqlite_store: Store
) -> None:
    feed = ui.app[LIVE_FEED]
    feed._newest = T0
    await sqlite_store.write([record(0, id="earlier")])
    await feed.poll_once()
    async with ui.get("/api/live", headers=auth()) as response:  # a Bearer key works too
        messages = await read_events(response, 2)
    assert messages[1].startswith("id: earlier")


async def test_the_stream_needs_a_key(ui: Client) -> None:
    assert (await ui.get("/api/live")).status == 401
