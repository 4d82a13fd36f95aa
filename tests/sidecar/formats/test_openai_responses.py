"""OpenAI Responses bodies: requests, whole responses, error bodies."""

from __future__ import annotations

import json

import openai as sdk
import pytest

from sluice.model import Format, Message, Response, Text, Thinking, ToolCall, ToolResult, Usage
from sluice.sidecar.formats import WrongShape, openai_responses
from tests.sidecar.formats.recorded_streams import openai_client

SHELL = ToolCall("call_K2jH4g", "shell", '{"command":["git","status"]}')

REQUEST = {  # the shape of a coding agent's (Codex CLI) second turn
    "model": "gpt-5-codex",
    "instructions": "You are Codex, a coding agent.",
    "stream": True,
    "store": False,
    "max_output_tokens": 4096,
    "include": ["reasoning.encrypted_content"],
    "input": [
        {
            "type": "message",
            "role": "developer",
            "content": [{"type": "input_text", "text": "Sandbox: workspace-write."}],
        },
        {"role": "user", "content": "what changed?"},
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": "Check git."}],
            "encrypted_content": "gAAAAABo",
        },
        {
            "type": "function_call",
            "id": "fc_1",
            "call_id": "call_K2jH4g",
            "name": "shell",
            "arguments": SHELL.arguments,
        },
        {"type": "function_call_output", "call_id": "call_K2jH4g", "output": "M README.md"},
        {
            "type": "custom_tool_call",
            "call_id": "call_P1",
            "name": "apply_patch",
            "input": "*** Begin Patch",
        },
        {
            "type": "custom_tool_call_output",
            "call_id": "call_P1",
            "output": [{"type": "input_text", "text": "Done!"}],
        },
        {"type": "item_reference", "id": "msg_0"},
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "thanks"},
                {"type": "input_image", "image_url": "data:,"},
            ],
        },
    ],
    "tools": [
        {"type": "function", "name": "shell", "parameters": {"type": "object"}, "strict": False},
        {"type": "custom", "name": "apply_patch", "format": {"type": "grammar"}},
        {"type": "web_search"},
    ],
}


def test_parse_request_reads_a_coding_agents_turn() -> None:
    request = openai_responses.parse_request(json.dumps(REQUEST).encode())

    assert (request.format, request.model, request.stream) == (
        Format.OPENAI_RESPONSES,
        "gpt-5-codex",
        True,
    )
    assert request.max_tokens == 4096
    assert request.tool_names == ["shell", "apply_patch", "web_search"]  # a hosted tool by its type
    assert request.messages == [
        Message(
            "system", [Text("You are Codex, a coding agent."), Text("Sandbox: workspace-write.")]
        ),
        Message("user", [Text("what changed?")]),
        Message("assistant", [Thinking("Check git.", "gAAAAABo"), SHELL]),
        Message("tool", [ToolResult("call_K2jH4g", "M README.md")]),
        Message("assistant", [ToolCall("call_P1", "apply_patch", "*** Begin Patch")]),
        Message("tool", [ToolResult("call_P1", "Done!")]),
        Message("user", [Text("thanks")]),
    ]


def test_parse_request_reads_a_string_input() -> None:
    request = openai_responses.parse_request(b'{"model": "gpt-5", "input": "hello"}')
    assert request.messages == [Message("user", [Text("hello")])]
    assert (request.stream, request.max_tokens, request.tool_names) == (False, None, [])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"input": 5}, "input: expected a string or an array, got an integer"),
        ({"input": [{"type": "message", "content": "x"}]}, "input[0].role: missing"),
        (
            {"input": [{"type": "function_call", "call_id": "c", "name": "f"}]},
            "input[0].arguments: missing",
        ),
        ({"input": [{"type": "function_call_output", "output": "x"}]}, "input[0].call_id: missing"),
        (
            {"input": [{"role": "user", "content": [{"type": "input_text"}]}]},
            "input[0].content[0].text: missing",
        ),
        ({"instructions": ["a"]}, "instructions: expected a string, got an array"),
        ({"tools": [{"name": "x"}, {}]}, "tools[1].type: missing"),
    ],
)
def test_parse_request_names_the_path_of_a_bad_body(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(WrongShape) as caught:
        openai_responses.parse_request(json.dumps(fields).encode())
    assert str(caught.value) == message


def whole(status: str = "completed", incomplete: dict[str, str] | None = None) -> bytes:
    return json.dumps(
        {
            "id": "resp_68d3e5",
            "object": "response",
            "created_at": 1758713000,
            "status": status,
            "error": None,
            "incomplete_details": incomplete,
            "model": "gpt-5-2025-08-07",
            "output": [
                {
                    "id": "rs_1",
                    "type": "reasoning",
                    "summary": [
                        {"type": "summary_text", "text": "**Plan**"},
                        {"type": "summary_text", "text": "Go."},
                    ],
                },
                {
                    "id": "ws_1",
                    "type": "web_search_call",
                    "status": "completed",
                    "action": {"type": "search"},
                },
                {
                    "id": "msg_1",
                    "type": "message",
                    "status": "completed",
                    "role": "assistant",
                    "content": [
                        {"type": "output_text", "text": "Here:", "annotations": [], "logprobs": []}
                    ],
                },
                {
                    "id": "fc_1",
                    "type": "function_call",
                    "status": "completed",
                    "call_id": SHELL.id,
                    "name": "shell",
                    "arguments": SHELL.arguments,
                },
            ],
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "usage": {
                "input_tokens": 4210,
                "input_tokens_details": {"cached_tokens": 3968},
                "output_tokens": 311,
                "output_tokens_details": {"reasoning_tokens": 256},
                "total_tokens": 4521,
            },
        },
        indent=2,
    ).encode()


@pytest.mark.parametrize(
    ("raw", "stop_reason"),
    [
        (whole(), "tool_use"),  # completed with a function call in the output
        (whole("incomplete", {"reason": "max_output_tokens"}), "max_tokens"),
        (whole("incomplete", {"reason": "content_filter"}), "refusal"),
        (whole("failed"), "failed"),
    ],
)
def test_parse_response_reads_items_stop_reason_and_usage(raw: bytes, stop_reason: str) -> None:
    assert openai_responses.parse_response(raw) == Response(
        format=Format.OPENAI_RESPONSES,
        model="gpt-5-2025-08-07",
        id="resp_68d3e5",
        blocks=[Thinking("**Plan**\n\nGo."), Text("Here:"), SHELL],
        stop_reason=stop_reason,
        usage=Usage(4210, 311, cache_read_tokens=3968, reasoning_tokens=256),
    )


def test_render_response_returns_the_original_when_nothing_changed() -> None:
    raw = whole()
    assert openai_responses.render_response(openai_responses.parse_response(raw), raw) is raw


def test_render_response_writes_items_and_status() -> None:
    raw = whole()
    response = openai_responses.parse_response(raw)
    response.blocks[2] = Text("The shell call was blocked by policy.")
    response.stop_reason = "end_turn"

    rendered = openai_responses.render_response(response, raw)

    obj = json.loads(rendered)
    assert [item["type"] for item in obj["output"]] == [
        "reasoning",
        "web_search_call",
        "message",
        "message",
    ]
    assert obj["output"][:3] == json.loads(raw)["output"][:3]  # unchanged items kept as they were
    assert obj["status"] == "completed"
    assert openai_responses.parse_response(rendered).blocks == response.blocks
    parsed = openai_client(rendered, stream=False).responses.create(model="gpt-5", input="hi")
    assert parsed.output_text == "Here:The shell call was blocked by policy."


def test_render_response_marks_a_truncated_response_incomplete() -> None:
    raw = whole()
    response = openai_responses.parse_response(raw)
    response.stop_reason = "max_tokens"
    obj = json.loads(openai_responses.render_response(response, raw))
    assert (obj["status"], obj["incomplete_details"]) == (
        "incomplete",
        {"reason": "max_output_tokens"},
    )


def test_error_body_reads_as_the_providers_own() -> None:
    raw = openai_responses.error_body(429, "rate_limit_error", "Slow down: 10 requests per minute")
    with pytest.raises(sdk.RateLimitError) as caught:
        openai_client(raw, status=429, stream=False).responses.create(model="gpt-5", input="x")
    assert caught.value.body == {
        "message": "Slow down: 10 requests per minute",
        "type": "rate_limit_error",
        "param": None,
        "code": None,
    }
