"""The review queue in the store: escalated tool calls, shared by every replica.

A sidecar worker holding a call :meth:`ReviewQueue.open` s its review (or finds the one an
identical call of the same session already has), then reads :meth:`ReviewQueue.rulings`
until a decision appears; the admin server lists :meth:`ReviewQueue.pending` and
:meth:`ReviewQueue.decide` s. Every change is one conditional ``UPDATE ... WHERE status =
'pending'``: of a reviewer's decision and the deadline, whichever is written first wins,
on any replica. On Postgres a decision also sends ``NOTIFY sluice_reviews`` (delivered at
commit), which :meth:`ReviewQueue.listen` turns into a wake-up of the workers' polls.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Table, insert, or_, select, text, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from sluice.schema import Review, async_url, create_engine
from sluice.store import _tables as t

__all__ = ["CHANNEL", "AlreadyDecided", "ReviewQueue", "Ruling", "StoredReview", "Ticket"]

CHANNEL = "sluice_reviews"  # Postgres: NOTIFY'd with a review's id when it is decided

_TABLE: Table = Review.__table__  # type: ignore[attr-defined]

Status = Literal["pending", "approved", "denied", "expired"]
PENDING: Status = "pending"


class AlreadyDecided(Exception):
    """The review is no longer pending: someone (or the deadline) decided first."""


@dataclass(frozen=True, slots=True)
class Ticket:
    """A tool call to put before a reviewer; ``key`` names it within its session."""

    key: str
    tool: str
    arguments: str
    reason: str
    policy: str
    deadline_s: float
    on_deadline: Literal["deny", "allow"]
    session: str | None = None
    user: str | None = None
    team: str | None = None
    client: str | None = None
    context: str = ""


@dataclass(frozen=True, slots=True)
class Ruling:
    """Where a review stands. ``outcome`` (``allow`` or ``deny``) is set once it is decided."""

    status: Status
    outcome: Literal["allow", "deny"] | None = None
    reviewer: str | None = None
    note: str = ""
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredReview:
    """One review as stored: the call, who made it, and where it stands."""

    id: str
    key: str
    created_at: datetime
    deadline_at: datetime
    tool: str
    arguments: str
    reason: str
    policy: str
    session: str | None
    user: str | None
    team: str | None
    client: str | None
    context: str
    on_deadline: str
    ruling: Ruling


def _ruling(row: Any) -> Ruling:
    decided = None if row.decided_at is None else t.utc(row.decided_at)
    return Ruling(row.status, row.outcome, row.reviewer, row.note, decided)


def _review(row: Any) -> StoredReview:
    return StoredReview(
        id=row.id,
        key=row.key,
        created_at=t.utc(row.created_at),
        deadline_at=t.utc(row.deadline_at),
        tool=row.tool,
        arguments=row.arguments,
        reason=row.reason,
        policy=row.policy,
        session=row.session,
        user=row.user,
        team=row.team,
        client=row.client,
        context=row.context,
        on_deadline=row.on_deadline,
        ruling=_ruling(row),
    )


class ReviewQueue:
    """The ``reviews`` table of the store whose engine is ``engine``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def open_store(cls, url: str | URL) -> ReviewQueue:
        """The queue in the store at ``url``, with an engine of its own (see :meth:`aclose`)."""
        return cls(create_engine(async_url(url)))

    async def aclose(self) -> None:
        await self.engine.dispose()

    async def open(self, ticket: Ticket, reuse_s: float) -> tuple[StoredReview, bool]:
        """The review for ``ticket``: the pending one of the same key, else one decided by a
        person within ``reuse_s``, else a new one (then ``True``). Of two opening the same
        call at once (two replicas), one creates it and the other joins it."""
        try:
            return await self._open(ticket, reuse_s)
        except IntegrityError:  # the other one's row is pending now: join it
            return await self._open(ticket, reuse_s)

    async def _open(self, ticket: Ticket, reuse_s: float) -> tuple[StoredReview, bool]:
        now = datetime.now(UTC)
        await self.expire_stale(now, key=ticket.key)
        review_id, deadline_at = uuid.uuid4().hex, now + timedelta(seconds=ticket.deadline_s)
        reusable = or_(
            _TABLE.c.status == PENDING,
            (_TABLE.c.status.in_(("approved", "denied")))
            & (_TABLE.c.decided_at >= now - timedelta(seconds=reuse_s)),
        )
        query = (
            select(_TABLE)
            .where(_TABLE.c.key == ticket.key, reusable)
            .order_by(_TABLE.c.created_at.desc())
            .limit(1)
        )
        async with self.engine.begin() as connection:
            found = (await connection.execute(query)).first()
            if found is not None:
                return _review(found), False
            values: dict[str, Any] = {
                "id": review_id,
                "key": ticket.key,
                "status": PENDING,
                "created_at": now,
                "deadline_at": deadline_at,
                "on_deadline": ticket.on_deadline,
                "tool": ticket.tool,
                "arguments": ticket.arguments,
                "reason": ticket.reason,
                "policy": ticket.policy,
                "session": ticket.session,
                "user": ticket.user,
                "team": ticket.team,
                "client": ticket.client,
                "context": ticket.context,
                "note": "",
            }
            await connection.execute(insert(_TABLE).values(**values))
        created = StoredReview(
            id=review_id,
            key=ticket.key,
            created_at=now,
            deadline_at=deadline_at,
            tool=ticket.tool,
            arguments=ticket.arguments,
            reason=ticket.reason,
            policy=ticket.policy,
            session=ticket.session,
            user=ticket.user,
            team=ticket.team,
            client=ticket.client,
            context=ticket.context,
            on_deadline=ticket.on_deadline,
            ruling=Ruling(PENDING),
        )
        return created, True

    async def rulings(self, ids: Collection[str]) -> dict[str, Ruling]:
        """The decided reviews among ``ids`` (pending ones are left out)."""
        if not ids:
            return {}
        query = select(
            _TABLE.c.id,
            _TABLE.c.status,
            _TABLE.c.outcome,
            _TABLE.c.reviewer,
            _TABLE.c.note,
            _TABLE.c.decided_at,
        ).where(_TABLE.c.id.in_(list(ids)), _TABLE.c.status != PENDING)
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return {row.id: _ruling(row) for row in rows}

    async def decide(
        self, review_id: str, *, approve: bool, reviewer: str, note: str = ""
    ) -> StoredReview | None:
        """Approve or deny a pending review; ``None`` when there is no such review.
        Raises :class:`AlreadyDecided` when it is no longer pending."""
        if approve:
            return await self._settle(review_id, "approved", "allow", reviewer, note)
        return await self._settle(review_id, "denied", "deny", reviewer, note)

    async def expire(self, review_id: str, outcome: Literal["allow", "deny"]) -> Ruling:
        """Nobody decided in time: ``outcome`` applies, unless a decision was written first
        (then that one is returned)."""
        try:
            settled = await self._settle(review_id, "expired", outcome, None, "")
        except AlreadyDecided:
            settled = await self.get(review_id)
        if settled is None:  # deleted meanwhile (a prune): the deadline's default applies
            return Ruling("expired", outcome)
        return settled.ruling

    async def _settle(
        self,
        review_id: str,
        status: Status,
        outcome: str,
        reviewer: str | None,
        note: str,
    ) -> StoredReview | None:
        now = datetime.now(UTC)
        change = (
            update(_TABLE)
            .where(_TABLE.c.id == review_id, _TABLE.c.status == PENDING)
            .values(status=status, outcome=outcome, reviewer=reviewer, note=note, decided_at=now)
        )
        async with self.engine.begin() as connection:
            changed = (await connection.execute(change)).rowcount
            row = (await connection.execute(select(_TABLE).where(_TABLE.c.id == review_id))).first()
            if changed and self.engine.dialect.name == "postgresql":
                notify = text("SELECT pg_notify(:channel, :id)")
                await connection.execute(notify, {"channel": CHANNEL, "id": review_id})
        if row is None:
            return None
        if not changed:
            raise AlreadyDecided(f"review {review_id} is already {row.status}")
        return _review(row)

    async def expire_stale(self, now: datetime | None = None, *, key: str | None = None) -> int:
        """Settle the pending reviews past their deadline that nobody waits for any more
        (their client went away): ``expired``, with their ``on_deadline``. How many."""
        now = now or datetime.now(UTC)
        stale = [_TABLE.c.status == PENDING, _TABLE.c.deadline_at < now]
        if key is not None:
            stale.append(_TABLE.c.key == key)
        # Read first: the Review page lists every second, and on SQLite even an UPDATE that
        # changes nothing takes the write lock the event-log writer needs.
        async with self.engine.connect() as connection:
            found = (await connection.execute(select(_TABLE.c.id).where(*stale).limit(1))).first()
        if found is None:
            return 0
        change = (
            update(_TABLE)
            .where(*stale)
            .values(status="expired", outcome=_TABLE.c.on_deadline, decided_at=now)
        )
        async with self.engine.begin() as connection:
            return int((await connection.execute(change)).rowcount)

    async def listen(self, wake: Callable[[str], None]) -> Callable[[], Awaitable[None]] | None:
        """Call ``wake(review_id)`` as each decision is committed, on any replica: Postgres
        only (``LISTEN``, on a connection of its own); ``None`` elsewhere. Returns what
        stops listening."""
        if self.engine.dialect.name != "postgresql":
            return None
        connection = await self.engine.connect()
        raw = (await connection.get_raw_connection()).driver_connection
        if raw is None:
            await connection.close()
            return None

        def notified(_connection: Any, _pid: int, _channel: str, payload: str) -> None:
            wake(payload)

        await raw.add_listener(CHANNEL, notified)

        async def stop() -> None:
            try:
                await raw.remove_listener(CHANNEL, notified)
            finally:
                await connection.close()

        return stop

    async def get(self, review_id: str) -> StoredReview | None:
        async with self.engine.connect() as connection:
            row = (await connection.execute(select(_TABLE).where(_TABLE.c.id == review_id))).first()
        return None if row is None else _review(row)

    async def listing(self, *, pending: bool = True, limit: int = 100) -> list[StoredReview]:
        """Pending reviews, oldest first (the next to decide on top); else the decided ones,
        most recent first."""
        query = select(_TABLE).limit(limit)
        if pending:
            await self.expire_stale()
            query = query.where(_TABLE.c.status == PENDING).order_by(_TABLE.c.created_at)
        else:
            query = query.where(_TABLE.c.status != PENDING).order_by(_TABLE.c.decided_at.desc())
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_review(row) for row in rows]
