"""A listener that exposes only Envoy's Prometheus statistics and readiness to scrapers.

Envoy's admin API can drain listeners and quit the process, so it stays on a private
address; this listener forwards just ``GET /stats/prometheus`` and ``GET /ready`` to it and
answers 404 to anything else.
"""

from __future__ import annotations

from typing import Any

from sluice.config import GatewayConfig
from sluice.envoy.clusters import socket
from sluice.envoy.typed import http_connection_manager, router

__all__ = ["ADMIN_CLUSTER", "admin_cluster", "stats_listener"]

JSONDict = dict[str, Any]

ADMIN_CLUSTER = "envoy_admin"
EXPOSED_PATHS = ("/stats/prometheus", "/ready")


def stats_listener(config: GatewayConfig) -> JSONDict:
    """The stats listener on ``envoy.stats_address:stats_port``."""
    routes: list[JSONDict] = [
        {
            "match": {"path": path, "headers": [_get()]},
            "route": {"cluster": ADMIN_CLUSTER},
        }
        for path in EXPOSED_PATHS
    ]
    routes.append({"match": {"prefix": "/"}, "direct_response": {"status": 404}})
    manager = http_connection_manager(
        {
            "stat_prefix": "stats",
            "route_config": {
                "virtual_hosts": [{"name": "stats", "domains": ["*"], "routes": routes}]
            },
            "http_filters": [router()],
        }
    )
    return {
        "name": "stats",
        "address": socket(config.envoy.stats_address, config.envoy.stats_port or 0),
        "filter_chains": [{"filters": [manager]}],
    }


def _get() -> JSONDict:
    return {"name": ":method", "string_match": {"exact": "GET"}}


def admin_cluster(config: GatewayConfig) -> JSONDict:
    """Envoy's own admin API, as a cluster the stats listener forwards to."""
    admin = socket(config.envoy.admin_address, config.envoy.admin_port)
    return {
        "name": ADMIN_CLUSTER,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": ADMIN_CLUSTER,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": admin}}]}],
        },
    }
