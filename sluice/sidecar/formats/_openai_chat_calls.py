"""The tool calls of a Chat Completions stream found in its bytes, for a chain reading nothing else.

:class:`ChatCalls` walks a stream written as OpenAI writes it (one ``data:`` line an event,
compact JSON, LF line ends) and says what each run of chunks is to a chain that reads only
tool calls (:class:`~._scan.Scanned`):

- ``PASS``: while no call is open (before the first, after the finish), the chunks that
  cannot carry one: the general reader, holding nothing, sends each as it came.
- ``CALL``: one whole tool call, the chunk that starts it and those that carry its
  arguments. A chunk cannot say that it is a call's last: the call is whole when the next
  chunk, whole, starts another call or finishes the choice, as the general reader knows
  it (``ChatStream``); the step ends before that chunk.
- ``END``: the chunk that finishes the choice after a call.
- ``MORE``: the chunk, or the call with the chunk after it, is not whole yet.
- ``ODD``: anything else (a chunk inside a call that is neither a piece of its arguments
  nor another call's start or the finish, a call numbered out of turn, two calls in a
  chunk, a piece that is not valid JSON text, an error, a CR in a chunk read, a call longer
  than ``CALL_WAIT``): the general reader must read the stream from there.

A chunk cannot carry a call without a ``"tool_calls"`` key, which only a ``\\u00`` escape
could spell otherwise: while no call is open, every event before the first of either
passes, unread, found by a search of the bytes (most of a stream: the role, the text).
A call's start and its argument pieces are known by their spelling (``_START``,
:func:`~._openai_chat_stream.argument_chunks`); the rest (the finish, anything spelt
otherwise) is parsed, and read only in the shapes read here.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, NamedTuple

from sluice.model import ToolCall
from sluice.sidecar.formats._errors import FormatError
from sluice.sidecar.formats._json import (
    PLAIN_STRING,
    VALID_STRING,
    WIRE_COUNT,
    load_object,
    wire_text,
)
from sluice.sidecar.formats._openai_chat_stream import DELTA, argument_chunks, chunk_event
from sluice.sidecar.formats._scan import CALL_WAIT, Scanned, Step, events_before, unread, whole

__all__ = ["ChatCalls"]

# A call's start as OpenAI writes it (the role before it in the response's first chunk).
_START = re.compile(
    chunk_event(
        rf'(?:"role":"assistant","content":null,)?+"tool_calls":\[\{{"index":(?P<wire>{WIRE_COUNT.decode()})'
        rf',"id":(?P<id>{PLAIN_STRING.decode()}),"type":"function","function":\{{"name":'
        rf'(?P<name>{PLAIN_STRING.decode()}),"arguments":(?P<arguments>{VALID_STRING.decode()})'
        r'\}\}\](?:,"refusal":null)?+'
    )
)
# What a chunk that carries a call must hold (spelt otherwise, it needs a ``\u00`` escape):
# while no call is open, the whole chunks before the first of either pass, as the general
# reader, holding nothing, sends them as they came, whatever their line ends.
_CALLS_KEY = b'"tool_calls"'
# The choice's finish as OpenAI writes it.
_FINISH = re.compile(chunk_event("", r'"[a-z_]++"'))


class _Kind(Enum):
    PLAIN = "plain"  # no call, no finish: the role, text, nothing
    START = "start"  # a call's start
    FINISH = "finish"  # the choice's finish


class _Chunk(NamedTuple):
    """What one chunk is; ``call``, ``wire`` for a call's start."""

    kind: _Kind
    end: int  # where the chunk ends in the bytes scanned
    call: ToolCall | None = None
    wire: int = 0


class _Call(NamedTuple):
    """A tool call's chunks read so far, from where its step was asked."""

    wire: int
    begun: ToolCall  # as its start announced it
    pieces: list[bytes]  # the pieces of its arguments since, as JSON spells them
    read: int  # how far its chunks were read


class ChatCalls:
    """The scan of one Chat Completions stream (a :class:`~._scan.CallScan`); see the
    module docstring."""

    calls_last = False  # OpenAI's formats have no rule on where calls go
    __slots__ = ("_calls", "_head", "_next", "_pending", "_quiet")

    def __init__(self) -> None:
        self._quiet = True  # no call begun, or the finish came: chunks without calls pass
        self._calls = 0  # the calls begun (each numbered in turn, from 0)
        self._pending: _Call | None = None  # the call that waits for its rest
        self._next: _Chunk | None = None  # the chunk after the last call, read to end it
        self._head = b""  # the head of the last chunk matched whole, every chunk's alike

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def passing(self, buf: bytes) -> int:
        return events_before(buf, 0, _CALLS_KEY) if self._quiet else 0

    def waits(self, buf: bytes, at: int) -> bool:
        return self._pending is None and not whole(buf, at)

    def step(self, buf: bytes, at: int) -> Step:
        if self._pending is not None:
            return self._call(buf, at, self._pending)
        if self._quiet and (end := events_before(buf, at, _CALLS_KEY)) > at:
            return Step(Scanned.PASS, end)
        chunk, self._next = self._next, None
        if chunk is None:
            chunk = _chunk(buf, at)
        if chunk is None:
            return unread(buf, at)
        if chunk.kind is _Kind.FINISH:
            self._quiet = True
            return Step(Scanned.END, chunk.end)
        if chunk.kind is _Kind.START and chunk.call is not None:
            if chunk.wire != self._calls:  # (a call numbered out of turn is renumbered)
                return Step(Scanned.ODD, at)
            self._calls += 1
            self._quiet = False  # a call ends only at another's start or the finish
            call = chunk.call
            return self._call(buf, at, _Call(chunk.wire, call, [], chunk.end - at))
        return Step(Scanned.PASS, chunk.end)  # (quiet: a call's next chunk is one of those)

    def _call(self, buf: bytes, at: int, call: _Call) -> Step:
        """The tool call whose chunks begin at ``at``, read as far as ``call`` says."""
        self._pending = None
        pieces, read, chunks = call.pieces, at + call.read, argument_chunks(call.wire)
        while (found := self._argument_chunk(buf, read, chunks)) is not None:
            piece = found[1]  # a JSON string's inside, each escape whole: joined, read once
            if not piece.isascii() and not _utf8(piece):  # the general reader says what it is
                return Step(Scanned.ODD, at)
            pieces.append(piece[1:-1])
            read = found.end()
        if not whole(buf, read):  # the rest is to come
            if read - at >= CALL_WAIT:
                return Step(Scanned.ODD, at)
            self._pending = call._replace(read=read - at)
            return Step(Scanned.MORE, at)
        after = _chunk(buf, read)  # the chunk that ends the call: another's start, the finish
        if after is None or (after.kind is _Kind.START and after.wire != self._calls):
            return Step(Scanned.ODD, at)  # (a start of the same call goes on with it)
        if after.kind is not _Kind.START and after.kind is not _Kind.FINISH:
            return Step(Scanned.ODD, at)
        arguments = wire_text(b'"' + b"".join(pieces) + b'"')
        if arguments is None:
            return Step(Scanned.ODD, at)
        self._next = after
        begun = call.begun
        return Step(Scanned.CALL, read, ToolCall(begun.id, begun.name, begun.arguments + arguments))

    def _argument_chunk(
        self, buf: bytes, at: int, chunks: tuple[re.Pattern[bytes], re.Pattern[bytes]]
    ) -> re.Match[bytes] | None:
        """The chunk at ``at`` that carries a piece of a call's arguments (``chunks``, as
        :func:`argument_chunks` gives them): its head compared as bytes with the last one
        matched whole, or, spelt otherwise, matched whole and then kept."""
        whole_chunk, after_head = chunks
        head = self._head
        if head and buf.startswith(head, at):
            return after_head.match(buf, at + len(head))
        if (found := whole_chunk.match(buf, at)) is not None:
            self._head = buf[at : buf.index(DELTA, at) + len(DELTA)]
        return found


def _utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8."""
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def _chunk(buf: bytes, at: int) -> _Chunk | None:
    """The chunk at ``at``: a call's start or the finish by their spelling, else as parsed
    (:func:`_read`)."""
    found = _START.match(buf, at)
    if found is None:
        finish = _FINISH.match(buf, at)
        return _read(buf, at) if finish is None else _Chunk(_Kind.FINISH, finish.end())
    arguments = wire_text(found["arguments"])
    try:
        call_id, name = found["id"][1:-1].decode(), found["name"][1:-1].decode()
    except UnicodeDecodeError:
        return None
    if arguments is None:
        return None
    return _Chunk(_Kind.START, found.end(), ToolCall(call_id, name, arguments), int(found["wire"]))


def _read(buf: bytes, at: int) -> _Chunk | None:
    """The chunk at ``at``, parsed: what it is, or ``None`` for one not read here (another
    shape, an error, not one whole ``data:`` line)."""
    end = buf.find(b"\n\n", at)
    if end == -1 or not buf.startswith(b"data: ", at):
        return None
    line = buf[at + 6 : end]
    if b"\n" in line or b"\r" in line:
        return None
    try:
        obj = load_object(line)
    except FormatError:
        return None
    return _shape(obj, end + 2)


def _shape(obj: dict[str, Any], end: int) -> _Chunk | None:
    """What the chunk ``obj`` is, if it has a shape read here (what the general reader
    does not read, other keys, other choices' deltas, goes on unread as it does)."""
    if obj.get("error") is not None:
        return None
    choices, usage = obj.get("choices"), obj.get("usage")
    if not isinstance(choices, list) or len(choices) != 1:
        return None
    choice = choices[0]
    if not isinstance(choice, dict) or choice.get("index", 0) != 0:
        return None
    delta, finish = choice.get("delta", {}), choice.get("finish_reason")
    if not isinstance(delta, dict) or not _none_or(delta.get("content"), str):
        return None
    calls = delta.get("tool_calls")
    if not _none_or(calls, list) or not _none_or(usage, dict):
        return None
    if finish is not None:
        return _Chunk(_Kind.FINISH, end) if isinstance(finish, str) and not calls else None
    if not calls:
        return _Chunk(_Kind.PLAIN, end)
    return _start(calls[0], end) if len(calls) == 1 else None


def _start(call: object, end: int) -> _Chunk | None:
    """The start of a call, ``call`` (an item of ``tool_calls``), as the general reader
    reads one: its index, id, name and arguments so far (a start of a call begun goes on
    with it: :meth:`ChatCalls.step` tells)."""
    if not isinstance(call, dict) or type(wire := call.get("index")) is not int:
        return None
    call_id, function = call.get("id"), call.get("function", {})
    if not _none_or(call_id, str) or not isinstance(function, dict):
        return None
    name, arguments = function.get("name"), function.get("arguments")
    if not _none_or(name, str) or not _none_or(arguments, str):
        return None
    return _Chunk(_Kind.START, end, ToolCall(call_id or "", name or "", arguments or ""), wire)


def _none_or(value: object, kind: type) -> bool:
    """Whether ``value`` is null or of JSON type ``kind``."""
    return value is None or type(value) is kind
