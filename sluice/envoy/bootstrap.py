"""Render Envoy's bootstrap from the gateway config: one source of truth, local or in a pod.

The result is a plain dict (JSON/YAML-serialisable) that ``envoy --config-yaml`` takes as is.
Every setting that differs from Envoy's default says why beside it. See docs/architecture.md,
"Envoy facts the code rests on" and "Paths: no way around the sidecar", for what these
settings rest on.
"""

from __future__ import annotations

from typing import Any

from sluice.config import FORMAT_PATHS, FailureMode, GatewayConfig, Route
from sluice.config.cloud import (
    BEDROCK_CLIENT_PATH,
    BEDROCK_CLIENT_REGEX,
    VERTEX_CLIENT_PATH,
    VERTEX_CLIENT_REGEX,
)
from sluice.envoy.access_log import access_log
from sluice.envoy.clusters import (
    SIDECAR_CLUSTER,
    cluster_name,
    provider_cluster,
    seconds,
    sidecar_cluster,
    socket,
)
from sluice.envoy.contract import (
    CONTENT_TYPE,
    FAILOVER_HEADER,
    HEADERS_NAMESPACE,
    JWT_NAMESPACE,
    MAX_MESSAGE_TIMEOUT_S,
    METADATA_NAMESPACE,
    PATH_ATTRIBUTE,
    PROVIDER_HEADER,
    STATUS_ATTRIBUTE,
    forwarded_headers,
)
from sluice.envoy.jwt import jwks_clusters, jwt_filters
from sluice.envoy.local_replies import local_reply_config
from sluice.envoy.ratelimits import (
    BUDGET_FILTER,
    RATE_FILTER,
    rate_limit_clusters,
    rate_limit_filters,
)
from sluice.envoy.resilience import retry_policy
from sluice.envoy.stats import admin_cluster, stats_listener
from sluice.envoy.tls import downstream_tls
from sluice.envoy.tracing import collector_clusters, connection_tracing
from sluice.envoy.typed import http_connection_manager, router
from sluice.model import Format

__all__ = ["EXT_PROC_FILTER", "SIDECAR_CLUSTER", "render_bootstrap"]

JSONDict = dict[str, Any]

EXT_PROC_FILTER = "envoy.filters.http.ext_proc"

_EXT_PROC = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor"
_EXT_PROC_PER_ROUTE = (
    "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute"
)
_MAX_CONNECTIONS = (
    "type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3"
    ".DownstreamConnectionsConfig"
)
_EARLY_HEADER_MUTATION = (
    "type.googleapis.com/envoy.extensions.http.early_header_mutation.header_mutation.v3"
    ".HeaderMutation"
)
_HEADER_TO_METADATA = (
    "type.googleapis.com/envoy.extensions.filters.http.header_to_metadata.v3.Config"
)


def render_bootstrap(config: GatewayConfig) -> JSONDict:
    """The complete Envoy bootstrap for ``config``."""
    exposed = config.envoy.stats_port is not None
    stats = [stats_listener(config)] if exposed else []
    admin = [admin_cluster(config)] if exposed else []
    return {
        "node": {"id": "sluice", "cluster": "sluice"},
        "admin": {
            "address": socket(config.envoy.admin_address, config.envoy.admin_port),
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
            "listeners": [_listener(config), *_failover_listener(config), *stats],
            "clusters": [
                sidecar_cluster(config),
                *(provider_cluster(name, config) for name in config.providers),
                *admin,
                *rate_limit_clusters(config),
                *jwks_clusters(config),
                *collector_clusters(config),
            ],
        },
    }


def _listener(config: GatewayConfig) -> JSONDict:
    chain: JSONDict = {"filters": [http_connection_manager(_http_connection_manager(config))]}
    if config.listener.tls is not None:
        chain["transport_socket"] = downstream_tls(config.listener.tls)
    return {
        "name": "llm_egress",
        "address": socket(config.listener.address, config.listener.port),
        # Default 1 MiB: a BUFFERED request body must fit whole, and agents send megabytes.
        "per_connection_buffer_limit_bytes": config.envoy.buffer_limit_bytes,
        "filter_chains": [chain],
    }


def _failover_listener(config: GatewayConfig) -> list[JSONDict]:
    """Where the sidecar sends a request again, to the next provider of a failover list,
    when the first answered 429 or 5xx before its response began: a Unix socket beside the
    sidecar's, reachable only inside the pod (docs/architecture.md, "Failover")."""
    if not config.fails_over:
        return []
    manager = _http_connection_manager(config, failover=True)
    return [
        {
            "name": "llm_failover",
            "address": {"pipe": {"path": str(config.sidecar.failover_socket)}},
            "per_connection_buffer_limit_bytes": config.envoy.buffer_limit_bytes,
            "filter_chains": [{"filters": [http_connection_manager(manager)]}],
        }
    ]


def _http_connection_manager(config: GatewayConfig, *, failover: bool = False) -> JSONDict:
    """The client listener's HTTP handling; with ``failover``, the failover listener's: the
    same routes and sidecar, no token check and no rate limits (the client's request was
    checked and charged once, on its way in), and the failover header is kept."""
    # Only the sidecar may choose a provider, or ask for a failover (on its own socket).
    removed = [PROVIDER_HEADER] if failover else [PROVIDER_HEADER, FAILOVER_HEADER]
    manager: JSONDict = {
        "stat_prefix": "egress_failover" if failover else "egress",
        "codec_type": "AUTO",  # HTTP/1.1 and HTTP/2 on one port (cleartext or by ALPN)
        # JSON lines with the sidecar's model, tokens and outcome (envoy.access_log).
        "access_log": access_log(config),
        # Before any route is picked: only the sidecar may choose a provider by model.
        "early_header_mutation_extensions": [
            {
                "name": "envoy.http.early_header_mutation.header_mutation",
                "typed_config": {
                    "@type": _EARLY_HEADER_MUTATION,
                    "mutations": [{"remove": name} for name in removed],
                },
            }
        ],
        # Default 5 min; a model may think silently for longer before the first byte.
        "stream_idle_timeout": seconds(config.envoy.stream_idle_timeout_s),
        # Default none: a client that never finishes its headers would hold a connection.
        "request_headers_timeout": seconds(config.envoy.request_headers_timeout_s),
        # Paths are normalised before routing, so that no spelling of an LLM path
        # (/v1/%6dessages, /v1/./messages, /v1/x/../messages) misses its route and the
        # sidecar; the provider receives the normalised path (docs/architecture.md).
        "normalize_path": True,  # default false: RFC 3986 (dot segments, %-escapes decoded)
        "merge_slashes": True,  # default false: //v1//messages is /v1/messages
        # Default KEEP_UNCHANGED: a provider may read %2F as a slash; refuse it (400).
        "path_with_escaped_slashes_action": "REJECT_REQUEST",
        "route_config": _route_config(config),
        # Envoy's own errors (sidecar or provider unreachable) in the client's API format.
        "local_reply_config": local_reply_config(config),
        "http_filters": [
            {"name": "envoy.filters.http.header_to_metadata", "typed_config": _headers(config)},
            # Before ext_proc: the sidecar receives the verified token's claims.
            *([] if failover else jwt_filters(config)),
            {"name": EXT_PROC_FILTER, "typed_config": _ext_proc_filter(config)},
            # After ext_proc: they read the headers the sidecar set (fingerprint, model).
            *([] if failover else rate_limit_filters(config)),
            router(),
        ],
    }
    if (tracing := connection_tracing(config, failover=failover)) is not None:
        manager["tracing"] = tracing
    return manager


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
        "processing_mode": _processing_mode(send_request_headers=False),
        # Default 200 ms is too short for a multi-megabyte request body on a busy sidecar.
        "message_timeout": seconds(sidecar.message_timeout_ms / 1000),
        # The sidecar extends the request body's deadline to its request hooks' timeouts
        # (``override_message_timeout``, sluice/sidecar/server.py): their on_error decides.
        "max_message_timeout": seconds(MAX_MESSAGE_TIMEOUT_S),
        "request_attributes": [PATH_ATTRIBUTE],
        "response_attributes": [STATUS_ATTRIBUTE],
        "metadata_options": {
            "forwarding_namespaces": {"untyped": _forwarded_namespaces(config)},
            "receiving_namespaces": {"untyped": [METADATA_NAMESPACE]},
        },
    }


def _forwarded_namespaces(config: GatewayConfig) -> list[str]:
    """The dynamic metadata the sidecar receives: the headers it reads, and the verified
    token's payload when tokens are accepted."""
    return [HEADERS_NAMESPACE, *([JWT_NAMESPACE] if config.auth.mode.jwt else [])]


def _processing_mode(
    *, send_request_headers: bool, send_response_headers: bool = False
) -> JSONDict:
    return {
        # No header messages: each would add a round trip before the first byte. What the
        # sidecar needs of them comes with the body messages (attributes and metadata).
        # Routes with model rules need one: without it Envoy sends the headers on to the
        # router at once, which picks the provider before the body (and its model) is read.
        "request_header_mode": "SEND" if send_request_headers else "SKIP",
        # The whole JSON arrives in one message; a reply may still refuse the request.
        "request_body_mode": "BUFFERED",
        "request_trailer_mode": "SKIP",
        # A cloud provider's response needs its headers rewritten (content type, status).
        "response_header_mode": "SEND" if send_response_headers else "SKIP",
        # Envoy forwards chunks without waiting; the sidecar answers with any number of
        # streamed chunks. Set statically: switching into it per request is buggy.
        "response_body_mode": "FULL_DUPLEX_STREAMED",
        "response_trailer_mode": "SEND",  # required by FULL_DUPLEX_STREAMED
    }


_NO_EXT_PROC = {EXT_PROC_FILTER: {"@type": _EXT_PROC_PER_ROUTE, "disabled": True}}
# Passthrough routes are neither rate-limited nor charged (the sidecar sets no headers there).
_NO_LIMITS = {
    name: {"@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", "disabled": True}
    for name in (RATE_FILTER, BUDGET_FILTER)
}


def _llm_routes(config: GatewayConfig, route: Route, idle: str) -> list[JSONDict]:
    """The route's entries: one per provider its model rules pick, then its default."""
    entries: list[JSONDict] = []
    for provider in [*route.named_providers, None]:
        # POST only: the LLM APIs are POSTs, and a GET (OpenAI's stored completions) has no
        # body, so it would reach the provider without the sidecar seeing it.
        post = {"name": ":method", "string_match": {"exact": "POST"}}
        # Exact path; the query string is kept.
        match: JSONDict = {"path": route.path, "headers": [post]}
        if route.path == VERTEX_CLIENT_PATH:  # clients in Vertex AI mode: every model's path
            match = {"safe_regex": {"regex": VERTEX_CLIENT_REGEX}, "headers": [post]}
        if route.path == BEDROCK_CLIENT_PATH:  # clients in Bedrock mode: every model's path
            match = {"safe_regex": {"regex": BEDROCK_CLIENT_REGEX}, "headers": [post]}
        name = f"{route.format}:{route.path}"
        if provider is not None and config.providers[provider].cloud:
            # The sidecar set the cloud provider's own path with the header: any path, as the
            # header alone (which clients cannot send) says the sidecar approved the request.
            match = {"prefix": "/", "headers": [post]}
        if provider is not None:
            # Set by the sidecar from the body's model; Envoy then re-picks the route.
            header = {"name": PROVIDER_HEADER, "string_match": {"exact": provider}}
            match["headers"].append(header)
            name = f"{name}:{provider}"
        target = provider or route.provider
        forward = _forward(config, target, idle)
        backend = route.format_of(config.providers[target])
        if backend != route.format:
            # The sidecar translates the body to the provider's format: the path follows.
            forward["regex_rewrite"] = {
                "pattern": {"regex": "^.*$"},  # the path only: the query string is kept
                "substitution": config.providers[target].path_prefix + FORMAT_PATHS[backend],
            }
        entry: JSONDict = {
            "name": name,
            "match": match,
            "route": forward,
            # Bodies must arrive uncompressed for the sidecar to read them.
            "request_headers_to_remove": ["accept-encoding", PROVIDER_HEADER],
            # The sidecar may rewrite a response after its headers went out (they are not
            # sent to it): the provider's length would then be wrong.
            "response_headers_to_remove": ["content-length"],
        }
        overrides = _ext_proc_overrides(config, route)
        if overrides:
            entry["typed_per_filter_config"] = {
                EXT_PROC_FILTER: {"@type": _EXT_PROC_PER_ROUTE, "overrides": overrides}
            }
        entries.append(entry)
    return entries


def _ext_proc_overrides(config: GatewayConfig, route: Route) -> JSONDict:
    """What differs on this route from the ext_proc filter's own settings."""
    overrides: JSONDict = {}
    if route.failure_mode is not None:
        overrides["failure_mode_allow"] = route.failure_mode is FailureMode.OPEN
    names = route.provider_names
    translates = any(route.format_of(config.providers[n]) != route.format for n in names)
    cloud = any(config.providers[n].cloud for n in names)
    bedrock = any(config.providers[n].bedrock is not None for n in names)
    # A translated request's headers change too (auth, version headers), and Envoy honours
    # header changes in the body reply only when it sent the headers first. A failover
    # sends the client's headers again: the sidecar needs them all, and the response's
    # status before anything of the response goes to the client.
    if route.models or translates or cloud or route.fails_over:
        # Every entry of the route: the request first matches the one without the header.
        # A cloud provider's path is set with the reply to the body: the headers must wait.
        overrides["processing_mode"] = _processing_mode(
            send_request_headers=True, send_response_headers=bedrock or route.fails_over
        )
    return overrides


def _route_config(config: GatewayConfig) -> JSONDict:
    idle = seconds(config.envoy.stream_idle_timeout_s)
    routes: list[JSONDict] = []
    for route in config.routes:
        routes.extend(_llm_routes(config, route, idle))
    # Claude Code probes its base URL with HEAD / before the first request.
    routes.append(
        {
            "name": "probe",
            "match": {
                "path": "/",
                "headers": [{"name": ":method", "string_match": {"exact": "HEAD"}}],
            },
            "route": _forward(config, _probe_provider(config), idle),
            "typed_per_filter_config": _NO_EXT_PROC | _no_limits(config),
        }
    )
    for entry in config.passthrough:
        match: JSONDict = {"path": entry.path} if entry.path else {"prefix": entry.prefix}
        if entry.header:
            match["headers"] = [{"name": entry.header, "present_match": True}]
        routes.append(
            {
                "name": f"passthrough:{entry.provider}:{entry.match}",
                "match": match,
                "route": _forward(config, entry.provider, idle),
                "typed_per_filter_config": _passthrough_ext_proc(config) | _no_limits(config),
            }
        )
    # Anything else is refused here: an unknown path, or a spelling of an LLM path that
    # normalisation could not bring back to it (case, trailing slash), never reaches a
    # provider unchecked. Local replies answer in the client's format (404 not found).
    routes.append(
        {
            "name": "unknown_path",
            "match": {"prefix": "/"},
            "direct_response": {"status": 404},
            "typed_per_filter_config": _NO_EXT_PROC | _no_limits(config),
        }
    )
    return {
        "name": "llm",
        "virtual_hosts": [{"name": "llm", "domains": ["*"], "routes": routes}],
    }


# Passthrough paths (model lists, token counting) in keys mode: the sidecar checks the key
# on the request's headers (there is no body to wait for), and reads nothing else.
_KEY_CHECK_ONLY = {
    EXT_PROC_FILTER: {
        "@type": _EXT_PROC_PER_ROUTE,
        "overrides": {
            "processing_mode": {
                "request_header_mode": "SEND",
                "request_body_mode": "NONE",
                "request_trailer_mode": "SKIP",
                "response_header_mode": "SKIP",
                "response_body_mode": "NONE",
                "response_trailer_mode": "SKIP",
            }
        },
    }
}


def _passthrough_ext_proc(config: GatewayConfig) -> JSONDict:
    """Off on passthrough paths, except for the key check when Sluice keys are required."""
    return _KEY_CHECK_ONLY if config.auth.mode.keys else _NO_EXT_PROC


def _no_limits(config: GatewayConfig) -> JSONDict:
    present = {f["name"] for f in rate_limit_filters(config)}
    return {name: value for name, value in _NO_LIMITS.items() if name in present}


def _probe_provider(config: GatewayConfig) -> str:
    for route in config.routes:
        if route.format is Format.ANTHROPIC:
            return route.provider
    return next(iter(config.providers))


def _forward(config: GatewayConfig, provider_name: str, idle_timeout: str) -> JSONDict:
    provider = config.providers[provider_name]
    default_port = 443 if provider.tls else 80
    host = provider.host if provider.port == default_port else f"{provider.host}:{provider.port}"
    forward: JSONDict = {
        "cluster": cluster_name(provider_name),
        "host_rewrite_literal": host,  # providers route on Host; the client sent ours
        "timeout": "0s",  # default 15 s would cut multi-minute generations
        "idle_timeout": idle_timeout,  # instead, bound the silence between bytes
    }
    if provider.path_prefix:
        # e.g. Azure OpenAI's /openai/v1/...: the prefix goes before the request's own path
        # (the query string is kept as it is).
        forward["regex_rewrite"] = {
            "pattern": {"regex": "^/"},
            "substitution": provider.path_prefix + "/",
        }
    retries = retry_policy(provider)
    if retries is not None:
        forward["retry_policy"] = retries
    return forward
