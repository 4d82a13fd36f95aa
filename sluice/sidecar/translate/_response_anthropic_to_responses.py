"""An Anthropic Messages stream as an OpenAI Responses stream, event by event.

Events and what they become (items as in :mod:`._responses_output`)::

    message_start                    response.created, response.in_progress
    content_block_start              response.output_item.added (and, for text, its
                                     content_part.added; for thinking, its
                                     reasoning_summary_part.added)
    text_delta                       response.output_text.delta
    thinking_delta                   response.reasoning_summary_text.delta
    input_json_delta                 response.function_call_arguments.delta (of a custom
                                     tool: response.custom_tool_call_input.delta, the
                                     input string decoded as it streams)
    signature_delta                  kept for the reasoning item's encrypted_content
    content_block_stop               the item's .done events, then response.output_item.done
    message_delta                    the stop reason and output usage, kept for the end
    message_stop                     response.completed (response.incomplete for max_tokens
                                     or a refusal) with every item and the usage
    error, an unreadable event       error, then response.failed, as OpenAI ends a stream
    or the stream's early end

Every event carries a ``sequence_number`` from 0 and the events of an item its
``output_index``; a block that becomes no item (redacted thinking, server tools) takes no
index. Nothing is held back: each upstream event's translation is written at once (an item's
text is kept too, since its ``.done`` events repeat it).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sluice.sidecar.formats._openai_responses_items import call_item, message_item, text_part
from sluice.sidecar.sse import SSEEvent
from sluice.sidecar.translate._common import JSON, Shape, piece_in, shape_of
from sluice.sidecar.translate._custom_tools import CustomInput, custom_input
from sluice.sidecar.translate._responses_output import (
    ResponseShape,
    custom_call_item,
    reasoning_item,
    status_of,
    stream_error_code,
    usage_json,
)
from sluice.sidecar.translate._stream import StreamTranslator, dump, named_event

__all__ = ["AnthropicToResponsesStream"]


_PREFIXES = {"text": "msg", "thinking": "rs", "tool_use": "fc", "custom": "ctc"}  # item ids


@dataclass(slots=True)
class _Item:
    """An output item being streamed."""

    kind: str  # "text", "thinking", "tool_use" or "custom" (a call of a custom tool)
    id: str
    output_index: int
    pieces: list[str] = field(default_factory=list)
    call_id: object = None
    name: object = None
    signature: str = ""
    decoder: CustomInput | None = None  # a custom call's input, decoded as it streams


@dataclass(slots=True, frozen=True)
class _Known:
    """A delta shape learned from one upstream event (see :mod:`._common`), the item its
    pieces belong to, and the Responses event for one more piece, written as ``head``, the
    sequence number, ``middle``, the piece's JSON string as sent, and ``tail``."""

    shape: Shape
    item: _Item
    event: str
    head: str
    middle: str
    tail: str


class AnthropicToResponsesStream(StreamTranslator):
    """Bytes of a Messages stream in, Responses events out, one upstream event at a time::

        stream = AnthropicToResponsesStream(ResponseShape(echo_of(request)))
        out = stream.feed(chunk)   # as chunks arrive, split anywhere
        out += stream.close()      # at the upstream's end

    :meth:`read` translates one parsed Anthropic event, for a stream that is itself the
    output of another translator."""

    def __init__(self, shape: ResponseShape | None = None, created: int | None = None) -> None:
        super().__init__()
        self._created = int(time.time()) if created is None else created
        self._shape = shape or ResponseShape()
        self._sequence = 0
        self._id = ""
        self._model: object = None
        self._started = False
        self._ended = False
        self._items: dict[int, _Item] = {}  # Anthropic block index -> open item
        self._count = 0  # the items opened so far
        self._output: list[JSON] = []  # the finished items, in order
        self._usage: JSON = {}
        self._stop: str | None = None
        # The shape of the last delta that was one piece of text, thinking or arguments.
        self._known: _Known | None = None

    def end(self) -> list[SSEEvent]:
        """The upstream ended: an error unless its stream was complete."""
        if self._ended:
            return []
        return self._fail("server_error", "the upstream stream ended before it was complete")

    def read(self, data: str | None) -> list[SSEEvent]:
        """The Responses events for one Anthropic event's ``data``."""
        if data is None or self._ended:
            return []
        if (known := self._known) is not None and (piece := piece_in(data, known.shape)):
            return [self._piece(known, *piece)]  # as most events are
        try:
            obj = json.loads(data)
            kind = obj["type"]
        except (ValueError, TypeError, KeyError):
            return self._fail("server_error", "the upstream sent an event that could not be read")
        if kind == "content_block_delta":
            return self._delta(obj, data)
        if kind == "content_block_start":
            return self._open(obj)
        if kind == "content_block_stop":
            self._known = None
            return self._close(obj.get("index"))
        if kind == "message_start":
            return self._start(obj.get("message") or {})
        if kind == "message_delta":
            self._usage.update(obj.get("usage") or {})
            self._stop = (obj.get("delta") or {}).get("stop_reason") or self._stop
            return []
        if kind == "message_stop":
            return self._finish()
        if kind == "error":
            error = obj.get("error") or {}
            message = str(error.get("message") or "upstream error")
            return self._fail(stream_error_code(error.get("type")), message)
        return []  # ping

    def _emit(self, kind: str, **fields: object) -> SSEEvent:
        data = dump({"type": kind, "sequence_number": self._sequence, **fields})
        self._sequence += 1
        return named_event(kind, data)

    def _response(self, status: str, **fields: Any) -> JSON:
        fields.setdefault("created_at", self._created)
        return self._shape.response(self._id, self._model, status, **fields)

    def _start(self, message: JSON) -> list[SSEEvent]:
        if self._started:
            return []
        self._started = True
        self._id = str(message.get("id") or "resp")
        self._model = message.get("model")
        self._usage.update(message.get("usage") or {})
        response = self._response("in_progress")
        return [
            self._emit("response.created", response=response),
            self._emit("response.in_progress", response=response),
        ]

    def _open(self, obj: JSON) -> list[SSEEvent]:
        out = [] if self._started else self._start({})
        block = obj.get("content_block") or {}
        kind = str(block.get("type"))
        if kind == "tool_use" and block.get("name") in self._shape.custom:
            kind = "custom"
        prefix = _PREFIXES.get(kind)
        if prefix is None:
            return out  # redacted thinking, server tools: no item
        position, self._count = self._count, self._count + 1
        item = _Item(kind, self._shape.item_id(self._id, prefix, position), position)
        self._items[obj.get("index", -1)] = item
        at = {"item_id": item.id, "output_index": position}
        if kind == "text":
            added = message_item(item.id, "", "in_progress")
            return [
                *out,
                self._emit("response.output_item.added", output_index=position, item=added),
                self._emit(
                    "response.content_part.added", **at, content_index=0, part=text_part("")
                ),
            ]
        if kind == "thinking":
            added = reasoning_item(item.id, None, None)
            summary = {"type": "summary_text", "text": ""}
            return [
                *out,
                self._emit("response.output_item.added", output_index=position, item=added),
                self._emit(
                    "response.reasoning_summary_part.added", **at, summary_index=0, part=summary
                ),
            ]
        item.call_id, item.name = block.get("id"), block.get("name")
        if kind == "custom":
            item.decoder = CustomInput()
            added = custom_call_item(item.id, item.call_id, item.name, None)
        else:
            added = call_item(item.id, item.call_id, item.name, "", "in_progress")
        return [*out, self._emit("response.output_item.added", output_index=position, item=added)]

    def _delta(self, obj: JSON, data: str) -> list[SSEEvent]:
        item = self._items.get(obj.get("index", -1))
        delta = obj.get("delta") or {}
        if item is None:
            return []
        at = {"item_id": item.id, "output_index": item.output_index}
        kind = delta.get("type")
        if kind == "text_delta" and (text := delta.get("text")):
            self._learn(
                data, "text", text, item, "response.output_text.delta", ',"content_index":0'
            )
            item.pieces.append(text)
            return [
                self._emit(
                    "response.output_text.delta", **at, content_index=0, delta=text, logprobs=[]
                )
            ]
        if kind == "thinking_delta" and (text := delta.get("thinking")):
            event = "response.reasoning_summary_text.delta"
            self._learn(data, "thinking", text, item, event, ',"summary_index":0')
            item.pieces.append(text)
            return [self._emit(event, **at, summary_index=0, delta=text)]
        if kind == "input_json_delta" and (piece := delta.get("partial_json")):
            item.pieces.append(piece)
            if item.decoder is None:
                event = "response.function_call_arguments.delta"
                self._learn(data, "partial_json", piece, item, event, "")
                return [self._emit(event, **at, delta=piece)]
            if text := item.decoder.feed(piece):
                return [self._emit("response.custom_tool_call_input.delta", **at, delta=text)]
        if kind == "signature_delta":
            item.signature += str(delta.get("signature") or "")
        return []  # citations: no place for them here

    def _learn(
        self, data: str, member: str, value: str, item: _Item, event: str, index: str
    ) -> None:
        """``data`` was only ``value``, a piece of ``item``: keep its shape, and how the
        event for such a piece is written (``index``: the part's index member)."""
        shape = shape_of(data, member, value)
        if shape is None:
            self._known = None
            return
        middle = f',"item_id":{dump(item.id)},"output_index":{item.output_index}{index},"delta":'
        tail = ',"logprobs":[]}' if event == "response.output_text.delta" else "}"
        head = f'{{"type":"{event}","sequence_number":'
        self._known = _Known(shape, item, event, head, middle, tail)

    def _piece(self, known: _Known, raw: str, value: str) -> SSEEvent:
        """The event for one more piece of ``known.item`` (``raw``: its JSON string, as
        sent), written from ``known``'s template without building or dumping an object."""
        known.item.pieces.append(value)
        data = f"{known.head}{self._sequence}{known.middle}{raw}{known.tail}"
        self._sequence += 1
        return named_event(known.event, data)

    def _close(self, index: object) -> list[SSEEvent]:
        item = self._items.pop(index if isinstance(index, int) else -1, None)
        if item is None:
            return []
        at = {"item_id": item.id, "output_index": item.output_index}
        text = "".join(item.pieces)
        out: list[SSEEvent]
        if item.kind == "text":
            done = message_item(item.id, text)
            out = [
                self._emit(
                    "response.output_text.done", **at, content_index=0, text=text, logprobs=[]
                ),
                self._emit(
                    "response.content_part.done", **at, content_index=0, part=text_part(text)
                ),
            ]
        elif item.kind == "thinking":
            signature = item.signature if self._shape.signatures else None
            done = reasoning_item(item.id, text, signature)
            summary = {"type": "summary_text", "text": text}
            out = [
                self._emit(
                    "response.reasoning_summary_text.done", **at, summary_index=0, text=text
                ),
                self._emit(
                    "response.reasoning_summary_part.done", **at, summary_index=0, part=summary
                ),
            ]
        elif item.kind == "custom":  # the input read whole: authoritative, whatever streamed
            input_ = custom_input(text)
            done = custom_call_item(item.id, item.call_id, item.name, input_)
            out = [self._emit("response.custom_tool_call_input.done", **at, input=input_)]
        else:
            arguments = text or "{}"
            done = call_item(item.id, item.call_id, item.name, arguments)
            out = [self._emit("response.function_call_arguments.done", **at, arguments=arguments)]
        self._output.append(done)
        out.append(
            self._emit("response.output_item.done", output_index=item.output_index, item=done)
        )
        return out

    def _finish(self) -> list[SSEEvent]:
        out = [] if self._started else self._start({})
        for index in list(self._items):  # blocks never stopped: finish them as they are
            out += self._close(index)
        self._ended = True
        status, details = status_of(self._stop)
        response = self._response(
            status,
            incomplete_details=details,
            output=self._output,
            usage=usage_json(self._usage),
        )
        return [*out, self._emit(f"response.{status}", response=response)]

    def _fail(self, code: str, message: str) -> list[SSEEvent]:
        out = [] if self._started else self._start({})
        self._ended = True
        error = {"code": code, "message": message}
        failed = self._response("failed", error=error, output=self._output)
        return [
            *out,
            self._emit("error", code=code, message=message, param=None),
            self._emit("response.failed", response=failed),
        ]
