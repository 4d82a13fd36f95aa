"""Anthropic Messages bodies: requests, whole responses, error bodies."""

from __future__ import annotations

import json

import anthropic as sdk
import pytest

from sluice.model import Format, Message, Response, Text, Thinking, ToolCall, ToolResult, Usage
from sluice.sidecar.formats import FormatError, MalformedJSON, WrongShape, anthropic
from tests.sidecar.formats.recorded_streams import RECORDED, anthropic_client


def body(**fields: object) -> bytes:
    return json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 64, **fields}).encode()


def test_parse_request_reads_a_claude_code_body() -> None:
    raw = (RECORDED / "claude_code_request.json").read_bytes()
    request = anthropic.parse_request(raw)

    assert (request.format, request.model) == (Format.ANTHROPIC, "claude-sonnet-4-5-20250929")
    assert (request.stream, request.max_tokens) == (True, 32000)
    assert request.tool_names == ["Task", "Bash", "Read", "mcp__github__create_issue", "web_search"]
    assert [m.role for m in request.messages] == [
        "system",  # the top-level system blocks
        "user",
        "assistant",
        "user",
        "system",  # Claude Code's role "system" entry inside messages
        "assistant",
        "user",
    ]
    system, _, assistant, results, reminder, redacted, last = request.messages
    assert system.blocks[0] == Text("You are Claude Code, Anthropic's official CLI for Claude.")
    assert assistant.blocks == [
        Thinking("The user wants the tests run.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrk"),
        Text("Running them now."),
        ToolCall(
            "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
            "Bash",
            '{"command":"pytest -q","description":"Run the tests"}',
        ),
    ]
    # the image next to the tool result is not something a neutral policy reads
    assert results.blocks == [ToolResult("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "3 passed in 0.12s")]
    assert reminder.blocks[0].text.startswith("<system-reminder>")  # type: ignore[union-attr]
    assert redacted.blocks == [Thinking("", redacted.blocks[0].signature, redacted=True)]  # type: ignore[union-attr]
    assert last == Message("user", [Text("thanks!")])
    user_id = json.loads(request.body["metadata"]["user_id"])
    assert user_id["session_id"] == "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"


def test_parse_request_defaults() -> None:
    request = anthropic.parse_request(b'{"messages": []}')
    assert (request.model, request.stream, request.max_tokens) == (None, False, None)
    assert request.messages == []
    assert request.tool_names == []


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        (b"{not json", MalformedJSON, "body is not valid JSON"),
        (b"\xff\xfe", MalformedJSON, "body is not valid JSON"),
        (b"[]", WrongShape, "body: expected an object, got an array"),
        (body(), WrongShape, "messages: missing"),
        (body(messages="hi"), WrongShape, "messages: expected an array, got a string"),
        (body(messages=[{"content": "x"}]), WrongShape, "messages[0].role: missing"),
        (
            body(messages=[{"role": "user", "content": 42}]),
            WrongShape,
            "messages[0].content: expected a string or an array, got an integer",
        ),
        (
            body(messages=[{"role": "user", "content": [{"type": "text", "text": None}]}]),
            WrongShape,
            "messages[0].content[0].text: expected a string, got null",
        ),
        (
            body(messages=[{"role": "user", "content": ["hi"]}]),
            WrongShape,
            "messages[0].content[0]: expected an object, got a string",
        ),
        (
            body(messages=[{"role": "assistant", "content": [{"type": "tool_use", "id": "t"}]}]),
            WrongShape,
            "messages[0].content[0].input: missing",
        ),
        (
            body(messages=[], max_tokens=True),
            WrongShape,
            "max_tokens: expected an integer, got a boolean",
        ),
        (body(messages=[], stream="yes"), WrongShape, "stream: expected a boolean, got a string"),
        (body(messages=[], tools=[{"description": "x"}]), WrongShape, "tools[0].name: missing"),
        (body(messages=[], system=7), WrongShape, "system: expected a string or an array"),
    ],
)
def test_parse_request_names_the_path_of_a_bad_body(
    raw: bytes, error: type[FormatError], message: str
) -> None:
    with pytest.raises(error, match=message.replace("[", r"\[").replace("]", r"\]")):
        anthropic.parse_request(raw)


WHOLE = json.dumps(
    {
        "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [
            {"type": "thinking", "thinking": "Search first.", "signature": "EuYBCkQYAiJA"},
            {"type": "text", "text": "Searching.", "citations": None},
            {
                "type": "server_tool_use",
                "id": "srvtoolu_01",
                "name": "web_search",
                "input": {"query": "envoy"},
            },
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": []},
            {"type": "tool_use", "id": "toolu_01", "name": "Bash", "input": {"command": "ls"}},
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 2095,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 1500,
            "output_tokens": 503,
            "output_tokens_details": {"thinking_tokens": 120},
        },
    },
    indent=1,  # spacing the adapter must not disturb when nothing changes
).encode()


def test_parse_response_reads_blocks_stop_reason_and_usage() -> None:
    assert anthropic.parse_response(WHOLE) == Response(
        format=Format.ANTHROPIC,
        model="claude-sonnet-4-5-20250929",
        id="msg_013Zva2CMHLNnXjNJJKqJ2EF",
        blocks=[
            Thinking("Search first.", "EuYBCkQYAiJA"),
            Text("Searching."),
            ToolCall("toolu_01", "Bash", '{"command":"ls"}'),
        ],
        stop_reason="tool_use",
        usage=Usage(2095, 503, 1500, 0, 120),
    )


def test_render_response_returns_the_original_when_nothing_changed() -> None:
    response = anthropic.parse_response(WHOLE)
    response.usage.output_tokens = 1  # usage is not written back
    assert anthropic.render_response(response, WHOLE) is WHOLE


def test_render_response_writes_blocks_and_keeps_everything_else() -> None:
    response = anthropic.parse_response(WHOLE)
    response.blocks[2] = Text("The tool call was blocked by policy.")
    response.stop_reason = "end_turn"

    rendered = anthropic.render_response(response, WHOLE)

    obj, original = json.loads(rendered), json.loads(WHOLE)
    assert [block["type"] for block in obj["content"]] == [
        "thinking",
        "text",
        "server_tool_use",  # blocks the model does not represent stay where they were
        "web_search_tool_result",
        "text",
    ]
    assert obj["content"][1] == original["content"][1]  # unchanged: citations field kept
    assert obj["stop_reason"] == "end_turn"
    assert {k: v for k, v in obj.items() if k not in ("content", "stop_reason")} == {
        k: v for k, v in original.items() if k not in ("content", "stop_reason")
    }
    assert anthropic.parse_response(rendered).blocks == response.blocks
    message = anthropic_client(rendered, stream=False).messages.create(
        model="claude-test", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.stop_reason == "end_turn"
    assert message.content[-1].type == "text"


def test_render_response_refuses_a_block_a_response_cannot_carry() -> None:
    response = anthropic.parse_response(WHOLE)
    response.blocks.append(ToolResult("toolu_01", "done"))
    with pytest.raises(ValueError, match="cannot carry a ToolResult"):
        anthropic.render_response(response, WHOLE)


@pytest.mark.parametrize(
    ("status", "error_type", "raised"),
    [
        (400, "invalid_request_error", sdk.BadRequestError),
        (429, "rate_limit_error", sdk.RateLimitError),
        (529, "overloaded_error", sdk.APIStatusError),
    ],
)
def test_error_body_reads_as_the_providers_own(
    status: int, error_type: str, raised: type[sdk.APIStatusError]
) -> None:
    raw = anthropic.error_body(status, error_type, "Request blocked by policy: secrets")
    client = anthropic_client(raw, status=status, stream=False)
    with pytest.raises(raised) as caught:
        client.messages.create(
            model="claude-test", max_tokens=8, messages=[{"role": "user", "content": "x"}]
        )
    assert caught.value.status_code == status
    assert caught.value.body == {
        "type": "error",
        "error": {"type": error_type, "message": "Request blocked by policy: secrets"},
    }


def test_error_body_needs_an_error_status() -> None:
    with pytest.raises(ValueError, match="4xx or 5xx"):
        anthropic.error_body(200, "invalid_request_error", "no")
