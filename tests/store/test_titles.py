"""What a title model reads of a session, and which sessions need a title."""

from __future__ import annotations

from typing import Any

from sluice.store import Store
from sluice.store.titles import title_material
from tests.store.factories import T0, record


def talk(turns: int) -> list[dict[str, Any]]:
    """A prompt, then ``turns`` rounds of a tool call, its (long) output and an answer."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "tidy the release notes"}]
    for i in range(turns):
        messages += [
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": f"t{i}", "name": "Read", "input": {}}],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": f"t{i}", "content": "x" * 500}],
            },
            {"role": "assistant", "content": [{"type": "text", "text": f"done with part {i}"}]},
            {"role": "user", "content": [{"type": "text", "text": f"now part {i + 1}"}]},
        ]
    return messages


def request(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 100, "messages": messages}


async def material(store: Store, session_id: str) -> str:
    async with store.engine.connect() as connection:
        return await title_material(connection, session_id)


async def test_the_model_reads_the_prompt_and_the_latest_words_not_tool_output(
    store: Store,
) -> None:
    await store.write([record(0, session_id="s", request=request(talk(2)))])
    assert await material(store, "s") == "\n".join(
        [
            "user: tidy the release notes",
            "assistant: done with part 0",
            "user: now part 1",
            "assistant: done with part 1",
            "user: now part 2",
        ]
    )


async def test_a_long_session_is_read_at_its_start_and_its_end(store: Store) -> None:
    await store.write([record(0, session_id="s", request=request(talk(100)))])  # 401 messages
    lines = (await material(store, "s")).splitlines()
    assert lines[:2] == ["user: tidy the release notes", "…"]
    assert lines[-1] == "user: now part 100"
    assert "user: now part 80" not in lines  # beyond the last 40 messages


async def test_a_branch_is_read_with_the_start_it_shares(store: Store) -> None:
    first = talk(1)
    await store.write([record(0, id="a", session_id="s", request=request(first))])
    edited = [*first[:3], {"role": "assistant", "content": "redone"}]
    edited.append({"role": "user", "content": "and the changelog"})
    await store.write(
        [record(1, id="b", session_id="s", request=request(edited), started_at=T0.replace(hour=13))]
    )
    assert (await material(store, "s/1")).splitlines() == [
        "user: tidy the release notes",
        "assistant: redone",
        "user: and the changelog",
    ]


async def test_sessions_need_a_title_when_they_have_grown_enough(store: Store) -> None:
    await store.write([record(0, session_id="s", request=request(talk(1)))])  # 5 messages
    [job] = await store.due_titles(since=T0, every=10, limit=5)
    assert (job.session_id, job.messages) == ("s", 5)
    await store.save_title("s", "Release notes", 5)
    assert await store.due_titles(since=T0, every=10, limit=5) == []
    assert await store.due_titles(since=T0.replace(hour=13), every=1, limit=5) == []
