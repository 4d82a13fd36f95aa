"""Writers of two replicas storing turns of one session at the same moment (Postgres)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from sluice.store import SessionFilter, Store
from sluice.store._writer import BatchWriter
from tests.store.factories import claude_request, conversation, record
from tests.store.fixtures import TEMPLATE, _create_database


async def test_a_racing_writer_fails_whole_then_its_retry_stores_everything(
    postgres_server: URL,
) -> None:
    url = await _create_database(postgres_server, TEMPLATE)
    async with Store(url) as first, Store(url) as second:
        await first.write([record(0)])  # the session's first turn, stored by either
        history = conversation(2)
        turn = record(1, request=claude_request(history))
        other = [*history[:-1], {"role": "user", "content": [{"type": "text", "text": "b"}]}]
        racing = record(1, id="ex-1b", request=claude_request(other))
        async with first.engine.connect() as db:
            transaction = await db.begin()
            await BatchWriter(db).write([turn])  # planned and inserted, not committed
            blocked = asyncio.create_task(second.write([racing]))  # plans the same seq
            await asyncio.sleep(0.3)
            assert not blocked.done()  # waits on the first one's row
            await transaction.commit()
        with pytest.raises(IntegrityError):
            await blocked  # rolled back whole: nothing of it was stored
        await second.write([racing])  # the recorder's retry plans again
        one = await first.read_session("s1")
        assert one is not None
        assert [x.id for x in one.exchanges] == ["ex-0", "ex-1"]
        assert one.messages == history
        page = await first.list_sessions(SessionFilter())
        [child] = [s for s in page.sessions if s.parent_id == "s1"]
        branch = await first.read_session(child.id)
        assert branch is not None
        assert [x.id for x in branch.exchanges] == ["ex-1b"]
        assert branch.messages == other  # the shared prefix, then its own message
