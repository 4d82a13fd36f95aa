"""A connection whose queries all read the store as it was at the first of them.

The event-log writer commits batches while sessions are read. A read that takes several
queries (a transcript takes five) must not see an exchange of one commit with the messages
of an earlier one: the request it rebuilds would lack its newest messages. Postgres gives
each statement its own snapshot at its default isolation (read committed), so reads ask for
repeatable read. Python's SQLite driver opens a transaction only before a write, so each
read would be its own; reads open one (in WAL mode it never blocks the writer).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = ["snapshot"]


@asynccontextmanager
async def snapshot(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for reading only, every query of it in one snapshot of the store."""
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("BEGIN")  # ended by the rollback on close
        else:
            await connection.execution_options(isolation_level="REPEATABLE READ")
        yield connection
