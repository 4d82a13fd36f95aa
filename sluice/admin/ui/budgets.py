"""Where callers stand against the dollar budgets, read from the budgets' shared counters
(as the replicas last synced them): for the Keys page (who is near a budget) and the Spend
page (everyone's use against each budget)."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from sluice.config import LimitsConfig
from sluice.config.limits import MICRO, MONTH, Period, window
from sluice.store import Store
from sluice.store.budgets import read_totals
from sluice.store.keys import list_keys

__all__ = ["LIMITS", "dollar_budget_use"]

LIMITS = web.AppKey("limits", LimitsConfig)  # the gateway's, for its dollar budgets
_SCOPES = {"usd.client": "client", "usd.team": "team", "usd.key": "key"}
_DAY = Period.DAY.seconds


async def dollar_budget_use(
    store: Store, limits: LimitsConfig, at_least: float | None = None
) -> dict[str, Any] | None:
    """The configured dollar budgets (``summary``), and each client, team or key that has
    spent at least ``at_least`` (default: ``limits.alert_at``) of one in its current
    window (``rows``, most spent first; a key's own budget replaces ``usd_per_key``'s);
    ``None`` without dollar budgets."""
    own = {
        key.id: {
            period: usd
            for period, usd in ((_DAY, key.usd_per_day), (MONTH, key.usd_per_month))
            if usd is not None
        }
        for key in await list_keys(store)
        if key.revoked_at is None and (key.usd_per_day or key.usd_per_month)
    }
    if not limits.dollar_budgets and not own:
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
    windows = {period: window(period, now)[0] for period in (_DAY, MONTH)}
    totals = await read_totals(store.engine, windows.items(), prefix="usd.")
    rows: list[dict[str, Any]] = []
    for (period, _, counter), micros in totals.items():
        scope, _, who = counter.partition("=")
        usd = own.get(who, {}).get(period) if scope == "usd.key" else None
        usd = usd or configured.get((scope, period))
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
    described = [
        f"each {_SCOPES[scope]} ${usd:,.2f} per {'month' if period == MONTH else 'day'}"
        for (scope, period), usd in configured.items()
    ]
    if own:
        described.append(f"{len(own)} key(s) with their own")
    summary = ", ".join(described)
    return {"rows": rows, "summary": summary, "alert_at": limits.alert_at}
