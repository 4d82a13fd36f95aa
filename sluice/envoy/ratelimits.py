"""Envoy's rate-limit filters from ``limits`` in the gateway config.

The filters follow ``ext_proc`` in the chain, so they see the metadata the sidecar set in
its reply to the request body (``sluice.envoy.contract``): the client and team the sidecar
decided (from the key or token in ``keys``/``jwt`` modes; the key's fingerprint and the team
header in ``passthrough``) and the model. They never see, count or log the raw key.

- ``local_ratelimit``: request rates (global, per client, per team, per model), counted in
  this Envoy (per pod). One token bucket per client, team or model, created on first sight
  (a descriptor entry with an empty value is a wildcard; ``max_dynamic_descriptors`` bounds
  how many are kept, least recently used first out).
- ``ratelimit``: token budgets counted by an external rate-limit service
  (``limits.rate_limit_service``, e.g. envoyproxy/ratelimit) only. Envoy asks it before the
  request (``hits_addend`` 0: only a check) and again when the stream is done, adding the
  tokens the sidecar put in the dynamic metadata (``apply_on_stream_done``). Without one,
  the sidecar checks and charges the budgets itself while it handles the request body
  (``sluice.sidecar.budgets``): no round trip of its own.

Refusals are 429s that ``local_replies`` rewrites into the client's own error format.
"""

from __future__ import annotations

import math
from typing import Any

from sluice.config import GatewayConfig, Rate, TokenBudget
from sluice.envoy.contract import CLIENT_KEY, METADATA_NAMESPACE, MODEL_KEY, TEAM_KEY, TOKENS_KEY
from sluice.envoy.typed import protocol_options

__all__ = [
    "BUDGET_DETAILS",
    "BUDGET_FILTER",
    "RATELIMIT_CLUSTER",
    "RATE_DETAILS",
    "RATE_FILTER",
    "rate_limit_clusters",
    "rate_limit_filters",
    "retry_after_s",
]

JSONDict = dict[str, Any]

RATE_FILTER = "envoy.filters.http.local_ratelimit"
BUDGET_FILTER = "envoy.filters.http.ratelimit"
RATELIMIT_CLUSTER = "sluice_ratelimit"
# Envoy's response-code details of each filter's 429: how local replies tell them apart.
RATE_DETAILS = "local_rate_limited"
BUDGET_DETAILS = "request_rate_limited"

_LOCAL = "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit"
_GLOBAL = "type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit"
_BUFFER = "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer"
_ALWAYS = {"default_value": {"numerator": 100, "denominator": "HUNDRED"}, "runtime_key": ""}


def rate_limit_filters(config: GatewayConfig) -> list[JSONDict]:
    """The HTTP filters to put right after ``ext_proc`` (none when nothing is limited)."""
    filters = []
    external = config.limits.budgets and config.limits.rate_limit_service is not None
    if config.limits.requests.any or external:
        # ext_proc lets the request headers on at once (it receives no header message); the
        # sidecar's metadata comes with its reply to the body. Holding the headers here until
        # the whole body has passed lets the filters below see it.
        filters.append({"name": "envoy.filters.http.buffer", "typed_config": _hold(config)})
    if config.limits.requests.any:
        filters.append({"name": RATE_FILTER, "typed_config": _request_rates(config)})
    if external:
        filters.append({"name": BUDGET_FILTER, "typed_config": _token_budgets(config)})
    return filters


def rate_limit_clusters(config: GatewayConfig) -> list[JSONDict]:
    """The external rate-limit service's cluster, when one is configured."""
    service = config.limits.rate_limit_service
    if service is None or not config.limits.budgets:
        return []
    host, _, port = service.address.rpartition(":")
    return [
        {
            "name": RATELIMIT_CLUSTER,
            "type": "STRICT_DNS",
            "connect_timeout": "1s",
            "load_assignment": {
                "cluster_name": RATELIMIT_CLUSTER,
                "endpoints": [
                    {
                        "lb_endpoints": [
                            {
                                "endpoint": {
                                    "address": {
                                        "socket_address": {
                                            "address": host.strip("[]"),
                                            "port_value": int(port),
                                        }
                                    }
                                }
                            }
                        ]
                    }
                ],
            },
            # gRPC needs HTTP/2; without it every check fails with a protocol error.
            "typed_extension_protocol_options": protocol_options(
                {"explicit_http_config": {"http2_protocol_options": {}}}
            ),
        }
    ]


def _hold(config: GatewayConfig) -> JSONDict:
    return {"@type": _BUFFER, "max_request_bytes": config.envoy.buffer_limit_bytes}


def _bucket(rate: Rate) -> JSONDict:
    """A bucket that refills smoothly: ``requests`` per period, at least 1 s between fills
    (Envoy's minimum is 50 ms), bursting up to the whole period's allowance."""
    per_fill, fill_s = _fill(rate)
    return {
        "max_tokens": rate.requests,
        "tokens_per_fill": per_fill,
        "fill_interval": f"{fill_s:.3f}s",
    }


def _fill(rate: Rate) -> tuple[int, float]:
    """Tokens added per fill and the seconds between fills (at least 1 s)."""
    period = rate.per.seconds
    per_fill = max(1, math.ceil(rate.requests / period))
    return per_fill, per_fill * period / rate.requests


def retry_after_s(config: GatewayConfig) -> int:
    """The ``retry-after`` of a request-rate 429: the longest refill among the limits (one
    header serves them all; a client retrying after it finds a token in every bucket)."""
    limits = config.limits.requests
    rates = [limits.global_, limits.per_client, limits.per_team, *limits.per_model.values()]
    fills = [_fill(r)[1] for r in rates if r is not None]
    return math.ceil(max(fills, default=1.0))


def _request_rates(config: GatewayConfig) -> JSONDict:
    limits = config.limits.requests
    descriptors: list[JSONDict] = []
    actions: list[JSONDict] = []

    def limit(key: str, value: str, rate: Rate, action: JSONDict) -> None:
        descriptors.append(
            {"entries": [{"key": key, "value": value}], "token_bucket": _bucket(rate)}
        )
        if action not in actions:
            actions.append(action)

    def sidecar(key: str) -> JSONDict:
        return {"actions": [_from_sidecar(key)]}

    if limits.global_ is not None:
        everyone = {
            "actions": [{"generic_key": {"descriptor_key": "scope", "descriptor_value": "all"}}]
        }
        limit("scope", "all", limits.global_, everyone)
    if limits.per_client is not None:
        limit("client", "", limits.per_client, sidecar(CLIENT_KEY))  # "" = each
    if limits.per_team is not None:
        # Absent (no team): this limit does not apply, the others still do.
        limit(TEAM_KEY, "", limits.per_team, sidecar(TEAM_KEY))
    for model, rate in limits.per_model.items():
        limit("model", "" if model == "*" else model, rate, sidecar(MODEL_KEY))
    return {
        "@type": _LOCAL,
        "stat_prefix": "sluice_requests",
        # Default: the filter is present but neither checks nor enforces.
        "filter_enabled": _ALWAYS,
        "filter_enforced": _ALWAYS,
        "descriptors": descriptors,
        "rate_limits": actions,
        # Default 0: no wildcard buckets at all. One bucket per client, team or model seen.
        "max_dynamic_descriptors": limits.max_tracked,
        "response_headers_to_add": [
            {
                "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
                "header": {"key": "retry-after", "value": str(retry_after_s(config))},
            }
        ],
    }


def _from_sidecar(key: str) -> JSONDict:
    """The descriptor entry ``key`` from the metadata the sidecar set (absent: skipped)."""
    path = {"key": METADATA_NAMESPACE, "path": [{"key": key}]}
    return {
        "metadata": {
            "descriptor_key": key,
            "metadata_key": path,
            "source": "DYNAMIC",
            "skip_if_absent": True,
        }
    }


def _budget_actions(key: str, budget: TokenBudget) -> list[JSONDict]:
    return [
        _from_sidecar(key),
        {"generic_key": {"descriptor_key": "per", "descriptor_value": budget.per.value}},
    ]


def _token_budgets(config: GatewayConfig) -> JSONDict:
    limits = config.limits
    actions: list[list[JSONDict]] = []
    for budget in limits.tokens_per_client:
        actions.append(_budget_actions(CLIENT_KEY, budget))
    for budget in limits.tokens_per_team:
        actions.append(_budget_actions(TEAM_KEY, budget))
    charge = f"%DYNAMIC_METADATA({METADATA_NAMESPACE}:{TOKENS_KEY})%"
    rate_limits = [
        # Before the request: only look (a request costs no tokens until it is answered).
        *({"actions": a, "hits_addend": {"number": 0}} for a in actions),
        # When the stream is done: charge what the sidecar counted.
        *(
            {"actions": a, "hits_addend": {"format": charge}, "apply_on_stream_done": True}
            for a in actions
        ),
    ]
    service = limits.rate_limit_service
    assert service is not None  # built-in budgets are kept by the sidecar itself
    return {
        "@type": _GLOBAL,
        "domain": service.domain,
        "stat_prefix": "sluice_budgets",
        # Default 20 ms; a busy service may take longer, and a late answer lets the
        # request through anyway (budgets are not a security boundary: fail open).
        "timeout": "0.1s",
        "failure_mode_deny": False,
        "rate_limit_service": {
            "grpc_service": {"envoy_grpc": {"cluster_name": RATELIMIT_CLUSTER}},
            "transport_api_version": "V3",
        },
        "rate_limits": rate_limits,
    }
