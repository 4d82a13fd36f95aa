"""A 500-turn Claude Code session costs storage linear in its length, on both backends."""

from __future__ import annotations

import json

from sqlalchemy import text

from sluice.store import Store
from tests.store.factories import TOOLS, assistant, claude_request, conversation, record, user

TURNS = 500


async def test_a_long_session_stores_each_message_once(store: Store) -> None:
    history = conversation(1)
    batch = []
    last_request: dict[str, object] = {}
    for turn in range(TURNS):
        if turn:
            history += [assistant(turn - 1), user(turn)]
        last_request = claude_request(history)
        batch.append(record(turn, request=last_request))
        if len(batch) == 50:  # the writer's batches
            await store.write(batch)
            batch = []
    final_bytes = len(json.dumps(last_request))
    assert len(json.dumps(TOOLS)) > 60_000

    async with store.engine.connect() as connection:

        async def scalar(sql: str) -> int:
            return int((await connection.execute(text(sql))).scalar_one())

        assert await scalar("SELECT count(*) FROM messages") == 2 * TURNS - 1
        assert await scalar("SELECT count(*) FROM exchanges") == TURNS
        assert await scalar("SELECT count(*) FROM blobs") == 2  # tools, system prompt
        assert await scalar("SELECT count(*) FROM sessions") == 1
        stored = sum(
            [
                await scalar("SELECT sum(length(content)) FROM messages"),
                await scalar("SELECT sum(length(content)) FROM blobs"),
                await scalar("SELECT sum(length(request_rest)) FROM exchanges"),
                await scalar("SELECT sum(length(response)) FROM exchanges"),
            ]
        )
    # Resent naively, the session would be about TURNS / 2 times its final request.
    assert stored < 2 * final_bytes, (stored, final_bytes)

    transcript = await store.read_session("s1")
    assert transcript is not None
    assert transcript.request(transcript.exchanges[-1]) == last_request
