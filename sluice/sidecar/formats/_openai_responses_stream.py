"""The OpenAI Responses stream (items as blocks: see :mod:`._openai_responses_items`).

Stream events and the parts they become::

    response.created                        MESSAGE_START
    response.output_item.added              BLOCK_START
    response.*.delta of a block             BLOCK_DELTA, ``delta`` the piece of text or arguments
    other events of a block                 BLOCK_DELTA without ``delta`` (part added, text done...)
    response.output_item.done               BLOCK_STOP, ``block`` read from the finished item
    response.completed, response.incomplete MESSAGE_STOP (stop reason, usage)
    response.failed, error                  ERROR
    anything else (items not represented)   OTHER

Every event carries a ``sequence_number``, which must increase (clients resume a stream with
``starting_after``), and the events of an item its ``output_index``. The writer numbers what
the client receives, rewriting only those digits of an event: :meth:`ResponsesStream.forward`
passes upstream's sequence numbers through as they came (as noop does, even one out of
order) until an event of the gateway's own took a number, and from then on gives each
forwarded event the next number; it renumbers items once one was dropped or inserted.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field

from sluice.model import Block, Format, Text, Thinking, ToolCall
from sluice.sidecar.formats._base import PartKind, StreamPart
from sluice.sidecar.formats._blocks import BlockBuilder, BlockStream
from sluice.sidecar.formats._errors import FormatError
from sluice.sidecar.formats._json import (
    JSON,
    PLAIN_STRING,
    TEXT_COUNT,
    TEXT_NAME,
    TEXT_STRING,
    WIRE_STRING,
    dump,
    load_object,
    need,
    opt,
    read_usage,
    string_text,
    wire_text,
)
from sluice.sidecar.formats._openai import error_type_for
from sluice.sidecar.formats._openai_responses_items import (
    USAGE,
    item_block,
    item_json,
    status_for,
    stop_reason_of,
)
from sluice.sidecar.sse import SSEEvent, encode_event

__all__ = ["ITEM_EVENT", "PIECES", "SEQUENCE", "ResponsesStream"]

PIECES: dict[str, type] = {
    "response.output_text.delta": Text,
    "response.function_call_arguments.delta": ToolCall,
    "response.custom_tool_call_input.delta": ToolCall,
    "response.reasoning_summary_text.delta": Thinking,
    "response.reasoning_text.delta": Thinking,
}
# A quote inside a JSON string is always escaped, so these match keys only, never text; the
# Responses events carry both keys once, at the top level.
SEQUENCE = re.compile(rb'"sequence_number":\s*(\d+)')
_OUTPUT_INDEX = re.compile(rb'"output_index":\s*(\d+)')


def _event_spelling(kind: str, sequence: str, name: str, wire: str, rest: str) -> str:
    """The pattern of an item's event data as OpenAI writes it: compact JSON, its fields
    in their order (``kind``, ``sequence``, ``wire``: the patterns of its type, number and
    output index; ``name``: of a plain string), ``rest`` after them, ``obfuscation``
    padding unless the client asked for none."""
    return (
        r'\{"type":"' + kind + r'","sequence_number":' + sequence + r',"item_id":' + name
        + r',"output_index":' + wire + rest + r'(?:,"obfuscation":' + name + r")?+\}"
    )  # fmt: skip


# A piece of text, as bytes: passed unread when no policy reads text.
_TEXT_DELTA = re.compile(
    b"event: response\\.output_text\\.delta\ndata: "
    + _event_spelling(
        r"response\.output_text\.delta",
        f"({TEXT_COUNT})",
        PLAIN_STRING.decode(),
        f"({TEXT_COUNT})",
        rf',"content_index":{TEXT_COUNT},"delta":({WIRE_STRING.decode()}),"logprobs":\[\]',
    ).encode()
    + b"\n\n"
)  # (the patterns are ASCII: their bytes are spelt as escapes)


def _item_rest(string: str) -> str:
    """The pattern of what follows the output index in an item's event that carries a
    piece (group ``delta``), or repeats a piece or the whole text or arguments, or starts
    or ends a part (``string``: the pattern of a JSON string)."""
    return (
        rf'(?:,"(?:content|summary)_index":{TEXT_COUNT})?+'
        rf'(?:,"delta":(?P<delta>{string})|,"(?:text|arguments)":{string}'
        r'|,"part":\{"type":"(?:output_text","annotations":\[\],"logprobs":\[\]|summary_text")'
        rf',"text":{string}\}})(?:,"logprobs":\[\])?+'
    )


_KIND = r"response(?:\.[a-z_]++)++"
# An item's event so spelt: read without building its object (its text may be the whole
# answer).
_SPELT = re.compile(
    _event_spelling(
        f"(?P<type>{_KIND})",
        TEXT_COUNT,
        TEXT_NAME,
        f"(?P<wire>{TEXT_COUNT})",
        _item_rest(TEXT_STRING),
    )
)
# The same as a whole event, in bytes, its type named by its ``event:`` line too and its
# strings any (for a reader of tool calls, which reads none of them): groups ``type``,
# ``wire``.
ITEM_EVENT = re.compile(
    (
        f"event: (?P<type>{_KIND})\ndata: "
        + _event_spelling(
            "(?P=type)",
            TEXT_COUNT,
            PLAIN_STRING.decode(),
            f"(?P<wire>{TEXT_COUNT})",
            _item_rest(WIRE_STRING.decode()),
        )
        + "\n\n"
    ).encode()
)
# The events of an item that are read whole, whatever their spelling.
_READ_WHOLE = frozenset(
    {
        "response.output_item.added",
        "response.output_item.done",
        "response.reasoning_summary_part.added",
    }
)


@dataclass(slots=True)
class _Sent:
    """An output item as the client has received it."""

    start: Block | None  # None: an item the neutral model does not represent
    item_id: str
    wire: int | None  # its upstream output_index; None for an item the gateway wrote
    # Its pieces as the client received them; a piece passed unread is its JSON string as
    # it came, read only if the gateway must close the item itself (:func:`_piece_text`).
    pieces: list[str | bytes] = field(default_factory=list)
    done: JSON | None = None  # the finished item, once the client has it


def _piece_text(quoted: bytes) -> str | None:
    """The text of a piece passed unread (its JSON string), as :meth:`ResponsesStream.feed`
    would have read it (the SSE parser's decoding, then JSON's): ``None`` where it would
    have been an error, which adds nothing to its item."""
    return wire_text(quoted.decode(errors="replace").encode())


def _named(event: SSEEvent, name: str) -> bool:
    return event.event == name or (event.event is None and f'"{name}"'.encode() in event.raw)


class ResponsesStream(BlockStream):
    """Decoder and writer for one Responses stream; see :class:`StreamDecoder`."""

    def __init__(self, read_text: bool = True) -> None:
        """``read_text`` false: text pieces pass unparsed and text blocks read as empty
        until their item is done (for chains that never see text)."""
        super().__init__(Format.OPENAI_RESPONSES)
        self._read_text = read_text
        self._index: dict[int, int] = {}  # upstream output_index -> neutral index
        self._wire: list[int] = []  # neutral index -> upstream output_index
        self._items: dict[int, JSON] = {}  # upstream output_index -> item as last announced
        self._created: JSON | None = None  # the response object of response.created
        self._last_seq = -1  # the highest sequence number the client received
        self._emitted = False  # an event of the gateway's own took a number
        self._sent: dict[int, _Sent] = {}  # output position -> item as the client has it
        self._edited = False  # some text reached the client other than the upstream wrote it

    def feed(self, event: SSEEvent) -> list[StreamPart]:
        """The part for one upstream event; see the module docstring for the mapping."""
        if event.data is None:
            return [StreamPart(PartKind.OTHER, event)]
        found = _SPELT.fullmatch(event.data)
        if found is not None and (part := self._spelt(found, event)) is not None:
            return [part]
        try:
            return [self._read(load_object(event.data), event)]
        except FormatError:
            return [StreamPart(PartKind.ERROR, event)]

    def unread(self, data: bytes | bytearray, start: int = 0) -> int:
        """Where the events from ``start`` in ``data`` that pass unread end, text unread:
        pieces of text items the client has as upstream numbers them, spelt as OpenAI
        writes them (``_TEXT_DELTA``), each numbered as :meth:`forward` would send it
        unchanged (any number until the gateway wrote an event, then after the last).
        What :meth:`forward` keeps of them is kept here (the highest number, the pieces,
        for an item the stream must close itself)."""
        if self._read_text or not self._numbering.identity:
            return start
        at, last, wire = start, self._last_seq, b""  # (no item yet: a count is never empty)
        pieces: list[str | bytes] = []
        while (found := _TEXT_DELTA.match(data, at)) is not None:
            sequence = int(found[1])
            if sequence <= last and self._emitted:
                break
            if found[2] != wire:  # another item: is it a text the client has?
                number = int(found[2])
                index = self._index.get(number)
                if index is None or not self._builders[index].holds(Text):
                    break
                if self._numbering.find(number) != number:
                    break
                wire, pieces = found[2], self._sent[number].pieces
            pieces.append(found[3])
            last, at = max(sequence, last), found.end()
        self._last_seq = last
        return at

    def _spelt(self, found: re.Match[str], event: SSEEvent) -> StreamPart | None:
        """The part of an event spelt as ``_SPELT``, read as :meth:`_read` reads its
        object; ``None``, nothing read, for an item it does not know, an event read whole
        (``_READ_WHOLE``), or a piece it would refuse (:meth:`_read` then tells)."""
        kind, index = found["type"], self._index.get(int(found["wire"]))
        if index is None or kind in _READ_WHOLE:
            return None
        if kind not in PIECES:
            return StreamPart(PartKind.BLOCK_DELTA, event, index)
        if found["delta"] is None:
            return None
        piece: str | None = string_text(found["delta"])
        builder = self._builders[index]
        if builder.holds(PIECES[kind]):
            try:
                builder.add(piece or "")
            except FormatError:  # the item ended
                return None
        else:
            piece = None
        return StreamPart(PartKind.BLOCK_DELTA, event, index, delta=piece)

    def _read(self, obj: JSON, event: SSEEvent) -> StreamPart:
        kind = obj.get("type", event.event)
        wire = obj.get("output_index")
        index = self._index.get(wire) if isinstance(wire, int) else None
        if isinstance(kind, str) and kind in PIECES:  # the most frequent events: test first
            if index is None:
                return self._unknown(wire, event)
            piece: str | None = need(obj, "delta", str, "")
            builder = self._builders[index]
            if builder.holds(PIECES[kind]):
                builder.add(piece or "")
            else:
                piece = None
            return StreamPart(PartKind.BLOCK_DELTA, event, index, delta=piece)
        if kind == "response.output_item.added":
            wire, item = need(obj, "output_index", int, ""), need(obj, "item", dict, "")
            self._items[wire] = item
            if (block := item_block(item, "item")) is None:
                return StreamPart(PartKind.OTHER, event)
            self._index[wire] = index = self._start(block)
            self._wire.append(wire)
            return StreamPart(PartKind.BLOCK_START, event, index, block)
        if kind == "response.output_item.done":
            wire, item = need(obj, "output_index", int, ""), need(obj, "item", dict, "")
            self._items[wire] = item
            if index is None:
                return self._unknown(wire, event)
            builder = self._builders[index]
            if (block := item_block(item, "item")) is not None:
                builder.replace(block)  # the finished item is authoritative
            return StreamPart(PartKind.BLOCK_STOP, event, index, builder.close())
        if index is not None:
            if kind == "response.reasoning_summary_part.added" and obj.get("summary_index"):
                self._builders[index].add("\n\n")  # summary parts are joined by a blank line
                return StreamPart(PartKind.BLOCK_DELTA, event, index, delta="\n\n")
            return StreamPart(PartKind.BLOCK_DELTA, event, index)
        if kind == "response.created":
            self._created = response = need(obj, "response", dict, "")
            self._response.id = opt(response, "id", str, "response")
            self._response.model = opt(response, "model", str, "response")
            return StreamPart(PartKind.MESSAGE_START, event)
        if kind in ("response.completed", "response.incomplete"):
            response = need(obj, "response", dict, "")
            usage = opt(response, "usage", dict, "response")
            read_usage(self._response.usage, usage, "response.usage", USAGE)
            has_call = any(builder.holds(ToolCall) for builder in self._builders)
            self._response.stop_reason = stop_reason_of(response, has_call)
            return StreamPart(PartKind.MESSAGE_STOP, event)
        if kind in ("response.failed", "error"):
            return StreamPart(PartKind.ERROR, event)
        return StreamPart(PartKind.OTHER, event)

    def _unknown(self, wire: object, event: SSEEvent) -> StreamPart:
        # An item the model does not represent passes; one never announced is an error.
        known = isinstance(wire, int) and wire in self._items  # ``wire`` may be any JSON
        return StreamPart(PartKind.OTHER if known else PartKind.ERROR, event)

    def forward(self, part: StreamPart) -> bytes:
        """The bytes to send for ``part``: its event, with ``sequence_number`` and
        ``output_index`` renumbered once events or items were inserted or dropped before it."""
        event = part.event
        if event is None:
            return b""
        if part.kind is PartKind.MESSAGE_STOP and not (
            self._numbering.identity and not self._edited
        ):
            return self._final(event)
        return self._renumbered(part, event, event.raw, part.delta)

    def _renumbered(
        self, part: StreamPart, event: SSEEvent, raw: bytes, piece: str | None
    ) -> bytes:
        wire: int | None = None
        if part.index is not None:
            wire = self._wire[part.index]
        elif (match := _OUTPUT_INDEX.search(raw)) is not None:
            wire = int(match[1])
        out = None if wire is None else self._track(part, event, wire, piece)
        edits: list[tuple[re.Match[bytes], int]] = []
        if (match := SEQUENCE.search(raw)) is not None:
            seq = int(match[1])
            if seq > self._last_seq or not self._emitted:  # upstream's number, as it came
                self._last_seq = max(seq, self._last_seq)
            else:  # one the gateway's own events took: the next instead
                self._last_seq += 1
                edits.append((match, self._last_seq))
        if out is not None and out != wire and (match := _OUTPUT_INDEX.search(raw)) is not None:
            edits.append((match, out))
        for match, value in sorted(edits, key=lambda edit: edit[0].start(), reverse=True):
            raw = raw[: match.start(1)] + b"%d" % value + raw[match.end(1) :]
        return raw

    def _final(self, event: SSEEvent) -> bytes:
        """The upstream's final event (``response.completed``...), its ``output`` made the
        items the client received: SDKs build their final response from this list."""
        try:
            obj = load_object(event.data or "")
        except FormatError:
            return event.raw
        response = obj.get("response")
        if not isinstance(response, dict):
            return event.raw
        kind = str(obj.get("type", event.event))
        fields = {k: v for k, v in obj.items() if k not in ("type", "sequence_number", "response")}
        output = [sent.done for sent in self._sent.values() if sent.done is not None]
        return self._emit(kind, **fields, response=response | {"output": output})

    def _track(self, part: StreamPart, event: SSEEvent, wire: int, piece: str | None) -> int | None:
        """Record what the client receives of the item at upstream ``wire``; its position."""
        if part.kind is PartKind.BLOCK_START or _named(event, "response.output_item.added"):
            position = self._numbering.start(wire)
            item_id = self._items.get(wire, {}).get("id")
            self._sent[position] = _Sent(
                part.block, item_id if isinstance(item_id, str) else "", wire
            )
            return position
        out = self._numbering.find(wire)
        if out is not None:
            sent = self._sent[out]
            if piece is not None:
                sent.pieces.append(piece)
            if part.kind is PartKind.BLOCK_STOP or _named(event, "response.output_item.done"):
                sent.done, sent.pieces = self._items.get(wire), []
        return out

    def forward_text(self, part: StreamPart, piece: str, whole: str) -> bytes:
        """``part``'s event with ``piece`` as its ``delta``, or, for the events that repeat
        the text (``output_text.done``, ``content_part.done``, ``output_item.done``), with
        ``whole`` as that text; logprobs, which describe the upstream's text, are emptied."""
        event = part.event
        if event is None or part.index is None:
            return self.forward(part)
        if part.delta is not None and not piece:
            return b""
        obj = load_object(event.data or "")
        before = dump(obj)
        if part.delta is not None:
            obj["delta"] = piece
        if isinstance(obj.get("text"), str):
            obj["text"] = whole
        if isinstance(part_obj := obj.get("part"), dict) and part_obj.get("type") == "output_text":
            part_obj["text"] = whole
        if isinstance(item := obj.get("item"), dict):
            content = [c for c in item.get("content") or [] if isinstance(c, dict)]
            texts = [c for c in content if c.get("type") == "output_text"]
            for i, text_part in enumerate(texts):
                text_part["text"] = whole if i == 0 else ""
                text_part["logprobs"] = []
            self._items[self._wire[part.index]] = item
        if "logprobs" in obj:
            obj["logprobs"] = []
        if part.delta is None and dump(obj) == before:
            return self.forward(part)
        self._edited = self._edited or part.delta is None
        raw = encode_event(dump(obj), event.event)
        return self._renumbered(part, event, raw, piece if part.delta is not None else None)

    def render_text(self, index: int, text: str) -> bytes:
        """A ``response.output_text.delta`` carrying ``text``."""
        wire = self._wire[index]
        out = self._numbering.get(wire)
        item_id = self._items.get(wire, {}).get("id") or self._sent[out].item_id
        self._sent[out].pieces.append(text)
        fields = {"item_id": item_id, "output_index": out, "content_index": 0}
        return self._emit("response.output_text.delta", **fields, delta=text, logprobs=[])

    def render_block(self, block: Block) -> bytes:
        """``response.output_item.added`` ... ``response.output_item.done`` for ``block``, with
        the next output position and sequence numbers."""
        out = self._numbering.insert()
        item = item_json(block)
        ids = {"item_id": item["id"], "output_index": out}
        added = item_json(block, item["id"], "in_progress")
        events = [self._emit("response.output_item.added", output_index=out, item=added)]
        if isinstance(block, ToolCall):
            events += [
                self._emit("response.function_call_arguments.delta", **ids, delta=block.arguments),
                self._emit(
                    "response.function_call_arguments.done", **ids, arguments=block.arguments
                ),
            ]
        elif isinstance(block, Text | Thinking) and block.text:
            events += self._text_events(block, ids)
        events.append(self._emit("response.output_item.done", output_index=out, item=item))
        self._sent[out] = _Sent(block, item["id"], None, done=item)
        return b"".join(events)

    def _text_events(self, block: Text | Thinking, ids: JSON) -> list[bytes]:
        # A message's text is its first content part; a reasoning item's, its first summary.
        part: JSON
        extra: JSON
        if isinstance(block, Text):
            parts, texts, position = "content_part", "output_text", "content_index"
            part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
            extra = {"logprobs": []}
        else:
            parts, texts, position = (
                "reasoning_summary_part",
                "reasoning_summary_text",
                "summary_index",
            )
            part, extra = {"type": "summary_text", "text": ""}, {}
        at, text = {**ids, position: 0}, block.text
        return [
            self._emit(f"response.{parts}.added", **at, part=part),
            self._emit(f"response.{texts}.delta", **at, delta=text, **extra),
            self._emit(f"response.{texts}.done", **at, text=text, **extra),
            self._emit(f"response.{parts}.done", **at, part={**part, "text": text}),
        ]

    def render_close(self) -> bytes:
        """``response.output_item.done`` for each item the client saw added but not done, as
        far as the client received it, with status ``incomplete``."""
        events = []
        for out, sent in self._sent.items():
            if sent.done is not None:
                continue
            if sent.start is None:  # not represented: finish it as upstream last described it
                sent.done = self._items.get(sent.wire, {}) if sent.wire is not None else {}
            else:
                builder = BlockBuilder(sent.start)
                for piece in sent.pieces:
                    text = _piece_text(piece) if isinstance(piece, bytes) else piece
                    if text is not None:
                        builder.add(text)
                sent.done = item_json(builder.build(), sent.item_id or None, "incomplete")
            events.append(self._emit("response.output_item.done", output_index=out, item=sent.done))
        return b"".join(events)

    def render_end(self, stop_reason: str) -> bytes:
        """Open items closed, then ``response.completed`` (``response.incomplete`` for
        ``max_tokens`` or ``refusal``) whose ``output`` is every item the client received."""
        closing = self.render_close()
        response = dict(self._created or self._skeleton())
        response["status"], response["incomplete_details"] = status_for(stop_reason)
        response["output"] = [sent.done for sent in self._sent.values()]
        u = self._response.usage
        if u.input_tokens is not None or u.output_tokens is not None:
            response["usage"] = {
                "input_tokens": u.input_tokens or 0,
                "input_tokens_details": {
                    "cached_tokens": u.cache_read_tokens or 0,
                    "cache_write_tokens": u.cache_creation_tokens or 0,
                },
                "output_tokens": u.output_tokens or 0,
                "output_tokens_details": {"reasoning_tokens": u.reasoning_tokens or 0},
                "total_tokens": (u.input_tokens or 0) + (u.output_tokens or 0),
            }
        kind = f"response.{response['status']}"
        return closing + self._emit(kind, response=response)

    def render_error(self, status: int, message: str) -> bytes:
        """An ``error`` event (the SDK yields it as a ``ResponseErrorEvent``)."""
        return self._emit("error", code=error_type_for(status), message=message, param=None)

    def _emit(self, kind: str, **fields: object) -> bytes:
        self._last_seq += 1
        self._emitted = True
        return encode_event(dump({"type": kind, "sequence_number": self._last_seq, **fields}), kind)

    def _skeleton(self) -> JSON:
        # For a stream ended before response.created: the fields the SDKs require.
        return {
            "id": self._response.id or f"resp_{uuid.uuid4().hex}",
            "object": "response",
            "created_at": int(time.time()),
            "model": self._response.model or "",
            "output": [],
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
        }
