"""The policy versions applied through the admin API, shared by every replica.

The admin server appends a version for each change (:meth:`PolicyVersions.append`); every
sidecar worker polls :meth:`PolicyVersions.latest` and builds its chains from it. The
newest row is in force; an entry whose ``config`` is ``None`` means "the config file's".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from sluice.schema import PolicyVersion, async_url, create_engine
from sluice.store import _tables as t

__all__ = ["PolicyVersions", "StoredVersion"]

_TABLE = PolicyVersion.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One applied change, as stored. ``config`` is ``None`` for "back to the file"."""

    id: int
    created_at: datetime
    action: str
    reverted_to: int | None
    author_role: str
    author_key: str | None
    comment: str
    config: dict[str, Any] | None
    diff: str


def _version(row: Any) -> StoredVersion:
    return StoredVersion(
        id=row.id,
        created_at=t.utc(row.created_at),
        action=row.action,
        reverted_to=row.reverted_to,
        author_role=row.author_role,
        author_key=row.author_key,
        comment=row.comment,
        config=None if row.config is None else json.loads(row.config),
        diff=row.diff,
    )


class PolicyVersions:
    """The ``policy_versions`` table of the store whose engine is ``engine``.

    >>> versions = PolicyVersions(store.engine)  # doctest: +SKIP
    >>> current = await versions.latest()  # doctest: +SKIP
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | URL) -> PolicyVersions:
        """Versions in the store at ``url`` (as the config writes it), with an engine of
        their own: close it with :meth:`aclose`."""
        return cls(create_engine(async_url(url)))

    async def aclose(self) -> None:
        await self.engine.dispose()

    async def latest(self) -> StoredVersion | None:
        """The version in force, or ``None`` when nothing was ever applied."""
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(select(_TABLE).order_by(_TABLE.c.id.desc()).limit(1))
            ).first()
        return None if row is None else _version(row)

    async def get(self, version_id: int) -> StoredVersion | None:
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(select(_TABLE).where(_TABLE.c.id == version_id))
            ).first()
        return None if row is None else _version(row)

    async def page(self, *, before: int | None = None, limit: int = 50) -> list[StoredVersion]:
        """Versions newest first; ``before`` (an id) continues a previous page."""
        query = select(_TABLE).order_by(_TABLE.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(_TABLE.c.id < before)
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_version(row) for row in rows]

    async def count(self) -> int:
        async with self.engine.connect() as connection:
            return int(
                (await connection.execute(select(func.count()).select_from(_TABLE))).scalar_one()
            )

    async def append(
        self,
        *,
        action: str,
        config: dict[str, Any] | None,
        author_role: str,
        author_key: str | None,
        comment: str = "",
        diff: str = "",
        reverted_to: int | None = None,
    ) -> StoredVersion:
        """Store a new version; it is in force as soon as this returns."""
        values: dict[str, Any] = {
            "created_at": datetime.now(UTC),
            "action": action,
            "reverted_to": reverted_to,
            "author_role": author_role,
            "author_key": author_key,
            "comment": comment,
            "config": None if config is None else json.dumps(config, sort_keys=True),
            "diff": diff,
        }
        async with self.engine.begin() as connection:
            result = await connection.execute(insert(_TABLE).values(**values))
            new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        assert new_id is not None
        return StoredVersion(
            id=int(new_id),
            created_at=values["created_at"],
            action=action,
            reverted_to=reverted_to,
            author_role=author_role,
            author_key=author_key,
            comment=comment,
            config=config,
            diff=diff,
        )
