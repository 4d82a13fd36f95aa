"""A session read while the writer commits its next turns reads back whole, on SQLite and
Postgres: every exchange the reader sees comes with the messages and blobs it carried.

The event-log writer commits batches while the API (or a test) reads the same session; a
reader that saw the exchanges of one commit and the messages of an earlier one would
rebuild a request without its newest messages.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from sluice.store import Store
from sluice.store import store as store_module
from sluice.store.transcript import Transcript, read_exchange, read_transcript
from tests.store.factories import claude_request, conversation, record


class _WriterBetweenQueries:
    """The reader's connection; after each of its queries the writer commits a turn."""

    def __init__(self, connection: AsyncConnection, store: Store, written: list[int]) -> None:
        self._connection = connection
        self._store = store
        self._written = written  # the turns written so far, turn 0 first

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        result = await self._connection.execute(*args, **kwargs)
        turn = len(self._written)
        await self._store.write([record(turn)])
        self._written.append(turn)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def _reads_back_as_sent(transcript: Transcript) -> None:
    for exchange in transcript.exchanges:
        turn = int(exchange.id.removeprefix("ex-"))
        assert transcript.request(exchange) == claude_request(conversation(turn + 1))


async def test_a_session_read_while_its_turns_are_written_reads_back_as_sent(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.write([record(0)])
    written = [0]

    async def interrupted(connection: AsyncConnection, session_id: str) -> Transcript | None:
        writer = _WriterBetweenQueries(connection, store, written)
        return await read_transcript(writer, session_id)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "read_transcript", interrupted)
    transcript = await store.read_session("s1")

    assert len(written) > 2  # the writer committed between the reader's queries
    assert transcript is not None
    _reads_back_as_sent(transcript)
    assert [e.id for e in transcript.exchanges] == ["ex-0"]  # as of its first query
    monkeypatch.undo()
    later = await store.read_session("s1")
    assert later is not None
    assert [e.id for e in later.exchanges] == [f"ex-{turn}" for turn in written]
    _reads_back_as_sent(later)


async def test_an_exchange_read_while_its_session_grows_reads_back_as_sent(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.write([record(0)])
    written = [0]

    async def interrupted(connection: AsyncConnection, exchange_id: str) -> Any:
        writer = _WriterBetweenQueries(connection, store, written)
        return await read_exchange(writer, exchange_id)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "read_exchange", interrupted)
    found = await store.read_exchange("ex-0")

    assert len(written) > 2
    assert found is not None
    transcript, exchange = found
    assert exchange.id == "ex-0"
    _reads_back_as_sent(transcript)
