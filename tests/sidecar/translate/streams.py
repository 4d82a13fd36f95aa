"""The upstream streams the response translators' tests read, and how to write more.

``ANTHROPIC_STREAM`` (a Messages stream: thinking, text, two tool calls) is written with
:func:`event` and :func:`block`; ``CHAT_STREAM`` (a Chat Completions stream saying what
``CHAT_BLOCKS`` holds, thinking as ``reasoning_content``) with :func:`chunk` and
:func:`call`.
"""

from __future__ import annotations

import json
from typing import Any

from sluice.model import Text, Thinking, ToolCall
from sluice.sidecar.sse import encode_event

__all__ = [
    "ANTHROPIC_STREAM",
    "ANTHROPIC_USAGE",
    "CHAT_BLOCKS",
    "CHAT_STREAM",
    "CHAT_USAGE",
    "HEAD",
    "START",
    "block",
    "call",
    "chunk",
    "event",
]


def event(obj: dict[str, Any]) -> bytes:
    return encode_event(json.dumps(obj), obj["type"])


def block(index: int, start: dict[str, Any], *deltas: dict[str, Any]) -> bytes:
    out = event({"type": "content_block_start", "index": index, "content_block": start})
    for delta in deltas:
        out += event({"type": "content_block_delta", "index": index, "delta": delta})
    return out + event({"type": "content_block_stop", "index": index})


ANTHROPIC_USAGE = {"input_tokens": 40, "cache_read_input_tokens": 60, "output_tokens": 1}
START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "content": [],
        "usage": ANTHROPIC_USAGE,
    },
}
ANTHROPIC_STREAM = b"".join(
    [
        event(START),
        event({"type": "ping"}),
        block(
            0,
            {"type": "thinking", "thinking": "", "signature": ""},
            {"type": "thinking_delta", "thinking": "Hmm."},
            {"type": "signature_delta", "signature": "sig"},
        ),
        block(
            1,
            {"type": "text", "text": ""},
            {"type": "text_delta", "text": "Two "},
            {"type": "text_delta", "text": "calls."},
        ),
        block(
            2,
            {"type": "tool_use", "id": "t1", "name": "Bash", "input": {}},
            {"type": "input_json_delta", "partial_json": '{"command"'},
            {"type": "input_json_delta", "partial_json": ': "ls"}'},
        ),
        block(
            3,
            {"type": "tool_use", "id": "t2", "name": "Read", "input": {}},
            {"type": "input_json_delta", "partial_json": "{}"},
        ),
        event(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use"},
                "usage": {"output_tokens": 20},
            }
        ),
        event({"type": "message_stop"}),
    ]
)


HEAD = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "qwen"}


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return f"data: {json.dumps(HEAD | {'choices': [choice]} | extra)}\n\n".encode()


def call(index: int, id_: str | None = None, name: str | None = None, args: str = "") -> Any:
    function: dict[str, Any] = {"arguments": args}
    if name is not None:
        function["name"] = name
    entry: dict[str, Any] = {"index": index, "function": function}
    if id_ is not None:
        entry |= {"id": id_, "type": "function"}
    return {"tool_calls": [entry]}


CHAT_USAGE = {
    "prompt_tokens": 100,
    "completion_tokens": 20,
    "prompt_tokens_details": {"cached_tokens": 60},
    "completion_tokens_details": {"reasoning_tokens": 7},
}
CHAT_STREAM = b"".join(
    [
        chunk({"role": "assistant", "content": ""}),
        chunk({"reasoning_content": "Let me "}),
        chunk({"reasoning_content": "look."}),
        chunk({"content": "Two "}),
        chunk({"content": "calls."}),
        chunk(call(0, "call_a", "Bash", '{"command"')),
        chunk(call(0, args=': "ls"}')),
        chunk(call(1, "call_b", "Read", "")),
        chunk(call(1, args='{"file_path": "/etc/hosts"}')),
        chunk({}, "tool_calls"),
        f"data: {json.dumps(HEAD | {'choices': [], 'usage': CHAT_USAGE})}\n\n".encode(),
        b"data: [DONE]\n\n",
    ]
)
CHAT_BLOCKS = [
    Thinking("Let me look."),
    Text("Two calls."),
    ToolCall("call_a", "Bash", '{"command": "ls"}'),
    ToolCall("call_b", "Read", '{"file_path": "/etc/hosts"}'),
]
