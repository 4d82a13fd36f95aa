"""Migrations, the version check and the schema's shape, on SQLite and Postgres."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from sluice.schema import (
    SchemaError,
    async_url,
    check_version,
    create_engine,
    head_revision,
    metadata,
)
from sluice.schema import upgrade as run_upgrade
from sluice.schema.commands import _compare
from sluice.store import ExchangeRecord

TABLES = {"sessions", "messages", "blobs", "exchanges", "exchange_blobs", "events", "api_keys"}


async def _tables(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:

            def read(sync: object) -> dict[str, list[str]]:
                inspector = inspect(sync)
                return {
                    name: [c["name"] for c in inspector.get_columns(name)]
                    for name in inspector.get_table_names()
                }

            return await connection.run_sync(read)
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_creates_every_table(db_url: str) -> None:
    await run_upgrade(db_url)
    tables = await _tables(db_url)
    assert set(tables) >= TABLES
    await check_version(db_url)


async def test_upgrade_twice_changes_nothing(migrated: str) -> None:
    await run_upgrade(migrated)
    await check_version(migrated)


async def test_check_version_on_an_empty_database_says_to_upgrade(db_url: str) -> None:
    with pytest.raises(SchemaError, match="has no Sluice schema; run `sluice db upgrade`"):
        await check_version(db_url)


async def test_check_version_on_a_newer_schema_says_to_upgrade_sluice(migrated: str) -> None:
    engine = create_engine(migrated)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    await engine.dispose()
    with pytest.raises(SchemaError, match="revision f00d, unknown to this Sluice"):
        await check_version(migrated)


def test_an_older_revision_says_to_run_upgrade() -> None:
    older = r"at schema revision 0001, older than 0002; run `sluice db upgrade`"
    with pytest.raises(SchemaError, match=older):
        _compare("0001", "0002", "sqlite:///x.db")
    _compare(head_revision(), head_revision(), "sqlite:///x.db")


async def test_no_column_can_hold_a_credential(migrated: str) -> None:
    """Credentials never reach the store: there is nowhere to put headers or keys."""
    suspicious = re.compile(r"header|authori|api_?key|secret|password|cookie|bearer|credential")
    tables = await _tables(migrated)
    # api_keys holds SHA-256 hashes of Sluice keys, never a key (tests/store/test_keys.py
    # greps the database for one): its columns are checked, not its name.
    columns = [c if t == "api_keys" else f"{t}.{c}" for t, cs in tables.items() for c in cs]
    assert [c for c in columns if suspicious.search(c)] == []
    fields = [f.name for f in dataclasses.fields(ExchangeRecord)]
    assert [f for f in fields if suspicious.search(f)] == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///var/sluice.db", "sqlite+aiosqlite:////etc/sluice/var/sluice.db"),
        ("sqlite:////abs/sluice.db", "sqlite+aiosqlite:////abs/sluice.db"),
        ("postgresql://u@db/sluice", "postgresql+asyncpg://u@db/sluice"),
        ("postgres://u@db/sluice", "postgresql+asyncpg://u@db/sluice"),
        ("postgresql+asyncpg://u@db/sluice", "postgresql+asyncpg://u@db/sluice"),
    ],
)
def test_async_url(url: str, expected: str) -> None:
    assert str(async_url(url, Path("/etc/sluice"))) == expected


async def test_checking_a_missing_sqlite_file_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(SchemaError, match="run `sluice db upgrade`"):
        await check_version(f"sqlite:///{path}")
    assert not path.exists()


# SQLite cannot reflect the (Postgres-only) search indexes; Postgres compares them.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
async def test_the_migrations_match_the_tables(migrated: str) -> None:
    """A table changed without a new revision fails here: run `alembic revision --autogenerate`."""
    engine = create_engine(migrated)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()
    assert differences == []
