"""Reading a response the chain must see, whatever it is labelled, within the sidecar's bounds.

A provider (or anything posing as one) may label a JSON body ``text/event-stream``, an SSE
stream ``application/json``, or write the label in capitals. The label is read
case-insensitively, and the body's first bytes decide when they disagree with it: ``{`` or
``[`` is JSON, ``data:``, ``event:``, ``id:``, ``retry:`` or a ``:`` comment is an event
stream. Anything else cannot be read, and a response the policies cannot read is not
passed on unread: the client gets an error in its own format instead.

A stream goes to the general reader (:class:`StreamEnforcer`), or, under a chain that reads
nothing but tool calls and no budget that could cut it, to the :class:`CallReader`, which
scans it (the format's scan) and hands it to the general reader at anything else.

Every response read is bounded (:class:`Bounds`, from the ``sidecar:`` config): the
largest stream event, the bytes held at once (received from the provider, not yet sent
on), the largest whole body. Crossing one raises :class:`CutShort`; the exchange then ends
the response with an error event or body.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING

from sluice.hooks import ExchangeContext
from sluice.sidecar.call_reader import CallReader
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.enforce import KEEPALIVE, BodyEnforcer, Judged, StreamEnforcer
from sluice.sidecar.formats import Adapter, FormatError
from sluice.sidecar.sse import EventTooLarge, SSEEvent

if TYPE_CHECKING:
    from sluice.sidecar.tracing import ExchangeTrace

__all__ = ["Bounds", "CutShort", "Framing", "ResponseReader", "framing_of", "sniff"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Bounds:
    """The memory bounds of one exchange's response reading, in bytes."""

    max_sse_event: int = 8 * 1024 * 1024
    max_held: int = 16 * 1024 * 1024
    max_response: int = 32 * 1024 * 1024


class Framing(Enum):
    """How a response body is framed."""

    SSE = "sse"
    JSON = "json"


_SSE_STARTS = (b"data", b"event", b"id", b"retry", b":")
_BLANK = b" \t\r\n\xef\xbb\xbf"  # whitespace and a UTF-8 byte-order mark


def framing_of(content_type: str) -> Framing | None:
    """The framing a ``Content-Type`` names (any case, parameters ignored); ``None`` when it
    names neither."""
    media = content_type.partition(";")[0].strip().lower()
    if media == "text/event-stream":
        return Framing.SSE
    if media == "application/json" or media.endswith("+json"):
        return Framing.JSON
    return None


def sniff(head: bytes) -> Framing | None:
    """The framing of a body that begins with ``head``; ``None`` when ``head`` is too short
    to tell. Raises :class:`CutShort` when it is neither JSON nor an event stream."""
    start = head.lstrip(_BLANK)
    if not start:
        return None
    if start[:1] in (b"{", b"["):
        return Framing.JSON
    for prefix in _SSE_STARTS:
        if start.startswith(prefix):
            return Framing.SSE
        if prefix.startswith(start):
            return None  # "da...": wait for more
    raise CutShort("the provider's response is neither JSON nor an event stream")


class CutShort(Exception):
    """The response cannot be read on: the exchange ends it with an error. ``limit`` names
    the bound crossed (``None``: the response could not be read)."""

    def __init__(self, message: str, limit: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit


def _unreadable_body() -> CutShort:
    """Why a response cannot be read on: not in the format it should be."""
    return CutShort("the provider's response could not be read")


def _unreadable(exc: ValueError) -> CutShort:
    """Why a stream cannot be read on, for what its reading raised."""
    if isinstance(exc, EventTooLarge):
        return CutShort(
            f"an event of the response is larger than the gateway reads ({exc.limit} "
            "bytes: sidecar.max_sse_event_bytes)",
            "sse_event",
        )
    # FormatError included: events out of the format's order
    log.warning("unreadable response stream: %s", exc)
    return CutShort("the provider's response stream could not be read")


class ResponseReader:
    """The chain applied to one response body, its framing found from label and bytes."""

    __slots__ = (
        "_adapter",
        "_allowance",
        "_bounds",
        "_chain",
        "_closed",
        "_context",
        "_decisions",
        "_head",
        "_held",
        "_keepalive_s",
        "_label",
        "_reader",
        "_trace",
    )

    def __init__(
        self,
        chain: Chain,
        adapter: Adapter,
        context: ExchangeContext,
        decisions: list[Decision],
        *,
        label: Framing | None,
        keepalive_s: float,
        bounds: Bounds,
        allowance: int | None = None,
        trace: ExchangeTrace | None = None,
    ) -> None:
        """``label``: the framing the content type names; ``allowance``: output tokens a
        budget leaves a stream (it is cut there); ``trace``: the exchange's, when traced."""
        self._trace = trace
        self._chain = chain
        self._adapter = adapter
        self._context = context
        self._decisions = decisions
        self._label = label
        self._keepalive_s = keepalive_s
        self._bounds = bounds
        self._allowance = allowance
        self._head = b""  # the first bytes, until they tell the framing
        self._held = 0  # bytes received and not yet sent on
        self._reader: StreamEnforcer | CallReader | BodyEnforcer | None = None
        self._closed = False  # the stream's end was sent by feed_now

    @property
    def framing(self) -> Framing | None:
        """The framing, once known."""
        if self._reader is None:
            return None
        return Framing.JSON if isinstance(self._reader, BodyEnforcer) else Framing.SSE

    async def feed(self, chunk: bytes, end: bool) -> AsyncIterator[bytes]:
        """A body chunk (``end``: the last): yield what to send now. Raises
        :class:`CutShort` when the response cannot be read on."""
        if out := self.feed_now(chunk, end):
            yield out
        async for out in self.rest(end):
            yield out

    def feed_now(self, chunk: bytes, end: bool) -> bytes:
        """What :meth:`feed` sends for ``chunk`` before any decision, without a coroutine;
        then, when :meth:`needs_rest`, :meth:`rest` gives the rest. ``chunk`` itself (not
        empty) when all of it went on as it came: then nothing waits (only ``end`` needs
        the rest). Raises :class:`CutShort` as :meth:`feed` does."""
        if self._reader is None:
            self._head += chunk
            framing = sniff(self._head)
            if framing is None and not end:
                return b""
            chunk, self._head = self._head, b""
            self._reader = self._start(framing or self._label or Framing.JSON)
        reader = self._reader
        if isinstance(reader, BodyEnforcer):
            self._held += len(chunk)
            if self._held > self._bounds.max_response:
                raise CutShort(
                    f"the response is larger than the gateway reads ({self._bounds.max_response}"
                    " bytes: sidecar.max_response_bytes)",
                    "response_bytes",
                )
            reader.feed(chunk)
            return self._body_now(reader) if end else b""
        try:
            out = reader.feed_now(chunk)
            if out is chunk and not end:  # all of it went on as it came: no more is held
                return out
            self._held += len(chunk)
            out = self._sent(out)
            if end and (ending := self._ended_now(reader)) is not None:
                return out + ending
        except ValueError as exc:  # EventTooLarge, FormatError...
            raise _unreadable(exc) from None
        if self._held > self._bounds.max_held:
            self._held_too_much(reader)
        return out

    def takes_whole(self, chunk: bytes) -> bool:
        """Whether the tool-call reader took ``chunk``, not the last, whole, to go on as it
        came (:meth:`CallReader.takes_whole`): nothing held, nothing to decide. Else nothing
        was read: :meth:`feed_now` reads it."""
        reader = self._reader
        return isinstance(reader, CallReader) and reader.takes_whole(chunk)

    def _body_now(self, reader: BodyEnforcer) -> bytes:
        """The whole body's answer, when the chain decides it without waiting (then
        :meth:`rest` has nothing left to do); else nothing yet, and :meth:`rest` sends it."""
        try:
            body = reader.close_now()
        except FormatError:
            raise _unreadable_body() from None
        if body is None:
            return b""
        self._closed = True
        return body

    def needs_rest(self, end: bool) -> bool:
        """Whether :meth:`rest` has anything to do after :meth:`feed_now`: a decision to
        make, or the end (``end``)."""
        if self._reader is None:
            return end
        if isinstance(self._reader, BodyEnforcer):
            return end and not self._closed
        return (end and not self._closed) or self._reader.waiting

    async def rest(self, end: bool) -> AsyncIterator[bytes]:
        """What :meth:`feed` sends after :meth:`feed_now`: decisions, then the end if
        ``end``."""
        reader = self._reader
        if isinstance(reader, BodyEnforcer):
            if end and not self._closed:
                try:
                    yield await reader.close()
                except FormatError:
                    raise _unreadable_body() from None
            return
        if reader is None:
            return
        try:  # the stream's decisions, or its end
            async for out in reader.close() if end else reader.decide():
                yield self._sent(out)
        except ValueError as exc:  # EventTooLarge, FormatError...
            raise _unreadable(exc) from None
        if not end and self._held > self._bounds.max_held:
            self._held_too_much(reader)

    async def feed_events(self, events: list[SSEEvent], end: bool) -> AsyncIterator[bytes]:
        """Events already parsed (a translated stream's, so its framing is SSE); ``end``:
        the last. Raises :class:`CutShort` as :meth:`feed` does."""
        if out := self.feed_events_now(events, end):
            yield out
        async for out in self.rest(end):
            yield out

    def feed_events_now(self, events: list[SSEEvent], end: bool = False) -> bytes:
        """What :meth:`feed_events` sends before any decision, as :meth:`feed_now`."""
        if self._reader is None:
            self._reader = self._start(Framing.SSE, parsed=True)
        reader = self._reader
        if not isinstance(reader, StreamEnforcer):
            raise _unreadable_body()
        for event in events:
            self._held += len(event.raw)
        try:
            out = self._sent(reader.feed_events_now(events))
            if end and (ending := self._ended_now(reader)) is not None:
                return out + ending
        except ValueError as exc:  # FormatError: events out of the format's order
            raise _unreadable(exc) from None
        if self._held > self._bounds.max_held:
            self._held_too_much(reader)
        return out

    def _ended_now(self, reader: StreamEnforcer | CallReader) -> bytes | None:
        """The stream's end, when it needs no coroutine (then :meth:`rest` has nothing left
        to do); else ``None``, and :meth:`rest` sends it."""
        if reader.waiting or (ending := reader.close_now()) is None:
            return None
        self._closed = True
        return self._sent(ending)

    def _held_too_much(self, reader: StreamEnforcer | CallReader) -> None:
        """The policies hold more of the stream than the gateway allows: it is cut short,
        unless a hook is deciding (what it holds goes once it has) or a budget ended the
        stream (the rest is dropped, not held)."""
        if reader.waiting:
            return
        if reader.cut:
            self._held = 0
            return
        raise CutShort(
            f"the policies would hold more of the response than the gateway allows "
            f"({self._bounds.max_held} bytes: sidecar.max_held_bytes)",
            "held_bytes",
        )

    def _sent(self, out: bytes) -> bytes:
        if out is not KEEPALIVE:  # the gateway's own: nothing the provider sent
            self._held = max(0, self._held - len(out))
        return out

    def _start(
        self, framing: Framing, parsed: bool = False
    ) -> StreamEnforcer | CallReader | BodyEnforcer:
        """The reader of a body framed so (``parsed``: fed as events, not bytes)."""
        chain, context, decisions = self._chain, self._context, self._decisions
        if framing is Framing.JSON:
            return BodyEnforcer(chain, self._adapter, context, decisions, self._trace)
        general = partial(
            _general,
            chain,
            self._adapter,
            context,
            decisions,
            self._keepalive_s,
            self._bounds.max_sse_event,
            self._allowance,
            self._trace,
        )
        if (  # a stream read only for its tool calls: scanned, not parsed
            not parsed
            and self._allowance is None
            and chain.reads_tool_calls
            and not (chain.reads_text or chain.observes_response or chain.adds_at_end)
        ):
            return CallReader(
                chain,
                context,
                decisions,
                general,
                self._adapter,
                keepalive_s=self._keepalive_s,
                max_event=self._bounds.max_sse_event,
                trace=self._trace,
            )
        return general()

    def fail(self, message: str) -> bytes:
        """The bytes that end the client's response with ``message``: an error event in a
        stream, an error body otherwise."""
        if self._reader is not None and not isinstance(self._reader, BodyEnforcer):
            return self._reader.fail(message)
        if self._reader is None and self._label is Framing.SSE:
            return self._adapter.stream_decoder().render_error(502, message)
        return self._adapter.error_body(502, "api_error", message)


def _general(
    chain: Chain,
    adapter: Adapter,
    context: ExchangeContext,
    decisions: list[Decision],
    keepalive_s: float,
    max_event: int,
    allowance: int | None,
    trace: ExchangeTrace | None,
    judged: Sequence[Judged] = (),
) -> StreamEnforcer:
    """The general reader of a stream (``judged``: its first tool calls, judged already)."""
    return StreamEnforcer(
        chain,
        # Text deltas nobody reads need not be parsed (the costliest part of a stream).
        adapter.stream_decoder(
            read_text=chain.reads_text or chain.observes_response or allowance is not None
        ),
        context,
        decisions,
        keepalive_s,
        output_limit=allowance,
        max_event=max_event,
        trace=trace,
        judged=judged,
    )
