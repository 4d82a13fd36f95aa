"""Draining Envoy through its admin API: stop taking connections, wait for requests in flight.

Used by ``sluice run`` on SIGTERM and, in Kubernetes, by the Envoy container's preStop hook
(``sluice drain``), so a rolling update lets multi-minute streams finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import aiohttp

__all__ = ["active_requests", "drain"]

log = logging.getLogger(__name__)

_ACTIVE = "/stats?filter=^http\\.egress\\.downstream_rq_active$&format=json"


async def active_requests(session: aiohttp.ClientSession, admin_url: str) -> int:
    """Requests Envoy's listener is serving right now."""
    async with session.get(admin_url + _ACTIVE) as response:
        stats = (await response.json())["stats"]
    return sum(int(s.get("value", 0)) for s in stats)


async def drain(admin_url: str, grace_s: float) -> bool:
    """Stop accepting connections, then wait up to ``grace_s`` for requests in flight.

    True when nothing was left in flight (or Envoy is already gone)."""
    deadline = time.monotonic() + grace_s
    async with aiohttp.ClientSession() as session:
        with contextlib.suppress(aiohttp.ClientError):
            await session.post(f"{admin_url}/drain_listeners")
        while time.monotonic() < deadline:
            try:
                active = await active_requests(session, admin_url)
            except aiohttp.ClientError:
                return True
            if active == 0:
                return True
            await asyncio.sleep(0.1)
    log.warning("grace period over with requests in flight; stopping anyway")
    return False
