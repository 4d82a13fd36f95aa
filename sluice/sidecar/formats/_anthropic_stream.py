"""The Anthropic Messages stream, and the content blocks it shares with whole bodies.

Stream events and the parts they become::

    message_start          MESSAGE_START   id, model, input usage
    content_block_start    BLOCK_START     text, thinking, redacted_thinking, tool_use
    content_block_delta    BLOCK_DELTA     text_delta, input_json_delta, thinking_delta,
                                           signature_delta
    content_block_stop     BLOCK_STOP      ``part.block`` is the completed block
    message_delta          MESSAGE_DELTA   stop_reason, cumulative usage
    message_stop           MESSAGE_STOP
    error                  ERROR
    ping, anything else    OTHER

Content blocks the neutral model has no place for (server tool use and its results, container
uploads) pass as OTHER parts; they still hold their place in the wire's block numbering.
A redacted thinking block becomes ``Thinking("", signature=<its data>, redacted=True)``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import NamedTuple

from sluice.model import Block, Format, Response, Text, Thinking, ToolCall
from sluice.sidecar.formats._base import PartKind, StreamPart, check_status
from sluice.sidecar.formats._blocks import BlockStream
from sluice.sidecar.formats._errors import FormatError
from sluice.sidecar.formats._json import JSON, dump, load_object, need, opt, read_usage
from sluice.sidecar.sse import SSEEvent, encode_event

__all__ = [
    "DELTA_EVENTS_SPELT",
    "DELTA_HEAD",
    "MESSAGE_HEADS",
    "MESSAGE_STOP",
    "PING",
    "PINGS",
    "START_HEAD",
    "STOP_EVENT",
    "STOP_HEAD",
    "TEXT_START",
    "TOOL_START_EVENT",
    "USAGE",
    "WIRE_DIGITS",
    "WIRE_INDEX",
    "AnthropicStream",
    "ToolRun",
    "argument_events",
    "arguments_of",
    "block_from_json",
    "block_json",
]

USAGE = {
    "input_tokens": "input_tokens",
    "output_tokens": "output_tokens",
    "cache_read_input_tokens": "cache_read_tokens",
    "cache_creation_input_tokens": "cache_creation_tokens",
    "output_tokens_details.thinking_tokens": "reasoning_tokens",
}
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def error_type(status: int) -> str:
    """Anthropic's error type for an HTTP ``status`` (what its SDK maps to an exception)."""
    return _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")


def block_from_json(obj: JSON, path: str) -> Block | None:
    """The neutral block for an assistant content block at ``path``; ``None`` for a type
    the model does not represent."""
    kind = need(obj, "type", str, path)
    if kind == "text":
        return Text(need(obj, "text", str, path))
    if kind == "tool_use":
        arguments = dump(need(obj, "input", dict, path))
        return ToolCall(need(obj, "id", str, path), need(obj, "name", str, path), arguments)
    if kind == "thinking":
        return Thinking(need(obj, "thinking", str, path), opt(obj, "signature", str, path))
    if kind == "redacted_thinking":
        return Thinking("", need(obj, "data", str, path), redacted=True)
    return None  # images, documents, server tools: nothing a neutral policy reads


def block_json(block: Block) -> JSON:
    """The content block for ``block`` in a whole response."""
    if isinstance(block, Text):
        return {"type": "text", "text": block.text}
    if isinstance(block, ToolCall):
        return {
            "type": "tool_use",
            "id": block.id,
            "name": block.name,
            "input": block.parsed_arguments(),
        }
    if isinstance(block, Thinking) and block.redacted:
        return {"type": "redacted_thinking", "data": block.signature or ""}
    if isinstance(block, Thinking):
        return {"type": "thinking", "thinking": block.text, "signature": block.signature or ""}
    raise ValueError(f"an Anthropic response cannot carry a {type(block).__name__} block")


def _event(data: JSON) -> bytes:
    return encode_event(dump(data), data["type"])  # Anthropic always names its events


# A ping as Anthropic writes it: nothing in it to read or renumber.
PING = rb'event: ping\ndata: \{"type": "ping"\}\n\n'
PINGS = re.compile(b"(?:" + PING + b")*+")
# Whole delta events and pings, one after another: each delta its ``event:`` line, then
# lines none of which starts with ``event`` (which could rename it), then the blank line
# that ends it. As Anthropic writes them (one ``data:`` line, whatever it holds: ``.`` is
# any byte but LF), a simpler pattern finds them sooner; the general one goes on from
# where it stops. (The scan of a chain that reads only tool calls passes a text block's
# deltas with the simpler one, as this reader does.)
_DELTA_EVENTS = re.compile(
    rb"(?:event: content_block_delta\n(?:(?!event)[^\n]+\n)*\n|" + PING + rb")*"
)
DELTA_EVENTS_SPELT = re.compile(rb"(?:event: content_block_delta\ndata: .*+\n\n|" + PING + rb")*+")
_BLOCK_EVENTS = frozenset({"content_block_start", "content_block_delta", "content_block_stop"})
_PIECES: dict[str, tuple[str, type]] = {
    "text_delta": ("text", Text),
    "input_json_delta": ("partial_json", ToolCall),
    "thinking_delta": ("thinking", Thinking),
}

# A delta as Anthropic writes it (an argument delta: the index and the quoted piece go
# between these).
DELTA_HEAD = '{"type":"content_block_delta","index":'
_ARGUMENT_PIECE = ',"delta":{"type":"input_json_delta","partial_json":'
_STRING = json.JSONDecoder()  # one JSON string, escapes and all


STOP_HEAD = '{"type":"content_block_stop","index":'
MESSAGE_STOP = '{"type":"message_stop"}'
# The events whose data is read only when asked for: how Anthropic starts it, their part.
_META = {
    "message_start": ('{"type":"message_start","message":{', PartKind.MESSAGE_START),
    "message_delta": ('{"type":"message_delta","delta":{', PartKind.MESSAGE_DELTA),
}


# What each of those events' data starts with, as Anthropic writes it.
MESSAGE_HEADS = {name: head for name, (head, _) in _META.items()}
# A block's index as JSON writes it (no sign, no leading zero), in an event's bytes; and
# the same kept as a group, to be read.
WIRE_DIGITS = rb"(?:0|[1-9][0-9]{0,8})"
WIRE_INDEX = b"(" + WIRE_DIGITS + b")"


def _wire_index(digits: str) -> int | None:
    """``digits`` as JSON writes a block index (no sign, no leading zero), else ``None``."""
    if not (digits.isascii() and digits.isdigit()) or (digits[0] == "0" and digits != "0"):
        return None
    return int(digits)


START_HEAD = '{"type":"content_block_start","index":'
TEXT_START = ',"content_block":{"type":"text","text":""}}'
# A tool call's start after its index: its id and name (each of characters ``%s``).
_TOOL_START_FORM = (
    r',"content_block":\{"type":"tool_use","id":"(%s*)","name":"(%s*)","input":\{\}\}\}'
)
_TOOL_START = re.compile(  # id and name without escapes or control characters
    _TOOL_START_FORM.replace("%s", r'[^"\\\x00-\x1f]')
)

# The events a skim takes when text is unread, their bookkeeping done (nothing to decide,
# sent as they are), written exactly as Anthropic writes them: the response's start, a text
# block's start and its stop.
_MESSAGE_START_EVENT = re.compile(
    b"event: message_start\ndata: ("
    + re.escape(_META["message_start"][0].encode())
    + rb"[^\n]*)\n\n"
)
_TEXT_START_EVENT = re.compile(
    re.escape(f"event: content_block_start\ndata: {START_HEAD}".encode())
    + WIRE_INDEX
    + re.escape(f"{TEXT_START}\n\n".encode())
)
STOP_EVENT = f"event: content_block_stop\ndata: {STOP_HEAD}%d}}\n\n".encode()
# A tool call's start as Anthropic writes it, its id and name in printable ASCII (what
# a tool run reads without the SSE parser: any other byte is left to it).
TOOL_START_EVENT = re.compile(
    re.escape(f"event: content_block_start\ndata: {START_HEAD}".encode())
    + WIRE_INDEX
    + _TOOL_START_FORM.replace("%s", r"[ !#-\[\]-~]").encode()
    + b"\n\n"
)


def _data(event: bytes) -> str:
    """The data of ``event``, one ``event:`` line and one ``data:`` line."""
    return event[event.index(b"\ndata: ") + 7 : -2].decode()


def _start_spelt(data: str) -> tuple[int, Text | ToolCall] | None:
    """The index and block of a text or tool call start written exactly as Anthropic
    writes it, else ``None``."""
    if not data.startswith(START_HEAD):
        return None
    comma = data.find(",", len(START_HEAD))
    if comma == -1 or (wire := _wire_index(data[len(START_HEAD) : comma])) is None:
        return None
    if data.endswith(TEXT_START) and len(data) == comma + len(TEXT_START):
        return wire, Text("")
    if found := _TOOL_START.fullmatch(data, comma):
        return wire, ToolCall(found[1], found[2], "")
    return None


def _stop_index(data: str) -> int | None:
    """The index of a ``content_block_stop`` written exactly as Anthropic writes it."""
    if not data.startswith(STOP_HEAD) or not data.endswith("}"):
        return None
    return _wire_index(data[len(STOP_HEAD) : -1])


def _argument_delta(data: str) -> tuple[int, str] | None:
    """The wire index and the piece of a tool call's argument delta written exactly as
    Anthropic writes it (its keys in its order, nothing else), read without building the
    object; ``None`` for any other data, which is parsed as usual."""
    if not data.startswith(DELTA_HEAD) or not data.endswith('"}}'):
        return None
    comma = data.find(",", len(DELTA_HEAD))
    if (wire := _wire_index(data[len(DELTA_HEAD) : comma])) is None:
        return None
    quoted = data[comma + len(_ARGUMENT_PIECE) : -2]
    if not data.startswith(_ARGUMENT_PIECE, comma) or len(quoted) < 2 or quoted[0] != '"':
        return None
    inner = quoted[1:-1]
    if "\\" not in inner and '"' not in inner and inner.isprintable():
        return wire, inner  # no escape: the piece is the text between the quotes
    try:
        piece = _STRING.decode(quoted)
    except ValueError:  # not one string: something else follows it
        return None
    return (wire, piece) if isinstance(piece, str) and "\\ud" not in quoted.lower() else None


# A JSON string's inside, printable ASCII and escapes only (no escaped surrogate: one half
# alone decodes otherwise than joined to its pair), unrolled so that it cannot backtrack.
_ASCII_STRING = rb'[ !#-\[\]-~]*(?:\\(?:["\\/bfnrt]|u(?![dD][89abAB])[0-9a-fA-F]{4})[ !#-\[\]-~]*)*'


# Where each event of a tool run gives its index (never inside a piece, whose quotes are
# escaped, nor in an id or a name, which have none).
_RUN_INDICES = tuple(
    f"\ndata: {head}%d{after}".encode()
    for head, after in ((START_HEAD, ","), (DELTA_HEAD, ","), (STOP_HEAD, "}"))
)


# The most of a tool call's events :meth:`AnthropicStream.tool_run` lets wait for the rest
# of the call: a longer call is read as it comes, in runs of about this size.
_RUN_WAIT = 64 * 1024


# An argument delta as Anthropic writes it, up to its piece's opening quote (``%d``: the
# block's wire index), and from its closing quote on.
_ARGUMENT_EVENT_HEAD = (
    f'event: content_block_delta\ndata: {DELTA_HEAD}%d{_ARGUMENT_PIECE}"'.encode()
)
_ARGUMENT_EVENT_TAIL = b'"}}\n\n'


@lru_cache(maxsize=64)
def argument_events(wire: int) -> re.Pattern[bytes]:
    """The run of a tool call's argument deltas at ``wire`` written as Anthropic writes
    them, each piece printable ASCII and escapes (no escaped surrogate)."""
    head, tail = re.escape(_ARGUMENT_EVENT_HEAD % wire), re.escape(_ARGUMENT_EVENT_TAIL)
    event = head + _ASCII_STRING + tail
    return re.compile(b"(?:" + event + b")*")


class ToolRun(NamedTuple):
    """A tool call's events found so far (by :meth:`AnthropicStream.tool_run`, or a
    :class:`~sluice.sidecar.formats.anthropic.CallScan`), from where it was asked."""

    wire: int  # the call's wire index
    begun: ToolCall | None  # the call as its start announced it, when the run has its start
    deltas: int  # where the argument deltas begin
    read: int  # how far the run was read (while it waits for the rest)


def arguments_of(run: bytes, at: int, end: int, wire: int) -> str:
    """The argument pieces of the deltas from ``at`` to ``end`` in ``run``, joined: each
    event is written as :func:`argument_events` matches it, so between two pieces there
    is exactly one end of an event and the start of the next (a piece, a JSON string's
    inside in printable ASCII, holds no line end)."""
    if at == end:
        return ""
    head, tail = _ARGUMENT_EVENT_HEAD % wire, _ARGUMENT_EVENT_TAIL
    joined = run[at + len(head) : end - len(tail)].replace(tail + head, b"").decode("ascii")
    return _STRING.decode(f'"{joined}"') if "\\" in joined else joined


class AnthropicStream(BlockStream):
    """Decoder and writer for one Messages stream; see :class:`StreamDecoder`."""

    def __init__(self, read_text: bool = True) -> None:
        super().__init__(Format.ANTHROPIC)
        self._read_text = read_text
        # With text unread: the open text block, whose deltas pass without being parsed
        # (blocks stream one at a time, so a delta belongs to the block that is open).
        self._skimmed: int | None = None
        self._arguments: int | None = None  # the wire index of the open tool call
        self._pending: ToolRun | None = None  # a tool call's events that wait for the rest
        self._run: ToolRun | None = None  # the tool call's events tool_run last found
        self._unread_meta: list[str] = []  # message_start and _delta data, read when asked
        self._index: dict[int, int] = {}  # wire index -> neutral index
        self._wire: list[int] = []  # neutral index -> wire index
        self._foreign: set[int] = set()  # wire indices of blocks the model does not represent
        self._open: list[int] = []  # output indices the client saw start but not stop

    def feed(self, event: SSEEvent) -> list[StreamPart]:
        """The part for one upstream event; see the module docstring for the mapping."""
        self._pending = None  # read event by event: no run waits (see tool_run)
        name, data = event.event, event.data
        if data is None or name == "ping":
            return [StreamPart(PartKind.OTHER, event)]  # no need to parse what nobody reads
        if self._skimmed is not None and name == "content_block_delta":
            return [StreamPart(PartKind.BLOCK_DELTA, event, self._skimmed)]
        try:
            # Events written exactly as Anthropic writes them are read without building
            # their object; any other spelling is parsed.
            if name == "content_block_delta" and (found := _argument_delta(data)):
                wire, piece = found  # a tool call's arguments, as most deltas read here are
                index = self._index.get(wire)
                if index is not None and self._builders[index].holds(ToolCall):
                    self._builders[index].add(piece)
                    return [StreamPart(PartKind.BLOCK_DELTA, event, index, delta=piece)]
            elif name == "content_block_start" and (start := _start_spelt(data)) is not None:
                return [self._started(*start, event)]
            elif name == "content_block_stop" and (stop := _stop_index(data)) is not None:
                return [self._stop(stop, event)]
            elif name == "message_stop" and data == MESSAGE_STOP:
                return [StreamPart(PartKind.MESSAGE_STOP, event)]
            elif (meta := _META.get(name or "")) and data.startswith(meta[0]):
                # Id, model, usage and stop reason are read when asked for (finish,
                # render_end), in the order they came: nothing in the stream waits on them.
                self._unread_meta.append(data)
                return [StreamPart(meta[1], event)]
            return [self._read(load_object(data), event)]
        except FormatError:
            return [StreamPart(PartKind.ERROR, event)]

    def unread(self, data: bytes | bytearray, start: int = 0) -> int:
        """Where the events from ``start`` in ``data`` that pass unread end, text unread:
        :meth:`feed` would pass each unparsed or read it only to keep count, and
        :meth:`forward` send it unchanged. They are the deltas of the text block being
        skimmed, numbered as upstream, and pings; with nothing renumbered, the start and
        the stop of a text block and the response's start, whose bookkeeping is done here
        (the caller takes what this covers). Each delta starts with its ``event:`` line and
        has no other line starting with ``event``, which could rename it; the other events
        are spelt exactly as Anthropic writes them."""
        if self._read_text:
            return start
        while True:
            if self._skimmed is None or not self._numbering.identity:
                found = PINGS.match(data, start)  # (each matches at least nothing)
            else:  # spelt as Anthropic writes them, as most are; the rest, if any, however
                found = DELTA_EVENTS_SPELT.match(data, start)
                if found is not None and found.end() < len(data):
                    found = _DELTA_EVENTS.match(data, found.end())
            end = start if found is None else found.end()
            if end == len(data) or (start := self._taken(data, end)) == end:
                return end

    def _taken(self, data: bytes | bytearray, at: int) -> int:
        """Where the event at ``at`` ends if :meth:`unread` takes it (its bookkeeping done
        as :meth:`feed` and :meth:`forward` do it), else ``at``."""
        # (A block start or stop goes as it is where the client numbers it as upstream.)
        if self._skimmed is not None:
            wire = self._wire[self._skimmed]
            stop = STOP_EVENT % wire
            if self._numbering.find(wire) != wire or not data.startswith(stop, at):
                return at
            self._ended(wire)
            self._closed(wire)
            return at + len(stop)
        if data.startswith(b"event: content_block_start\n", at):
            found = _TEXT_START_EVENT.match(data, at)
            if found is None or (wire := int(found[1])) != self._numbering.next:
                return at
            self._begun(wire, Text(""))
            self._opened(wire)
            return found.end()
        if data.startswith(b"event: message_start\n", at):
            found = _MESSAGE_START_EVENT.match(data, at)
            if found is None:
                return at
            self._unread_meta.append(found[1].decode(errors="replace"))
            return found.end()
        return at

    def tool_run(self, data: bytes | bytearray, start: int = 0) -> int:
        """Where the events from ``start`` in ``data`` that carry a tool call, written
        exactly as Anthropic writes them (in printable ASCII), end: its start (when no call
        is open), its argument deltas, its stop. :meth:`tool_parts` reads them at once.

        A call whose events so far reach the end of ``data`` (nothing whole after them)
        without its stop waits for the rest, up to :data:`_RUN_WAIT` bytes: ``start`` is
        returned, :attr:`run_pending` is true, and the next call goes on from where this
        one stopped looking (``data`` from ``start`` must then be what it was, with more
        after it). So a call cut across chunks is read once, whole, when its stop comes."""
        run, self._pending = self._pending, None
        if run is None and self._arguments is not None:  # a call is open: its deltas
            run = ToolRun(self._arguments, None, 0, 0)
        elif run is None:
            if not data.startswith(b"event: content_block_start\n", start):
                return start
            found = TOOL_START_EVENT.match(data, start)
            if found is None:
                return start
            call, size = ToolCall(found[2].decode(), found[3].decode(), ""), found.end() - start
            run = ToolRun(int(found[1]), call, size, size)
        at = start + run.read
        if deltas := argument_events(run.wire).match(data, at):  # (matches at least nothing)
            at = deltas.end()
        stop = STOP_EVENT % run.wire
        if data.startswith(stop, at):
            self._run = run
            return at + len(stop)
        if at - start < _RUN_WAIT and data.find(b"\n\n", at) == -1:  # the rest to come
            self._pending = run._replace(read=at - start)
            return start
        self._run = run if at > start else None
        return at

    @property
    def run_pending(self) -> bool:
        """See :meth:`StreamDecoder.run_pending`."""
        return self._pending is not None

    def tool_parts(self, run: bytes) -> list[StreamPart]:
        """The parts for the events ``run`` that :meth:`tool_run` just found: one ``BLOCK``
        part for a whole call, else the start and the stop as :meth:`feed` reads them and
        the argument deltas as one part, its delta the pieces joined (a part of several
        events has ``data`` ``None``)."""
        found, self._run = self._run, None
        if found is None:
            raise ValueError("no tool run was found")
        wire, begun, at = found.wire, found.begun, found.deltas
        stop = STOP_EVENT % wire
        end = len(run) - len(stop) if run.endswith(stop) else len(run)
        piece = arguments_of(run, at, end, wire)
        parts = []
        if begun is not None:
            if end < len(run):  # start to stop: the whole call, one part
                call = ToolCall(begun.id, begun.name, piece)
                index = self._whole(wire, call)
                return [StreamPart(PartKind.BLOCK, SSEEvent(run), index, call)]
            start = run[:at]
            event = SSEEvent(start, "content_block_start", _data(start))
            parts.append(self._started(wire, begun, event))
        if at < end:
            index = self._index[wire]
            self._builders[index].add(piece)
            deltas = SSEEvent(run[at:end], "content_block_delta")
            parts.append(StreamPart(PartKind.BLOCK_DELTA, deltas, index, delta=piece))
        if end < len(run):
            parts.append(self._stop(wire, SSEEvent(stop, "content_block_stop", _data(stop))))
        return parts

    def passes(self, event: SSEEvent) -> bool:
        """Whether ``event`` is a delta of the text block being skimmed, numbered as
        upstream, or a ping, text unread (as :meth:`unread` tells from bytes)."""
        if event.event == "ping":
            return not self._read_text
        return (
            self._skimmed is not None
            and event.event == "content_block_delta"
            and self._numbering.identity
        )

    def _read(self, obj: JSON, event: SSEEvent) -> StreamPart:
        kind = obj.get("type", event.event)
        if kind == "content_block_delta":  # by far the most frequent: test it first
            wire = need(obj, "index", int, "")
            if (index := self._index.get(wire)) is None:
                return self._unknown(wire, event)
            delta, builder, piece = need(obj, "delta", dict, ""), self._builders[index], None
            delta_type = delta.get("type")
            if delta_type == "signature_delta" and builder.holds(Thinking):
                builder.sign(need(delta, "signature", str, "delta"))
            elif isinstance(delta_type, str) and delta_type in _PIECES:
                key, holder = _PIECES[delta_type]
                if builder.holds(holder):  # the SDK, too, drops a delta of the wrong kind
                    piece = need(delta, key, str, "delta")
                    builder.add(piece)
            return StreamPart(PartKind.BLOCK_DELTA, event, index, delta=piece)
        if kind == "content_block_start":
            wire = need(obj, "index", int, "")
            block = _start_block(need(obj, "content_block", dict, ""))
            if block is None:
                self._foreign.add(wire)
                return StreamPart(PartKind.OTHER, event)
            return self._started(wire, block, event)
        if kind == "content_block_stop":
            return self._stop(need(obj, "index", int, ""), event)
        if kind == "message_delta":
            self._read_meta()  # those before it first: later counts replace earlier ones
            self._message_delta(obj)
            return StreamPart(PartKind.MESSAGE_DELTA, event)
        if kind == "message_start":
            self._read_meta()
            self._message_start(obj)
            return StreamPart(PartKind.MESSAGE_START, event)
        if kind == "message_stop":
            return StreamPart(PartKind.MESSAGE_STOP, event)
        return StreamPart(PartKind.ERROR if kind == "error" else PartKind.OTHER, event)

    def _started(self, wire: int, block: Block, event: SSEEvent) -> StreamPart:
        return StreamPart(PartKind.BLOCK_START, event, self._begun(wire, block), block)

    def _begun(self, wire: int, block: Block) -> int:
        """A block starts at ``wire``: its neutral index."""
        self._index[wire] = index = self._start(block)
        self._wire.append(wire)
        if not self._read_text and isinstance(block, Text):
            self._skimmed = index
        self._arguments = wire if isinstance(block, ToolCall) else None
        return index

    def _whole(self, wire: int, call: ToolCall) -> int:
        """A tool call at ``wire`` read whole at once (begun and ended): its neutral index."""
        self._index[wire] = index = self._start(call, whole=True)
        self._wire.append(wire)
        self._skimmed = self._arguments = None
        return index

    def _stop(self, wire: int, event: SSEEvent) -> StreamPart:
        if (index := self._index.get(wire)) is None:
            return self._unknown(wire, event)
        return StreamPart(PartKind.BLOCK_STOP, event, index, self._ended(wire))

    def _ended(self, wire: int) -> Block:
        """The block at ``wire``, begun, stops: the whole block."""
        self._skimmed = self._arguments = None
        return self._builders[self._index[wire]].close()

    def _message_start(self, obj: JSON) -> None:
        message = need(obj, "message", dict, "")
        self._response.id = opt(message, "id", str, "message")
        self._response.model = opt(message, "model", str, "message")
        usage = opt(message, "usage", dict, "message")
        read_usage(self._response.usage, usage, "message.usage", USAGE)

    def _message_delta(self, obj: JSON) -> None:
        delta = need(obj, "delta", dict, "")
        if (stop_reason := opt(delta, "stop_reason", str, "delta")) is not None:
            self._response.stop_reason = stop_reason
        read_usage(self._response.usage, opt(obj, "usage", dict, ""), "usage", USAGE)

    def _read_meta(self) -> None:
        """Read the ``message_start`` and ``message_delta`` events :meth:`feed` passed
        unread, in order (one that cannot be read is skipped, as when read at once)."""
        unread, self._unread_meta = self._unread_meta, []
        for data in unread:
            try:
                obj = load_object(data)
                kind = obj.get("type")
                if kind == "message_start":
                    self._message_start(obj)
                elif kind == "message_delta":
                    self._message_delta(obj)
            except FormatError:
                continue

    def finish(self) -> Response:
        """See :meth:`StreamDecoder.finish`."""
        self._read_meta()
        return super().finish()

    def _unknown(self, wire: int, event: SSEEvent) -> StreamPart:
        # A block of a type the model does not represent passes; one never started is an error.
        return StreamPart(PartKind.OTHER if wire in self._foreign else PartKind.ERROR, event)

    def forward(self, part: StreamPart) -> bytes:
        """The bytes to send for ``part``: its event, with the block index renumbered once
        blocks were dropped or inserted before it."""
        event = part.event
        if event is None:
            return b""
        if part.index is not None:
            wire = self._wire[part.index]
            name = event.event
        elif event.event in _BLOCK_EVENTS and event.data is not None:
            try:  # a block the model does not represent: rare, so parsing again is fine
                wire, name = need(load_object(event.data), "index", int, ""), event.event
            except FormatError:
                return event.raw
        else:
            return event.raw
        if part.kind is PartKind.BLOCK:  # a whole block: begun and ended at once
            out = self._opened(wire)
            self._closed(wire)
        elif name == "content_block_start" or part.kind is PartKind.BLOCK_START:
            out = self._opened(wire)
        elif name == "content_block_stop" or part.kind is PartKind.BLOCK_STOP:
            out = self._closed(wire)
        else:
            out = self._numbering.get(wire)
        if out == wire:
            return event.raw
        if event.data is None:  # a tool run's events: each one's index rewritten
            raw = event.raw
            for form in _RUN_INDICES:
                raw = raw.replace(form % wire, form % out)
            return raw
        obj = load_object(event.data or "")
        obj["index"] = out
        # The upstream's event name, kept even when its data names no type.
        return encode_event(dump(obj), name or obj.get("type"))

    def _opened(self, wire: int) -> int:
        """The client's index of the block at ``wire``, whose start goes to it now."""
        out = self._numbering.start(wire)
        self._open.append(out)
        return out

    def _closed(self, wire: int) -> int:
        """The client's index of the block at ``wire``, whose stop goes to it now."""
        out = self._numbering.get(wire)
        self._open.remove(out)
        return out

    def forward_text(self, part: StreamPart, piece: str, whole: str) -> bytes:
        """``part``'s event with its text (a ``text_delta``'s, or the start's) ``piece``."""
        event = part.event
        text_part = part.kind is PartKind.BLOCK_START or part.delta is not None
        if event is None or part.index is None or not text_part:
            return self.forward(part)
        if part.kind is PartKind.BLOCK_DELTA and not piece:
            return b""
        self.forward(part)  # for the numbering; the event is written anew
        obj = load_object(event.data or "")
        obj["index"] = self._numbering.get(self._wire[part.index])
        if part.kind is PartKind.BLOCK_START:
            obj["content_block"] = {**need(obj, "content_block", dict, ""), "text": piece}
        else:
            obj["delta"] = {**need(obj, "delta", dict, ""), "text": piece}
        return _event(obj)

    def render_text(self, index: int, text: str) -> bytes:
        """A ``content_block_delta`` carrying ``text`` as a ``text_delta``."""
        out = self._numbering.get(self._wire[index])
        delta = {"type": "text_delta", "text": text}
        return _event({"type": "content_block_delta", "index": out, "delta": delta})

    def render_block(self, block: Block) -> bytes:
        """``content_block_start``, deltas and ``content_block_stop`` carrying ``block``."""
        index = self._numbering.insert()
        start, deltas = _block_events(block)
        events = [{"type": "content_block_start", "index": index, "content_block": start}]
        events += [{"type": "content_block_delta", "index": index, "delta": d} for d in deltas]
        events.append({"type": "content_block_stop", "index": index})
        return b"".join(map(_event, events))

    def render_close(self) -> bytes:
        """``content_block_stop`` for each block the client saw start but not stop."""
        open_, self._open = self._open, []
        return b"".join(_event({"type": "content_block_stop", "index": i}) for i in open_)

    def render_end(self, stop_reason: str) -> bytes:
        """Open blocks closed, then ``message_delta`` (with the usage read so far) and
        ``message_stop``."""
        self._read_meta()
        usage = self._response.usage
        counts = {
            "output_tokens": usage.output_tokens or 0,  # the SDK requires it
            "input_tokens": usage.input_tokens,
            "cache_read_input_tokens": usage.cache_read_tokens,
            "cache_creation_input_tokens": usage.cache_creation_tokens,
        }
        delta = {"stop_reason": stop_reason, "stop_sequence": None}
        usage_json = {key: value for key, value in counts.items() if value is not None}
        return (
            self.render_close()
            + _event({"type": "message_delta", "delta": delta, "usage": usage_json})
            + _event({"type": "message_stop"})
        )

    def render_error(self, status: int, message: str) -> bytes:
        """An ``error`` event; its type follows ``status`` (529 ``overloaded_error``...)."""
        check_status(status)
        kind = error_type(status)
        return _event({"type": "error", "error": {"type": kind, "message": message}})


def _start_block(obj: JSON) -> Block | None:
    if obj.get("type") == "tool_use":
        # The input arrives as input_json_delta pieces; the start holds an empty placeholder.
        input_ = opt(obj, "input", dict, "content_block")
        arguments = dump(input_) if input_ else ""
        path = "content_block"
        return ToolCall(need(obj, "id", str, path), need(obj, "name", str, path), arguments)
    block = block_from_json(obj, "content_block")
    if isinstance(block, Thinking) and not block.signature:
        block.signature = None  # the start holds "", the signature comes as a delta
    return block


def _block_events(block: Block) -> tuple[JSON, list[JSON]]:
    if isinstance(block, Text):
        return {"type": "text", "text": ""}, [{"type": "text_delta", "text": block.text}]
    if isinstance(block, ToolCall):
        start = {"type": "tool_use", "id": block.id, "name": block.name, "input": {}}
        return start, [{"type": "input_json_delta", "partial_json": block.arguments}]
    if isinstance(block, Thinking) and block.redacted:
        return {"type": "redacted_thinking", "data": block.signature or ""}, []
    if isinstance(block, Thinking):
        deltas = [{"type": "thinking_delta", "thinking": block.text}]
        if block.signature:
            deltas.append({"type": "signature_delta", "signature": block.signature})
        return {"type": "thinking", "thinking": "", "signature": ""}, deltas
    raise ValueError(f"an Anthropic response cannot carry a {type(block).__name__} block")
