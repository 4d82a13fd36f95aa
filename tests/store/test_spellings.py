"""A session goes on however a client spells a message it resends, on SQLite and Postgres.

A content given as a string and as a list of one text block is the same prompt to every
provider; Claude Code sends its environment message as a cached block on its first request
and as a string on the next ones (``recorded/``). Changing the spelling must not start a
child session, and every request must still read back exactly as the client sent it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from sluice.model import Format
from sluice.store import Store
from sluice.store.history import Spellings
from tests.store.factories import T0, record
from tests.store.test_store import count

RECORDED = Path(__file__).parent / "recorded"
CLAUDE_CODE = ["claude_code_continued", "claude_code_tool_round_trip"]


def recorded(name: str) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = json.loads((RECORDED / f"{name}.json").read_text())["requests"]
    return requests


async def sessions(store: Store) -> list[tuple[str, str | None]]:
    async with store.engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, parent_id FROM sessions ORDER BY id"))
        return [(row.id, row.parent_id) for row in rows]


@pytest.mark.parametrize("name", CLAUDE_CODE)
@pytest.mark.parametrize("batched", [False, True], ids=["two batches", "one batch"])
async def test_a_claude_code_conversation_is_one_session(
    store: Store, name: str, batched: bool
) -> None:
    first, second = recorded(name)
    # The recording shows the change of spelling this test is about.
    assert isinstance(first["messages"][1]["content"], list)
    assert isinstance(second["messages"][1]["content"], str)
    records = [record(0, request=first), record(1, request=second)]
    for batch in [records] if batched else [[r] for r in records]:
        await store.write(batch)

    assert await sessions(store) == [("s1", None)]
    assert await count(store, "messages") == len(second["messages"])  # each stored once
    transcript = await store.read_session("s1")
    assert transcript is not None
    assert [transcript.request(e) for e in transcript.exchanges] == [first, second]


async def test_a_third_turn_continues_too(store: Store) -> None:
    first, second = recorded("claude_code_continued")
    third = json.loads(json.dumps(second))
    del third["messages"][-1]["content"][-1]["cache_control"]
    answer = {"role": "assistant", "content": [{"type": "text", "text": "Hi again."}]}
    asked = {"role": "user", "content": [{"type": "text", "text": "bye", **_CACHED}]}
    third["messages"] += [answer, asked]
    for i, request in enumerate([first, second, third]):
        await store.write([record(i, request=request)])

    assert await sessions(store) == [("s1", None)]
    transcript = await store.read_session("s1")
    assert transcript is not None
    assert [transcript.request(e) for e in transcript.exchanges] == [first, second, third]


_CACHED = {"cache_control": {"type": "ephemeral"}}


async def test_stored_messages_are_read_only_when_a_turn_respells_one(store: Store) -> None:
    """Matching is by digest; a stored message's text is read only to tell a new spelling
    from a new prompt, not on every turn."""
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    first, second = recorded("claude_code_continued")
    third = json.loads(json.dumps(second))
    third["messages"] += [{"role": "assistant", "content": "Hi again."}]
    event.listen(store.engine.sync_engine, "before_cursor_execute", seen)
    for i, request in enumerate([first, second, third]):
        statements.clear()
        await store.write([record(i, request=request)])
        reads = [s for s in statements if s.startswith("SELECT") and "messages.content" in s]
        assert len(reads) == [0, 1, 0][i], statements  # the environment message, respelled
    event.remove(store.engine.sync_engine, "before_cursor_execute", seen)


def chat(system: Any, *turns: str) -> dict[str, Any]:
    """A Chat Completions request: ``system``'s content, then user and assistant turns."""
    roles = ["user", "assistant"]
    messages = [{"role": "system", "content": system}]
    messages += [{"role": roles[i % 2], "content": turn} for i, turn in enumerate(turns)]
    return {"model": "gpt-5", "messages": messages}


def chat_record(turn: int, request: dict[str, Any]) -> Any:
    # No session id: Chat clients rarely send one; turns are grouped by their opening.
    return record(
        turn,
        request=request,
        session_id=None,
        format=Format.OPENAI_CHAT,
        route="/v1/chat/completions",
        provider="openai",
        model="gpt-5",
    )


PARTS = [{"type": "text", "text": "Be brief."}]


@pytest.mark.parametrize(
    ("before", "after"), [("Be brief.", PARTS), (PARTS, "Be brief.")], ids=["to parts", "to string"]
)
async def test_a_chat_system_prompt_respelled_continues_its_session(
    store: Store, before: Any, after: Any
) -> None:
    first = chat(before, "hi")
    second = chat(after, "hi", "Hello.", "bye")
    await store.write([chat_record(0, first)])
    await store.write([chat_record(1, second)])

    [(session_id, parent)] = await sessions(store)
    assert parent is None
    assert await count(store, "messages") == 4
    transcript = await store.read_session(session_id)
    assert transcript is not None
    assert [transcript.request(e) for e in transcript.exchanges] == [first, second]


async def test_an_edited_message_respelled_still_starts_a_child(store: Store) -> None:
    await store.write([chat_record(0, chat(PARTS, "hi", "Hello.", "bye"))])
    await store.write([chat_record(1, chat("Be brief.", "hi", "Hello.", "ciao"))])  # edited
    await store.write([chat_record(2, chat("Be verbose.", "hi"))])  # another opening

    stored = await sessions(store)
    assert len(stored) == 3  # the first, its edited child and the other opening's
    [(child, root)] = [(sid, parent) for sid, parent in stored if parent is not None]
    assert child == f"{root}/1"
    transcript = await store.read_session(child)
    assert transcript is not None
    assert transcript.fork_seq == 3
    assert transcript.request(transcript.exchanges[0]) == chat("Be brief.", "hi", "Hello.", "ciao")


async def test_a_rewind_past_a_respelled_message_starts_a_child(store: Store) -> None:
    first, second = recorded("claude_code_continued")
    await store.write([record(0, request=first), record(1, request=second)])
    rewound = json.loads(json.dumps(second))
    rewound["messages"][-1]["content"] = [{"type": "text", "text": "say something else"}]
    later = record(2, request=rewound, started_at=T0 + timedelta(minutes=5))
    await store.write([later])

    assert await sessions(store) == [("s1", None), ("s1/1", "s1")]
    child = await store.read_session("s1/1")
    assert child is not None
    assert child.fork_seq == 3
    assert child.request(child.exchanges[0]) == rewound


async def test_a_policys_change_reads_back_on_a_respelled_request(store: Store) -> None:
    first, second = recorded("claude_code_continued")
    sent = json.loads(json.dumps(second))
    sent["messages"][-1]["content"][-1]["text"] = "[redacted]"
    await store.write([record(0, request=first), record(1, request=second, request_sent=sent)])

    transcript = await store.read_session("s1")
    assert transcript is not None
    assert transcript.request_sent(transcript.exchanges[1]) == sent


def test_the_spellings_a_writer_remembers_are_bounded() -> None:
    spellings = Spellings(limit=2)
    for d in ["a", "b", "c"]:
        spellings.learn(d, d.upper())
    assert spellings.known == {"b": "B", "c": "C"}  # "a" was the oldest
