"""Envoy's clusters: the sidecar's workers (gRPC over Unix sockets) and the providers."""

from __future__ import annotations

import ipaddress
from typing import Any

from sluice.config import GatewayConfig, ProviderConfig

__all__ = ["SIDECAR_CLUSTER", "cluster_name", "provider_cluster", "sidecar_cluster", "socket"]

JSONDict = dict[str, Any]

SIDECAR_CLUSTER = "sluice_sidecar"
SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

_HTTP_OPTIONS = "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
_UPSTREAM_TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"


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


def provider_cluster(name: str, provider: ProviderConfig, config: GatewayConfig) -> JSONDict:
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
