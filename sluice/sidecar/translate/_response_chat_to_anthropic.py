"""An OpenAI Chat Completions response as an Anthropic Messages response: whole, streamed
event by event, or as an error.

The stream: a chunk's ``delta.reasoning_content`` (or ``reasoning``, as some servers name
it) opens or continues a thinking block, ``delta.content`` a text block, each
``tool_calls[].index`` a tool_use block; a block stops when the next begins or the choice
finishes. ``finish_reason`` and the usage chunk after it become ``message_delta``, written
at ``[DONE]`` (or at the end of the upstream, should it omit ``[DONE]``). A chunk holding
``error`` ends the stream in Anthropic's ``error`` event. Thinking carries no signature
(the start's ``signature`` is empty and no ``signature_delta`` is invented).

A chunk with the shape of the last chunk that was one piece of the open block (see
:mod:`~sluice.sidecar.translate._common`, which also explains why OpenAI's ``obfuscation``
padding is tolerated rather than turned off) is not parsed: its string is copied, escapes
and all, into the Anthropic delta event; the padding is not.

Usage: ``input_tokens`` is the prompt without its cached part, which becomes
``cache_read_input_tokens``, as Anthropic counts them; reasoning tokens are reported as
``output_tokens_details.thinking_tokens``.
"""

from __future__ import annotations

import json

from sluice.sidecar.formats import anthropic
from sluice.sidecar.sse import SSEEvent
from sluice.sidecar.translate._common import JSON, Shape, piece_in, shape_of
from sluice.sidecar.translate._stream import (
    StreamTranslator,
    dump,
    dump_str,
    named_event,
)

__all__ = ["ChatToAnthropicStream", "anthropic_body", "anthropic_error"]

STOP = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "length": "max_tokens",
    "content_filter": "refusal",
}


def _event(obj: JSON) -> list[SSEEvent]:
    return [named_event(obj["type"], dump(obj))]


def _delta_event(data: str) -> SSEEvent:
    """A ``content_block_delta`` event for its one-line ``data``."""
    raw = b"event: content_block_delta\ndata: " + data.encode() + b"\n\n"
    return SSEEvent(raw, "content_block_delta", data)


# A block's delta type and the member holding its string (tool calls: input_json_delta).
_DELTAS = {"text": ("text_delta", "text"), "thinking": ("thinking_delta", "thinking")}


def usage_json(usage: object) -> JSON:
    """Anthropic's usage object for a Chat ``usage`` object (``{}`` when there is none)."""
    if not isinstance(usage, dict):
        return {}
    prompt = usage.get("prompt_tokens") or 0
    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
    out: JSON = {
        "input_tokens": max(prompt - cached, 0),
        "output_tokens": usage.get("completion_tokens") or 0,
    }
    if cached:
        out["cache_read_input_tokens"] = cached
    reasoning = (usage.get("completion_tokens_details") or {}).get("reasoning_tokens")
    if reasoning:
        out["output_tokens_details"] = {"thinking_tokens": reasoning}
    return out


def anthropic_error(status: int, body: bytes) -> bytes:
    """The Anthropic error body for a backend's error response (its message kept, the
    type Anthropic uses for ``status``)."""
    message = body.decode(errors="replace")[:2000] or f"upstream error {status}"
    try:
        obj = json.loads(body)
        error = obj.get("error") if isinstance(obj, dict) else None
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            message = error["message"]
        elif isinstance(error, str):
            message = error
    except ValueError:
        pass
    kind = anthropic.error_type(status)
    return anthropic.error_body(status if 400 <= status <= 599 else 502, kind, message)


def anthropic_body(body: bytes) -> bytes:
    """The Messages response for a whole ``chat.completion`` body; raises ``ValueError``
    when it is not one."""
    obj = json.loads(body)
    choice = obj["choices"][0]
    message = choice.get("message") or {}
    content: list[JSON] = []
    thinking = message.get("reasoning_content") or message.get("reasoning")
    if isinstance(thinking, str) and thinking:
        content.append({"type": "thinking", "thinking": thinking, "signature": ""})
    if isinstance(text := message.get("content"), str) and text:
        content.append({"type": "text", "text": text})
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        arguments = function.get("arguments") or "{}"
        content.append(
            {
                "type": "tool_use",
                "id": call.get("id"),
                "name": function.get("name"),
                "input": json.loads(arguments),
            }
        )
    usage = {"input_tokens": 0, "output_tokens": 0, **usage_json(obj.get("usage"))}
    return dump(
        {
            "id": obj.get("id"),
            "type": "message",
            "role": "assistant",
            "model": obj.get("model"),
            "content": content,
            "stop_reason": STOP.get(choice.get("finish_reason") or "stop", "end_turn"),
            "stop_sequence": None,
            "usage": usage,
        }
    ).encode()


class ChatToAnthropicStream(StreamTranslator):
    """Bytes of a Chat Completions stream in, bytes of a Messages stream out, one upstream
    event at a time (nothing is held beyond the event being read)::

        stream = ChatToAnthropicStream()
        out = stream.feed(chunk)   # as chunks arrive, split anywhere
        out += stream.close()      # at the upstream's end
    """

    def __init__(self) -> None:
        super().__init__()
        self._started = False
        self._ended = False
        self._index = -1  # the Anthropic index of the last block opened
        self._open: str | None = None  # "thinking", "text" or "tool:<wire index>"
        self._stop: str | None = None
        self._usage: JSON = {}
        # The open block's delta event, up to its string (text, thinking or arguments);
        # "" when no block is open. Each block's differs: it holds the block's index.
        self._prefix = ""
        # The shape of the last chunk that was one piece of a block, and that block's prefix
        # (see the module docstring).
        self._shape: tuple[Shape, str] | None = None

    def end(self) -> list[SSEEvent]:
        """An end if the upstream gave none: with what arrived after a ``finish_reason``,
        else an error."""
        if self._ended:
            return []
        if self._stop is not None:  # no [DONE]: end with what arrived
            return self._end()
        return self._error(502, "the upstream stream ended before it was complete")

    def read(self, data: str | None) -> list[SSEEvent]:
        """The Messages events for one Chat chunk's ``data``."""
        if data is None or self._ended:
            return []
        known = self._shape
        if (
            known is not None
            and known[1] == self._prefix  # its block is the open one
            and (piece := piece_in(data, known[0])) is not None  # as most chunks are
        ):
            return [_delta_event(self._prefix + piece[0] + "}}")]
        if data.strip() == "[DONE]":
            return self._end()
        try:
            obj = json.loads(data)
        except ValueError:
            return self._error(502, "the upstream sent an event that is not JSON")
        if not isinstance(obj, dict):
            return self._error(502, "the upstream sent an event that is not an object")
        if (error := obj.get("error")) is not None:
            message = error.get("message") if isinstance(error, dict) else str(error)
            return self._error(500, str(message))
        out = [] if self._started else self._start(obj)
        usage = obj.get("usage")
        if isinstance(usage, dict):
            self._usage = usage_json(usage)
        choices = obj.get("choices") or []
        if not choices or not isinstance(choices[0], dict):
            return out
        choice = choices[0]
        delta = choice.get("delta") or {}
        # Each piece the chunk carries: its member's name, its string, the block it went to.
        pieces: list[tuple[str, str, str | None]] = []
        name = "reasoning_content" if delta.get("reasoning_content") else "reasoning"
        if isinstance(thinking := delta.get(name), str) and thinking:
            out += self._piece("thinking", {"type": "thinking", "thinking": "", "signature": ""})
            out.append(self._string_delta(thinking))
            pieces.append((name, thinking, self._open))
        if isinstance(text := delta.get("content"), str) and text:
            out += self._piece("text", {"type": "text", "text": ""})
            out.append(self._string_delta(text))
            pieces.append(("content", text, self._open))
        for call in delta.get("tool_calls") or []:
            out += self._tool(call, pieces)
        if (reason := choice.get("finish_reason")) is not None:
            out += self._close()
            self._stop = STOP.get(reason, "end_turn")
        elif len(pieces) == 1 and pieces[0][2] == self._open and not isinstance(usage, dict):
            self._learn(data, *pieces[0])
        return out

    def _learn(self, data: str, name: str, value: str, block: str | None) -> None:
        """``data`` was only ``value``, a piece of ``block`` (the open one): keep its shape."""
        if block is not None and (shape := shape_of(data, name, value)) is not None:
            self._shape = (shape, self._prefix)

    def _string_delta(self, value: str) -> SSEEvent:
        """The open block's delta event carrying ``value``."""
        return _delta_event(self._prefix + dump_str(value) + "}}")

    def _start(self, obj: JSON) -> list[SSEEvent]:
        self._started = True
        message: JSON = {
            "id": obj.get("id"),
            "type": "message",
            "role": "assistant",
            "model": obj.get("model"),
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }
        return _event({"type": "message_start", "message": message})

    def _piece(self, kind: str, start: JSON) -> list[SSEEvent]:
        """Open a block of ``kind`` unless it is the open one."""
        if self._open == kind:
            return []
        out = self._close()
        self._open, self._index = kind, self._index + 1
        delta_type, member = _DELTAS.get(kind, ("input_json_delta", "partial_json"))
        self._prefix = (
            f'{{"type":"content_block_delta","index":{self._index},'
            f'"delta":{{"type":"{delta_type}","{member}":'
        )
        return out + _event(
            {"type": "content_block_start", "index": self._index, "content_block": start}
        )

    def _tool(self, call: JSON, pieces: list[tuple[str, str, str | None]]) -> list[SSEEvent]:
        function = call.get("function") or {}
        key = f"tool:{call.get('index', 0)}"
        out: list[SSEEvent] = []
        if self._open != key:
            start: JSON = {
                "type": "tool_use",
                "id": call.get("id"),
                "name": function.get("name"),
                "input": {},
            }
            out = self._piece(key, start)
        if arguments := function.get("arguments"):
            out.append(self._string_delta(arguments))
            pieces.append(("arguments", arguments, self._open))
        return out

    def _close(self) -> list[SSEEvent]:
        if self._open is None:
            return []
        self._open, self._prefix = None, ""
        return _event({"type": "content_block_stop", "index": self._index})

    def _end(self) -> list[SSEEvent]:
        self._ended = True
        out = [] if self._started else self._start({})
        delta = {"stop_reason": self._stop or "end_turn", "stop_sequence": None}
        usage = {"output_tokens": 0, **self._usage}
        return (
            out
            + self._close()
            + _event({"type": "message_delta", "delta": delta, "usage": usage})
            + _event({"type": "message_stop"})
        )

    def _error(self, status: int, message: str) -> list[SSEEvent]:
        self._ended = True
        kind = anthropic.error_type(status)
        return _event({"type": "error", "error": {"type": kind, "message": message}})
