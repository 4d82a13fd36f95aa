"""The Spend page: what the traffic cost over a time range, by team, user and model, as
charts drawn on the server (:mod:`.charts`) and tables; the sessions that cost most; and
everyone's use of each dollar budget in its current window.

It reads the store through the same functions as ``GET /api/spend``, so the page and the
API never disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from sluice.admin.history import STORE, query_time
from sluice.admin.ui.budgets import LIMITS, dollar_budget_use
from sluice.admin.ui.charts import SERIES_COLOURS, meter, stacked_bars
from sluice.admin.ui.render import render
from sluice.config.prices import list_prices
from sluice.store.spend import DailyRow, Grouping, SpendFilter

__all__ = ["spend_page_routes"]

DEFAULT_DAYS = 30
CHART_BY = (Grouping.TEAM, Grouping.USER, Grouping.MODEL)
TOP = 10
OTHERS = "others"


def _filter(query: Any) -> SpendFilter:
    until = query_time(query, "until")
    since = query_time(query, "since")
    if since is None:
        start = (until or datetime.now(UTC)) - timedelta(days=DEFAULT_DAYS - 1)
        since = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return SpendFilter(
        since=since,
        until=until,
        user=query.get("user") or None,
        team=query.get("team") or None,
        key_id=query.get("key_id") or None,
        model=query.get("model") or None,
    )


def _days(since: datetime, until: datetime | None) -> list[str]:
    """Every UTC day of the range, so a day without traffic shows as an empty bar."""
    end = (until or datetime.now(UTC)).astimezone(UTC).date()
    day, days = since.astimezone(UTC).date(), list[str]()
    while day <= end and len(days) < 400:
        days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def _series(rows: list[DailyRow], days: list[str], field: str) -> list[tuple[str, list[float]]]:
    """One series per group, the costliest first; beyond the palette, one ``others``."""
    index = {day: i for i, day in enumerate(days)}
    by_key: dict[str, list[float]] = {}
    spent: dict[str, float] = {}
    for row in rows:
        if row.day not in index:
            continue
        name = row.key or "none"
        values = by_key.setdefault(name, [0.0] * len(days))
        values[index[row.day]] += float(getattr(row, field))
        spent[name] = spent.get(name, 0.0) + row.cost_usd
    ranked = sorted(by_key, key=lambda name: -spent[name])
    kept = ranked[: SERIES_COLOURS - 1]
    series = [(name, by_key[name]) for name in kept]
    rest = ranked[SERIES_COLOURS - 1 :]
    if rest:
        series.append((OTHERS, [sum(by_key[name][i] for name in rest) for i in range(len(days))]))
    return series


async def spend(request: web.Request) -> web.Response:
    if STORE not in request.app:
        return render(request, "no_store.html", status=503)
    query = request.query
    error = ""
    try:
        where = _filter(query)
    except web.HTTPBadRequest as exc:
        error, where = exc.text or "", _filter({})
    asked = query.get("by", "")
    by = Grouping(asked) if asked in CHART_BY else Grouping.TEAM
    store = request.app[STORE]
    assert where.since is not None  # _filter always sets it
    days = _days(where.since, where.until)
    daily = await store.spend_daily(by, where)
    totals = {
        "cost_usd": sum(row.cost_usd for row in daily),
        "input_tokens": sum(row.input_tokens for row in daily),
        "output_tokens": sum(row.output_tokens for row in daily),
    }
    tables = {
        grouping.value: await store.spend(grouping, where, limit=TOP)
        for grouping in (Grouping.TEAM, Grouping.USER, Grouping.MODEL, Grouping.SESSION)
    }
    limits = request.app.get(LIMITS)
    budgets = await dollar_budget_use(store, limits, at_least=0.0) if limits else None
    if budgets is not None:
        for row in budgets["rows"]:
            row["meter"] = meter(row["share"], budgets["alert_at"])
    kept = {k: v for k, v in query.items() if k != "by" and v}
    return render(
        request,
        "spend.html",
        error=error,
        query=kept,
        since=where.since.date().isoformat(),
        until=where.until.isoformat() if where.until else "",
        by=by.value,
        chart_by=[g.value for g in CHART_BY],
        cost_chart=stacked_bars(days, _series(daily, days, "cost_usd"), "usd"),
        token_chart=stacked_bars(
            days,
            [
                (name, [a + b for a, b in zip(inputs, outputs, strict=True)])
                for (name, inputs), (_, outputs) in zip(
                    _series(daily, days, "input_tokens"),
                    _series(daily, days, "output_tokens"),
                    strict=True,
                )
            ],
            "tokens",
        ),
        totals=totals,
        tables=tables,
        budgets=budgets,
        prices_as_of=list_prices().as_of.isoformat(),
    )


def spend_page_routes() -> list[web.RouteDef]:
    return [web.get("/spend", spend)]
