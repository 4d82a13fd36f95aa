"""The tool calls of a Responses stream found in its bytes, for a chain that reads nothing else.

:class:`ResponsesCalls` walks a stream written as OpenAI writes it (an ``event:`` line and
a ``data:`` line an event, compact JSON, LF line ends) and says what each run of events is
to a chain that reads only tool calls (:class:`~._scan.Scanned`):

- ``PASS``: while no tool call is being read, every event that does not begin one (the
  response's start and end, messages, reasoning, hosted tools' items): the general
  reader, holding nothing, sends each as it came, whatever it makes of it.
- ``CALL``: one whole tool call item (``function_call``, ``custom_tool_call``), from its
  ``output_item.added`` to its ``output_item.done``; the call is the finished item's, as
  the general reader judges it (``ResponsesStream``).
- ``MORE``: the event, or the call, that begins there is not whole yet.
- ``ODD``: anything else (an item's start that is not JSON or numbered out of turn,
  another item's event or an error inside a call's, a CR in an event read, a call longer
  than ``CALL_WAIT``): the general reader must read the stream from there.

(No ``END``: the calls allowed go as they are judged.) Every item passed must be numbered
after the last (``output_index``): the general reader renumbers others. Events' sequence
numbers are not read: until the gateway writes an event of its own, which this scan never
does, the general reader passes them as they came. Only an ``output_item.added`` can begin
a call (a type spelt otherwise needs a ``\\u00`` escape): any other event passes unparsed,
those that carry or repeat a piece (most of a stream) matched by their spelling
(:data:`~._openai_responses_stream.ITEM_EVENT`); an item's start is parsed, and so is a
call's end, whose finished item is the call judged.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from sluice.model import ToolCall
from sluice.sidecar.formats._errors import FormatError
from sluice.sidecar.formats._json import PLAIN_STRING, WIRE_COUNT, load_object
from sluice.sidecar.formats._openai_responses_items import item_block
from sluice.sidecar.formats._openai_responses_stream import ITEM_EVENT, PIECES
from sluice.sidecar.formats._scan import CALL_WAIT, Scanned, Step, events_before, unread, whole

__all__ = ["ResponsesCalls"]

_ADDED, _DONE = "response.output_item.added", "response.output_item.done"
# What an event that begins an item must hold (spelt otherwise, it needs a ``\u00`` escape).
_ADDED_MARK = b"output_item.added"
# Events that are not a piece or a mark of the call whose output index they name.
_NOT_OF_CALL = frozenset(
    {_ADDED, "response.completed", "response.incomplete", "response.failed", "error"}
)


# An item's start as OpenAI writes it, of the items most streams hold: a message, a
# reasoning, a function call (``call``); its output index, group ``wire``.
_ADDED_EVENT = re.compile(
    rb'event: response\.output_item\.added\ndata: \{"type":"response\.output_item\.added",'
    rb'"sequence_number":'
    + WIRE_COUNT
    + rb',"output_index":(?P<wire>'
    + WIRE_COUNT
    + rb'),"item":\{"id":'
    + PLAIN_STRING
    + rb',"type":"(?:message","status":'
    rb'"in_progress","content":\[\],"role":"assistant"|reasoning","summary":\[\]'
    rb'|(?P<call>function_call)","status":"in_progress","arguments":"","call_id":'
    + PLAIN_STRING
    + rb',"name":'
    + PLAIN_STRING
    + rb")\}\}\n\n"
)


class _Event(NamedTuple):
    """One event, parsed: its type, its item's output index (``None``: no item's)."""

    kind: str
    wire: int | None
    data: dict[str, Any]
    end: int  # where it ends in the bytes scanned


class ResponsesCalls:
    """The scan of one Responses stream (a :class:`~._scan.CallScan`); see the module
    docstring."""

    calls_last = False  # OpenAI's formats have no rule on where calls go
    __slots__ = ("_call", "_items", "_read")

    def __init__(self) -> None:
        self._items = 0  # the items begun
        self._call: int | None = None  # the output index of the call that waits for its rest
        self._read = 0  # how far its events were read, from its start

    @property
    def pending(self) -> bool:
        return self._call is not None

    def passing(self, buf: bytes) -> int:
        return 0 if self._call is not None else events_before(buf, 0, _ADDED_MARK)

    def waits(self, buf: bytes, at: int) -> bool:
        return self._call is None and not whole(buf, at)

    def step(self, buf: bytes, at: int) -> Step:
        if self._call is not None:
            return self._rest_of_call(buf, at, self._call)
        if (end := events_before(buf, at, _ADDED_MARK)) > at:
            return Step(Scanned.PASS, end)
        if (found := _ADDED_EVENT.match(buf, at)) is not None:  # an item's start, as most are
            return self._added(buf, at, int(found["wire"]), found["call"] is not None, found.end())
        event = _parse(buf, at)  # (an item's start spelt otherwise, or an event with an escape)
        if event is None:
            return unread(buf, at)
        if event.kind == _ADDED:
            return self._item(buf, at, event)
        return Step(Scanned.PASS, event.end)

    def _call_run(self, buf: bytes, at: int, wire: int) -> int:
        """Where the run of events of the call at ``wire`` spelt as ``ITEM_EVENT`` from
        ``at`` ends."""
        item = b"%d" % wire
        while (found := ITEM_EVENT.match(buf, at)) is not None and found["wire"] == item:
            at = found.end()
        return at

    def _item(self, buf: bytes, at: int, event: _Event) -> Step:
        """An item begins at ``at``, as parsed: see :meth:`_added`."""
        item = event.data.get("item")
        if event.wire is None or not isinstance(item, dict):
            return Step(Scanned.ODD, at)
        try:
            block = item_block(item, "item")
        except FormatError:
            return Step(Scanned.ODD, at)
        return self._added(buf, at, event.wire, isinstance(block, ToolCall), event.end)

    def _added(self, buf: bytes, at: int, wire: int, call: bool, end: int) -> Step:
        """An item at ``wire`` begins at ``at`` (its ``output_item.added`` ends at ``end``):
        it passes, or it is a tool call (``call``), read to its end."""
        if wire != self._items:
            return Step(Scanned.ODD, at)  # (an item out of turn is renumbered)
        self._items += 1
        if not call:
            return Step(Scanned.PASS, end)
        self._read = end - at
        return self._rest_of_call(buf, at, wire)

    def _rest_of_call(self, buf: bytes, at: int, wire: int) -> Step:
        """The tool call item at ``wire`` whose events begin at ``at``, read from ``_read``."""
        self._call = None
        read = self._call_run(buf, at + self._read, wire)
        while whole(buf, read):  # events of the call not spelt as most are
            event = _parse(buf, read)
            if event is None or event.wire != wire:
                return Step(Scanned.ODD, at)
            if event.kind == _DONE:
                return self._done(at, event)
            if event.kind in _NOT_OF_CALL or not _piece_read(event):
                return Step(Scanned.ODD, at)
            read = self._call_run(buf, event.end, wire)
        if read - at >= CALL_WAIT:
            return Step(Scanned.ODD, at)
        self._call, self._read = wire, read - at
        return Step(Scanned.MORE, at)

    def _done(self, at: int, event: _Event) -> Step:
        """The call's item done (its ``output_item.done`` ends at ``event.end``)."""
        item = event.data.get("item")
        try:
            call = item_block(item, "item") if isinstance(item, dict) else None
        except FormatError:
            call = None
        if not isinstance(call, ToolCall):
            return Step(Scanned.ODD, at)
        return Step(Scanned.CALL, event.end, call)


def _parse(buf: bytes, at: int) -> _Event | None:
    """The event at ``at``, parsed, if it is whole and framed as OpenAI frames it: one
    ``event:`` line naming its type, one ``data:`` line; else ``None``."""
    end = buf.find(b"\n\n", at)
    if end == -1 or not buf.startswith(b"event: ", at):
        return None
    data_at = buf.find(b"\ndata: ", at, end)
    if data_at == -1 or b"\r" in buf[at:end] or buf.find(b"\n", data_at + 1, end) != -1:
        return None
    try:
        obj = load_object(buf[data_at + 7 : end])
    except FormatError:
        return None
    kind, wire = obj.get("type"), obj.get("output_index")
    if kind != buf[at + 7 : data_at].decode(errors="replace"):
        return None
    if not isinstance(kind, str) or not (wire is None or type(wire) is int):
        return None
    return _Event(kind, wire, obj, end + 2)


def _piece_read(event: _Event) -> bool:
    """Whether the general reader reads ``event``, of an item it knows, as a piece or a
    mark of that item (a piece that is not text is an error of the stream instead)."""
    return event.kind not in PIECES or isinstance(event.data.get("delta"), str)
