"""How the gateway talks to providers: their keys, retries, circuit breaking, model rules."""

from __future__ import annotations

from pydantic import Field, field_validator

from sluice.config.base import Model, Secret

__all__ = ["CircuitBreaker", "ModelRule", "ProviderKey", "Retries"]

# A 500, 502 or 504 may come after the provider started (and billed) the generation.
_UNSAFE_STATUSES = frozenset({500, 502, 504})


class ProviderKey(Model):
    """The provider's API key, held by the gateway and sent in place of the client's.

    Every key header a client may send (``x-api-key``, ``authorization``, ``api-key``) is
    removed toward this provider, then ``header: prefix + secret`` is added.
    """

    secret: Secret = Field(description="The key: {env: NAME} or {file: path}.")
    header: str | None = Field(
        None,
        description="Header carrying it; default: x-api-key for a provider of Anthropic "
        "routes, authorization otherwise (Azure OpenAI: api-key).",
    )
    prefix: str | None = Field(
        None, description='Text before the key; default: "Bearer " for authorization, else none.'
    )

    @field_validator("header")
    @classmethod
    def _lower(cls, header: str | None) -> str | None:
        return header.lower() if header else header


class Retries(Model):
    """Retries Envoy makes on its own, only where the provider did no paid work."""

    max_retries: int = Field(
        2, ge=0, le=10, description="Retries per request (0: none); connect failures included."
    )
    on_status: list[int] = Field(
        default_factory=lambda: [429, 503, 529],
        description="Statuses retried (rate limited, overloaded); 500/502/504 never are.",
    )
    backoff_ms: int = Field(
        250, ge=10, description="First back-off, doubled each retry (with jitter)."
    )
    max_retry_after_s: int = Field(
        30,
        ge=1,
        description="Longest `retry-after` honoured; a longer one is not waited for "
        "(the regular back-off applies).",
    )

    @field_validator("on_status")
    @classmethod
    def _safe(cls, statuses: list[int]) -> list[int]:
        unsafe = sorted(set(statuses) & _UNSAFE_STATUSES)
        if unsafe:
            raise ValueError(f"{unsafe} may follow paid work and are never retried")
        if any(not 400 <= status <= 599 for status in statuses):
            raise ValueError("statuses must be between 400 and 599")
        return statuses


class CircuitBreaker(Model):
    """Bounds on what one provider may hold, and when to stop calling it for a while."""

    max_connections: int = Field(10_000, ge=1, description="Connections to the provider.")
    max_requests: int = Field(10_000, ge=1, description="Requests in flight (HTTP/2 streams).")
    max_pending: int = Field(
        1_000, ge=1, description="Requests waiting for a connection; beyond, a fast 503."
    )
    consecutive_failures: int = Field(
        5,
        ge=1,
        description="5xx answers or connect failures in a row that open the circuit "
        "(requests then get a fast 503).",
    )
    open_s: float = Field(
        10, gt=0, description="How long it stays open; longer each time it opens again."
    )
    max_open_s: float = Field(300, gt=0, description="The longest it stays open.")


class ModelRule(Model):
    """Send the requests whose body names a matching model to another provider."""

    model: str = Field(description="Glob pattern of the model, e.g. `gpt-4o*` or `azure/*`.")
    provider: str = Field(description="Name of the provider (a key of `providers`).")
    upstream_model: str | None = Field(
        None,
        description="The model name sent to the provider instead of the client's, e.g. "
        "`claude-sonnet-4-6` -> `qwen3-coder` so that Claude Code runs unchanged.",
    )
    failover: list[str] = Field(
        default_factory=list,
        description="Providers to try in this order when `provider` answers 429 or 5xx "
        "before the response began (never once it began).",
    )
