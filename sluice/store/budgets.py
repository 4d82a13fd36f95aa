"""The shared side of token budgets: each replica adds its charges and reads the totals.

The sidecar keeps its counters in memory (:mod:`sluice.sidecar.budgets`) and calls
:meth:`BudgetLedger.exchange` about once a second; nothing on the request path waits for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sluice.schema import BudgetUsage, create_engine

__all__ = ["BudgetLedger", "Window", "WindowKey", "read_totals"]

Window = tuple[int, int]  # (period_s, window_start)
WindowKey = tuple[int, int, str]  # (period_s, window_start, counter)

_TABLE = BudgetUsage.__table__  # type: ignore[attr-defined]


class BudgetLedger:
    """Token counts per window in the store at ``url`` (Postgres or SQLite).

    >>> ledger = BudgetLedger("postgresql://sluice@db/sluice")  # doctest: +SKIP
    >>> totals = await ledger.exchange({(60, 1764669600, "client=key:9ab0"): 1200},
    ...                                [(60, 1764669600)])  # doctest: +SKIP
    """

    def __init__(self, url: str | URL) -> None:
        self.engine: AsyncEngine = create_engine(url)
        self._postgres = self.engine.dialect.name == "postgresql"

    async def exchange(
        self, increments: Mapping[WindowKey, int], windows: Iterable[Window]
    ) -> dict[WindowKey, int]:
        """Add ``increments`` and return every counter's total in ``windows``, in one
        transaction; rows of windows older than those given are deleted."""
        wanted = list(dict.fromkeys(windows))
        async with self.engine.begin() as connection:
            rows = [
                {"period_s": p, "window_start": w, "counter": c, "tokens": n}
                for (p, w, c), n in sorted(increments.items())  # one lock order: no deadlock
                if n
            ]
            if rows:
                insert = pg_insert(_TABLE) if self._postgres else sqlite_insert(_TABLE)
                await connection.execute(
                    insert.on_conflict_do_update(
                        index_elements=["period_s", "window_start", "counter"],
                        set_={"tokens": _TABLE.c.tokens + insert.excluded.tokens},
                    ),
                    rows,
                )
            if not wanted:
                return {}
            current = or_(
                *(and_(_TABLE.c.period_s == p, _TABLE.c.window_start == w) for p, w in wanted)
            )
            result = await connection.execute(
                select(
                    _TABLE.c.period_s, _TABLE.c.window_start, _TABLE.c.counter, _TABLE.c.tokens
                ).where(current)
            )
            totals = {(p, w, c): int(n) for p, w, c, n in result}
            expired = or_(
                *(and_(_TABLE.c.period_s == p, _TABLE.c.window_start < w) for p, w in wanted)
            )
            await connection.execute(delete(_TABLE).where(expired))
            return totals

    async def close(self) -> None:
        await self.engine.dispose()


async def read_totals(
    engine: AsyncEngine, windows: Iterable[Window], prefix: str = ""
) -> dict[WindowKey, int]:
    """Every counter of ``windows`` whose name starts with ``prefix``, as the replicas last
    added to it (read only: for the admin pages)."""
    wanted = list(dict.fromkeys(windows))
    if not wanted:
        return {}
    current = or_(*(and_(_TABLE.c.period_s == p, _TABLE.c.window_start == w) for p, w in wanted))
    query = select(
        _TABLE.c.period_s, _TABLE.c.window_start, _TABLE.c.counter, _TABLE.c.tokens
    ).where(current, _TABLE.c.counter.startswith(prefix, autoescape=True))
    async with engine.connect() as connection:
        return {(p, w, c): int(n) for p, w, c, n in await connection.execute(query)}
