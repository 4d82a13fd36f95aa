"""An Anthropic Messages response as an OpenAI Chat Completions response: whole, streamed
event by event, or as an error.

The stream: ``message_start`` gives the first chunk (the assistant role), ``text_delta``
``delta.content``, ``thinking_delta`` ``delta.reasoning_content`` (as OpenAI-compatible
servers show reasoning; its signature cannot be carried and is dropped), each ``tool_use``
block a ``tool_calls`` entry numbered from 0, its ``input_json_delta`` the ``arguments``.
``message_delta`` gives the ``finish_reason`` chunk, then (when the client asked for
``stream_options.include_usage``) the usage chunk; ``message_stop`` ``[DONE]``. An
``error`` event becomes ``data: {"error": ...}``, which ends the stream.

Usage: ``prompt_tokens`` counts the cached tokens too (``prompt_tokens_details``), as
OpenAI counts them.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sluice.sidecar.formats._openai import error_json, error_type_for
from sluice.sidecar.sse import SSEParser
from sluice.sidecar.translate._common import JSON

__all__ = ["AnthropicToChatStream", "chat_body", "chat_error"]

FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
}


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def usage_json(usage: JSON) -> JSON:
    """OpenAI's usage object for Anthropic's usage counts."""
    cached = usage.get("cache_read_input_tokens") or 0
    prompt = (
        (usage.get("input_tokens") or 0) + cached + (usage.get("cache_creation_input_tokens") or 0)
    )
    completion = usage.get("output_tokens") or 0
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }


def chat_error(status: int, body: bytes) -> bytes:
    """The OpenAI error body for a backend's error response (its message kept, the type
    OpenAI uses for ``status``)."""
    message = body.decode(errors="replace")[:2000] or f"upstream error {status}"
    try:
        obj = json.loads(body)
        error = obj.get("error") if isinstance(obj, dict) else None
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            message = error["message"]
    except ValueError:
        pass
    return _dump(
        error_json(error_type_for(status if 400 <= status <= 599 else 502), message)
    ).encode()


def chat_body(body: bytes) -> bytes:
    """The ``chat.completion`` for a whole Messages response; raises ``ValueError`` (or
    ``KeyError``, ``TypeError``) when it is not one."""
    obj = json.loads(body)
    texts, thinking, calls = [], [], []
    for block in obj["content"]:
        kind = block.get("type")
        if kind == "text":
            texts.append(block["text"])
        elif kind == "thinking":
            thinking.append(block["thinking"])
        elif kind == "tool_use":
            function = {"name": block["name"], "arguments": _dump(block.get("input", {}))}
            calls.append({"id": block["id"], "type": "function", "function": function})
    message: JSON = {"role": "assistant", "content": "".join(texts) or None, "refusal": None}
    if thinking:
        message["reasoning_content"] = "".join(thinking)
    if calls:
        message["tool_calls"] = calls
    choice = {
        "index": 0,
        "message": message,
        "logprobs": None,
        "finish_reason": FINISH.get(obj.get("stop_reason") or "end_turn", "stop"),
    }
    return _dump(
        {
            "id": obj.get("id"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": obj.get("model"),
            "choices": [choice],
            "usage": usage_json(obj.get("usage") or {}),
        }
    ).encode()


class AnthropicToChatStream:
    """Bytes of a Messages stream in, bytes of a Chat Completions stream out, one
    upstream event at a time; ``include_usage``: the client asked for the usage chunk;
    ``created``: the chunks' timestamp (default: now)."""

    def __init__(self, include_usage: bool = False, created: int | None = None) -> None:
        self._parser = SSEParser()
        self._include_usage = include_usage
        created = int(time.time()) if created is None else created
        self._head: JSON = {"object": "chat.completion.chunk", "created": created}
        self._tools: dict[int, int] = {}  # Anthropic block index -> tool_calls index
        self._usage: JSON = {}
        self._ended = False

    def feed(self, chunk: bytes) -> bytes:
        """The Chat chunks for the complete events in ``chunk``."""
        return b"".join(self._event(event.data) for event in self._parser.feed(chunk))

    def close(self) -> bytes:
        """The upstream ended: what remains, and an error if the stream was cut short."""
        out = b"".join(self._event(event.data) for event in self._parser.close())
        if self._ended:
            return out
        return out + self._error("the upstream stream ended before it was complete")

    def _chunk(self, delta: JSON, finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return f"data: {_dump(self._head | {'choices': [choice]})}\n\n".encode()

    def _event(self, data: str | None) -> bytes:
        if data is None or self._ended:
            return b""
        try:
            obj = json.loads(data)
            kind = obj["type"]
        except (ValueError, TypeError, KeyError):
            return self._error("the upstream sent an event that could not be read")
        if kind == "content_block_delta":
            return self._delta(obj)
        if kind == "content_block_start":
            block = obj.get("content_block") or {}
            if block.get("type") != "tool_use":
                return b""
            number = self._tools[obj["index"]] = len(self._tools)
            call = {
                "index": number,
                "id": block.get("id"),
                "type": "function",
                "function": {"name": block.get("name"), "arguments": ""},
            }
            return self._chunk({"tool_calls": [call]})
        if kind == "message_start":
            message = obj.get("message") or {}
            self._head = {"id": message.get("id"), **self._head, "model": message.get("model")}
            self._usage.update(message.get("usage") or {})
            return self._chunk({"role": "assistant", "content": ""})
        if kind == "message_delta":
            self._usage.update(obj.get("usage") or {})
            reason = (obj.get("delta") or {}).get("stop_reason") or "end_turn"
            out = self._chunk({}, FINISH.get(reason, "stop"))
            if self._include_usage:
                usage = self._head | {"choices": [], "usage": usage_json(self._usage)}
                out += f"data: {_dump(usage)}\n\n".encode()
            return out
        if kind == "message_stop":
            self._ended = True
            return b"data: [DONE]\n\n"
        if kind == "error":
            error = obj.get("error") or {}
            return self._error(str(error.get("message", "upstream error")))
        return b""  # ping, content_block_stop: nothing to say in Chat

    def _delta(self, obj: JSON) -> bytes:
        delta = obj.get("delta") or {}
        kind = delta.get("type")
        if kind == "text_delta":
            return self._chunk({"content": delta.get("text", "")})
        if kind == "thinking_delta":
            return self._chunk({"reasoning_content": delta.get("thinking", "")})
        if kind == "input_json_delta" and obj.get("index") in self._tools:
            call = {
                "index": self._tools[obj["index"]],
                "function": {"arguments": delta.get("partial_json", "")},
            }
            return self._chunk({"tool_calls": [call]})
        return b""  # signature_delta: no place for it in Chat

    def _error(self, message: str) -> bytes:
        self._ended = True
        return f"data: {_dump(error_json('server_error', message))}\n\n".encode()
