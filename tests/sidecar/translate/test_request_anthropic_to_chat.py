"""Anthropic Messages requests as Chat Completions requests: one row per mapping."""

from __future__ import annotations

from typing import Any

import pytest

from sluice.sidecar.formats import FormatError
from sluice.sidecar.translate._request_anthropic_to_chat import chat_request

USER = {"role": "user", "content": "hi"}
BASE = {"model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [USER]}
SCHEMA = {"type": "object", "properties": {"command": {"type": "string"}}}


def translate(**fields: Any) -> dict[str, Any]:
    return chat_request(BASE | fields).body


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"max_completion_tokens": 100, "messages": [USER]}),
        ({"system": "Be brief."}, {"messages": [{"role": "system", "content": "Be brief."}, USER]}),
        (
            {"system": [{"type": "text", "text": "A"}, {"type": "text", "text": "B"}]},
            {"messages": [{"role": "system", "content": "A\n\nB"}, USER]},
        ),
        ({"temperature": 0.2, "top_p": 0.9}, {"temperature": 0.2, "top_p": 0.9}),
        ({"stop_sequences": ["END"]}, {"stop": ["END"]}),
        ({"stream": True}, {"stream": True, "stream_options": {"include_usage": True}}),
        ({"metadata": {"user_id": "u1"}}, {"user": "u1"}),
        (
            {"tools": [{"name": "Bash", "description": "Run", "input_schema": SCHEMA}]},
            {
                "tools": [
                    {
                        "type": "function",
                        "function": {"name": "Bash", "parameters": SCHEMA, "description": "Run"},
                    }
                ]
            },
        ),
        ({"tool_choice": {"type": "auto"}}, {"tool_choice": "auto"}),
        ({"tool_choice": {"type": "any"}}, {"tool_choice": "required"}),
        ({"tool_choice": {"type": "none"}}, {"tool_choice": "none"}),
        (
            {"tool_choice": {"type": "tool", "name": "Bash"}},
            {"tool_choice": {"type": "function", "function": {"name": "Bash"}}},
        ),
    ],
)
def test_fields_map(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    body = translate(**fields)
    for key, value in expected.items():
        assert body[key] == value
    assert "max_tokens" not in body


def test_no_parallel_calls_when_the_client_forbids_them() -> None:
    tools = [{"name": "Bash", "input_schema": SCHEMA}]
    choice = {"type": "auto", "disable_parallel_tool_use": True}
    assert translate(tools=tools, tool_choice=choice)["parallel_tool_calls"] is False


def test_the_model_is_renamed_when_a_rule_says_so() -> None:
    assert chat_request(BASE, "qwen3-coder").body["model"] == "qwen3-coder"
    assert chat_request(BASE).body["model"] == "claude-sonnet-4-6"


def test_a_tool_round_trip_becomes_tool_calls_then_tool_messages_first() -> None:
    messages = [
        USER,
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "hmm", "signature": "sig"},
                {"type": "text", "text": "Running."},
                {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "ls"}},
                {"type": "tool_use", "id": "t2", "name": "Read", "input": {"file_path": "/x"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "t1", "content": "a\nb"},
                {
                    "type": "tool_result",
                    "tool_use_id": "t2",
                    "is_error": True,
                    "content": [{"type": "text", "text": "no such file"}],
                },
                {"type": "text", "text": "and now?"},
            ],
        },
    ]
    out = chat_request(BASE | {"messages": messages})
    assert out.body["messages"][1:] == [
        {
            "role": "assistant",
            "content": "Running.",
            "tool_calls": [
                {
                    "id": "t1",
                    "type": "function",
                    "function": {"name": "Bash", "arguments": '{"command": "ls"}'},
                },
                {
                    "id": "t2",
                    "type": "function",
                    "function": {"name": "Read", "arguments": '{"file_path": "/x"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "t1", "content": "a\nb"},
        {"role": "tool", "tool_call_id": "t2", "content": "Error: no such file"},
        {"role": "user", "content": "and now?"},
    ]
    assert out.dropped == ["thinking"]  # its signature means nothing to another model


def test_images_become_image_url_parts() -> None:
    content = [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAA"}},
        {"type": "image", "source": {"type": "url", "url": "https://x.test/a.png"}},
        {"type": "text", "text": "What?"},
    ]
    body = translate(messages=[{"role": "user", "content": content}])
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}},
                {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
                {"type": "text", "text": "What?"},
            ],
        }
    ]


def test_system_entries_inside_messages_keep_their_role() -> None:
    body = translate(messages=[{"role": "system", "content": "Env."}, USER])
    assert body["messages"] == [{"role": "system", "content": "Env."}, USER]


def test_what_has_no_counterpart_is_dropped_and_named() -> None:
    tools = [
        {"name": "Bash", "input_schema": SCHEMA},
        {"type": "web_search_20250305", "name": "web_search"},
    ]
    out = chat_request(
        BASE
        | {
            "thinking": {"type": "enabled", "budget_tokens": 1000},
            "top_k": 5,
            "context_management": {},
            "tools": tools,
        }
    )
    assert [t["function"]["name"] for t in out.body["tools"]] == ["Bash"]
    assert sorted(out.dropped) == ["context_management", "thinking", "tools.web_search", "top_k"]
    assert not {"thinking", "top_k", "context_management"} & set(out.body)


def test_unknown_metadata_keys_are_refused_as_anthropic_refuses_them() -> None:
    with pytest.raises(FormatError, match=r"metadata\.session: Extra inputs are not permitted"):
        translate(metadata={"user_id": "u", "session": "s"})
