"""Where callers stand against the dollar budgets, read from the budgets' shared counters
(as the replicas last synced them): for the Keys page (who is near a budget) and the Spend
page (everyone's use against each budget)."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from sluice.config import LimitsConfig
from sluice.config.limits import MICRO, MONTH, window
from sluice.store import Store
from sluice.store.budgets import read_totals

__all__ = ["LIMITS", "dollar_budget_use"]

LIMITS = web.AppKey("limits", LimitsConfig)  # the gateway's, for its dollar budgets
_SCOPES = {"usd.client": "client", "usd.team": "team", "usd.key": "key"}


async def dollar_budget_use(
    store: Store, limits: LimitsConfig, at_least: float | None = None
) -> dict[str, Any] | None:
    """The configured dollar budgets (``summary``), and each client, team or key that has
    spent at least ``at_least`` (default: ``limits.alert_at``) of one in its current
    window (``rows``, most spent first); ``None`` without dollar budgets."""
    if not limits.dollar_budgets:
        return None
    floor = limits.alert_at if at_least is None else at_least
    configured = {
        (scope, budget.period_s): budget.usd
        for scope, budgets in (
            ("usd.client", limits.usd_per_client),
            ("usd.team", limits.usd_per_team),
            ("usd.key", limits.usd_per_key),
        )
        for budget in budgets
    }
    now = time.time()
    windows = {period: window(period, now)[0] for _, period in configured}
    totals = await read_totals(store.engine, windows.items(), prefix="usd.")
    rows: list[dict[str, Any]] = []
    for (period, _, counter), micros in totals.items():
        scope, _, who = counter.partition("=")
        usd = configured.get((scope, period))
        if usd is None or micros / MICRO < usd * floor:
            continue
        rows.append(
            {
                "scope": _SCOPES[scope],
                "who": who,
                "window": "this month" if period == MONTH else "today (UTC)",
                "spent": micros / MICRO,
                "budget": usd,
                "share": micros / MICRO / usd,
            }
        )
    rows.sort(key=lambda row: -row["share"])
    summary = ", ".join(
        f"each {_SCOPES[scope]} ${usd:,.2f} per {'month' if period == MONTH else 'day'}"
        for (scope, period), usd in configured.items()
    )
    return {"rows": rows, "summary": summary, "alert_at": limits.alert_at}
