"""Records and Claude-Code-like requests for the store's tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sluice.model import Format, Response, Text, ToolCall, Usage
from sluice.store import ExchangeRecord

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

# About 60 KB of tool schemas, like Claude Code's 24 tools.
TOOLS = [
    {
        "name": f"Tool{i}",
        "description": f"Tool number {i}. " + "Explains at length when to use it. " * 70,
        "input_schema": {
            "type": "object",
            "properties": {"path": {"type": "string", "description": "Absolute path. " * 5}},
            "required": ["path"],
        },
    }
    for i in range(24)
]
SYSTEM = [{"type": "text", "text": "You are Claude Code. " * 200}]


def user(i: int) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "text", "text": f"Step {i}: " + "do it " * 40}]}


def assistant(i: int) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": [
            {"type": "text", "text": f"Doing step {i}. " + "ok " * 60},
            {"type": "tool_use", "id": f"toolu_{i}", "name": "Tool1", "input": {"path": "/a"}},
        ],
    }


def claude_request(history: list[dict[str, Any]]) -> dict[str, Any]:
    """A Claude Code request: everything resent, ``cache_control`` on the newest message."""
    newest = json.loads(json.dumps(history[-1]))  # older messages are shared, not copied
    newest["content"][-1]["cache_control"] = {"type": "ephemeral"}
    messages = [*history[:-1], newest]
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 32000,
        "stream": True,
        "system": SYSTEM,
        "tools": TOOLS,
        "messages": messages,
        "metadata": {"user_id": "user_abc_account_def_session_s1"},
    }


def conversation(turns: int) -> list[dict[str, Any]]:
    """``turns`` user messages with an assistant answer between each two."""
    history: list[dict[str, Any]] = []
    for i in range(turns):
        if i:
            history.append(assistant(i - 1))
        history.append(user(i))
    return history


def response(i: int = 0) -> Response:
    return Response(
        format=Format.ANTHROPIC,
        model="claude-sonnet-4-5",
        id=f"msg_{i}",
        blocks=[Text(f"Doing step {i}."), ToolCall(f"toolu_{i}", "Tool1", '{"path": "/a"}')],
        stop_reason="tool_use",
        usage=Usage(input_tokens=10, output_tokens=5),
    )


def record(turn: int = 0, **fields: Any) -> ExchangeRecord:
    """The exchange of ``turn`` in session ``s1``; ``fields`` override anything."""
    values: dict[str, Any] = {
        "id": f"ex-{turn}",
        "started_at": T0 + timedelta(seconds=turn),
        "format": Format.ANTHROPIC,
        "route": "/v1/messages",
        "provider": "anthropic",
        "model": "claude-sonnet-4-5",
        "client": "key:0123456789abcdef",
        "session_id": "s1",
        "status": 200,
        "streamed": True,
        "response": response(turn),
    }
    values.update(fields)
    if "request" not in values:
        values["request"] = claude_request(conversation(turn + 1))
    return ExchangeRecord(**values)


def recorded_claude_code(name: str) -> dict[str, Any]:
    """The first request of real Claude Code 2.1.332 (``claude -p`` through the fake
    upstream), kept whole but for its system prompt and tools: ``git_branch``, run in a git
    repository (``/tmp/ins/home/project``) on branch ``feature/insights`` and asked "say hi";
    ``no_git``, in a folder that is no repository (``/tmp/ins/home2/scratch``)."""
    path = Path(__file__).parent / "recorded" / f"claude_code_{name}.json"
    request: dict[str, Any] = json.loads(path.read_text())
    return request
