"""Request-rate limits and token budgets: how much traffic each client, team and model may send.

Request rates are counted by Envoy itself (its ``local_ratelimit`` filter, per Envoy
instance); token budgets by the sidecar while it handles each request, shared across
replicas through the store, or by an external ``envoyproxy/ratelimit``
(``rate_limit_service``). A client is the authenticated user (``auth``), in passthrough mode
the API key's fingerprint; a team the key's or token's, in passthrough mode ``team_header``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import Field, model_validator

from sluice.config.base import Model

__all__ = [
    "MICRO",
    "MONTH",
    "DollarBudget",
    "LimitsConfig",
    "Period",
    "Rate",
    "RateLimitService",
    "RequestLimits",
    "Span",
    "TokenBudget",
    "window",
]


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


class Span(StrEnum):
    """The window a dollar budget counts over: a UTC day, or a calendar month in UTC."""

    DAY = "day"
    MONTH = "month"


MONTH = 2_592_000  # the period of a calendar month's counters (a month is not a fixed length)
MICRO = 1_000_000  # dollar budgets are counted in millionths of a dollar


def window(period_s: int, now: float) -> tuple[int, int]:
    """The start and end (Unix seconds, UTC) of the window of ``period_s`` holding ``now``;
    :data:`MONTH`: the calendar month.

    >>> window(86400, 1_800_000_000.5)
    (1799971200, 1800057600)
    """
    if period_s != MONTH:
        start = int(now) // period_s * period_s
        return start, start + period_s
    moment = datetime.fromtimestamp(now, UTC)
    first = datetime(moment.year, moment.month, 1, tzinfo=UTC)
    following = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=UTC)
    return int(first.timestamp()), int(following.timestamp())


class DollarBudget(Model):
    """At most ``usd`` US dollars of list-priced (or configured-price) usage per ``per``,
    e.g. ``{usd: 50, per: day}``. A day starts at 00:00 UTC, a month on its first day."""

    usd: float = Field(gt=0, description="Dollars allowed in each window.")
    per: Span = Field(Span.DAY, description="The window: day or month.")

    @property
    def period_s(self) -> int:
        """The period its counters carry (:data:`MONTH` for a month)."""
        return MONTH if self.per is Span.MONTH else Period.DAY.seconds


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
    usd_per_client: list[DollarBudget] = Field(
        default_factory=list,
        description="Dollar budgets of each client (the user; in passthrough mode the API-key "
        "fingerprint), priced with `costs`.",
    )
    usd_per_team: list[DollarBudget] = Field(
        default_factory=list,
        description="Dollar budgets of each team (needs `auth.mode` or `team_header`).",
    )
    usd_per_key: list[DollarBudget] = Field(
        default_factory=list,
        description="Dollar budgets of each Sluice key, separately (needs a keys `auth.mode`).",
    )
    alert_at: float = Field(
        0.8,
        gt=0,
        le=1,
        description="The share of a dollar budget spent at which it is reported as nearly "
        "spent (the `sluice_budget_alert_ratio` gauge the chart's alert compares with, and "
        "the keys page).",
    )
    cut_streams: bool = Field(
        True,
        description="End a streamed response cleanly (stop reason max_tokens) when it "
        "crosses a token or dollar budget, rather than let it finish.",
    )
    sync_interval_s: float = Field(
        1.0,
        gt=0,
        description="How often each sidecar worker adds its token and dollar counts to the "
        "store and reads everyone's totals.",
    )
    rate_limit_service: RateLimitService | None = Field(
        None,
        description="Count budgets in this external service instead of the sidecar.",
    )

    @property
    def budgets(self) -> bool:
        """Token budgets are kept (counted here or by ``rate_limit_service``)."""
        return bool(self.tokens_per_client or self.tokens_per_team)

    @property
    def dollar_budgets(self) -> bool:
        """Dollar budgets are kept (always by the sidecar)."""
        return bool(self.usd_per_client or self.usd_per_team or self.usd_per_key)

    @model_validator(mode="after")
    def _one_budget_per_window(self) -> LimitsConfig:
        for name in (
            "tokens_per_client",
            "tokens_per_team",
            "usd_per_client",
            "usd_per_team",
            "usd_per_key",
        ):
            windows = [budget.per for budget in getattr(self, name)]
            if len(set(windows)) != len(windows):
                raise ValueError(f"{name}: one budget per window (each of day, month, ... once)")
        return self
