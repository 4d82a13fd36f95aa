"""Anthropic requests the real API refuses are refused here, with its wording."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sluice.fake_upstream import FakeUpstream, thinking_signature

from .conftest import post

USER = {"role": "user", "content": "Run it"}


def tool_use(call_id: str = "toolu_01A", name: str = "Bash") -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": {"command": "ls"}}


def tool_result(call_id: str = "toolu_01A") -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": call_id, "content": "ok"}


def assistant(*content: dict[str, Any]) -> dict[str, Any]:
    return {"role": "assistant", "content": list(content)}


def user(*content: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(content)}


def messages_body(*messages: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"model": "claude-sonnet-5", "max_tokens": 100, "messages": list(messages), **fields}


MISSING_RESULT = (
    "messages.{index}: `tool_use` ids were found without `tool_result` blocks immediately "
    "after: {ids}. Each `tool_use` block must have a corresponding `tool_result` block in the "
    "next message."
)
SIGNED = {"type": "thinking", "thinking": "Hm.", "signature": thinking_signature("Hm.")}
TWO_TOOLS = [{"name": "Bash", "input_schema": {}}, {"name": "Bash", "input_schema": {}}]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            {"model": "claude-sonnet-5", "messages": [USER]},
            "max_tokens: Field required",
            id="no-max-tokens",
        ),
        pytest.param(
            messages_body(),
            "messages: List should have at least 1 item after validation, not 0",
            id="no-messages",
        ),
        pytest.param(
            messages_body(
                USER,
                assistant(tool_use(), {"type": "text", "text": "Done."}),
                user(tool_result()),
            ),
            MISSING_RESULT.format(index=2, ids="toolu_01A"),
            id="text-after-tool-use",
        ),
        pytest.param(
            messages_body(
                USER,
                assistant(tool_use("toolu_01A"), tool_use("toolu_01B", "Read")),
                user(tool_result("toolu_01A")),
            ),
            MISSING_RESULT.format(index=2, ids="toolu_01B"),
            id="unanswered-tool-use",
        ),
        pytest.param(
            messages_body(USER, assistant(tool_use()), {"role": "user", "content": "and?"}),
            MISSING_RESULT.format(index=2, ids="toolu_01A"),
            id="no-tool-result",
        ),
        pytest.param(
            messages_body(user(tool_result("toolu_01Z"))),
            "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: "
            "toolu_01Z. Each `tool_result` block must have a corresponding `tool_use` block in "
            "the previous message.",
            id="orphan-tool-result",
        ),
        pytest.param(
            messages_body(USER, tools=TWO_TOOLS),
            "tools: Tool names must be unique",
            id="duplicate-tool-names",
        ),
        pytest.param(
            messages_body(USER, {"role": "assistant", "content": ""}, USER),
            "messages.1: all messages must have non-empty content except for the optional "
            "final assistant message",
            id="empty-content",
        ),
        pytest.param(
            messages_body(USER, assistant({"type": "text", "text": ""}), USER),
            "messages.1.content.0.text: text content blocks must be non-empty",
            id="empty-text-block",
        ),
        pytest.param(
            messages_body(USER, assistant({"type": "thinking", "thinking": "Hm."}), USER),
            "messages.1.content.0.signature: Field required",
            id="unsigned-thinking",
        ),
        pytest.param(
            messages_body(USER, assistant({**SIGNED, "thinking": "Hmm."}), USER),
            "messages.1.content.0: Invalid `signature` in `thinking` block",
            id="altered-thinking",
        ),
        pytest.param(
            messages_body({"role": "tool", "content": "x"}),
            "messages.0.role: Input should be 'user' or 'assistant'",
            id="bad-role",
        ),
        pytest.param(
            messages_body(USER, thinking={"type": "enabled", "budget_tokens": 100}),
            "`max_tokens` must be greater than `thinking.budget_tokens`",
            id="thinking-budget",
        ),
    ],
)
async def test_anthropic_refusals(
    upstream: FakeUpstream, body: dict[str, Any], message: str
) -> None:
    status, headers, raw = await post(upstream, "/v1/messages", body)

    assert status == 400
    assert json.loads(raw) == {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": message},
        "request_id": headers["request-id"],
    }


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            messages_body(
                USER,
                assistant(SIGNED, {"type": "text", "text": "Let me look."}, tool_use()),
                user(tool_result(), {"type": "text", "text": "Also this."}),
                {"role": "user", "content": "And a second user message, merged."},
                {"role": "system", "content": "Claude Code interleaves system entries."},
                assistant({"type": "text", "text": "Sure."}),
                USER,
            ),
            id="tool-round-trip",
        ),
        pytest.param(messages_body(USER, {"role": "assistant", "content": ""}), id="empty-prefill"),
    ],
)
async def test_anthropic_accepts(upstream: FakeUpstream, body: dict[str, Any]) -> None:
    status, _, raw = await post(upstream, "/v1/messages", body)

    assert status == 200, raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"model": ', "Expecting value: line 1 column 11 (char 10)"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"text": "\\ud83d"}', "no low surrogate in string: line 1 column 11 (char 10)"),
    ],
)
async def test_anthropic_unparsable_body(upstream: FakeUpstream, raw: bytes, reason: str) -> None:
    status, _, body = await post(upstream, "/v1/messages", raw)

    assert status == 400
    assert json.loads(body)["error"]["message"] == f"The request body is not valid JSON: {reason}"


async def test_count_tokens_needs_no_max_tokens(upstream: FakeUpstream) -> None:
    body = {"model": "claude-sonnet-5", "messages": [user(tool_result())]}
    status, _, raw = await post(upstream, "/v1/messages/count_tokens", body)

    assert status == 400
    assert "unexpected `tool_use_id`" in json.loads(raw)["error"]["message"]
