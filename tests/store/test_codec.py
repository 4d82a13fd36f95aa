"""Taking request bodies apart and back together, for every wire format. No database."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sluice.model import Format, Response, Text, Thinking, ToolCall, ToolResult, Usage
from sluice.store.codec import (
    FORM_MARK,
    digest,
    join_request,
    match_digests,
    response_from_json,
    response_to_json,
    split_request,
)

TOOLS = [{"type": "function", "function": {"name": "ls", "parameters": {"type": "object"}}}]

BODIES: dict[str, dict[str, Any]] = {
    "anthropic": {
        "model": "claude-sonnet-4-5",
        "system": [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}],
        "tools": [{"name": "ls", "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "text", "text": "yo"}]},
            {
                "role": "user",
                "content": [{"type": "text", "text": "go", "cache_control": {"type": "ephemeral"}}],
            },
        ],
    },
    "openai_chat": {
        "model": "gpt-5",
        "tools": TOOLS,
        "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}],
    },
    "openai_responses": {
        "model": "gpt-5",
        "instructions": "sys",
        "tools": TOOLS,
        "input": [{"role": "user", "content": "hi"}, {"type": "function_call_output"}],
    },
    "openai_responses_plain_input": {"model": "gpt-5", "input": "hi"},
    "no_conversation": {"model": "m"},
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_split_and_join_are_inverses(name: str) -> None:
    body = BODIES[name]
    split = split_request(body)
    messages = [json.loads(m) for m in split.messages]
    blobs = {d: json.loads(text) for d, text in split.blobs.items()}
    assert join_request(split.rest, messages, blobs) == body


def test_moving_cache_markers_do_not_change_stored_messages() -> None:
    first = split_request(BODIES["anthropic"])
    moved = json.loads(json.dumps(BODIES["anthropic"]))
    del moved["messages"][2]["content"][0]["cache_control"]
    moved["messages"][1]["content"][0]["cache_control"] = {"type": "ephemeral"}
    assert split_request(moved).messages == first.messages
    assert split_request(moved).rest != first.rest


def _text(kind: str, text: str, **more: Any) -> dict[str, Any]:
    return {"type": kind, "text": text, **more}


def _keys(messages: list[Any]) -> list[str]:
    split = split_request({"messages": messages})
    return match_digests(split, [digest(text) for text in split.messages])


CC = {"cache_control": {"type": "ephemeral"}}
# Two spellings of one prompt each: the providers read a string as one text block.
SAME_PROMPT = {
    "anthropic user": (
        {"role": "user", "content": "hi"},
        {"role": "user", "content": [_text("text", "hi")]},
    ),
    "anthropic cached block": (
        {"role": "user", "content": "hi"},
        {"role": "user", "content": [_text("text", "hi", **CC)]},
    ),
    "claude code's environment message": (
        {
            "role": "system",
            "content": [_text("text", "# Env", **CC)],
            "output_config": {"effort": "medium"},
        },
        {"role": "system", "content": "# Env", "output_config": {"effort": "medium"}},
    ),
    "chat system": (
        {"role": "system", "content": "sys"},
        {"role": "system", "content": [_text("text", "sys")]},
    ),
    "chat assistant": (
        {"role": "assistant", "content": "ok"},
        {"role": "assistant", "content": [_text("text", "ok")]},
    ),
    "responses input": (
        {"role": "user", "content": "hi"},
        {"role": "user", "content": [_text("input_text", "hi")]},
    ),
}
# Not the same prompt: content, role or blocks the providers read differently.
OTHER_PROMPT = {
    "other text": (
        {"role": "user", "content": "hi"},
        {"role": "user", "content": [_text("text", "hi!")]},
    ),
    "other role": (
        {"role": "user", "content": "hi"},
        {"role": "system", "content": [_text("text", "hi")]},
    ),
    "two blocks, not their joined text": (
        {"role": "user", "content": "ab"},
        {"role": "user", "content": [_text("text", "a"), _text("text", "b")]},
    ),
    "a block with citations": (
        {"role": "assistant", "content": "x"},
        {"role": "assistant", "content": [_text("text", "x", citations=[{"cited_text": "y"}])]},
    ),
    "an image, not text": (
        {"role": "user", "content": "x"},
        {"role": "user", "content": [{"type": "image_url", "text": "x"}]},
    ),
    "another message field": (
        {"role": "user", "content": "hi"},
        {"role": "user", "content": [_text("text", "hi")], "name": "bob"},
    ),
}


@pytest.mark.parametrize("pair", SAME_PROMPT.values(), ids=list(SAME_PROMPT))
def test_both_spellings_of_one_prompt_match(pair: tuple[Any, Any]) -> None:
    first, second = pair
    assert _keys([first]) == _keys([second])


@pytest.mark.parametrize("pair", OTHER_PROMPT.values(), ids=list(OTHER_PROMPT))
def test_different_prompts_do_not_match(pair: tuple[Any, Any]) -> None:
    first, second = pair
    assert _keys([first]) != _keys([second])


@pytest.mark.parametrize("pair", SAME_PROMPT.values(), ids=list(SAME_PROMPT))
def test_a_respelled_message_is_rebuilt_as_the_request_spelled_it(pair: tuple[Any, Any]) -> None:
    first, second = pair
    stored = json.loads(split_request({"messages": [first]}).messages[0])
    split = split_request({"messages": [second]})
    split.rest[FORM_MARK] = [[0, split.shapes[0]]]
    assert join_request(split.rest, [stored], {}) == {"messages": [second]}


def test_roles_and_blobs() -> None:
    split = split_request(BODIES["openai_responses"])
    assert split.roles == ["user", "function_call_output"]
    assert sorted(split.rest) == ["$conversation", "instructions", "model", "tools"]
    assert len(split.blobs) == 2


def test_a_response_survives_json() -> None:
    response = Response(
        format=Format.OPENAI_CHAT,
        model="gpt-5",
        id="chatcmpl-1",
        blocks=[Thinking("t", "sig"), Text("x"), ToolCall("c1", "ls", "{}"), ToolResult("c0", "r")],
        stop_reason="tool_calls",
        usage=Usage(1, 2, None, None, 3),
    )
    assert response_from_json(json.loads(json.dumps(response_to_json(response)))) == response
