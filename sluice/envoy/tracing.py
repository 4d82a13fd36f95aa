"""Envoy's OpenTelemetry tracer: its spans, and the ``traceparent`` it hands on.

With ``tracing.endpoint`` set, the client listener's connection manager traces requests:
it continues a client's W3C ``traceparent`` (the client's sampled flag decides) or starts a
trace for ``tracing.sampling`` of the others, opens a span for the ext_proc stream (whose
context reaches the sidecar as gRPC metadata, so the sidecar's spans join the trace) and
one for each attempt at the provider, whose context goes to the provider as
``traceparent``. The failover listener continues the trace of the sidecar's failover
request. Spans go to the collector over OTLP/gRPC. See docs/tracing.md.
"""

from __future__ import annotations

from typing import Any

from sluice.config import GatewayConfig
from sluice.envoy.clusters import seconds, socket
from sluice.envoy.tls import SYSTEM_CA_BUNDLE
from sluice.envoy.typed import protocol_options

__all__ = ["COLLECTOR_CLUSTER", "collector_clusters", "connection_tracing"]

JSONDict = dict[str, Any]

COLLECTOR_CLUSTER = "sluice_otlp_collector"

_OPENTELEMETRY = "type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig"
_UPSTREAM_TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"
_SAMPLERS = "type.googleapis.com/envoy.extensions.tracers.opentelemetry.samplers.v3."
_PARENT_BASED = _SAMPLERS + "ParentBasedSamplerConfig"
_RATIO = _SAMPLERS + "TraceIdRatioBasedSamplerConfig"
_EXPORT_TIMEOUT_S = 5


def connection_tracing(config: GatewayConfig, *, failover: bool = False) -> JSONDict | None:
    """The connection manager's ``tracing`` block; ``None`` when tracing is off. With
    ``failover``, the failover listener's: it only continues the trace the sidecar's
    request names (never starts one of its own)."""
    tracing = config.tracing
    if not tracing.enabled:
        return None
    sampling = 0.0 if failover else tracing.sampling
    return {
        "provider": {
            "name": "envoy.tracers.opentelemetry",
            "typed_config": {
                "@type": _OPENTELEMETRY,
                "grpc_service": {
                    "envoy_grpc": {"cluster_name": COLLECTOR_CLUSTER},
                    "timeout": seconds(_EXPORT_TIMEOUT_S),
                },
                "service_name": f"{tracing.service_name}-envoy",
                # Default: Envoy's own decision (random_sampling) even when the client sent a
                # sampled traceparent. Instead: the client's traceparent decides; a request
                # without one is traced with probability `tracing.sampling`.
                "sampler": {
                    "name": "envoy.tracers.opentelemetry.samplers.parent_based",
                    "typed_config": {
                        "@type": _PARENT_BASED,
                        "wrapped_sampler": {
                            "name": "envoy.tracers.opentelemetry.samplers.trace_id_ratio_based",
                            "typed_config": {
                                "@type": _RATIO,
                                "sampling_percentage": {
                                    "numerator": round(sampling * 1_000_000),
                                    "denominator": "MILLION",
                                },
                            },
                        },
                    },
                },
            },
        },
        # Default false: the provider's span (one per attempt, retries apart) is the
        # router's own, and its context is the traceparent the provider receives.
        "spawn_upstream_span": True,
    }


def collector_clusters(config: GatewayConfig) -> list[JSONDict]:
    """The OTLP collector's cluster (gRPC: HTTP/2), when tracing is on."""
    tracing = config.tracing
    if not tracing.enabled:
        return []
    cluster: JSONDict = {
        "name": COLLECTOR_CLUSTER,
        "type": "LOGICAL_DNS",  # re-resolved: a collector Service may move
        "dns_lookup_family": "V4_PREFERRED",  # default V4_ONLY fails on IPv6-only hosts
        "connect_timeout": seconds(config.envoy.connect_timeout_s),
        "load_assignment": {
            "cluster_name": COLLECTOR_CLUSTER,
            "endpoints": [
                {"lb_endpoints": [{"endpoint": {"address": socket(tracing.host, tracing.port)}}]}
            ],
        },
        # OTLP/gRPC needs HTTP/2.
        "typed_extension_protocol_options": protocol_options(
            {"explicit_http_config": {"http2_protocol_options": {}}}
        ),
    }
    if tracing.tls:
        cluster["transport_socket"] = {
            "name": "envoy.transport_sockets.tls",
            "typed_config": {
                "@type": _UPSTREAM_TLS,
                "sni": tracing.host,
                "common_tls_context": {
                    "alpn_protocols": ["h2"],
                    # Default: no verification at all. Verify the chain and the name.
                    "validation_context": {
                        "trusted_ca": {"filename": SYSTEM_CA_BUNDLE},
                        "match_typed_subject_alt_names": [
                            {"san_type": "DNS", "matcher": {"exact": tracing.host}}
                        ],
                    },
                },
            },
        }
    return [cluster]
