"""On Postgres, the history API's session search reads the full-text indexes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL

from sluice.store import SessionFilter, Store
from tests.store.factories import record
from tests.store.fixtures import TEMPLATE, _create_database


async def test_search_uses_the_full_text_indexes(postgres_server: URL) -> None:
    url = await _create_database(postgres_server, TEMPLATE)
    async with Store(url) as store:
        await store.write([record(0, id="a", session_id="a")])
        statements: list[tuple[str, Any]] = []

        def capture(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
            if "jsonb_to_tsvector" in statement:
                statements.append((statement, params))

        event.listen(store.engine.sync_engine, "before_cursor_execute", capture)
        page = await store.list_sessions(SessionFilter(search="Step"))
        assert [s.id for s in page.sessions] == ["a"]
        [(statement, params)] = statements
        async with store.engine.connect() as db:
            await db.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: force the choice
            plan = "\n".join(
                row[0] for row in await db.exec_driver_sql("EXPLAIN " + statement, params)
            )
    assert "ix_messages_search" in plan
    assert "ix_exchanges_search" in plan
