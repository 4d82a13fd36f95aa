"""A listener that exposes only Envoy's Prometheus statistics and readiness to scrapers.

Envoy's admin API can drain listeners and quit the process, so it stays on a private
address; this listener forwards just ``GET /stats/prometheus`` and ``GET /ready`` to it and
answers 404 to anything else.
"""

from __future__ import annotations

from typing import Any

from sluice.config import GatewayConfig
from sluice.envoy.clusters import socket

__all__ = ["ADMIN_CLUSTER", "admin_cluster", "stats_listener"]

JSONDict = dict[str, Any]

ADMIN_CLUSTER = "envoy_admin"
_HCM = (
    "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
    ".HttpConnectionManager"
)
_ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
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
    manager = {
        "@type": _HCM,
        "stat_prefix": "stats",
        "route_config": {"virtual_hosts": [{"name": "stats", "domains": ["*"], "routes": routes}]},
        "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {"@type": _ROUTER}}],
    }
    manager_filter = {
        "name": "envoy.filters.network.http_connection_manager",
        "typed_config": manager,
    }
    return {
        "name": "stats",
        "address": socket(config.envoy.stats_address, config.envoy.stats_port or 0),
        "filter_chains": [{"filters": [manager_filter]}],
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
