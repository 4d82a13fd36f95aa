"""The tool calls of a Chat Completions stream found in its bytes, for a chain reading nothing else.

:class:`ChatCalls` walks a stream written as OpenAI writes it (one ``data:`` line an event,
compact JSON, LF line ends) and says what each run of chunks is to a chain that reads only
tool calls (:class:`~._scan.Scanned`):

- ``PASS``: before the first tool call, the chunks that carry none and end nothing: the
  first (the role), text, comments; after the finish, the usage chunk and ``[DONE]``.
- ``CALL``: one whole tool call, the chunk that starts it and those that carry its
  arguments. A chunk cannot say that it is a call's last: the call is whole when the next
  chunk, whole, starts another call or finishes the choice, as the general reader knows
  it (``ChatStream``); the step ends before that chunk.
- ``END``: the chunk that finishes the choice.
- ``MORE``: the chunk, or the call with the chunk after it, is not whole yet.
- ``ODD``: anything else (another spelling, an error, a second choice, text after a call,
  a chunk inside a call that carries anything but its arguments, a piece that is not valid
  JSON text, a CR anywhere, a call longer than ``CALL_WAIT``): the general reader must
  read the stream from there.

Text chunks and argument chunks, most of a stream, are known by their spelling (one
regular expression each, :data:`~._openai_chat_stream.TEXT_CHUNK`,
:func:`~._openai_chat_stream.argument_chunks`); the few others (the first, a call's start,
the finish, the usage) are parsed, and pass only in exactly the shape read here.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, NamedTuple

from sluice.model import ToolCall
from sluice.sidecar.formats._errors import FormatError
from sluice.sidecar.formats._json import LINE_BYTE, load_object, wire_text
from sluice.sidecar.formats._openai_chat_stream import TEXT_CHUNK, argument_chunks
from sluice.sidecar.formats._scan import CALL_WAIT, Scanned, Step, run_end, unread, whole

__all__ = ["ChatCalls"]

_DATA = b"data: "
_DONE = b"data: [DONE]\n\n"
# Before any tool call: text chunks and comments (a comment is a line of its own).
_QUIET = re.compile(b"(?:" + TEXT_CHUNK + b"|:" + LINE_BYTE + b"*+\n\n)*+")


class _Kind(Enum):
    PLAIN = "plain"  # no call, no finish: the role, text, nothing
    START = "start"  # a call's start
    FINISH = "finish"  # the choice's finish
    USAGE = "usage"  # no choice: the usage after the finish


class _Chunk(NamedTuple):
    """What one parsed chunk is; ``call``, ``wire`` for a call's start."""

    kind: _Kind
    end: int  # where the chunk ends in the bytes scanned
    call: ToolCall | None = None
    wire: int = 0


class _Call(NamedTuple):
    """A tool call's chunks read so far, from where its step was asked."""

    wire: int
    begun: ToolCall  # as its start announced it, its arguments so far
    pieces: list[str]
    read: int  # how far its chunks were read


class ChatCalls:
    """The scan of one Chat Completions stream (a :class:`~._scan.CallScan`); see the
    module docstring."""

    calls_last = False  # OpenAI's formats have no rule on where calls go
    __slots__ = ("_called", "_done", "_ended", "_next", "_pending", "_quiet")

    def __init__(self) -> None:
        self._quiet: re.Pattern[bytes] | None = _QUIET  # no quiet run after a call
        self._called: set[int] = set()  # the wire indices of the calls begun
        self._ended = False  # the finish came
        self._done = False  # then ``[DONE]``
        self._pending: _Call | None = None  # the call that waits for its rest
        self._next: _Chunk | None = None  # the chunk after the last call, read to end it

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def passing(self, buf: bytes) -> int:
        quiet = self._quiet
        return 0 if self._pending is not None or quiet is None else run_end(quiet, buf, 0)

    def waits(self, buf: bytes, at: int) -> bool:
        return self._pending is None and not whole(buf, at)

    def step(self, buf: bytes, at: int) -> Step:
        if self._pending is not None:
            return self._call(buf, at, self._pending)
        if self._quiet is not None and (end := run_end(self._quiet, buf, at)) > at:
            return Step(Scanned.PASS, end)
        if self._ended:
            if not self._done and buf.startswith(_DONE, at):
                self._done = True
                return Step(Scanned.PASS, at + len(_DONE))
            chunk = None if self._done else _read(buf, at)
            if chunk is None or chunk.kind is not _Kind.USAGE:
                return unread(buf, at)
            return Step(Scanned.PASS, chunk.end)
        chunk, self._next = self._next, None
        if chunk is None:
            chunk = _read(buf, at)
        if chunk is None:
            return unread(buf, at)
        if chunk.kind is _Kind.FINISH:
            self._ended, self._quiet = True, None
            return Step(Scanned.END, chunk.end)
        if chunk.kind is _Kind.START and chunk.call is not None:
            self._called.add(chunk.wire)
            self._quiet = None  # after a call, nothing passes unread
            call = chunk.call
            return self._call(buf, at, _Call(chunk.wire, call, [call.arguments], chunk.end - at))
        if chunk.kind is _Kind.PLAIN:  # (never after a call: a call ends at a start or finish)
            return Step(Scanned.PASS, chunk.end)
        return Step(Scanned.ODD, at)

    def _call(self, buf: bytes, at: int, call: _Call) -> Step:
        """The tool call whose chunks begin at ``at``, read as far as ``call`` says."""
        self._pending = None
        pieces, read, chunks = call.pieces, at + call.read, argument_chunks(call.wire)
        while (found := chunks.match(buf, read)) is not None:
            piece = wire_text(found[1])
            if piece is None:  # not text: the general reader says what it is
                return Step(Scanned.ODD, at)
            pieces.append(piece)
            read = found.end()
        if not whole(buf, read):  # the rest is to come
            if read - at >= CALL_WAIT:
                return Step(Scanned.ODD, at)
            self._pending = call._replace(read=read - at)
            return Step(Scanned.MORE, at)
        after = _read(buf, read)  # the chunk that ends the call: another's start, the finish
        if after is None or (after.kind is _Kind.START and after.wire in self._called):
            return Step(Scanned.ODD, at)  # (a start of the same call goes on with it)
        if after.kind is not _Kind.START and after.kind is not _Kind.FINISH:
            return Step(Scanned.ODD, at)
        self._next = after
        begun = call.begun
        return Step(Scanned.CALL, read, ToolCall(begun.id, begun.name, "".join(pieces)))


def _read(buf: bytes, at: int) -> _Chunk | None:
    """The chunk at ``at``, parsed: what it is, or ``None`` for one not read here (another
    shape, an error, not one whole ``data:`` line)."""
    end = buf.find(b"\n\n", at)
    if end == -1 or not buf.startswith(_DATA, at):
        return None
    line = buf[at + len(_DATA) : end]
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
    if choices == [] and isinstance(usage, dict):
        return _Chunk(_Kind.USAGE, end)
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
