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

from sluice.sidecar.formats._openai import error_json, error_type_for
from sluice.sidecar.sse import SSEEvent
from sluice.sidecar.translate._common import JSON, Shape, piece_in, shape_of
from sluice.sidecar.translate._stream import StreamTranslator, data_event, dump, dump_str

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
    return dump(
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
            function = {"name": block["name"], "arguments": dump(block.get("input", {}))}
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
    return dump(
        {
            "id": obj.get("id"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": obj.get("model"),
            "choices": [choice],
            "usage": usage_json(obj.get("usage") or {}),
        }
    ).encode()


_UNFINISHED = ',"logprobs":null,"finish_reason":null}]}'  # a chunk's end, after its delta


class AnthropicToChatStream(StreamTranslator):
    """Bytes of a Messages stream in, bytes of a Chat Completions stream out, one
    upstream event at a time; ``include_usage``: the client asked for the usage chunk;
    ``created``: the chunks' timestamp (default: now).

    A delta event with the shape of the last delta event read whole (see
    :mod:`~sluice.sidecar.translate._common`) is not parsed: its string is copied, escapes
    and all, into the chunk, which is written from a template."""

    def __init__(self, include_usage: bool = False, created: int | None = None) -> None:
        super().__init__()
        self._include_usage = include_usage
        created = int(time.time()) if created is None else created
        self._head: JSON = {"object": "chat.completion.chunk", "created": created}
        self._open = ""  # every chunk up to its ``delta`` (from ``_head``)
        self._tools: dict[int, int] = {}  # Anthropic block index -> tool_calls index
        self._usage: JSON = {}
        self._ended = False
        # The shape of the last delta event read whole, and its chunk's text before and
        # after the string it carries.
        self._shape: tuple[Shape, str, str] | None = None
        self._set_head(self._head)

    def read(self, data: str | None) -> list[SSEEvent]:
        """The Chat chunks for one Messages event's ``data``."""
        if data is None or self._ended:
            return []
        if (known := self._shape) is not None and (piece := piece_in(data, known[0])):
            return [data_event(known[1] + piece[0] + known[2])]  # as most events are
        return [data_event(chunk) for chunk in self._event(data)]

    def end(self) -> list[SSEEvent]:
        """An error if the stream was cut short."""
        if self._ended:
            return []
        return [data_event(self._error("the upstream stream ended before it was complete"))]

    def _set_head(self, head: JSON) -> None:
        self._head = head
        self._open = dump(head)[:-1] + ',"choices":[{"index":0,"delta":'
        self._shape = None  # the head is part of every chunk written from a shape

    def _chunk(self, delta: JSON, finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return dump(self._head | {"choices": [choice]})

    def _event(self, data: str) -> list[str]:
        """The data of the Chat chunks for an event not shaped like the last delta."""
        try:
            obj = json.loads(data)
            kind = obj["type"]
        except (ValueError, TypeError, KeyError):
            return [self._error("the upstream sent an event that could not be read")]
        if kind == "content_block_delta":
            return self._delta(obj, data)
        if kind == "content_block_start":
            block = obj.get("content_block") or {}
            if block.get("type") != "tool_use":
                return []
            number = self._tools[obj["index"]] = len(self._tools)
            self._shape = None  # (a shape of this index would name another call)
            call = {
                "index": number,
                "id": block.get("id"),
                "type": "function",
                "function": {"name": block.get("name"), "arguments": ""},
            }
            return [self._chunk({"tool_calls": [call]})]
        if kind == "message_start":
            message = obj.get("message") or {}
            self._set_head({"id": message.get("id"), **self._head, "model": message.get("model")})
            self._usage.update(message.get("usage") or {})
            return [self._chunk({"role": "assistant", "content": ""})]
        if kind == "message_delta":
            self._usage.update(obj.get("usage") or {})
            reason = (obj.get("delta") or {}).get("stop_reason") or "end_turn"
            out = [self._chunk({}, FINISH.get(reason, "stop"))]
            if self._include_usage:
                out.append(dump(self._head | {"choices": [], "usage": usage_json(self._usage)}))
            return out
        if kind == "message_stop":
            self._ended = True
            return ["[DONE]"]
        if kind == "error":
            error = obj.get("error") or {}
            return [self._error(str(error.get("message", "upstream error")))]
        return []  # ping, content_block_stop: nothing to say in Chat

    def _delta(self, obj: JSON, data: str) -> list[str]:
        delta = obj.get("delta") or {}
        kind = delta.get("type")
        # The member read, and the chunk's delta around its string.
        if kind == "text_delta":
            member, before, after = "text", '{"content":', "}"
        elif kind == "thinking_delta":
            member, before, after = "thinking", '{"reasoning_content":', "}"
        elif kind == "input_json_delta" and obj.get("index") in self._tools:
            tool = self._tools[obj["index"]]
            member, after = "partial_json", "}}]}"
            before = f'{{"tool_calls":[{{"index":{tool},"function":{{"arguments":'
        else:
            return []  # signature_delta: no place for it in Chat
        value = delta.get(member, "")
        if not isinstance(value, str):  # not a string: written as the upstream sent it
            return [self._open + before + dump(value) + after + _UNFINISHED]
        after += _UNFINISHED
        if value and (shape := shape_of(data, member, value)) is not None:
            self._shape = (shape, self._open + before, after)
        return [self._open + before + dump_str(value) + after]

    def _error(self, message: str) -> str:
        self._ended = True
        return dump(error_json("server_error", message))
