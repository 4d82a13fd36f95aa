"""The ``x-fake-*`` headers choose the script and its delivery; a malformed one is refused."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from sluice.fake_upstream._directives import read_directives, returns_tool_results
from sluice.fake_upstream._errors import InvalidRequest
from sluice.fake_upstream._scripts import ToolCallBlock
from sluice.fake_upstream._shaping import Chunking, Shaping

from .conftest import USER, post

if TYPE_CHECKING:
    import anthropic

    from sluice.fake_upstream import FakeUpstream

BODY = {"model": "claude-sonnet-5", "max_tokens": 100, "messages": USER}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"x-fake-script": "nope"}, "x-fake-script: unknown script 'nope'; known: "),
        ({"x-fake-chunking": "halves"}, "x-fake-chunking: expected one of whole, batch, split"),
        ({"x-fake-pace-ms": "-5"}, "x-fake-pace-ms: expected an integer >= 0, got '-5'"),
        ({"x-fake-tool": "Bash"}, "x-fake-tool: expected {"),
        (
            {"x-fake-tool": '{"name": "Bash"}', "x-fake-script": "text"},
            "x-fake-tool: script 'text'",
        ),
    ],
)
async def test_bad_directives_fail_loudly(
    upstream: FakeUpstream, headers: dict[str, str], message: str
) -> None:
    status, _, raw = await post(upstream, "/v1/messages", BODY, headers)

    assert status == 400
    assert json.loads(raw)["error"]["message"].startswith(message)


@pytest.mark.parametrize(
    ("headers", "model", "script"),
    [
        ({}, "claude-sonnet-5", "text"),
        ({}, "thinking", "thinking"),
        ({"x-fake-script": "long"}, "thinking", "long"),
        ({"x-fake-tool": '{"name": "Bash", "arguments": {}}'}, "gpt-5.5", "tools"),
        ({"x-fake-tool": '{"name": "Bash", "arguments": {}}'}, "thinking_tools", "thinking_tools"),
    ],
)
def test_script_choice(headers: dict[str, str], model: str, script: str) -> None:
    directives = read_directives(CIMultiDictProxy(CIMultiDict(headers)), model)

    assert directives.script.name == script


def test_repeated_tool_headers_add_up() -> None:
    headers = CIMultiDict(
        [
            ("x-fake-tool", '{"name": "Bash", "arguments": {"command": "id"}}'),
            ("X-Fake-Tool", '[{"name": "Read", "arguments": "{\\"file_path\\":\\"/x\\"}"}]'),
        ]
    )
    script = read_directives(CIMultiDictProxy(headers), "gpt-5.5").script

    calls = [
        (block.name, block.arguments) for block in script.blocks if isinstance(block, ToolCallBlock)
    ]
    assert calls == [("Bash", '{"command": "id"}'), ("Read", '{"file_path":"/x"}')]


def test_delivery_shaping() -> None:
    headers = {
        "x-fake-pace-ms": "15",
        "x-fake-chunking": "SPLIT",
        "x-fake-line-ending": "crlf",
        "x-fake-seed": "9",
    }
    shaping = read_directives(CIMultiDictProxy(CIMultiDict(headers)), "text").shaping

    assert shaping == Shaping(pace_ms=15, chunking=Chunking.SPLIT, line_ending="\r\n", seed=9)


BASH = '{"name": "Bash", "arguments": {"command": "ls"}}'
ROUND_TRIP = {"x-fake-tool": BASH, "x-fake-after-tools": "thinking"}


@pytest.mark.parametrize(
    ("headers", "after_tools", "script"),
    [
        (ROUND_TRIP, False, "tools"),
        (ROUND_TRIP, True, "thinking"),
        ({"x-fake-tool": BASH}, True, "tools"),  # without the header, every turn alike
        ({"x-fake-script": "long", "x-fake-after-tools": "text"}, True, "text"),
    ],
)
def test_after_tools_scripts_the_next_turn(
    headers: dict[str, str], after_tools: bool, script: str
) -> None:
    proxy = CIMultiDictProxy(CIMultiDict(headers))
    directives = read_directives(proxy, "claude-sonnet-5", after_tools=after_tools)

    assert directives.script.name == script


def _user(content: object) -> dict[str, object]:
    return {"role": "user", "content": content}


RESULT = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}


@pytest.mark.parametrize(
    ("body", "returns"),
    [
        ({"messages": [_user([RESULT])]}, True),
        ({"messages": [_user([RESULT, {"type": "text", "text": "and this"}])]}, True),
        ({"messages": [_user([RESULT]), {"role": "assistant", "content": "done"}]}, False),
        ({"messages": [_user("hi")]}, False),
        ({"messages": [{"role": "tool", "tool_call_id": "c1", "content": "ok"}]}, True),
        ({"input": [{"type": "function_call_output", "call_id": "c1", "output": "ok"}]}, True),
        ({"input": "hi"}, False),
        ({"messages": []}, False),
        ({}, False),
    ],
)
def test_returns_tool_results(body: dict[str, Any], returns: bool) -> None:
    assert returns_tool_results(body) is returns


async def test_one_header_set_scripts_a_tool_round_trip(
    claude: anthropic.AsyncAnthropic,
) -> None:
    asked: list[Any] = [{"role": "user", "content": "list the files"}]
    first = await claude.messages.create(
        model="claude-sonnet-5", max_tokens=100, messages=asked, extra_headers=ROUND_TRIP
    )
    [call] = [block for block in first.content if block.type == "tool_use"]
    assert (call.name, call.input) == ("Bash", {"command": "ls"})

    answered = [
        *asked,
        {"role": "assistant", "content": first.content},
        _user([{"type": "tool_result", "tool_use_id": call.id, "content": "a.txt"}]),
    ]
    second = await claude.messages.create(
        model="claude-sonnet-5", max_tokens=100, messages=answered, extra_headers=ROUND_TRIP
    )
    assert [block.type for block in second.content] == ["thinking", "text"]
    assert second.stop_reason == "end_turn"


def test_a_bad_after_tools_script_is_named() -> None:
    headers = CIMultiDictProxy(CIMultiDict({"x-fake-after-tools": "nope"}))
    read_directives(headers, "claude-sonnet-5")  # read only after tools ran

    with pytest.raises(InvalidRequest, match=r"^x-fake-after-tools: unknown script 'nope'"):
        read_directives(headers, "claude-sonnet-5", after_tools=True)
