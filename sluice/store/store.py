"""The store: writes batches of exchange records, reads sessions back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sluice.schema import create_engine
from sluice.store._writer import BatchWriter
from sluice.store.activity import Activity, read_activity, recent_ids
from sluice.store.history import Spellings
from sluice.store.listing import SessionFilter, SessionPage, list_sessions
from sluice.store.records import ExchangeRecord
from sluice.store.snapshot import snapshot
from sluice.store.spend import (
    DailyRow,
    Grouping,
    SpendFilter,
    SpendRow,
    read_daily,
    read_spend,
)
from sluice.store.titles import TitleJob, due_titles, save_title, title_material
from sluice.store.transcript import StoredExchange, Transcript, read_exchange, read_transcript

__all__ = ["Store"]


class Store:
    """The event log at ``url`` (SQLite file or Postgres), at the current schema revision.

    >>> async with Store("sqlite:///var/sluice.db") as store:  # doctest: +SKIP
    ...     await store.write(records)
    ...     transcript = await store.read_session("5c1f...")

    Run :func:`sluice.schema.upgrade` first; :func:`sluice.schema.check_version` says
    whether that is needed. A gateway has one writer (the event-log process). Writers of
    several replicas that store turns of one session at the same moment may both plan its
    next message number: the second transaction then fails on the messages' primary key,
    is rolled back whole, and its retry plans again from what the first one stored.
    """

    def __init__(self, url: str | URL) -> None:
        self.engine: AsyncEngine = create_engine(url)
        self._spellings = Spellings()

    async def write(self, records: Sequence[ExchangeRecord]) -> None:
        """Store ``records`` in one transaction: all of them, or none if one fails.

        Idempotent: a record whose exchange id is already stored is skipped, so a writer
        may retry a batch whose commit it could not confirm.
        """
        if not records:
            return
        async with self.engine.begin() as connection:
            await BatchWriter(connection, self._spellings).write(records)

    async def read_session(self, session_id: str) -> Transcript | None:
        """The session's transcript, in a fixed number of queries; ``None`` if unknown."""
        async with snapshot(self.engine) as connection:
            return await read_transcript(connection, session_id)

    async def list_sessions(
        self, where: SessionFilter, *, cursor: str | None = None, limit: int = 50
    ) -> SessionPage:
        """One page of sessions, most recently active first (see :mod:`.listing`)."""
        async with snapshot(self.engine) as connection:
            return await list_sessions(connection, where, cursor=cursor, limit=limit)

    async def read_exchange(self, exchange_id: str) -> tuple[Transcript, StoredExchange] | None:
        """One exchange with the transcript of its session; ``None`` if unknown."""
        async with snapshot(self.engine) as connection:
            return await read_exchange(connection, exchange_id)

    async def recent_exchanges(
        self, since: datetime, *, skip: set[str] | frozenset[str] = frozenset(), limit: int = 200
    ) -> list[Activity]:
        """Exchanges started at or after ``since`` that are not in ``skip``, oldest first,
        at most ``limit`` (see :mod:`.activity`)."""
        async with snapshot(self.engine) as connection:
            fresh = [i for i, _ in await recent_ids(connection, since) if i not in skip]
            return await read_activity(connection, fresh[:limit])

    async def due_titles(self, *, since: datetime, every: int, limit: int) -> list[TitleJob]:
        """Sessions active since ``since`` that need a model-written title (see
        :mod:`.titles`)."""
        async with snapshot(self.engine) as connection:
            return await due_titles(connection, since=since, every=every, limit=limit)

    async def title_material(self, session_id: str) -> str:
        """What a title model reads of a session: its first prompt and latest messages."""
        async with snapshot(self.engine) as connection:
            return await title_material(connection, session_id)

    async def save_title(self, session_id: str, title: str, messages: int) -> None:
        """Store a session's title, written from its first ``messages`` messages."""
        async with self.engine.begin() as connection:
            await save_title(connection, session_id, title, messages)

    async def spend(self, by: Grouping, where: SpendFilter, *, limit: int = 100) -> list[SpendRow]:
        """Costs and tokens summed by ``by`` (see :mod:`.spend`)."""
        async with snapshot(self.engine) as connection:
            return await read_spend(connection, by, where, limit=limit)

    async def spend_daily(self, by: Grouping, where: SpendFilter) -> list[DailyRow]:
        """Costs and tokens by ``by`` and UTC day (see :mod:`.spend`)."""
        async with snapshot(self.engine) as connection:
            return await read_daily(connection, by, where)

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
