"""OpenAI Responses (``POST /v1/responses``): replies, streams and errors.

Each script block becomes one output item: thinking a ``reasoning`` item with a summary
(and ``encrypted_content`` when the request includes ``reasoning.encrypted_content``), text
a ``message`` item with one ``output_text`` part, a tool call a ``function_call`` item.
A stream is typed events, each with ``event:`` and a ``sequence_number`` from 0:
``response.created``, ``response.in_progress``, per item ``response.output_item.added``,
its part and delta events and ``response.output_item.done``, then ``response.completed``
with usage. An in-stream failure is an ``error`` event followed by ``response.failed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import ErrorKind, InvalidRequest
from ._ids import HEX
from ._openai_base import OpenAIFormat
from ._openai_errors import openai_error
from ._openai_validation import check_responses
from ._scripts import Block, TextBlock, ThinkingBlock, ToolCallBlock
from ._sse import SseEvent, json_event

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._wire import JSON, Turn

__all__ = ["Responses"]

_TOO_LONG = InvalidRequest(
    "Your input exceeds the context window of this model. Please adjust your input and try again.",
    param="input",
    code="context_length_exceeded",
)


class Responses(OpenAIFormat):
    """The OpenAI Responses wire format (see the module docstring)."""

    too_long = _TOO_LONG

    def check(self, body: JSON) -> None:
        check_responses(body)

    def message(self, turn: Turn) -> JSON:
        items = _Items(turn)
        output = [items.done(index, block) for index, block in enumerate(turn.script.blocks)]
        return _response(turn, items.response_id, "completed", output, usage=_usage(turn))

    def encoder(self, turn: Turn) -> _Stream:
        return _Stream(turn)


class _Items:
    """Output items of one response, with ids stable between their added and done forms."""

    def __init__(self, turn: Turn) -> None:
        self._make = turn.ids.make
        self.response_id = self._make("resp_", 48, HEX)
        include = turn.body.get("include")
        self._encrypted = isinstance(include, list) and "reasoning.encrypted_content" in include
        self._ids: dict[int, tuple[str, str]] = {}  # block index -> (item id, call id)

    def item_id(self, index: int, block: Block) -> str:
        if index not in self._ids:
            prefix = {TextBlock: "msg_", ThinkingBlock: "rs_", ToolCallBlock: "fc_"}[type(block)]
            self._ids[index] = (self._make(prefix, 48, HEX), self._make("call_", 24))
        return self._ids[index][0]

    def added(self, index: int, block: Block) -> JSON:
        item_id = self.item_id(index, block)
        if isinstance(block, TextBlock):
            return _message_item(item_id, [], "in_progress")
        if isinstance(block, ThinkingBlock):
            return {"id": item_id, "type": "reasoning", "summary": []}
        return _call_item(item_id, self._ids[index][1], block.name, "", "in_progress")

    def done(self, index: int, block: Block) -> JSON:
        item_id = self.item_id(index, block)
        if isinstance(block, TextBlock):
            return _message_item(item_id, [_text_part(block.text)], "completed")
        if isinstance(block, ThinkingBlock):
            item: JSON = {"id": item_id, "type": "reasoning", "summary": [_summary(block.text)]}
            if self._encrypted:
                item["encrypted_content"] = block.signature
            return item
        return _call_item(item_id, self._ids[index][1], block.name, block.arguments, "completed")


class _Stream:
    def __init__(self, turn: Turn) -> None:
        self._turn = turn
        self._items = _Items(turn)
        self._sequence = 0
        self._output: list[JSON] = []

    def start(self) -> Sequence[SseEvent]:
        response = self._response("in_progress")
        return [
            self._event("response.created", response=response),
            self._event("response.in_progress", response=response),
        ]

    def open(self, index: int, block: Block) -> Sequence[SseEvent]:
        item_id = self._items.item_id(index, block)
        events = [
            self._event(
                "response.output_item.added",
                output_index=index,
                item=self._items.added(index, block),
            )
        ]
        if isinstance(block, TextBlock):
            events.append(
                self._event(
                    "response.content_part.added",
                    item_id=item_id,
                    output_index=index,
                    content_index=0,
                    part=_text_part(""),
                )
            )
        elif isinstance(block, ThinkingBlock):
            events.append(
                self._event(
                    "response.reasoning_summary_part.added",
                    item_id=item_id,
                    output_index=index,
                    summary_index=0,
                    part=_summary(""),
                )
            )
        return events

    def delta(self, index: int, block: Block, piece: str) -> Sequence[SseEvent]:
        where: JSON = {"item_id": self._items.item_id(index, block), "output_index": index}
        if isinstance(block, TextBlock):
            event = self._event(
                "response.output_text.delta", **where, content_index=0, delta=piece, logprobs=[]
            )
        elif isinstance(block, ThinkingBlock):
            event = self._event(
                "response.reasoning_summary_text.delta", **where, summary_index=0, delta=piece
            )
        else:
            event = self._event("response.function_call_arguments.delta", **where, delta=piece)
        return [event]

    def close(self, index: int, block: Block) -> Sequence[SseEvent]:
        where: JSON = {"item_id": self._items.item_id(index, block), "output_index": index}
        if isinstance(block, TextBlock):
            events = [
                self._event(
                    "response.output_text.done",
                    **where,
                    content_index=0,
                    text=block.text,
                    logprobs=[],
                ),
                self._event(
                    "response.content_part.done",
                    **where,
                    content_index=0,
                    part=_text_part(block.text),
                ),
            ]
        elif isinstance(block, ThinkingBlock):
            events = [
                self._event(
                    "response.reasoning_summary_text.done",
                    **where,
                    summary_index=0,
                    text=block.text,
                ),
                self._event(
                    "response.reasoning_summary_part.done",
                    **where,
                    summary_index=0,
                    part=_summary(block.text),
                ),
            ]
        else:
            events = [
                self._event(
                    "response.function_call_arguments.done", **where, arguments=block.arguments
                )
            ]
        item = self._items.done(index, block)
        self._output.append(item)
        events.append(self._event("response.output_item.done", output_index=index, item=item))
        return events

    def finish(self) -> Sequence[SseEvent]:
        response = self._response("completed", usage=_usage(self._turn))
        return [self._event("response.completed", response=response)]

    def fail(self) -> Sequence[SseEvent]:
        _, body = openai_error(ErrorKind.SERVER, None, _TOO_LONG)
        message = body["error"]["message"]
        error = {"code": "server_error", "message": message}
        return [
            self._event("error", code="server_error", message=message, param=None),
            self._event("response.failed", response=self._response("failed", error=error)),
        ]

    def _response(self, status: str, **fields: Any) -> JSON:
        return _response(self._turn, self._items.response_id, status, self._output, **fields)

    def _event(self, kind: str, **fields: Any) -> SseEvent:
        payload = {"type": kind, "sequence_number": self._sequence, **fields}
        self._sequence += 1
        return json_event(kind, payload)


def _response(
    turn: Turn,
    response_id: str,
    status: str,
    output: list[JSON],
    *,
    usage: JSON | None = None,
    error: JSON | None = None,
) -> JSON:
    body = turn.body
    return {
        "id": response_id,
        "object": "response",
        "created_at": turn.created,
        "status": status,
        "background": False,
        "completed_at": turn.created if status == "completed" else None,
        "error": error,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "model": turn.model,
        "output": list(output),
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": body.get("reasoning") or {"effort": None, "summary": None},
        "safety_identifier": body.get("safety_identifier"),
        "service_tier": "default",
        "store": body.get("store", True),
        "temperature": body.get("temperature", 1.0),
        "text": body.get("text") or {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools", []),
        "top_logprobs": body.get("top_logprobs", 0),
        "top_p": body.get("top_p", 1.0),
        "truncation": body.get("truncation", "disabled"),
        "usage": usage,
        "user": body.get("user"),
        "metadata": body.get("metadata") or {},
    }


def _message_item(item_id: str, content: list[JSON], status: str) -> JSON:
    return {
        "id": item_id,
        "type": "message",
        "status": status,
        "content": content,
        "role": "assistant",
    }


def _call_item(item_id: str, call_id: str, name: str, arguments: str, status: str) -> JSON:
    return {
        "id": item_id,
        "type": "function_call",
        "status": status,
        "arguments": arguments,
        "call_id": call_id,
        "name": name,
    }


def _text_part(text: str) -> JSON:
    return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}


def _summary(text: str) -> JSON:
    return {"type": "summary_text", "text": text}


def _usage(turn: Turn) -> JSON:
    usage = turn.usage
    return {
        "input_tokens": usage.prompt_tokens,
        "input_tokens_details": {
            "cached_tokens": usage.cache_read_tokens,
            "cache_write_tokens": usage.cache_creation_tokens,
        },
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.prompt_tokens + usage.output_tokens,
    }
