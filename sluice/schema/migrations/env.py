"""Alembic's migration environment, run with the async engines.

:mod:`sluice.schema.commands` passes an open connection in ``config.attributes``; the
``alembic`` command line, used to write a new revision, passes ``sqlalchemy.url``
instead: after changing a table, against a database at the previous head::

    alembic -c my.ini revision --autogenerate -m "what changed"

with ``my.ini`` holding ``[alembic]``, ``script_location = sluice/schema/migrations``
and ``sqlalchemy.url = sqlite:///var/dev.db``. Review the result: it must run on both
Postgres and SQLite (``render_as_batch`` below makes table changes portable).
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from sluice.schema.tables import metadata
from sluice.schema.urls import create_engine


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: later revisions rebuild tables in batch mode.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_with_url(context.config.get_main_option("sqlalchemy.url") or ""))
