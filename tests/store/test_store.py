"""Writing records and reading sessions back, on SQLite and Postgres."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select, text

from sluice.model import Format, Response, Text, Thinking, ToolCall, ToolResult, Usage
from sluice.schema import metadata
from sluice.store import Decision, EventKind, Outcome, Store, client_fingerprint
from tests.store.factories import T0, assistant, claude_request, conversation, record, user


async def count(store: Store, table: str, **where: Any) -> int:
    t = metadata.tables[table]
    query = select(func.count()).select_from(t)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    async with store.engine.connect() as connection:
        return int((await connection.execute(query)).scalar_one())


async def test_every_field_is_read_back(store: Store) -> None:
    request = claude_request(conversation(2))
    sent = claude_request(conversation(2))
    sent["messages"][2]["content"][0]["text"] = "Step 1: [REDACTED]"
    sent["tools"] = sent["tools"][:3]
    received = Response(
        format=Format.ANTHROPIC,
        model="claude-sonnet-4-5",
        id="msg_1",
        blocks=[
            Thinking("hmm", signature="sig"),
            Thinking("", redacted=True),
            Text("Running it."),
            ToolCall("toolu_1", "Bash", '{"command": "rm -rf /"}'),
            ToolResult("toolu_0", "done", is_error=True),
        ],
        stop_reason="tool_use",
        usage=Usage(1, 2, 3, 4, 5),
    )
    delivered = dataclasses.replace(received, blocks=[Text("Running it.")], stop_reason="end_turn")
    decisions = [
        Decision("redact", "request", "modify", "an email address", 0.002, at=T0),
        Decision(
            "tool_rules",
            "tool_call",
            "block",
            "rm -rf",
            seconds=0.25,
            kind=EventKind.JUDGE,
            at=T0 + timedelta(seconds=1),
            data={"rule": "no-rm"},
        ),
    ]
    written = record(
        1,
        request=request,
        request_sent=sent,
        user_id="alice",
        usage=Usage(1, 2, 3, 4, 5),
        ttft=0.125,
        duration=2.5,
        outcome=Outcome.MODIFIED,
        response=received,
        response_delivered=delivered,
        decisions=decisions,
    )
    await store.write([written])

    transcript = await store.read_session("s1")
    assert transcript is not None
    assert (transcript.session_id, transcript.root_id, transcript.parent_id) == ("s1", "s1", None)
    assert (transcript.client, transcript.user_id) == (written.client, "alice")
    assert transcript.first_seen == transcript.last_seen == written.started_at
    assert transcript.messages == conversation(2)
    [read] = transcript.exchanges
    assert transcript.request(read) == request
    assert transcript.request_sent(read) == sent
    assert read.response == received
    assert read.response_delivered == delivered
    assert read.decisions == decisions
    assert read.history_len == 3
    for name in ("id", "started_at", "format", "route", "provider", "model", "client",
                 "user_id", "session_id", "status", "streamed", "usage", "ttft", "duration",
                 "outcome"):  # fmt: skip
        assert getattr(read, name) == getattr(written, name), name
    # The sent request costs only the message the policy changed.
    async with store.engine.connect() as connection:
        stored = (await connection.execute(text("SELECT request_sent FROM exchanges"))).scalar()
    assert "[REDACTED]" in stored
    assert "Step 0" not in stored


async def test_an_unchanged_exchange_stores_no_copies(store: Store) -> None:
    await store.write([record(0)])
    async with store.engine.connect() as connection:
        row = (
            await connection.execute(text("SELECT request_sent, response_delivered FROM exchanges"))
        ).one()
    assert tuple(row) == (None, None)


async def test_each_turn_adds_only_its_new_messages(store: Store) -> None:
    await store.write([record(0)])
    await store.write([record(1), record(2)])  # a batch: one transaction
    assert await count(store, "messages") == 5
    assert await count(store, "blobs") == 2  # the tools list and the system prompt
    transcript = await store.read_session("s1")
    assert transcript is not None
    assert [e.history_len for e in transcript.exchanges] == [1, 3, 5]
    for i, exchange in enumerate(transcript.exchanges):
        assert transcript.request(exchange) == record(i).request


async def test_writing_a_batch_again_changes_nothing(store: Store) -> None:
    batch = [record(0), record(1)]
    await store.write(batch)
    await store.write([*batch, record(1), record(2)])
    assert await count(store, "exchanges") == 3
    assert await count(store, "messages") == 5


async def test_a_retried_request_stores_no_message(store: Store) -> None:
    await store.write([record(1)])
    retry = record(1, id="ex-retry", started_at=T0 + timedelta(minutes=1))
    retry.request.pop("stream")  # Claude Code retries a failed stream without `stream`
    await store.write([retry])
    assert await count(store, "messages") == 3
    assert await count(store, "sessions") == 1


async def test_a_compacted_history_starts_a_child_session(store: Store) -> None:
    await store.write([record(0), record(1), record(2)])
    summary = {"role": "user", "content": [{"type": "text", "text": "Summary of steps 0-2"}]}
    compacted = [summary, assistant(9), user(10)]
    await store.write([record(3, request=claude_request(compacted))])
    await store.write([record(4, request=claude_request([*compacted, assistant(10), user(11)]))])

    child = await store.read_session("s1/1")
    assert child is not None
    assert (child.parent_id, child.root_id, child.fork_seq) == ("s1", "s1", 0)
    assert child.messages == [*compacted, assistant(10), user(11)]
    assert [e.id for e in child.exchanges] == ["ex-3", "ex-4"]
    parent = await store.read_session("s1")
    assert parent is not None
    assert parent.messages == conversation(3)  # never rewritten
    assert await count(store, "messages", session_id="s1/1") == 5


async def test_an_edited_turn_shares_the_prefix_with_its_parent(store: Store) -> None:
    await store.write([record(2)])
    edited = [*conversation(2), {"role": "user", "content": [{"type": "text", "text": "no"}]}]
    await store.write([record(3, request=claude_request(edited))])
    child = await store.read_session("s1/1")
    assert child is not None
    assert child.fork_seq == 3
    assert child.messages == edited
    assert await count(store, "messages", session_id="s1/1") == 1
    assert child.request(child.exchanges[0]) == claude_request(edited)


async def test_without_a_session_id_turns_are_grouped_by_client_and_opening(store: Store) -> None:
    await store.write([record(0, session_id=None), record(1, session_id=None)])
    await store.write([record(5, session_id=None, client="key:someone-else")])
    assert await count(store, "sessions") == 2
    assert await count(store, "messages") == 3 + 11


async def test_reading_a_session_takes_a_fixed_number_of_queries(store: Store) -> None:
    statements: list[str] = []

    def seen(*args: Any) -> None:
        if args[2] != "BEGIN":  # SQLite's read transaction (sluice/store/snapshot.py)
            statements.append(args[2])

    for turns in (3, 30):
        await store.write([record(i, id=f"ex-{turns}-{i}") for i in range(turns)])
        event.listen(store.engine.sync_engine, "before_cursor_execute", seen)
        statements.clear()
        assert await store.read_session("s1") is not None
        event.remove(store.engine.sync_engine, "before_cursor_execute", seen)
        assert len(statements) <= 5, statements


async def test_no_credential_reaches_the_database(store: Store) -> None:
    """The data path turns a key into a fingerprint; nothing else of it is recorded."""
    key = "sk-ant-api03-" + "A1b2C3d4" * 10
    await store.write([record(0, client=client_fingerprint(key))])
    async with store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in await connection.execute(select(table)):
                assert key not in repr(tuple(row))
                assert key[:20] not in repr(tuple(row))


async def test_an_unknown_session_reads_as_none(store: Store) -> None:
    assert await store.read_session("nope") is None
