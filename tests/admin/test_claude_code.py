"""A stored session as a Claude Code transcript (``sluice sessions export --claude-code``);
``tests/dataplane/test_claude_code_resume.py`` has real Claude Code resume one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from sluice.admin.claude_code import (
    ExportError,
    claude_code_lines,
    claude_session_id,
    project_dir,
)
from sluice.cli import main
from sluice.model import Format, Response, Text, ToolCall
from sluice.schema import upgrade
from sluice.store import Store, Transcript
from tests.store.factories import record, recorded_claude_code

SESSION = "a0aacabe-26c6-400b-ad02-d08413234e7d"


@pytest.mark.parametrize(
    ("stored", "claude"),
    [
        (f"{SESSION}@key:9ab0981f54490dd8", SESSION),
        (f"{SESSION}@key:9ab0981f54490dd8/2", SESSION),  # a branch: the same conversation
        ("h:0123456789abcdef01234567", "derived"),
    ],
)
def test_the_session_id_is_the_clients_own_when_it_can_be(stored: str, claude: str) -> None:
    made = claude_session_id(stored)
    if claude == "derived":
        assert made == claude_session_id(stored)  # stable
        assert len(made) == 36
    else:
        assert made == claude


@pytest.mark.parametrize(
    ("cwd", "folder"),
    [
        ("/tmp/ins/home/project", "-tmp-ins-home-project"),  # as Claude Code 2.1.332 names it
        ("/tmp/ins/home3/my_proj.v2 x", "-tmp-ins-home3-my-proj-v2-x"),  # ditto
    ],
)
def test_the_transcript_goes_where_claude_code_looks(cwd: str, folder: str) -> None:
    assert project_dir(Path("/h/.claude"), cwd) == Path("/h/.claude/projects") / folder


async def stored(store: Store, **fields: Any) -> Transcript:
    first = recorded_claude_code("git_branch")
    answer = Response(
        format=Format.ANTHROPIC,
        model="claude-opus-5-5",
        id="msg_1",
        blocks=[Text("Writing it."), ToolCall("toolu_1", "Write", '{"file_path": "/p"}')],
        stop_reason="tool_use",
    )
    second = json.loads(json.dumps(first))
    second["messages"] += [
        {"role": "assistant", "content": [{"type": "text", "text": "Writing it."}]},
        {
            "role": "user",
            "content": [{"type": "text", "text": "go on", "cache_control": {"type": "ephemeral"}}],
        },
    ]
    last = Response(format=Format.ANTHROPIC, model="claude-opus-5-5", blocks=[Text("Done.")])
    await store.write(
        [
            record(0, id="x0", session_id="s", request=first, response=answer),
            record(1, id="x1", session_id="s", request=second, response=last, **fields),
        ]
    )
    transcript = await store.read_session("s")
    assert transcript is not None
    return transcript


async def test_a_session_becomes_linked_entries_in_order(store: Store) -> None:
    transcript = await stored(store)
    lines = list(claude_code_lines(transcript, "/work/project", SESSION))
    assert [line["type"] for line in lines] == [
        "user",
        "attachment",
        "assistant",
        "user",
        "assistant",
    ]
    assert [line["parentUuid"] for line in lines] == [None] + [x["uuid"] for x in lines[:-1]]
    assert {line["sessionId"] for line in lines} == {SESSION}
    assert {line["cwd"] for line in lines} == {"/work/project"}
    assert {line["gitBranch"] for line in lines} == {"feature/insights"}
    environment = lines[1]
    assert environment["renderedRole"] == "system"
    assert (
        "Primary working directory: /tmp/ins/home/project" in environment["rendered"][0]["content"]
    )
    said = lines[2]["message"]
    assert (said["id"], said["model"], said["stop_reason"]) == (
        "msg_1",
        "claude-sonnet-4-5",  # the exchange's model
        "end_turn",
    )
    assert "cache_control" not in json.dumps(lines[3])  # a resumed session sets its own
    assert lines[4]["message"]["content"] == [{"type": "text", "text": "Done."}]
    # Exporting twice writes the same entries.
    assert list(claude_code_lines(transcript, "/work/project", SESSION)) == lines


async def test_the_last_answer_is_the_one_the_client_got(store: Store) -> None:
    delivered = Response(format=Format.ANTHROPIC, blocks=[Text("Blocked by policy.")])
    transcript = await stored(store, response_delivered=delivered)
    *_, last = claude_code_lines(transcript, "/w", SESSION)
    assert last["message"]["content"] == [{"type": "text", "text": "Blocked by policy."}]


async def test_a_session_of_another_format_is_refused(store: Store) -> None:
    request = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}
    await store.write([record(0, session_id="o", format=Format.OPENAI_CHAT, request=request)])
    transcript = await store.read_session("o")
    assert transcript is not None
    with pytest.raises(ExportError, match="Claude Code cannot resume it"):
        list(claude_code_lines(transcript, "/w", SESSION))


def test_the_command_writes_it_once_and_says_how_to_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'sluice.db'}"

    async def seed() -> None:
        await upgrade(url)
        async with Store(url) as store:
            await stored(store)

    asyncio.run(seed())
    config = tmp_path / "sluice.yaml"
    config.write_text(yaml.safe_dump({"store_url": url}))
    args = ["sessions", "export", "s", "--config", str(config)]
    main([*args, "--claude-code", str(tmp_path / ".claude")])
    written = (
        tmp_path / ".claude/projects/-tmp-ins-home-project" / f"{claude_session_id('s')}.jsonl"
    )
    lines = [json.loads(line) for line in written.read_text().splitlines()]
    assert len(lines) == 5
    out = capsys.readouterr().out
    assert f"cd /tmp/ins/home/project && claude --resume {claude_session_id('s')}" in out
    with pytest.raises(SystemExit, match=r"exists .* --force replaces it"):
        main([*args, "--claude-code", str(tmp_path / ".claude")])
    main([*args, "--claude-code", str(tmp_path / ".claude"), "--cwd", "/else", "--force"])
    assert (tmp_path / ".claude/projects/-else").is_dir()
    with pytest.raises(SystemExit, match="no session 'nope'"):
        main(["sessions", "export", "nope", "--config", str(config), "--claude-code", "/x"])
