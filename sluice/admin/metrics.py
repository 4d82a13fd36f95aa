"""``/metrics``: Prometheus text for every process of this gateway, aggregated.

Each sidecar worker writes its metrics to files in a shared directory (prometheus-client's
multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``); the admin server reads them all at scrape
time, so a counter is the sum over the workers, whichever worker served a request.
"""

from __future__ import annotations

import os

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

__all__ = ["metrics_routes"]


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def metrics_routes() -> list[web.RouteDef]:
    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest(_registry())
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/metrics", metrics)]
