"""The tool calls of an Anthropic stream found in its bytes, for a chain that reads nothing else.

:class:`MessagesCalls` walks a Messages stream written as Anthropic writes it (compact JSON,
one ``event:`` line and one ``data:`` line an event, LF line ends) and says what each run of
events is to a chain that reads only tool calls (:class:`~._scan.Scanned`):

- ``PASS``: events that carry no tool call, to go on as they came: the response's start,
  text and thinking (their blocks' starts, deltas and stops), pings. Once a tool call was
  seen, only pings (and the ``message_stop`` after the end).
- ``CALL``: one whole tool call (its start, its argument deltas, its stop); ``call`` is it.
- ``END``: the response's ``message_delta``, or its ``message_stop`` when no
  ``message_delta`` came before it.
- ``MORE``: the event, or the tool call, that begins there is not whole yet.
- ``ODD``: anything else (another spelling, an error event, a block numbered out of turn,
  a delta or a stop of a block that is not open, a block after the tool calls, arguments
  in other bytes than printable ASCII and escapes, a call longer than :data:`CALL_WAIT`, a
  CR where it reads): the general reader must read the stream from there.

It passes what the general reader, text unread, sends unchanged, and keeps the count it
keeps: each block must start with the next index (one numbered otherwise is renumbered for
the client) while no other is open, and only the open block's deltas and stop pass. The
deltas of an open text block pass whatever they hold, as the general reader passes them
unparsed (a CR in their data included): each is an ``event:`` line and one ``data:`` line,
so the run of them is one pattern that never looks inside the data (most of a response).
A thinking block's deltas are known by their exact spelling, as are the blocks' starts
and stops and a tool call's events; the response's start and its ``message_delta``, as
the general reader knows them, by their event's name and the head of their data.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sluice.model import ToolCall
from sluice.sidecar.formats._anthropic_stream import (
    DELTA_EVENTS_SPELT,
    DELTA_HEAD,
    MESSAGE_HEADS,
    MESSAGE_STOP,
    PING,
    PINGS,
    START_HEAD,
    STOP_EVENT,
    TEXT_START,
    TOOL_START_EVENT,
    WIRE_INDEX,
    ToolRun,
    argument_events,
    arguments_of,
)
from sluice.sidecar.formats._json import LINE_BYTE, WIRE_STRING
from sluice.sidecar.formats._scan import CALL_WAIT, Scanned, Step, run_end, unread, whole

__all__ = ["MessagesCalls"]


def _head(name: str, data: str) -> bytes:
    """The pattern of an event ``name`` whose data begins with ``data``, as Anthropic
    writes them (the wire format's own spelling, from :mod:`._anthropic_stream`)."""
    return re.escape(f"event: {name}\ndata: {data}".encode())


# A text or thinking block's start, its index kept, and whether it is text.
_BLOCK_START = re.compile(
    _head("content_block_start", START_HEAD)
    + WIRE_INDEX
    + b"(?:("
    + re.escape(TEXT_START.encode())
    + rb')|,"content_block":\{"type":"(?:thinking","thinking":"","signature":""'
    + rb'|redacted_thinking","data":'
    + WIRE_STRING
    + rb")\}\})\n\n"
)
_MESSAGE_START = _head("message_start", MESSAGE_HEADS["message_start"]) + LINE_BYTE + rb"*\n\n"
# Between blocks, before any tool call: the response's start, pings.
_BETWEEN = re.compile(b"(?:" + _MESSAGE_START + b"|" + PING + b")*+")
_MESSAGE_DELTA = re.compile(
    _head("message_delta", MESSAGE_HEADS["message_delta"]) + LINE_BYTE + rb"*\n\n"
)
_MESSAGE_STOP = f"event: message_stop\ndata: {MESSAGE_STOP}\n\n".encode()


@lru_cache(maxsize=64)
def _thinking_deltas(wire: int) -> re.Pattern[bytes]:
    """The run of a thinking block's deltas at ``wire`` (its thinking and its signature) and
    pings, as Anthropic writes them."""
    delta = (
        _head("content_block_delta", f"{DELTA_HEAD}{wire}")
        + rb',"delta":\{"type":"(?:thinking_delta","thinking|signature_delta","signature)":'
        + WIRE_STRING
        + rb"\}\}\n\n"
    )
    return re.compile(b"(?:" + delta + b"|" + PING + b")*+")


class MessagesCalls:
    """The scan of one Messages stream (a :class:`~._scan.CallScan`); see the module
    docstring."""

    calls_last = True  # Anthropic wants ``tool_use`` last
    __slots__ = ("_calls", "_ended", "_next", "_pending", "_run", "_stop", "_stopped")

    def __init__(self) -> None:
        self._run = _BETWEEN  # the events that pass unread where the stream is
        self._next = 0  # the index the next block must have
        self._stop: bytes | None = None  # the stop of the text or thinking block open
        self._calls = False  # a tool call was seen: only pings and calls pass
        self._ended = False  # the response's end began
        self._stopped = False  # its message_stop came
        self._pending: ToolRun | None = None  # the call that waits for its rest

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def passing(self, buf: bytes) -> int:
        return 0 if self._pending is not None else run_end(self._run, buf, 0)

    def waits(self, buf: bytes, at: int) -> bool:
        return self._pending is None and not whole(buf, at)

    def step(self, buf: bytes, at: int) -> Step:
        if self._pending is not None:
            return self._call(buf, at)
        end = run_end(self._run, buf, at)
        if end > at:
            return Step(Scanned.PASS, end)
        if (stop := self._stop) is not None:  # only the open block's stop
            if not buf.startswith(stop, at):
                return unread(buf, at)
            self._stop, self._run = None, _BETWEEN
            return Step(Scanned.PASS, run_end(_BETWEEN, buf, at + len(stop)))
        if self._ended:
            if self._stopped or not buf.startswith(_MESSAGE_STOP, at):
                return unread(buf, at)
            self._stopped = True
            return Step(Scanned.PASS, at + len(_MESSAGE_STOP))
        if buf.startswith(b"event: content_block_start\n", at):
            return self._call(buf, at) if self._calls else self._start(buf, at)
        if buf.startswith(_MESSAGE_STOP, at):
            self._ended = self._stopped = True
            self._run = PINGS
            return Step(Scanned.END, at + len(_MESSAGE_STOP))
        found = _MESSAGE_DELTA.match(buf, at)
        if found is None:
            return unread(buf, at)
        self._ended, self._run = True, PINGS
        return Step(Scanned.END, found.end())

    def _start(self, buf: bytes, at: int) -> Step:
        """The block that starts at ``at``, before any tool call."""
        found = _BLOCK_START.match(buf, at)
        if found is None:
            return self._call(buf, at)
        if (wire := int(found[1])) != self._next:
            return unread(buf, at)
        self._next, self._stop = wire + 1, STOP_EVENT % wire
        # A text block's deltas pass as the general reader, text unread, passes them.
        self._run = DELTA_EVENTS_SPELT if found[2] else _thinking_deltas(wire)
        return Step(Scanned.PASS, run_end(self._run, buf, found.end()))  # and its deltas

    def _call(self, buf: bytes, at: int) -> Step:
        """The tool call that begins at ``at``."""
        pending, self._pending = self._pending, None
        if pending is None:
            found = TOOL_START_EVENT.match(buf, at)
            if found is None or (wire := int(found[1])) != self._next:
                return unread(buf, at)
            begun = ToolCall(found[2].decode(), found[3].decode(), "")
            pending = ToolRun(wire, begun, found.end() - at, found.end() - at)
        wire = pending.wire
        end = run_end(argument_events(wire), buf, at + pending.read)
        stop = STOP_EVENT % wire
        call = pending.begun  # (never None: a scan's runs begin with the call's start)
        if buf.startswith(stop, end) and call is not None:
            self._next, self._calls, self._run = wire + 1, True, PINGS  # then only pings
            call.arguments = arguments_of(buf, at + pending.deltas, end, wire)
            return Step(Scanned.CALL, end + len(stop), call)
        if buf.find(b"\n\n", end) == -1 and end - at < CALL_WAIT:  # the rest is to come
            self._pending = pending._replace(read=end - at)
            return Step(Scanned.MORE, at)
        return Step(Scanned.ODD, at)
