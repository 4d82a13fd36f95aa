"""Both backends for every store test: an SQLite file and a real PostgreSQL 15 server.

One Postgres server per test session, started only when a Postgres test runs; every
test gets a database of its own on it, so row counts start at zero. Migrated databases
are copied from a template migrated once, which is much faster than migrating each.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

from sluice.schema import upgrade
from sluice.store import Store
from tests.store.postgres import running_postgres

TEMPLATE = "sluice_migrated"


async def _create_database(server: URL, template: str | None = None) -> str:
    name = "t_" + uuid.uuid4().hex[:16]
    admin = await asyncpg.connect(
        host=server.host, port=server.port, user=server.username, database=server.database
    )
    try:
        copy = f' TEMPLATE "{template}"' if template else ""
        await admin.execute(f'CREATE DATABASE "{name}"{copy}')
    finally:
        await admin.close()
    return server.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[URL]:
    """A throwaway server, with an empty database and a migrated template database."""
    with running_postgres() as url:
        server = make_url(url)
        # Requested lazily from inside async fixtures, so an event loop is running
        # here: the one-off migration gets a loop of its own in another thread.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, _template(server)).result()
        yield server


async def _template(server: URL) -> None:
    admin = await asyncpg.connect(
        host=server.host, port=server.port, user=server.username, database=server.database
    )
    try:
        await admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
    finally:
        await admin.close()
    await upgrade(server.set(database=TEMPLATE))


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend, without any schema."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'sluice.db'}"
    return await _create_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
async def migrated(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database at the current schema revision, on each backend."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'sluice.db'}"
        await upgrade(url)
        return url
    return await _create_database(request.getfixturevalue("postgres_server"), TEMPLATE)


@pytest.fixture
async def store(migrated: str) -> AsyncIterator[Store]:
    async with Store(migrated) as opened:
        yield opened
