"""The ``x-fake-*`` headers choose the script and its delivery; a malformed one is refused."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from sluice.fake_upstream._directives import read_directives
from sluice.fake_upstream._scripts import ToolCallBlock
from sluice.fake_upstream._shaping import Chunking, Shaping

from .conftest import USER, post

if TYPE_CHECKING:
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
