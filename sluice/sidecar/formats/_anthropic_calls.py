"""The tool calls of an Anthropic stream found in its bytes, for a chain that reads nothing else.

:class:`MessagesCalls` walks a Messages stream written as Anthropic writes it (compact JSON,
one ``event:`` line and one ``data:`` line an event, LF line ends) and says what each run of
events is to a chain that reads only tool calls (:class:`~._scan.Scanned`):

- ``PASS``: events that carry no tool call, to go on as they came: the response's start,
  text and thinking (their deltas and signatures, their blocks' starts and stops), pings.
  Once a tool call was seen, only pings (and the ``message_stop`` after the end).
- ``CALL``: one whole tool call (its start, its argument deltas, its stop); ``call`` is it.
- ``END``: the response's ``message_delta``, or its ``message_stop`` when no
  ``message_delta`` came before it.
- ``MORE``: the event, or the tool call, that begins there is not whole yet.
- ``ODD``: anything else (another spelling, an error event, a block after the tool calls,
  arguments in other bytes than printable ASCII and escapes, a call longer than
  :data:`CALL_WAIT`, a CR anywhere): the general reader must read the stream from there.

A delta is known by its exact spelling (its type, its index and one string, nothing else),
a block's start, a block's stop and a tool call's events likewise; the response's start and
its ``message_delta``, as the general reader knows them, by their event's name and the
head of their data. A text or thinking delta cannot make a tool call (a client drops a delta
of the wrong kind), so such deltas pass whatever their index; after the first tool call,
none passes. Most of a response is one run of these, matched by one regular expression.
"""

from __future__ import annotations

import re

from sluice.model import ToolCall
from sluice.sidecar.formats._anthropic_stream import (
    DELTA_HEAD,
    MESSAGE_HEADS,
    MESSAGE_STOP,
    PING,
    START_HEAD,
    STOP_EVENT,
    STOP_HEAD,
    TEXT_START,
    TOOL_START_EVENT,
    WIRE_DIGITS,
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


_PIECE_DELTA = (
    _head("content_block_delta", DELTA_HEAD)
    + WIRE_DIGITS
    + rb',"delta":\{"type":"(?:text_delta","text|thinking_delta","thinking'
    + rb'|signature_delta","signature)":'
    + WIRE_STRING
    + rb"\}\}\n\n"
)
_BLOCK_START = (
    _head("content_block_start", START_HEAD)
    + WIRE_DIGITS
    + rb"(?:"
    + re.escape(TEXT_START.encode())
    + rb'|,"content_block":\{"type":"(?:thinking","thinking":"","signature":""'
    + rb'|redacted_thinking","data":'
    + WIRE_STRING
    + rb")\}\})\n\n"
)
_BLOCK_STOP = _head("content_block_stop", STOP_HEAD) + WIRE_DIGITS + rb"\}\n\n"
_MESSAGE_START = _head("message_start", MESSAGE_HEADS["message_start"]) + LINE_BYTE + rb"*\n\n"
# Before any tool call: the response's start, text and thinking blocks, pings.
_QUIET = re.compile(
    b"(?:" + b"|".join((_PIECE_DELTA, PING, _BLOCK_START, _BLOCK_STOP, _MESSAGE_START)) + b")*+"
)
_PINGS = re.compile(b"(?:" + PING + b")*+")
_MESSAGE_DELTA = re.compile(
    _head("message_delta", MESSAGE_HEADS["message_delta"]) + LINE_BYTE + rb"*\n\n"
)
_MESSAGE_STOP = f"event: message_stop\ndata: {MESSAGE_STOP}\n\n".encode()


class MessagesCalls:
    """The scan of one Messages stream (a :class:`~._scan.CallScan`); see the module
    docstring."""

    calls_last = True  # Anthropic wants ``tool_use`` last
    __slots__ = ("_ended", "_pending", "_quiet", "_stopped")

    def __init__(self) -> None:
        self._quiet = _QUIET  # the events that pass unread: text and pings, after a call pings
        self._ended = False  # the response's end began
        self._stopped = False  # its message_stop came
        self._pending: ToolRun | None = None  # the call that waits for its rest

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def passing(self, buf: bytes) -> int:
        return 0 if self._pending is not None else run_end(self._quiet, buf, 0)

    def waits(self, buf: bytes, at: int) -> bool:
        return self._pending is None and not whole(buf, at)

    def step(self, buf: bytes, at: int) -> Step:
        if self._pending is not None:
            return self._call(buf, at)
        end = run_end(self._quiet, buf, at)
        if end > at:
            return Step(Scanned.PASS, end)
        if self._ended:
            if self._stopped or not buf.startswith(_MESSAGE_STOP, at):
                return unread(buf, at)
            self._stopped = True
            return Step(Scanned.PASS, at + len(_MESSAGE_STOP))
        if buf.startswith(b"event: content_block_start\n", at):
            return self._call(buf, at)
        if buf.startswith(_MESSAGE_STOP, at):
            self._ended = self._stopped = True
            self._quiet = _PINGS
            return Step(Scanned.END, at + len(_MESSAGE_STOP))
        found = _MESSAGE_DELTA.match(buf, at)
        if found is None:
            return unread(buf, at)
        self._ended, self._quiet = True, _PINGS
        return Step(Scanned.END, found.end())

    def _call(self, buf: bytes, at: int) -> Step:
        """The tool call that begins at ``at``."""
        pending, self._pending = self._pending, None
        if pending is None:
            found = TOOL_START_EVENT.match(buf, at)
            if found is None:
                return unread(buf, at)
            begun = ToolCall(found[2].decode(), found[3].decode(), "")
            pending = ToolRun(int(found[1]), begun, found.end() - at, found.end() - at)
        wire = pending.wire
        end = run_end(argument_events(wire), buf, at + pending.read)
        stop = STOP_EVENT % wire
        call = pending.begun  # (never None: a scan's runs begin with the call's start)
        if buf.startswith(stop, end) and call is not None:
            self._quiet = _PINGS  # after a call, only pings pass
            call.arguments = arguments_of(buf, at + pending.deltas, end, wire)
            return Step(Scanned.CALL, end + len(stop), call)
        if buf.find(b"\n\n", end) == -1 and end - at < CALL_WAIT:  # the rest is to come
            self._pending = pending._replace(read=end - at)
            return Step(Scanned.MORE, at)
        return Step(Scanned.ODD, at)
