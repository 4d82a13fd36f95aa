"""Anthropic Messages (``POST /v1/messages``): replies, streams and errors.

A stream is ``message_start``, then per block ``content_block_start``, deltas
(``text_delta``, ``thinking_delta`` then ``signature_delta``, ``input_json_delta``) and
``content_block_stop``, then ``message_delta`` (stop reason, cumulative usage) and
``message_stop``; a ``ping`` follows the first block start, as the real API sends it.
Every event carries an ``event:`` line. An in-stream failure is an ``error`` event carrying
an ``overloaded_error``, the error the API reports most often once a reply has started.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ._anthropic_validation import check_anthropic
from ._body import NotJson, parse_object
from ._errors import ErrorKind, InvalidRequest
from ._scripts import Block, TextBlock, ThinkingBlock, ToolCallBlock
from ._sse import SseEvent, json_event

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._ids import Ids
    from ._wire import JSON, Turn

__all__ = ["AnthropicMessages", "anthropic_error"]

_ERRORS: dict[ErrorKind, tuple[int, str, str]] = {
    ErrorKind.INVALID_REQUEST: (
        400,
        "invalid_request_error",
        "prompt is too long: 208310 tokens > 200000 maximum",
    ),
    ErrorKind.RATE_LIMIT: (
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit "
        "(https://docs.claude.com/en/api/rate-limits); see the response headers for current "
        "usage. Please reduce the prompt length or the maximum tokens requested, or try "
        "again later.",
    ),
    ErrorKind.SERVER: (500, "api_error", "Internal server error"),
    ErrorKind.OVERLOADED: (529, "overloaded_error", "Overloaded"),
    ErrorKind.NOT_FOUND: (404, "not_found_error", "Not Found"),
}


def anthropic_error(
    kind: ErrorKind, request_id: str, detail: InvalidRequest | None = None
) -> tuple[int, JSON]:
    """Status and body of an Anthropic error, e.g. ``(529, {"type": "error", ...})``."""
    status, error_type, message = _ERRORS[kind]
    if detail is not None:
        message = detail.message
    error = {"type": error_type, "message": message}
    return status, {"type": "error", "error": error, "request_id": request_id}


class AnthropicMessages:
    """The Anthropic Messages wire format (see the module docstring)."""

    request_id_header = "request-id"

    def new_request_id(self, ids: Ids) -> str:
        return ids.make("req_011C", 20)

    def parse(self, raw: bytes, *, count_tokens: bool = False) -> JSON:
        """The body of a Messages (or, with ``count_tokens``, a token counting) request."""
        try:
            body = parse_object(raw)
        except NotJson as exc:
            raise InvalidRequest(f"The request body is not valid JSON: {exc}") from None
        check_anthropic(body, count_tokens=count_tokens)
        return body

    def error(
        self, kind: ErrorKind, request_id: str, detail: InvalidRequest | None = None
    ) -> tuple[int, JSON]:
        return anthropic_error(kind, request_id, detail)

    def message(self, turn: Turn) -> JSON:
        content = [_whole_block(turn, block) for block in turn.script.blocks]
        return _message(turn, content, _stop_reason(turn), turn.usage.output_tokens)

    def encoder(self, turn: Turn) -> _Stream:
        return _Stream(turn)


class _Stream:
    def __init__(self, turn: Turn) -> None:
        self._turn = turn
        self._ids: dict[int, str] = {}

    def start(self) -> Sequence[SseEvent]:
        message = _message(self._turn, [], None, 1)
        return [json_event("message_start", {"type": "message_start", "message": message})]

    def open(self, index: int, block: Block) -> Sequence[SseEvent]:
        if isinstance(block, TextBlock):
            start: JSON = {"type": "text", "text": ""}
        elif isinstance(block, ThinkingBlock):
            start = {"type": "thinking", "thinking": "", "signature": ""}
        else:
            self._ids[index] = self._turn.ids.make("toolu_01", 22)
            start = {"type": "tool_use", "id": self._ids[index], "name": block.name, "input": {}}
        events = [
            json_event(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": start},
            )
        ]
        if index == 0:
            events.append(SseEvent("ping", '{"type": "ping"}'))  # spelt as the API does
        if isinstance(block, ToolCallBlock):
            # The real API opens every tool call's JSON with an empty fragment.
            events.append(_delta(index, {"type": "input_json_delta", "partial_json": ""}))
        return events

    def delta(self, index: int, block: Block, piece: str) -> Sequence[SseEvent]:
        if isinstance(block, TextBlock):
            return [_delta(index, {"type": "text_delta", "text": piece})]
        if isinstance(block, ThinkingBlock):
            return [_delta(index, {"type": "thinking_delta", "thinking": piece})]
        return [_delta(index, {"type": "input_json_delta", "partial_json": piece})]

    def close(self, index: int, block: Block) -> Sequence[SseEvent]:
        events = []
        if isinstance(block, ThinkingBlock):
            events.append(_delta(index, {"type": "signature_delta", "signature": block.signature}))
        stop = {"type": "content_block_stop", "index": index}
        return [*events, json_event("content_block_stop", stop)]

    def finish(self) -> Sequence[SseEvent]:
        usage = _usage(self._turn, self._turn.usage.output_tokens)
        del usage["cache_creation"], usage["service_tier"]  # message_start carries these
        delta = {"stop_reason": _stop_reason(self._turn), "stop_sequence": None}
        return [
            json_event("message_delta", {"type": "message_delta", "delta": delta, "usage": usage}),
            json_event("message_stop", {"type": "message_stop"}),
        ]

    def fail(self) -> Sequence[SseEvent]:
        _, body = anthropic_error(ErrorKind.OVERLOADED, self._turn.request_id)
        return [json_event("error", body)]


def _message(turn: Turn, content: list[JSON], stop_reason: str | None, output: int) -> JSON:
    return {
        "id": turn.ids.make("msg_01", 22),
        "type": "message",
        "role": "assistant",
        "model": turn.model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": _usage(turn, output),
    }


def _usage(turn: Turn, output_tokens: int) -> JSON:
    usage = turn.usage
    return {
        "input_tokens": usage.input_tokens,
        "cache_creation_input_tokens": usage.cache_creation_tokens,
        "cache_read_input_tokens": usage.cache_read_tokens,
        "cache_creation": {
            "ephemeral_5m_input_tokens": usage.cache_creation_tokens,
            "ephemeral_1h_input_tokens": 0,
        },
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def _stop_reason(turn: Turn) -> str:
    return "tool_use" if turn.script.calls_tools else "end_turn"


def _whole_block(turn: Turn, block: Block) -> JSON:
    if isinstance(block, TextBlock):
        return {"type": "text", "text": block.text}
    if isinstance(block, ThinkingBlock):
        return {"type": "thinking", "thinking": block.text, "signature": block.signature}
    tool_input = json.loads(block.arguments) if block.arguments else {}
    return {
        "type": "tool_use",
        "id": turn.ids.make("toolu_01", 22),
        "name": block.name,
        "input": tool_input,
    }


def _delta(index: int, delta: JSON) -> SseEvent:
    payload = {"type": "content_block_delta", "index": index, "delta": delta}
    return json_event("content_block_delta", payload)
