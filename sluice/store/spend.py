"""What was spent: the event log's costs and tokens summed by session, user, team, key,
model or day, over a time range and for one caller if asked.

Each exchange's cost was priced on the data path when it ended (``exchanges.cost_usd``);
an exchange whose model had no price is counted in ``unpriced`` and adds nothing to the
dollars. Days are UTC days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sluice.store import _tables as t
from sluice.store.records import Outcome

__all__ = ["DailyRow", "Grouping", "SpendFilter", "SpendRow", "read_daily", "read_spend"]


class Grouping(StrEnum):
    """What spend is summed by."""

    SESSION = "session"
    USER = "user"  # the authenticated user; without ``auth:``, the API-key fingerprint
    TEAM = "team"
    KEY = "key"  # a Sluice key's id
    MODEL = "model"
    DAY = "day"  # the UTC day the exchange started


@dataclass(frozen=True, slots=True)
class SpendFilter:
    """Which exchanges to sum; every condition given must hold."""

    since: datetime | None = None  # started at or after
    until: datetime | None = None  # started before
    user: str | None = None  # the authenticated user (or the fingerprint, without auth)
    team: str | None = None
    key_id: str | None = None
    model: str | None = None


@dataclass(slots=True)
class SpendRow:
    """The sums of one group (``key``: the session id, user, ..., ``None`` where the
    exchanges had none, e.g. no team)."""

    key: str | None
    cost_usd: float
    exchanges: int
    unpriced: int  # exchanges that reached a provider and whose model had no price
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_creation_tokens: int


@dataclass(frozen=True, slots=True)
class DailyRow:
    """One group's sums on one UTC day (``day``: ``YYYY-MM-DD``)."""

    day: str
    key: str | None
    cost_usd: float
    input_tokens: int
    output_tokens: int


def _group(db: AsyncConnection, by: Grouping) -> ColumnElement[Any]:
    x = t.exchanges.c
    if by is Grouping.DAY:
        if db.dialect.name == "postgresql":
            return func.to_char(func.timezone("UTC", x.started_at), "YYYY-MM-DD")
        return func.substr(x.started_at, 1, 10)  # stored as UTC text, date first
    columns = {
        Grouping.SESSION: x.session_id,
        Grouping.USER: func.coalesce(x.user, x.client),
        Grouping.TEAM: x.team,
        Grouping.KEY: x.key_id,
        Grouping.MODEL: x.model,
    }
    return columns[by]


def _conditions(where: SpendFilter) -> list[ColumnElement[bool]]:
    x = t.exchanges.c
    conditions: list[ColumnElement[bool]] = []
    if where.since is not None:
        conditions.append(x.started_at >= where.since)
    if where.until is not None:
        conditions.append(x.started_at < where.until)
    if where.user is not None:
        conditions.append(func.coalesce(x.user, x.client) == where.user)
    for column, value in ((x.team, where.team), (x.key_id, where.key_id), (x.model, where.model)):
        if value is not None:
            conditions.append(column == value)
    return conditions


async def read_spend(
    db: AsyncConnection, by: Grouping, where: SpendFilter, *, limit: int = 100
) -> list[SpendRow]:
    """The ``limit`` groups that cost most, most first (by day: the latest days, in
    order)."""
    x = t.exchanges.c
    conditions = _conditions(where)
    group = _group(db, by).label("grp")
    cost = func.coalesce(func.sum(x.cost_usd), 0.0)
    query = (
        select(
            group,
            cost,
            func.count(),
            func.sum((x.cost_usd.is_(None) & (x.outcome != Outcome.REFUSED.value)).cast(Integer)),
            func.coalesce(func.sum(x.input_tokens), 0),
            func.coalesce(func.sum(x.output_tokens), 0),
            func.coalesce(func.sum(x.cache_read_tokens), 0),
            func.coalesce(func.sum(x.cache_creation_tokens), 0),
        )
        .where(*conditions)
        .group_by(group)
        .order_by(group.desc() if by is Grouping.DAY else cost.desc())
        .limit(limit)
    )
    rows = [
        SpendRow(
            key=None if key is None else str(key),
            cost_usd=float(usd),
            exchanges=int(count),
            unpriced=int(unpriced or 0),
            input_tokens=int(tokens_in),
            output_tokens=int(tokens_out),
            cache_read_tokens=int(read),
            cache_creation_tokens=int(written),
        )
        for key, usd, count, unpriced, tokens_in, tokens_out, read, written in await db.execute(
            query
        )
    ]
    if by is Grouping.DAY:
        rows.reverse()  # oldest first: a time series
    return rows


async def read_daily(db: AsyncConnection, by: Grouping, where: SpendFilter) -> list[DailyRow]:
    """Each group's sums on each UTC day (a time series per group), oldest day first."""
    x = t.exchanges.c
    day = _group(db, Grouping.DAY).label("day")
    group = _group(db, by).label("grp")
    query = (
        select(
            day,
            group,
            func.coalesce(func.sum(x.cost_usd), 0.0),
            func.coalesce(func.sum(x.input_tokens), 0),
            func.coalesce(func.sum(x.output_tokens), 0),
        )
        .where(*_conditions(where))
        .group_by(day, group)
        .order_by(day)
    )
    return [
        DailyRow(str(d), None if key is None else str(key), float(usd), int(i), int(o))
        for d, key, usd, i, o in await db.execute(query)
    ]
