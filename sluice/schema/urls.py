"""Database URLs as users write them, turned into what the async engines need."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

__all__ = ["async_url", "create_engine"]

# The gateway config says `sqlite:///var/sluice.db` or `postgresql://...`; the engines need
# an async driver. A URL that already names a driver is kept as written.
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


def async_url(url: str | URL, base: Path | None = None) -> URL:
    """``url`` with an async driver; a relative SQLite path is taken from ``base``.

    >>> str(async_url("sqlite:///var/sluice.db", Path("/etc/sluice")))
    'sqlite+aiosqlite:////etc/sluice/var/sluice.db'
    """
    parsed = make_url(url)
    if parsed.drivername in _DRIVERS:
        parsed = parsed.set(drivername=_DRIVERS[parsed.drivername])
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database or "")
        if base is not None and not path.is_absolute():
            parsed = parsed.set(database=str(base / path))
    return parsed


def create_engine(url: str | URL) -> AsyncEngine:
    """An async engine for ``url`` (see :func:`async_url`), creating a SQLite file's folder."""
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        # SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked, per
        # connection; the engine's connect hook asks.
        engine = create_async_engine(parsed)
        _enable_sqlite_foreign_keys(engine)
        return engine
    return create_async_engine(parsed)


def _enable_sqlite_foreign_keys(engine: AsyncEngine) -> None:
    from typing import Any

    from sqlalchemy import event

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # One writer, readers alongside it: a write-ahead log, synced at checkpoints rather
        # than at every commit (an OS crash may lose the last commits, never corrupt).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
