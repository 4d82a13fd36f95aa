"""Retries, circuit breaking and outlier detection toward the providers.

Retries stay where the provider did no paid work: the connection failed, the HTTP/2 stream
was refused or reset before the request went out, or the provider answered a status meant
to be retried (429, 503, 529) and said when (``retry-after``). Envoy never retries once the
response headers went to the client, so a stream that began is never replayed.
"""

from __future__ import annotations

from typing import Any

from sluice.config import ProviderConfig

__all__ = ["NO_PANIC", "circuit_breakers", "outlier_detection", "retry_policy"]

JSONDict = dict[str, Any]


def _ms(value: float) -> str:
    return f"{value / 1000:g}s"


def retry_policy(provider: ProviderConfig) -> JSONDict | None:
    """The route's ``retry_policy`` toward ``provider``; ``None`` when retries are off."""
    retries = provider.retries
    if retries.max_retries == 0:
        return None
    return {
        # Not "5xx"/"gateway-error" (a 500, 502 or 504 may follow a paid generation), not
        # "reset" (a reset after the request went out may too).
        "retry_on": "connect-failure,refused-stream,reset-before-request,retriable-status-codes",
        "retriable_status_codes": retries.on_status,
        "num_retries": retries.max_retries,  # default 1
        # Default 25 ms: a rate-limited provider needs longer to recover.
        "retry_back_off": {
            "base_interval": _ms(retries.backoff_ms),
            "max_interval": _ms(retries.backoff_ms * 10),
        },
        # Default: retry-after is ignored. Wait as long as the provider asked, within reason.
        "rate_limited_retry_back_off": {
            "reset_headers": [{"name": "retry-after", "format": "SECONDS"}],
            "max_interval": f"{retries.max_retry_after_s}s",
        },
    }


def circuit_breakers(provider: ProviderConfig) -> JSONDict:
    """Concurrency bounds; beyond them Envoy answers 503 at once instead of queueing."""
    breaker = provider.circuit_breaker
    return {
        "thresholds": [
            {
                # Defaults 1024: too few for a busy org's long-lived generation streams.
                "max_connections": breaker.max_connections,
                "max_requests": breaker.max_requests,
                "max_pending_requests": breaker.max_pending,
                # Default: 3 retries at once per cluster, which a burst of 429s exhausts.
                # Instead, retries may add a quarter to the requests in flight.
                "retry_budget": {
                    "budget_percent": {"value": 25},
                    "min_retry_concurrency": 10,
                },
                "track_remaining": True,  # expose remaining_* gauges in /stats
            }
        ]
    }


def outlier_detection(provider: ProviderConfig) -> JSONDict:
    """The circuit: ``consecutive_failures`` 5xx or connect failures eject the provider."""
    breaker = provider.circuit_breaker
    return {
        "consecutive_5xx": breaker.consecutive_failures,  # counts connect failures too
        # Default 10 s: ejected hosts are only let back in at this tick.
        "interval": "1s",
        "base_ejection_time": f"{breaker.open_s:g}s",
        "max_ejection_time": f"{breaker.max_open_s:g}s",
        # Default 10 %: a provider is usually one (logical) host, which could never be ejected.
        "max_ejection_percent": 100,
    }


# Default 50 %: with every host ejected Envoy would "panic" and call them anyway, so an open
# circuit would not fail fast.
NO_PANIC = {"healthy_panic_threshold": {"value": 0}}
