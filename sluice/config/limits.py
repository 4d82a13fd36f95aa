"""Request-rate limits and token budgets: how much traffic each client, team and model may send.

Request rates are counted by Envoy itself (its ``local_ratelimit`` filter, per Envoy
instance); token budgets by the sidecar while it handles each request, shared across
replicas through the store, or by an external ``envoyproxy/ratelimit``
(``rate_limit_service``). A client is the authenticated user (``auth``), in passthrough mode
the API key's fingerprint; a team the key's or token's, in passthrough mode ``team_header``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from sluice.config.base import Model

__all__ = ["LimitsConfig", "Period", "Rate", "RateLimitService", "RequestLimits", "TokenBudget"]


class Period(StrEnum):
    """The window a limit counts over."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"

    @property
    def seconds(self) -> int:
        return _SECONDS[self]


_SECONDS = {Period.SECOND: 1, Period.MINUTE: 60, Period.HOUR: 3600, Period.DAY: 86400}


class Rate(Model):
    """At most ``requests`` requests per ``per``, e.g. ``{requests: 60, per: minute}``."""

    requests: int = Field(ge=1, description="Requests allowed in each period.")
    per: Period = Field(Period.MINUTE, description="The period: second, minute, hour or day.")


class TokenBudget(Model):
    """At most ``tokens`` tokens (input and output) per ``per``, e.g. ``{tokens: 1000000,
    per: day}``. Windows are fixed and aligned on UTC (a day starts at 00:00 UTC)."""

    tokens: int = Field(ge=1, description="Tokens allowed in each window.")
    per: Period = Field(Period.DAY, description="The window: second, minute, hour or day.")


class RequestLimits(Model):
    """Request-rate limits, enforced by Envoy before the provider is called (429)."""

    global_: Rate | None = Field(
        None, alias="global", description="All LLM requests through this Envoy together."
    )
    per_client: Rate | None = Field(
        None,
        description="Each client (the user; in passthrough mode the API-key fingerprint) "
        "separately.",
    )
    per_team: Rate | None = Field(
        None,
        description="Each team (the key's or token's; in passthrough mode `team_header`'s "
        "value) separately.",
    )
    per_model: dict[str, Rate] = Field(
        default_factory=dict,
        description="Per model named in the request body; `*`: every other model, each separately.",
    )
    max_tracked: int = Field(
        10_000,
        ge=1,
        description="Clients, teams or models tracked at once per limit; the least recently "
        "seen are forgotten beyond this.",
    )

    @property
    def any(self) -> bool:
        return bool(self.global_ or self.per_client or self.per_team or self.per_model)


class RateLimitService(Model):
    """An external rate-limit service (e.g. envoyproxy/ratelimit) that counts the budgets."""

    address: str = Field(description="host:port of its gRPC API (plaintext HTTP/2).")
    domain: str = Field("sluice", description="The domain its config defines the budgets in.")


class LimitsConfig(Model):
    """Request-rate limits and token budgets. Nothing is limited by default."""

    requests: RequestLimits = Field(default_factory=RequestLimits)
    tokens_per_client: list[TokenBudget] = Field(
        default_factory=list,
        description="Token budgets of each client (the user; in passthrough mode the API-key "
        "fingerprint).",
    )
    tokens_per_team: list[TokenBudget] = Field(
        default_factory=list,
        description="Token budgets of each team (the key's or token's; in passthrough mode "
        "needs `team_header`).",
    )
    cut_streams: bool = Field(
        True,
        description="End a streamed response cleanly (stop reason max_tokens) when it "
        "crosses the budget, rather than let it finish.",
    )
    sync_interval_s: float = Field(
        1.0,
        gt=0,
        description="How often each sidecar worker adds its token counts to the store and "
        "reads everyone's totals.",
    )
    rate_limit_service: RateLimitService | None = Field(
        None,
        description="Count budgets in this external service instead of the sidecar.",
    )

    @property
    def budgets(self) -> bool:
        return bool(self.tokens_per_client or self.tokens_per_team)
