"""Render Envoy's bootstrap from the gateway config: one source of truth, local or in a pod.

The result is a plain dict (JSON/YAML-serialisable) that ``envoy --config-yaml`` takes as is.
Every setting that differs from Envoy's default says why beside it. See DESIGN.md, "Data path",
for the ext_proc facts these settings rest on.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from sluice.config import FailureMode, GatewayConfig, ProviderConfig
from sluice.envoy.contract import (
    CONTENT_TYPE,
    HEADERS_NAMESPACE,
    PATH_ATTRIBUTE,
    STATUS_ATTRIBUTE,
    forwarded_headers,
)
from sluice.envoy.local_replies import local_reply_config
from sluice.model import Format

__all__ = ["EXT_PROC_FILTER", "SIDECAR_CLUSTER", "render_bootstrap"]

JSONDict = dict[str, Any]

SIDECAR_CLUSTER = "sluice_sidecar"
EXT_PROC_FILTER = "envoy.filters.http.ext_proc"
METADATA_NAMESPACE = "sluice"  # dynamic metadata the sidecar may set (model, tokens, outcome)
SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

_HCM = (
    "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
    ".HttpConnectionManager"
)
_EXT_PROC = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor"
_EXT_PROC_PER_ROUTE = (
    "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute"
)
_ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
_MAX_CONNECTIONS = (
    "type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3"
    ".DownstreamConnectionsConfig"
)
_HEADER_TO_METADATA = (
    "type.googleapis.com/envoy.extensions.filters.http.header_to_metadata.v3.Config"
)
_HTTP_OPTIONS = "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
_UPSTREAM_TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"


def _seconds(value: float) -> str:
    return f"{value:g}s"


def render_bootstrap(config: GatewayConfig) -> JSONDict:
    """The complete Envoy bootstrap for ``config``."""
    return {
        "node": {"id": "sluice", "cluster": "sluice"},
        "admin": {
            "address": _socket(config.envoy.admin_address, config.envoy.admin_port),
        },
        # Default: unlimited, and Envoy warns about it. Bound what one process may hold.
        "overload_manager": {
            "resource_monitors": [
                {
                    "name": "envoy.resource_monitors.global_downstream_max_connections",
                    "typed_config": {
                        "@type": _MAX_CONNECTIONS,
                        "max_active_downstream_connections": config.envoy.max_connections,
                    },
                }
            ]
        },
        "static_resources": {
            "listeners": [_listener(config)],
            "clusters": [_sidecar_cluster(config)]
            + [_provider_cluster(name, p, config) for name, p in config.providers.items()],
        },
    }


def _socket(address: str, port: int) -> JSONDict:
    return {"socket_address": {"address": address, "port_value": port}}


def _listener(config: GatewayConfig) -> JSONDict:
    return {
        "name": "llm_egress",
        "address": _socket(config.listener.address, config.listener.port),
        # Default 1 MiB: a BUFFERED request body must fit whole, and agents send megabytes.
        "per_connection_buffer_limit_bytes": config.envoy.buffer_limit_bytes,
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": _http_connection_manager(config),
                    }
                ]
            }
        ],
    }


def _http_connection_manager(config: GatewayConfig) -> JSONDict:
    return {
        "@type": _HCM,
        "stat_prefix": "egress",
        "codec_type": "AUTO",  # HTTP/1.1 and cleartext HTTP/2 on one port
        # Default 5 min; a model may think silently for longer before the first byte.
        "stream_idle_timeout": _seconds(config.envoy.stream_idle_timeout_s),
        "route_config": _route_config(config),
        # Envoy's own errors (sidecar or provider unreachable) in the client's API format.
        "local_reply_config": local_reply_config(config),
        "http_filters": [
            {"name": "envoy.filters.http.header_to_metadata", "typed_config": _headers(config)},
            {"name": EXT_PROC_FILTER, "typed_config": _ext_proc_filter(config)},
            {"name": "envoy.filters.http.router", "typed_config": {"@type": _ROUTER}},
        ],
    }


def _headers(config: GatewayConfig) -> JSONDict:
    """Copy the headers the sidecar reads into dynamic metadata (see ``contract``)."""

    def rule(header: str) -> JSONDict:
        target = {"metadata_namespace": HEADERS_NAMESPACE, "key": header, "type": "STRING"}
        return {"header": header, "on_header_present": target, "remove": False}

    return {
        "@type": _HEADER_TO_METADATA,
        "request_rules": [rule(header) for header in forwarded_headers(config)],
        "response_rules": [rule(CONTENT_TYPE)],
    }


def _ext_proc_filter(config: GatewayConfig) -> JSONDict:
    sidecar = config.sidecar
    return {
        "@type": _EXT_PROC,
        "grpc_service": {"envoy_grpc": {"cluster_name": SIDECAR_CLUSTER}},
        # Fail closed by default: the sidecar is part of the security boundary.
        "failure_mode_allow": sidecar.failure_mode is FailureMode.OPEN,
        # Default 500; 503 tells clients (and their retry logic) the gateway is unavailable.
        "status_on_error": {"code": "ServiceUnavailable"},
        "processing_mode": {
            # No header messages: each would add a round trip before the first byte. What the
            # sidecar needs of them comes with the body messages (attributes and metadata).
            "request_header_mode": "SKIP",
            # The whole JSON arrives in one message; a reply may still refuse the request.
            "request_body_mode": "BUFFERED",
            "request_trailer_mode": "SKIP",
            "response_header_mode": "SKIP",
            # Envoy forwards chunks without waiting; the sidecar answers with any number of
            # streamed chunks. Set statically: switching into it per request is buggy.
            "response_body_mode": "FULL_DUPLEX_STREAMED",
            "response_trailer_mode": "SEND",  # required by FULL_DUPLEX_STREAMED
        },
        # Default 200 ms is too short for a multi-megabyte request body on a busy sidecar.
        "message_timeout": _seconds(sidecar.message_timeout_ms / 1000),
        # Lets the sidecar extend a message's deadline while a request-side judge runs.
        "max_message_timeout": "300s",
        "request_attributes": [PATH_ATTRIBUTE],
        "response_attributes": [STATUS_ATTRIBUTE],
        "metadata_options": {
            "forwarding_namespaces": {"untyped": [HEADERS_NAMESPACE]},
            "receiving_namespaces": {"untyped": [METADATA_NAMESPACE]},
        },
    }


_NO_EXT_PROC = {EXT_PROC_FILTER: {"@type": _EXT_PROC_PER_ROUTE, "disabled": True}}


def _route_config(config: GatewayConfig) -> JSONDict:
    idle = _seconds(config.envoy.stream_idle_timeout_s)
    routes: list[JSONDict] = []
    for route in config.routes:
        routes.append(
            {
                "name": f"{route.format}:{route.path}",
                "match": {"path": route.path},  # exact path; the query string is kept
                "route": _forward(config, route.provider, idle),
                # Bodies must arrive uncompressed for the sidecar to read them.
                "request_headers_to_remove": ["accept-encoding"],
                # The sidecar may rewrite a response after its headers went out (they are not
                # sent to it): the provider's length would then be wrong.
                "response_headers_to_remove": ["content-length"],
            }
        )
    # Claude Code probes its base URL with HEAD / before the first request.
    routes.append(
        {
            "name": "probe",
            "match": {
                "path": "/",
                "headers": [{"name": ":method", "string_match": {"exact": "HEAD"}}],
            },
            "route": _forward(config, _probe_provider(config), idle),
            "typed_per_filter_config": _NO_EXT_PROC,
        }
    )
    for entry in config.passthrough:
        match: JSONDict = {"prefix": entry.prefix}
        if entry.header:
            match["headers"] = [{"name": entry.header, "present_match": True}]
        routes.append(
            {
                "name": f"passthrough:{entry.provider}:{entry.prefix}",
                "match": match,
                "route": _forward(config, entry.provider, idle),
                "typed_per_filter_config": _NO_EXT_PROC,
            }
        )
    return {
        "name": "llm",
        "virtual_hosts": [{"name": "llm", "domains": ["*"], "routes": routes}],
    }


def _probe_provider(config: GatewayConfig) -> str:
    for route in config.routes:
        if route.format is Format.ANTHROPIC:
            return route.provider
    return next(iter(config.providers))


def _forward(config: GatewayConfig, provider_name: str, idle_timeout: str) -> JSONDict:
    provider = config.providers[provider_name]
    default_port = 443 if provider.tls else 80
    host = provider.host if provider.port == default_port else f"{provider.host}:{provider.port}"
    return {
        "cluster": _cluster_name(provider_name),
        "host_rewrite_literal": host,  # providers route on Host; the client sent ours
        "timeout": "0s",  # default 15 s would cut multi-minute generations
        "idle_timeout": idle_timeout,  # instead, bound the silence between bytes
    }


def _cluster_name(provider_name: str) -> str:
    return f"provider_{provider_name}"


def _sidecar_cluster(config: GatewayConfig) -> JSONDict:
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
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": _HTTP_OPTIONS,
                "explicit_http_config": {
                    "http2_protocol_options": {
                        # Detect a dead sidecar on an idle connection.
                        "connection_keepalive": {"interval": "30s", "timeout": "5s"},
                    }
                },
            }
        },
        # Large request bodies travel to the sidecar in one gRPC message.
        "per_connection_buffer_limit_bytes": config.envoy.buffer_limit_bytes,
        # Default 1024: every HTTP request in flight holds one gRPC stream.
        "circuit_breakers": {"thresholds": [{"max_requests": 100_000}]},
        # A worker that stops answering is taken out of rotation while others remain.
        "outlier_detection": {
            "consecutive_local_origin_failure": 2,
            "split_external_local_origin_errors": True,
            "base_ejection_time": "2s",
            "max_ejection_percent": 100,
        },
    }


def _provider_cluster(name: str, provider: ProviderConfig, config: GatewayConfig) -> JSONDict:
    cluster: JSONDict = {
        "name": _cluster_name(name),
        # A literal IP needs no resolver; a host name is resolved and re-resolved.
        "type": "STATIC" if _is_ip(provider.host) else "LOGICAL_DNS",
        "dns_lookup_family": "V4_PREFERRED",  # default V4_ONLY fails on IPv6-only hosts
        "connect_timeout": _seconds(config.envoy.connect_timeout_s),
        "per_connection_buffer_limit_bytes": config.envoy.buffer_limit_bytes,
        "load_assignment": {
            "cluster_name": _cluster_name(name),
            "endpoints": [
                {"lb_endpoints": [{"endpoint": {"address": _socket(provider.host, provider.port)}}]}
            ],
        },
    }
    if provider.tls:
        cluster["transport_socket"] = {
            "name": "envoy.transport_sockets.tls",
            "typed_config": {
                "@type": _UPSTREAM_TLS,
                "sni": provider.sni or provider.host,  # default: no SNI, which providers refuse
                "common_tls_context": {
                    "alpn_protocols": ["h2", "http/1.1"],
                    # Default: no verification at all. Verify chain and name.
                    "validation_context": {
                        "trusted_ca": {"filename": str(provider.ca_file or SYSTEM_CA_BUNDLE)},
                        "match_typed_subject_alt_names": [
                            {"san_type": "DNS", "matcher": {"exact": provider.sni or provider.host}}
                        ],
                    },
                },
            },
        }
        # HTTP/2 where the provider offers it (ALPN), HTTP/1.1 otherwise.
        protocol: JSONDict = {"auto_config": {"http2_protocol_options": {}}}
    else:
        protocol = {"explicit_http_config": {"http_protocol_options": {}}}
    cluster["typed_extension_protocol_options"] = {
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {"@type": _HTTP_OPTIONS}
        | protocol
    }
    return cluster


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
