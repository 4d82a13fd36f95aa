"""Chat Completions requests as Anthropic Messages requests: one row per mapping."""

from __future__ import annotations

from typing import Any

import pytest

from sluice.sidecar.translate._request_chat_to_anthropic import (
    DEFAULT_MAX_TOKENS,
    anthropic_request,
)

USER = {"role": "user", "content": "hi"}
BASE = {"model": "gpt-5", "max_completion_tokens": 100, "messages": [USER]}
SCHEMA = {"type": "object", "properties": {"command": {"type": "string"}}}
TOOLS = [{"type": "function", "function": {"name": "Bash", "parameters": SCHEMA}}]


def translate(**fields: Any) -> dict[str, Any]:
    return anthropic_request(BASE | fields).body


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {},
            {
                "max_tokens": 100,
                "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            },
        ),
        ({"max_completion_tokens": None, "max_tokens": 7}, {"max_tokens": 7}),
        ({"temperature": 0.2, "top_p": 0.9}, {"temperature": 0.2, "top_p": 0.9}),
        ({"stop": "END"}, {"stop_sequences": ["END"]}),
        ({"stop": ["A", "B"]}, {"stop_sequences": ["A", "B"]}),
        ({"user": "u1"}, {"metadata": {"user_id": "u1"}}),
        ({"stream": True, "stream_options": {"include_usage": True}}, {"stream": True}),
        (
            {"tools": TOOLS},
            {"tools": [{"name": "Bash", "input_schema": SCHEMA}]},
        ),
        ({"tools": TOOLS, "tool_choice": "required"}, {"tool_choice": {"type": "any"}}),
        ({"tools": TOOLS, "tool_choice": "none"}, {"tool_choice": {"type": "none"}}),
        (
            {"tools": TOOLS, "tool_choice": {"type": "function", "function": {"name": "Bash"}}},
            {"tool_choice": {"type": "tool", "name": "Bash"}},
        ),
        (
            {"tools": TOOLS, "parallel_tool_calls": False},
            {"tool_choice": {"type": "auto", "disable_parallel_tool_use": True}},
        ),
    ],
)
def test_fields_map(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    body = translate(**fields)
    for key, value in expected.items():
        assert body[key] == value
    assert not {"stream_options", "max_completion_tokens", "stop", "user"} & set(body)


def test_system_and_developer_messages_become_the_system_prompt() -> None:
    messages = [{"role": "system", "content": "A"}, {"role": "developer", "content": "B"}, USER]
    body = translate(messages=messages)
    assert body["system"] == "A\n\nB"
    assert [m["role"] for m in body["messages"]] == ["user"]


def test_a_missing_max_tokens_gets_the_default_and_says_so() -> None:
    out = anthropic_request({"model": "gpt-5", "messages": [USER]})
    assert out.body["max_tokens"] == DEFAULT_MAX_TOKENS
    assert out.dropped == [f"max_tokens (none given: {DEFAULT_MAX_TOKENS} sent)"]


def test_a_tool_round_trip_becomes_tool_use_then_one_user_turn_of_results() -> None:
    messages = [
        USER,
        {
            "role": "assistant",
            "content": "Running.",
            "reasoning_content": "hmm",
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "Bash", "arguments": '{"command": "ls"}'},
                },
                {"id": "c2", "type": "function", "function": {"name": "Read", "arguments": "{}"}},
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "a\nb"},
        {"role": "tool", "tool_call_id": "c2", "content": [{"type": "text", "text": "x"}]},
        {"role": "user", "content": "and now?"},
    ]
    out = anthropic_request(BASE | {"messages": messages})
    assert out.body["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Running."},
                {"type": "tool_use", "id": "c1", "name": "Bash", "input": {"command": "ls"}},
                {"type": "tool_use", "id": "c2", "name": "Read", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "c1", "content": "a\nb"},
                {"type": "tool_result", "tool_use_id": "c2", "content": "x"},
                {"type": "text", "text": "and now?"},
            ],
        },
    ]
    assert out.dropped == ["reasoning_content"]  # no signature to send it back with


def test_image_parts_become_image_blocks() -> None:
    content = [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}},
        {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
        {"type": "text", "text": "What?"},
    ]
    body = translate(messages=[{"role": "user", "content": content}])
    assert body["messages"][0]["content"] == [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAA"}},
        {"type": "image", "source": {"type": "url", "url": "https://x.test/a.png"}},
        {"type": "text", "text": "What?"},
    ]


def test_what_has_no_counterpart_is_dropped_and_named() -> None:
    out = anthropic_request(BASE | {"n": 1, "seed": 3, "presence_penalty": 0.1})
    assert sorted(out.dropped) == ["n", "presence_penalty", "seed"]
    assert not {"n", "seed", "presence_penalty"} & set(out.body)
