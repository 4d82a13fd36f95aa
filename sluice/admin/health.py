"""``/healthz`` (the process is alive) and ``/readyz`` (the gateway can serve traffic).

Readiness checks each part and spells out its state (never an exception's text: the probe
needs no key). Envoy unreachable or a sidecar
worker not answering makes the gateway unready (503): requests would fail. A store that
cannot be reached only makes it *degraded* (200): traffic flows and events wait in the
recorder's queue, so taking every replica out of service for it would turn a logging
outage into a traffic outage.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy import text

from sluice.store import Store

__all__ = ["Readiness", "health_routes"]


@dataclass(slots=True)
class Check:
    ok: bool
    detail: str
    critical: bool = True


class Readiness:
    """The checks behind ``/readyz``."""

    def __init__(
        self,
        *,
        envoy_admin_url: str | None,
        worker_sockets: list[Path],
        store: Store | None,
        timeout_s: float = 1.0,
    ) -> None:
        self.envoy_admin_url = envoy_admin_url
        self.worker_sockets = worker_sockets
        self.store = store
        self.timeout_s = timeout_s

    async def checks(self) -> dict[str, Check]:
        names = ["workers"]
        tasks = [self._workers()]
        if self.envoy_admin_url is not None:
            names.append("envoy")
            tasks.append(self._envoy(self.envoy_admin_url))
        if self.store is not None:
            names.append("store")
            tasks.append(self._store(self.store))
        results = await asyncio.gather(*tasks)
        return dict(zip(names, results, strict=True))

    def _failure(self, exc: BaseException) -> str:
        """What went wrong, in words that reveal nothing of the setup."""
        if isinstance(exc, TimeoutError):
            return f"no answer within {self.timeout_s:g} s"
        return "connection failed"

    async def _workers(self) -> Check:
        down = []
        for path in self.worker_sockets:
            try:
                _, writer = await asyncio.wait_for(
                    asyncio.open_unix_connection(str(path)), self.timeout_s
                )
            except (OSError, TimeoutError):
                down.append(path.name)
                continue
            writer.close()
        if down:
            return Check(False, f"sidecar workers not answering: {', '.join(down)}")
        return Check(True, f"{len(self.worker_sockets)} sidecar workers answering")

    async def _envoy(self, admin_url: str) -> Check:
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(f"{admin_url}/ready") as response,
            ):
                state = (await response.text()).strip()
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Check(False, f"Envoy's admin API unreachable ({self._failure(exc)})")
        return Check(state == "LIVE", f"Envoy is {state}")

    async def _store(self, store: Store) -> Check:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.timeout_s), store.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means the same thing here
            why = self._failure(exc)
            return Check(False, f"event log unreachable ({why}; events wait in the queue)", False)
        return Check(True, f"event log answered in {1000 * (time.monotonic() - started):.0f} ms")


def health_routes(readiness: Readiness) -> list[web.RouteDef]:
    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_: web.Request) -> web.Response:
        checks = await readiness.checks()
        failed = [name for name, check in checks.items() if not check.ok]
        critical = [name for name in failed if checks[name].critical]
        status = "unready" if critical else "degraded" if failed else "ready"
        body = {
            "status": status,
            "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
        }
        return web.json_response(body, status=503 if critical else 200)

    return [web.get("/healthz", healthz), web.get("/readyz", readyz)]
