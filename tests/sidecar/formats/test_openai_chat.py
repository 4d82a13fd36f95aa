"""OpenAI Chat Completions bodies: requests, whole responses, error bodies."""

from __future__ import annotations

import json

import openai as sdk
import pytest

from sluice.model import Format, Message, Response, Text, ToolCall, ToolResult, Usage
from sluice.sidecar.formats import FormatError, WrongShape, openai_chat
from tests.sidecar.formats.recorded_streams import openai_client

REQUEST = {
    "model": "gpt-4.1",
    "stream": True,
    "stream_options": {"include_usage": True},
    "max_tokens": 100,
    "max_completion_tokens": 2048,
    "messages": [
        {"role": "developer", "content": "You are a coding agent."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'},
                },
                {
                    "id": "call_2",
                    "type": "custom",
                    "custom": {"name": "apply_patch", "input": "*** Begin"},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "18°C, cloudy"},
        {
            "role": "tool",
            "tool_call_id": "call_2",
            "content": [{"type": "text", "text": "applied"}],
        },
    ],
    "tools": [
        {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
        {"type": "custom", "custom": {"name": "apply_patch"}},
    ],
}


def test_parse_request_reads_messages_tools_and_limits() -> None:
    request = openai_chat.parse_request(json.dumps(REQUEST).encode())

    assert (request.format, request.model, request.stream) == (Format.OPENAI_CHAT, "gpt-4.1", True)
    assert request.max_tokens == 2048  # max_completion_tokens wins over the legacy max_tokens
    assert request.tool_names == ["get_weather", "apply_patch"]
    assert request.messages == [
        Message("system", [Text("You are a coding agent.")]),  # developer is the system prompt
        Message("user", [Text("What is in this picture?")]),
        Message(
            "assistant",
            [
                ToolCall("call_1", "get_weather", '{"location":"Paris"}'),
                ToolCall("call_2", "apply_patch", "*** Begin"),
            ],
        ),
        Message("tool", [ToolResult("call_1", "18°C, cloudy")]),
        Message("tool", [ToolResult("call_2", "applied")]),
    ]


def test_parse_request_reads_max_tokens_and_legacy_functions() -> None:
    raw = b'{"messages": [], "max_tokens": 10, "functions": [{"name": "lookup"}]}'
    request = openai_chat.parse_request(raw)
    assert (request.max_tokens, request.tool_names, request.stream) == (10, ["lookup"], False)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "messages: missing"),
        (
            {"messages": [{"role": "user", "content": 3}]},
            "messages[0].content: expected a string, an array or null",
        ),
        ({"messages": [{"role": "tool", "content": "x"}]}, "messages[0].tool_call_id: missing"),
        (
            {
                "messages": [
                    {"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "f"}}]}
                ]
            },
            "messages[0].tool_calls[0].function.arguments: missing",
        ),
        (
            {"messages": [], "tools": [{"type": "function", "function": {}}]},
            "tools[0].function.name: missing",
        ),
        (
            {"messages": [], "max_completion_tokens": 1.5},
            "max_completion_tokens: expected an integer, got a number",
        ),
    ],
)
def test_parse_request_names_the_path_of_a_bad_body(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(WrongShape) as caught:
        openai_chat.parse_request(json.dumps(fields).encode())
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, FormatError)


COMPLETION = json.dumps(
    {
        "id": "chatcmpl-CJAbc123",
        "object": "chat.completion",
        "created": 1758712000,
        "model": "gpt-4.1-2025-04-14",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "Checking the weather.",
                    "refusal": None,
                    "annotations": [],
                    "tool_calls": [
                        {
                            "id": "call_Dz9W5lJ8",
                            "type": "function",
                            "function": {
                                "name": "get_weather",
                                "arguments": '{"location":"Paris"}',
                            },
                        },
                        {
                            "id": "call_3kPqZ8",
                            "type": "function",
                            "function": {"name": "run_shell", "arguments": '{"cmd":"rm -rf /"}'},
                        },
                    ],
                },
                "logprobs": None,
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {
            "prompt_tokens": 1187,
            "completion_tokens": 203,
            "total_tokens": 1390,
            "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 128},
        },
        "service_tier": "default",
        "system_fingerprint": "fp_3502f4eb73",
    },
    indent=2,
).encode()
WEATHER = ToolCall("call_Dz9W5lJ8", "get_weather", '{"location":"Paris"}')


def test_parse_response_reads_blocks_stop_reason_and_usage() -> None:
    assert openai_chat.parse_response(COMPLETION) == Response(
        format=Format.OPENAI_CHAT,
        model="gpt-4.1-2025-04-14",
        id="chatcmpl-CJAbc123",
        blocks=[
            Text("Checking the weather."),
            WEATHER,
            ToolCall("call_3kPqZ8", "run_shell", '{"cmd":"rm -rf /"}'),
        ],
        stop_reason="tool_use",
        usage=Usage(1187, 203, cache_read_tokens=1024, reasoning_tokens=128),
    )


def test_render_response_returns_the_original_when_nothing_changed() -> None:
    response = openai_chat.parse_response(COMPLETION)
    assert openai_chat.render_response(response, COMPLETION) is COMPLETION


@pytest.mark.parametrize(
    ("blocks", "stop_reason", "content", "calls", "finish"),
    [
        (
            [Text("Checking the weather."), WEATHER],
            "tool_use",
            "Checking the weather.",
            ["call_Dz9W5lJ8"],
            "tool_calls",
        ),
        ([Text("Blocked."), Text(" Sorry.")], "end_turn", "Blocked. Sorry.", None, "stop"),
        ([WEATHER], "max_tokens", None, ["call_Dz9W5lJ8"], "length"),
    ],
)
def test_render_response_writes_blocks_into_the_first_choice(
    blocks: list[Text | ToolCall],
    stop_reason: str,
    content: str | None,
    calls: list[str] | None,
    finish: str,
) -> None:
    response = openai_chat.parse_response(COMPLETION)
    response.blocks, response.stop_reason = list(blocks), stop_reason

    rendered = openai_chat.render_response(response, COMPLETION)

    obj = json.loads(rendered)
    message = obj["choices"][0]["message"]
    assert message["content"] == content
    assert [call["id"] for call in message.get("tool_calls", [])] == (calls or [])
    assert ("tool_calls" in message) == bool(calls)  # OpenAI omits the key without calls
    assert obj["choices"][0]["finish_reason"] == finish
    assert obj["usage"] == json.loads(COMPLETION)["usage"]
    completion = openai_client(rendered, stream=False).chat.completions.create(
        model="gpt-4.1", messages=[{"role": "user", "content": "hi"}]
    )
    assert completion.choices[0].finish_reason == finish
    assert completion.choices[0].message.content == content


def test_error_body_reads_as_the_providers_own() -> None:
    raw = openai_chat.error_body(400, "invalid_request_error", "Request blocked by policy")
    client = openai_client(raw, status=400, stream=False)
    with pytest.raises(sdk.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4.1", messages=[{"role": "user", "content": "x"}])
    assert caught.value.message == "Error code: 400 - Request blocked by policy"
    assert caught.value.type == "invalid_request_error"
    assert caught.value.body == {
        "message": "Request blocked by policy",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
