"""Envoy's clusters: the sidecar's workers (gRPC over Unix sockets) and the providers."""

from __future__ import annotations

import ipaddress
from typing import Any

from sluice.config import GatewayConfig
from sluice.envoy.contract import INTERNAL_HEADER_PREFIX
from sluice.envoy.keys import CLIENT_KEY_HEADERS, key_filters
from sluice.envoy.resilience import NO_PANIC, circuit_breakers, outlier_detection
from sluice.envoy.signing import DROPPED, signing_filters
from sluice.envoy.tls import upstream_tls
from sluice.envoy.typed import protocol_options

__all__ = ["SIDECAR_CLUSTER", "cluster_name", "provider_cluster", "sidecar_cluster", "socket"]

JSONDict = dict[str, Any]

SIDECAR_CLUSTER = "sluice_sidecar"

_HEADER_MUTATION = (
    "type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation"
)
_CODEC = "type.googleapis.com/envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec"


def seconds(value: float) -> str:
    return f"{value:g}s"


def socket(address: str, port: int) -> JSONDict:
    return {"socket_address": {"address": address, "port_value": port}}


def cluster_name(provider_name: str) -> str:
    return f"provider_{provider_name}"


def sidecar_cluster(config: GatewayConfig) -> JSONDict:
    return {
        "name": SIDECAR_CLUSTER,
        "type": "STATIC",
        "connect_timeout": "1s",
        # Each worker process is one endpoint; streams are balanced across them.
        "lb_policy": "LEAST_REQUEST",
        "load_assignment": {
            "cluster_name": SIDECAR_CLUSTER,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {"endpoint": {"address": {"pipe": {"path": str(path)}}}}
                        for path in config.sidecar.socket_paths()
                    ]
                }
            ],
        },
        # ext_proc is gRPC: without HTTP/2 every request fails with a protocol error.
        "typed_extension_protocol_options": protocol_options(
            {
                "explicit_http_config": {
                    "http2_protocol_options": {
                        # Detect a dead sidecar on an idle connection.
                        "connection_keepalive": {"interval": "30s", "timeout": "5s"},
                    }
                },
            }
        ),
        # Large request bodies travel to the sidecar in one gRPC message.
        "per_connection_buffer_limit_bytes": config.envoy.buffer_limit_bytes,
        # Default 1024 in all. Every HTTP request in flight holds one gRPC stream; beyond
        # max_streams the ext_proc filter fails at once (a 503, or unchecked where fail-open)
        # instead of queueing requests on an overloaded sidecar.
        "circuit_breakers": {
            "thresholds": [
                {
                    "max_requests": config.sidecar.max_streams * config.sidecar.workers,
                    "max_pending_requests": config.sidecar.max_streams * config.sidecar.workers,
                }
            ]
        },
        # A worker that stops answering is taken out of rotation while others remain.
        "outlier_detection": {
            "consecutive_local_origin_failure": 2,
            "split_external_local_origin_errors": True,
            "base_ejection_time": "2s",
            "max_ejection_percent": 100,
        },
    }


def provider_cluster(name: str, config: GatewayConfig) -> JSONDict:
    provider = config.providers[name]
    cluster: JSONDict = {
        "name": cluster_name(name),
        # A literal IP needs no resolver; a host name is resolved and re-resolved.
        "type": "STATIC" if _is_ip(provider.host) else "LOGICAL_DNS",
        "dns_lookup_family": "V4_PREFERRED",  # default V4_ONLY fails on IPv6-only hosts
        "connect_timeout": seconds(config.envoy.connect_timeout_s),
        "per_connection_buffer_limit_bytes": config.envoy.buffer_limit_bytes,
        "load_assignment": {
            "cluster_name": cluster_name(name),
            "endpoints": [
                {"lb_endpoints": [{"endpoint": {"address": socket(provider.host, provider.port)}}]}
            ],
        },
        "circuit_breakers": circuit_breakers(provider),
        "outlier_detection": outlier_detection(provider),
        "common_lb_config": NO_PANIC,
    }
    # Detect a dead provider connection while a model thinks silently for minutes.
    http2 = {"connection_keepalive": {"interval": "30s", "timeout": "10s"}}
    if provider.tls:
        cluster["transport_socket"] = upstream_tls(provider)
        # HTTP/2 where the provider offers it (ALPN), HTTP/1.1 otherwise.
        protocol: JSONDict = {"auto_config": {"http2_protocol_options": http2}}
    else:
        protocol = {"explicit_http_config": {"http_protocol_options": {}}}
    protocol["http_filters"] = _upstream_filters(config, name)
    cluster["typed_extension_protocol_options"] = protocol_options(protocol)
    return cluster


def _upstream_filters(config: GatewayConfig, name: str) -> list[JSONDict]:
    """What every request to provider ``name`` passes last, whichever route sent it."""
    # The gateway's own headers (x-sluice-chain, x-sluice-provider, anything a client
    # made up) are for Envoy and the sidecar, never for the provider.
    remove: list[JSONDict] = [
        {"remove_on_match": {"key_matcher": {"prefix": INTERNAL_HEADER_PREFIX}}}
    ]
    provider = config.providers[name]
    if provider.bedrock is not None:
        # Signed by the gateway; the client's credentials and Anthropic headers stay here.
        remove += [{"remove": header} for header in DROPPED]
    elif provider.api_key is not None or provider.cloud or config.auth.authenticates:
        # The gateway's key (or Vertex token) replaces the client's, and a Sluice key or
        # token is for the gateway alone: none of the client's credentials may go along.
        remove += [{"remove": header} for header in CLIENT_KEY_HEADERS]
    mutation = {"@type": _HEADER_MUTATION, "mutations": {"request_mutations": remove}}
    return [
        {"name": "envoy.filters.http.header_mutation", "typed_config": mutation},
        *key_filters(config, name),
        *signing_filters(config, name),  # last: it signs the request as it is sent
        # Upstream filter chains must end with the codec.
        {"name": "envoy.filters.http.upstream_codec", "typed_config": {"@type": _CODEC}},
    ]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
