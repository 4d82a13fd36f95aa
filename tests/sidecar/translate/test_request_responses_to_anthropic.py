"""Responses requests as Anthropic Messages requests (and, through them, as Chat
Completions requests): one row per mapping, and what OpenAI itself refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sluice.sidecar.formats import FormatError
from sluice.sidecar.translate._request_responses_to_anthropic import (
    DEFAULT_MAX_TOKENS,
    responses_anthropic_request,
)
from sluice.sidecar.translate._request_responses_to_chat import responses_chat_request

BASE = {"model": "gpt-5", "max_output_tokens": 100, "input": "hi"}
SCHEMA = {"type": "object", "properties": {"command": {"type": "string"}}}
TOOLS = [{"type": "function", "name": "Bash", "parameters": SCHEMA, "strict": True}]
CALL = {"type": "function_call", "call_id": "c1", "name": "Bash", "arguments": '{"command":"ls"}'}
USER_HI = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
PATCH = "*** Begin Patch\n*** Delete File: a.py\n*** End Patch"
CUSTOM = {"type": "custom", "name": "apply_patch", "description": "Edit files."}
CUSTOM_CALL = {"type": "custom_tool_call", "call_id": "p1", "name": "apply_patch", "input": PATCH}


def translate(**fields: Any) -> dict[str, Any]:
    return responses_anthropic_request(BASE | fields).body


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"max_tokens": 100, "messages": [USER_HI]}),
        ({"instructions": "Be brief."}, {"system": "Be brief."}),
        ({"temperature": 0.2, "top_p": 0.9}, {"temperature": 0.2, "top_p": 0.9}),
        ({"temperature": 1.5}, {"temperature": 1}),
        ({"user": "u1"}, {"metadata": {"user_id": "u1"}}),
        ({"safety_identifier": "s1"}, {"metadata": {"user_id": "s1"}}),
        ({"stream": True}, {"stream": True}),
        ({"tools": TOOLS}, {"tools": [{"name": "Bash", "input_schema": SCHEMA}]}),
        ({"tools": TOOLS, "tool_choice": "required"}, {"tool_choice": {"type": "any"}}),
        ({"tools": TOOLS, "tool_choice": "none"}, {"tool_choice": {"type": "none"}}),
        ({"tools": TOOLS, "tool_choice": "auto"}, {"tool_choice": {"type": "auto"}}),
        (
            {"tools": TOOLS, "tool_choice": {"type": "function", "name": "Bash"}},
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
    assert not {"input", "instructions", "max_output_tokens", "user", "safety_identifier"} & set(
        body
    )


def test_a_missing_limit_gets_the_default_and_is_recorded() -> None:
    out = responses_anthropic_request({"model": "m", "input": "hi"})
    assert out.body["max_tokens"] == DEFAULT_MAX_TOKENS
    assert out.dropped == [f"max_tokens (none given: {DEFAULT_MAX_TOKENS} sent)"]


def test_a_conversation_of_items_becomes_alternating_turns() -> None:
    items = [
        {"role": "developer", "content": "Use tools."},
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "What is this?"},
                {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="},
                {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "low"},
            ],
        },
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": "Look."}],
            "encrypted_content": "anthropic-signature:sig",
        },
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "On it."}],
        },
        CALL,
        CALL | {"call_id": "c2", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "a.txt"},
        {
            "type": "function_call_output",
            "call_id": "c2",
            "output": [
                {"type": "input_text", "text": "shot:"},
                {"type": "input_image", "image_url": "https://example.com/s.png"},
            ],
        },
        {"role": "user", "content": "go on"},
    ]
    out = responses_anthropic_request(BASE | {"instructions": "Be brief.", "input": items})
    assert out.body["system"] == "Be brief.\n\nUse tools."
    url_image = {"type": "image", "source": {"type": "url", "url": "https://example.com/s.png"}}
    assert out.body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
                },
                {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "Look.", "signature": "sig"},
                {"type": "text", "text": "On it."},
                {"type": "tool_use", "id": "c1", "name": "Bash", "input": {"command": "ls"}},
                {"type": "tool_use", "id": "c2", "name": "Bash", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "c1", "content": "a.txt"},
                {
                    "type": "tool_result",
                    "tool_use_id": "c2",
                    "content": [{"type": "text", "text": "shot:"}, url_image],
                },
                {"type": "text", "text": "go on"},
            ],
        },
    ]
    assert out.dropped == []


@pytest.mark.parametrize(
    "reasoning",
    [
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": "x"}]},
        {"type": "reasoning", "summary": [], "encrypted_content": "gAAAAABopenai"},
        {"type": "reasoning", "summary": [], "encrypted_content": "anthropic-signature:sig"},
    ],
)
def test_reasoning_anthropic_did_not_sign_is_dropped_and_recorded(reasoning: Any) -> None:
    out = responses_anthropic_request(
        BASE | {"input": [reasoning, {"role": "user", "content": "hi"}]}
    )
    assert out.body["messages"] == [USER_HI]
    assert out.dropped == ["reasoning"]


@pytest.mark.parametrize(
    "choice",
    [{"type": "allowed_tools", "mode": "auto", "tools": []}, {"type": "web_search"}, "sometimes"],
)
def test_a_tool_choice_with_no_counterpart_is_dropped_and_named(choice: Any) -> None:
    out = responses_anthropic_request(BASE | {"tools": TOOLS, "tool_choice": choice})
    assert "tool_choice" not in out.body
    assert out.dropped == ["tool_choice"]


def test_what_has_no_counterpart_is_dropped_and_named() -> None:
    hosted = [{"type": "web_search"}, {"type": "namespace", "name": "goals", "tools": []}]
    out = responses_anthropic_request(
        BASE
        | {
            "tools": TOOLS + hosted,
            "store": False,
            "include": ["reasoning.encrypted_content"],
            "prompt_cache_key": "k",
            "metadata": {"a": "b"},
            "input": [{"role": "user", "content": [{"type": "input_file", "file_id": "f"}]}],
        }
    )
    assert [t["name"] for t in out.body["tools"]] == ["Bash"]
    assert set(out.dropped) == {
        "tools.web_search",
        "tools.namespace",
        "input_file",
        "prompt_cache_key",
        "metadata",
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max_output_tokens": 5}, "Expected a value >= 16, but got 5 instead."),
        ({"temperature": 3}, "Invalid 'temperature': decimal above maximum value."),
        ({"previous_response_id": "resp_1"}, "Previous response with id 'resp_1' not found."),
        ({"input": [CALL]}, "No tool output found for function call c1."),
        ({"input": [CUSTOM_CALL]}, "No tool output found for custom tool call p1."),
        (
            {"input": [{"type": "custom_tool_call_output", "call_id": "p9", "output": "x"}]},
            "No tool call found for custom tool call output with call_id p9.",
        ),
        (
            {"input": [{"type": "function_call_output", "call_id": "c9", "output": "x"}]},
            "No tool call found for function call output with call_id c9.",
        ),
    ],
)
def test_what_openai_refuses_is_refused_in_its_words(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message.replace(".", r"\.").replace("(", r"\(")):
        responses_anthropic_request(BASE | fields)


def test_for_a_chat_backend_the_request_goes_through_anthropic_s_mapping() -> None:
    items = [
        {"role": "user", "content": "hi"},
        CALL,
        {"type": "function_call_output", "call_id": "c1", "output": "a.txt"},
    ]
    out = responses_chat_request(
        {"model": "gpt-5", "input": items, "instructions": "Be brief.", "temperature": 1.5}
        | {"tools": TOOLS, "stream": True}
    )
    assert out.body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "Bash", "arguments": '{"command": "ls"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "a.txt"},
    ]
    assert out.body["temperature"] == 1.5  # Chat's scale is OpenAI's
    assert "max_completion_tokens" not in out.body
    assert out.body["stream_options"] == {"include_usage": True}
    assert out.body["tools"][0]["function"]["name"] == "Bash"
    assert out.dropped == []


def test_a_custom_tool_and_its_calls_go_as_a_tool_taking_one_string() -> None:
    items = [
        {"role": "user", "content": "hi"},
        CUSTOM_CALL,
        {"type": "custom_tool_call_output", "call_id": "p1", "output": "Done!"},
    ]
    choice = {"type": "custom", "name": "apply_patch"}
    out = responses_anthropic_request(
        BASE | {"input": items, "tools": [CUSTOM], "tool_choice": choice}
    )
    [tool] = out.body["tools"]
    assert tool["name"] == "apply_patch"
    assert tool["input_schema"]["required"] == ["input"]
    assert tool["description"].startswith("Edit files.")
    assert out.body["tool_choice"] == {"type": "tool", "name": "apply_patch"}
    assert out.body["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "p1", "name": "apply_patch", "input": {"input": PATCH}}
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "p1", "content": "Done!"}],
        },
    ]
    chat = responses_chat_request(BASE | {"input": items, "tools": [CUSTOM]}).body
    assert chat["tools"][0]["function"]["parameters"] == tool["input_schema"]
    call = chat["messages"][1]["tool_calls"][0]["function"]
    assert json.loads(call["arguments"]) == {"input": PATCH}


@pytest.mark.parametrize(
    ("effort", "limit", "budget", "max_tokens"),
    [
        ("low", 20000, 2048, 20000),  # room enough: OpenAI counts reasoning in the limit too
        ("medium", 100, 8192, 8292),  # raised: the budget plus the limit
        ("high", None, 16384, 16384 + DEFAULT_MAX_TOKENS),
        ("xhigh", None, 24576, 24576 + DEFAULT_MAX_TOKENS),
        ("max", 64000, 31999, 64000),
        ("minimal", 100, None, 100),
        ("none", 100, None, 100),
    ],
)
def test_reasoning_effort_becomes_a_thinking_budget(
    effort: str, limit: int | None, budget: int | None, max_tokens: int
) -> None:
    obj = {"model": "gpt-5", "input": "hi", "reasoning": {"effort": effort, "summary": "auto"}}
    out = responses_anthropic_request(obj | ({"max_output_tokens": limit} if limit else {}))
    thinking = out.body.get("thinking")
    assert thinking == (budget and {"type": "enabled", "budget_tokens": budget})
    assert out.body["max_tokens"] == max_tokens
    assert budget is None or 1024 <= budget < max_tokens
    raised = [d for d in out.dropped if d.startswith("max_tokens")]
    assert bool(raised) == (max_tokens != limit)
    assert ("reasoning.effort (minimal: sent without thinking)" in out.dropped) == (
        effort == "minimal"
    )


def test_thinking_takes_away_what_it_forbids() -> None:
    obj = BASE | {"reasoning": {"effort": "low"}, "temperature": 0.2, "top_p": 0.5}
    out = responses_anthropic_request(obj)
    assert "temperature" not in out.body
    assert "top_p" not in out.body
    assert {
        "temperature (0.2: thinking needs 1)",
        "top_p (0.5: thinking needs 0.95 or more)",
    } <= set(out.dropped)
    forced = responses_anthropic_request(
        BASE | {"reasoning": {"effort": "low"}, "tools": TOOLS, "tool_choice": "required"}
    )
    assert "thinking" not in forced.body
    assert "reasoning.effort (low: a forced tool choice allows no thinking)" in forced.dropped


def test_for_a_chat_backend_the_effort_is_chat_s_own() -> None:
    out = responses_chat_request(BASE | {"reasoning": {"effort": "high"}})
    assert out.body["reasoning_effort"] == "high"
    assert out.body["max_completion_tokens"] == 100
    assert out.dropped == []
