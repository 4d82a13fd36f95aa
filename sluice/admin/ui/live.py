"""Live activity: exchanges pushed to browsers over Server-Sent Events as they are recorded.

One :class:`LiveFeed` per admin server polls the shared store (about once a second, only
while someone watches), so it sees the exchanges of every sidecar replica, and fans them out
to each open ``GET /api/live`` stream. A new stream first gets the latest exchanges, then
new ones; a comment every 15 s keeps proxies from closing an idle stream. A browser too slow
to keep up is disconnected (``EventSource`` reconnects by itself).

An exchange is recorded when it ends: the feed reads from a watermark ``grace_s`` before the
newest start it has seen, so a long stream recorded late still shows up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from sluice.store import Activity, Store

__all__ = ["LIVE_FEED", "LiveFeed", "activity_json", "feed_context", "live_routes"]

log = logging.getLogger(__name__)

JSON = dict[str, Any]


def activity_json(activity: Activity) -> JSON:
    return {
        "id": activity.id,
        "started_at": activity.started_at.isoformat(),
        "model": activity.model,
        "client": activity.client,
        "user_id": activity.user_id,
        "team": activity.team,
        "session_id": activity.session_id,
        "route": activity.route,
        "status": activity.status,
        "streamed": activity.streamed,
        "input_tokens": activity.input_tokens,
        "output_tokens": activity.output_tokens,
        "ttft_ms": activity.ttft_ms,
        "duration_ms": activity.duration_ms,
        "outcome": activity.outcome.value,
        "blocked_tool_calls": activity.blocked_tool_calls,
        "decisions": [
            {"policy": d.policy, "hook": d.hook, "action": d.action, "reason": d.reason}
            for d in activity.decisions
        ],
    }


class LiveFeed:
    """Polls ``store`` for new exchanges while anyone listens; hands them to listeners."""

    def __init__(
        self,
        store: Store,
        *,
        poll_s: float = 1.0,
        grace_s: float = 180.0,
        keep: int = 100,
        queue_size: int = 1000,
        heartbeat_s: float = 15.0,
    ) -> None:
        self.store = store
        self.poll_s = poll_s
        self.heartbeat_s = heartbeat_s  # between keepalive comments on an idle stream
        self.grace = timedelta(seconds=grace_s)
        self.recent: deque[JSON] = deque(maxlen=keep)  # what a new listener sees first
        self.queue_size = queue_size
        self._listeners: set[asyncio.Queue[JSON | None]] = set()
        self._seen: dict[str, datetime] = {}  # ids started after the watermark
        self._newest = datetime.now(UTC) - self.grace
        self._wake = asyncio.Event()

    def subscribe(self) -> asyncio.Queue[JSON | None]:
        queue: asyncio.Queue[JSON | None] = asyncio.Queue(self.queue_size)
        self._listeners.add(queue)
        self._wake.set()
        return queue

    def unsubscribe(self, queue: asyncio.Queue[JSON | None]) -> None:
        self._listeners.discard(queue)

    async def poll_once(self) -> list[JSON]:
        """Read what is new since the last poll and hand it to every listener."""
        watermark = self._newest - self.grace
        fresh = await self.store.recent_exchanges(watermark, skip=set(self._seen))
        items = []
        for activity in fresh:
            self._seen[activity.id] = activity.started_at
            self._newest = max(self._newest, activity.started_at)
            items.append(activity_json(activity))
        horizon = self._newest - self.grace
        self._seen = {i: at for i, at in self._seen.items() if at >= horizon}
        for item in items:
            self.recent.append(item)
            for queue in list(self._listeners):
                try:
                    queue.put_nowait(item)
                except asyncio.QueueFull:  # too slow: end its stream, its browser reconnects
                    self._listeners.discard(queue)
                    while not queue.empty():
                        queue.get_nowait()
                    queue.put_nowait(None)
        return items

    async def run(self) -> None:
        while True:
            if not self._listeners:
                self._wake.clear()
                await self._wake.wait()
            try:
                await self.poll_once()
            except Exception:  # the store may be down for a while: keep trying
                log.warning("live activity: reading the event log failed", exc_info=True)
            await asyncio.sleep(self.poll_s)


LIVE_FEED = web.AppKey("live_feed", LiveFeed)


def feed_context(feed: LiveFeed) -> Any:
    """The feed's poller as a ``cleanup_ctx`` entry: started with the app, stopped with it."""

    async def context(_: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(feed.run())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


def _event(item: JSON) -> bytes:
    data = json.dumps(item, ensure_ascii=False)
    return f"id: {item['id']}\nevent: exchange\ndata: {data}\n\n".encode()


async def live_events(request: web.Request) -> web.StreamResponse:
    """``GET /api/live``: ``event: exchange`` with one exchange as JSON, oldest first."""
    feed = request.app[LIVE_FEED]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: do not buffer the stream
        }
    )
    queue = feed.subscribe()
    try:
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n")
        for item in list(feed.recent):
            await response.write(_event(item))
        while True:
            try:
                next_item: JSON | None = await asyncio.wait_for(queue.get(), feed.heartbeat_s)
            except TimeoutError:
                await response.write(b": keepalive\n\n")
                continue
            if next_item is None:
                break
            await response.write(_event(next_item))
    except ConnectionResetError:
        pass  # the browser went away
    finally:
        feed.unsubscribe(queue)
    return response


def live_routes() -> list[web.RouteDef]:
    return [web.get("/api/live", live_events)]
