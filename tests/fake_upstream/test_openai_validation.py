"""OpenAI requests the real APIs refuse are refused here, with their wording."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import post

if TYPE_CHECKING:
    from sluice.fake_upstream import FakeUpstream

USER = {"role": "user", "content": "Run it"}


def chat_call(call_id: str) -> dict[str, Any]:
    function = {"name": "Bash", "arguments": "{}"}
    return {"id": call_id, "type": "function", "function": function}


def chat_body(*messages: dict[str, Any]) -> dict[str, Any]:
    return {"model": "gpt-5.5", "messages": list(messages)}


TOOL_CALLS = {
    "role": "assistant",
    "content": None,
    "tool_calls": [chat_call("call_a"), chat_call("call_b")],
}


def tool_message(call_id: str) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": "ok"}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param(
            {"model": "gpt-5.5"},
            {
                "message": "Missing required parameter: 'messages'.",
                "param": "messages",
                "code": "missing_required_parameter",
            },
            id="no-messages",
        ),
        pytest.param(
            {"messages": [USER]},
            {"message": "you must provide a model parameter", "param": None, "code": None},
            id="no-model",
        ),
        pytest.param(
            {**chat_body(USER), "stream_options": {"include_usage": True}},
            {
                "message": "The 'stream_options' parameter is only allowed when 'stream' is "
                "enabled.",
                "param": "stream_options",
                "code": None,
            },
            id="stream-options-without-stream",
        ),
        pytest.param(
            chat_body(USER, TOOL_CALLS, tool_message("call_a"), USER),
            {
                "message": "An assistant message with 'tool_calls' must be followed by tool "
                "messages responding to each 'tool_call_id'. The following tool_call_ids did "
                "not have response messages: call_b",
                "param": "messages.[3].role",
                "code": None,
            },
            id="unanswered-tool-call",
        ),
        pytest.param(
            chat_body(USER, tool_message("call_a")),
            {
                "message": "Invalid parameter: messages with role 'tool' must be a response to "
                "a preceeding message with 'tool_calls'.",
                "param": "messages.[1].role",
                "code": None,
            },
            id="tool-without-call",
        ),
        pytest.param(
            chat_body(USER, TOOL_CALLS, tool_message("call_x")),
            {
                "message": "Invalid parameter: 'tool_call_id' of 'call_x' not found in "
                "'tool_calls' of previous message.",
                "param": "messages.[2].tool_call_id",
                "code": None,
            },
            id="unknown-tool-call-id",
        ),
    ],
)
async def test_chat_refusals(
    upstream: FakeUpstream, body: dict[str, Any], error: dict[str, Any]
) -> None:
    status, headers, raw = await post(upstream, "/v1/chat/completions", body)

    assert status == 400
    assert json.loads(raw) == {"error": {**error, "type": "invalid_request_error"}}
    assert headers["x-request-id"].startswith("req_")


async def test_chat_accepts_answered_tool_calls(upstream: FakeUpstream) -> None:
    body = chat_body(USER, TOOL_CALLS, tool_message("call_b"), tool_message("call_a"), USER)
    status, _, raw = await post(upstream, "/v1/chat/completions", body)

    assert status == 200, raw


async def test_openai_unparsable_body(upstream: FakeUpstream) -> None:
    status, _, raw = await post(upstream, "/v1/responses", b"{nope")

    assert status == 400
    assert json.loads(raw)["error"]["message"].startswith("We could not parse the JSON body")


def function_call(call_id: str) -> dict[str, Any]:
    return {"type": "function_call", "call_id": call_id, "name": "Bash", "arguments": "{}"}


def function_output(call_id: str) -> dict[str, Any]:
    return {"type": "function_call_output", "call_id": call_id, "output": "ok"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"input": "hi"}, "Missing required parameter: 'model'.", id="no-model"),
        pytest.param(
            {"model": "gpt-5.5", "input": [function_output("call_a")]},
            "No tool call found for function call output with call_id call_a.",
            id="output-without-call",
        ),
        pytest.param(
            {"model": "gpt-5.5", "input": [function_call("call_a")]},
            "No tool output found for function call call_a.",
            id="call-without-output",
        ),
    ],
)
async def test_responses_refusals(
    upstream: FakeUpstream, body: dict[str, Any], message: str
) -> None:
    status, _, raw = await post(upstream, "/v1/responses", body)

    assert status == 400
    assert json.loads(raw)["error"]["message"] == message


async def test_responses_accepts_paired_calls(upstream: FakeUpstream) -> None:
    items = [{"role": "user", "content": "hi"}, function_call("call_a"), function_output("call_a")]
    status, _, raw = await post(upstream, "/v1/responses", {"model": "gpt-5.5", "input": items})

    assert status == 200, raw
