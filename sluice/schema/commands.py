"""The schema's commands: apply migrations, check the version at start, prune old data.

``sluice db upgrade`` and ``sluice db prune`` call these; the gateway calls
:func:`check_version` before it records anything, so it never writes into a schema it
does not know. Every command takes the URL as written in the config; resolve a relative
SQLite path against the config's folder first, with ``async_url(url, base)``.

Exceptions::

    SchemaError       the database is not at the revision this Sluice expects
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import delete, exists, select
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from sluice.schema.tables import metadata
from sluice.schema.urls import async_url, create_engine

__all__ = ["PruneResult", "SchemaError", "check_version", "head_revision", "prune", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaError(Exception):
    """The database's schema is missing, older or newer than this version of Sluice."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The revision this version of Sluice writes to."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


async def upgrade(url: str | URL) -> None:
    """Apply every migration the database at ``url`` lacks (creating a SQLite file).

    >>> asyncio.run(upgrade("sqlite:///var/sluice.db"))  # doctest: +SKIP
    """
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection) -> None:
    config = _config()
    config.attributes["connection"] = connection  # env.py runs on this connection
    command.upgrade(config, "head")


async def check_version(url: str | URL) -> None:
    """Raise :class:`SchemaError` unless the database is at :func:`head_revision`."""
    if _missing_sqlite_file(url):
        _compare(None, head_revision(), url)  # raises, and leaves no empty file behind
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
    _compare(current, head_revision(), url)


def _missing_sqlite_file(url: str | URL) -> bool:
    parsed = async_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return False
    return not Path(parsed.database or "").exists()


def _compare(current: str | None, head: str, url: str | URL) -> None:
    shown = url.render_as_string(hide_password=True) if isinstance(url, URL) else url
    if current == head:
        return
    if current is None:
        raise SchemaError(
            f"the database {shown} has no Sluice schema; run `sluice db upgrade` to create it"
        )
    known = {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current in known:
        raise SchemaError(
            f"the database {shown} is at schema revision {current}, older than {head}; "
            "run `sluice db upgrade`"
        )
    raise SchemaError(
        f"the database {shown} is at schema revision {current}, unknown to this Sluice "
        f"(expects {head}); it was upgraded by a newer Sluice: upgrade Sluice itself"
    )


class PruneResult(dict[str, int]):
    """Rows deleted per table, e.g. ``{"exchanges": 120, "events": 300, ...}``."""


async def prune(
    url: str | URL, older_than: timedelta, *, now: datetime | None = None
) -> PruneResult:
    """Delete exchanges started more than ``older_than`` ago, with what only they used.

    Their events go with them; then sessions no exchange and no child session refers to
    (with their messages), and blobs no exchange refers to. One transaction.
    """
    # In UTC: SQLite compares timestamps as text, and the store writes them in UTC.
    cutoff = ((now or datetime.now(UTC)) - older_than).astimezone(UTC)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            return await _prune(connection, cutoff)
    finally:
        await engine.dispose()


async def _prune(connection: AsyncConnection, cutoff: datetime) -> PruneResult:
    tables = metadata.tables
    sessions, messages, blobs = tables["sessions"], tables["messages"], tables["blobs"]
    exchanges, events, links = tables["exchanges"], tables["events"], tables["exchange_blobs"]
    result = PruneResult()

    async def count(statement: Executable) -> int:
        return (await connection.execute(statement)).rowcount

    old = select(exchanges.c.id).where(exchanges.c.started_at < cutoff)
    # Delete dependants explicitly rather than through ON DELETE CASCADE, which SQLite
    # honours only on connections that enabled it.
    result["events"] = await count(delete(events).where(events.c.exchange_id.in_(old)))
    result["exchange_blobs"] = await count(delete(links).where(links.c.exchange_id.in_(old)))
    result["exchanges"] = await count(delete(exchanges).where(exchanges.c.started_at < cutoff))
    result["sessions"] = result["messages"] = 0
    child = sessions.alias("child")
    unused = select(sessions.c.id).where(
        ~exists().where(exchanges.c.session_id == sessions.c.id),
        ~exists().where(child.c.parent_id == sessions.c.id),
    )
    # Children before parents: a parent stays while a child still shares its messages.
    while ids := list((await connection.execute(unused)).scalars()):
        result["messages"] += await count(delete(messages).where(messages.c.session_id.in_(ids)))
        result["sessions"] += await count(delete(sessions).where(sessions.c.id.in_(ids)))
    result["blobs"] = await count(
        delete(blobs).where(~exists().where(links.c.digest == blobs.c.digest))
    )
    return result
