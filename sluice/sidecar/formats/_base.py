"""The contracts every format adapter keeps: stream parts, decoders, adapters, stop reasons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sluice.model import Block, Message, Request, Response
    from sluice.sidecar.formats._scan import CallScan
    from sluice.sidecar.sse import SSEEvent

__all__ = ["Adapter", "PartKind", "StopReason", "StreamDecoder", "StreamPart", "check_status"]


class StopReason(StrEnum):
    """The neutral stop reasons: Anthropic's words, which the OpenAI adapters translate.

    A wire value with no neutral equivalent is kept as the provider's own string.
    """

    END_TURN = "end_turn"
    TOOL_USE = "tool_use"
    MAX_TOKENS = "max_tokens"
    STOP_SEQUENCE = "stop_sequence"
    REFUSAL = "refusal"


class PartKind(StrEnum):
    """What a :class:`StreamPart` means for the response being streamed."""

    MESSAGE_START = "message_start"  # the response opens: id and model are known
    BLOCK_START = "block_start"  # a block begins; ``block`` holds what is known of it so far
    BLOCK_DELTA = "block_delta"  # more of a block; ``delta`` is the text or arguments added
    BLOCK_STOP = "block_stop"  # a block is complete; ``block`` is the whole of it
    BLOCK = "block"  # a whole block read at once (``tool_parts``): ``block`` is the whole
    MESSAGE_DELTA = "message_delta"  # stop reason and/or usage
    MESSAGE_STOP = "message_stop"  # the response is complete (Chat Completions: ``[DONE]``)
    ERROR = "error"  # the upstream reported an error, or sent an event that cannot be read
    OTHER = "other"  # pings, comments, events of no concern to the neutral model


@dataclass(slots=True)  # not frozen (made for most events: three times faster)
class StreamPart:
    """One wire event of a response stream, annotated in neutral terms.

    ``event`` is the upstream event, unchanged, or ``None`` for a boundary the wire leaves
    implicit (a Chat Completions block ends when the next begins). Each event fed to a decoder
    rides on exactly one part, so joining ``part.event.raw`` over all parts gives back the
    input stream byte for byte. ``index`` is the block's neutral index, in stream order.
    ``block`` is, at ``BLOCK_START``, the block as announced (a tool call's id and name) and,
    at ``BLOCK_STOP`` (or ``BLOCK``), the whole block; ``delta`` is the text, thinking or
    argument text the event adds to its block. The deltas of a block add up to its text or
    arguments (a ``BLOCK`` part has none: it is the block). A part is never changed once a
    decoder has given it out.
    """

    kind: PartKind
    event: SSEEvent | None
    index: int | None = None
    block: Block | None = None
    delta: str | None = None


class StreamDecoder(Protocol):
    """Reads one response stream into parts, and writes the client's side of that stream.

    Reading: :meth:`feed` each event as the SSE parser delivers it; :meth:`finish` at any
    time gives the response read so far.

    Writing: the decoder numbers blocks (and, for the Responses API, events) as the client
    receives them. Pass every part you let through to :meth:`forward`, in the order you send
    them, and send the bytes it returns: the event itself while nothing was dropped or
    inserted, the event renumbered after that. Write new content with the ``render_*``
    methods at the point you send it; parts you drop are simply never forwarded::

        for part in decoder.feed(event):
            if part.index != blocked:
                out += decoder.forward(part)
            elif part.kind is PartKind.BLOCK_STOP:  # the blocked block's parts are dropped,
                out += decoder.render_block(Text("Blocked by policy."))  # this takes its place

    Once blocks were dropped or added, end with :meth:`render_end` rather than the upstream's
    own ending, whose stop reason (and, for the Responses API, output list) describe the
    upstream's blocks. To stop a stream early, send :meth:`render_end` and drop the rest.
    """

    def feed(self, event: SSEEvent) -> list[StreamPart]:
        """The parts for one upstream event; never raises for a malformed event."""
        ...

    def finish(self) -> Response:
        """The upstream response as read so far (an unfinished block as far as it went)."""
        ...

    def unread(self, data: bytes | bytearray, start: int = 0) -> int:
        """Where the whole events from ``start`` in ``data`` (LF line ends) that
        :meth:`feed` would pass unread, or read only to keep count, and :meth:`forward`
        send unchanged end (the deltas of a text block nobody reads, nothing renumbered):
        they need not be fed at all. The decoder keeps count of those it covers (a block
        begun or ended) as if they were fed and forwarded: the caller sends them on, and
        asks about each position once. ``start`` whenever that cannot be told cheaply."""
        ...

    def passes(self, event: SSEEvent) -> bool:
        """Whether ``event``, already parsed as SSE, need not be fed: a delta or ping
        :meth:`unread` would take (nothing to keep count of); its bytes go on as they
        are."""
        ...

    def tool_run(self, data: bytes | bytearray, start: int = 0) -> int:
        """Where the whole events from ``start`` in ``data`` (LF line ends) that carry a
        tool call and can be read at once end (``start`` if none): its start when no call
        is open, its argument deltas, its stop. :meth:`tool_parts` reads them. ``start``
        too while a call's events reach the end of ``data`` without its stop, and the
        decoder waits for the rest (:attr:`run_pending`)."""
        ...

    @property
    def run_pending(self) -> bool:
        """Whether :meth:`tool_run` waits for the rest of a tool call: the events from
        where it was asked are that call's, to be read when the rest arrives (the caller
        reads nothing further until then, and asks :meth:`tool_run` again)."""
        ...

    def tool_parts(self, run: bytes) -> list[StreamPart]:
        """The parts :meth:`feed` would give for the events ``run`` that :meth:`tool_run`
        found, except that events read together are one part (its event's ``raw`` their
        bytes, ``data`` ``None``): the argument deltas, their pieces joined as its delta,
        or a whole call, start to stop, a ``BLOCK`` part."""
        ...

    def forward(self, part: StreamPart) -> bytes:
        """The bytes to send for an upstream part the client is to receive (``b""`` if none)."""
        ...

    def forward_text(self, part: StreamPart, piece: str, whole: str) -> bytes:
        """The bytes to send for a part of a text block whose text the gateway releases
        itself, a little behind the upstream (a policy reads it as it streams): ``piece``
        replaces the text the part adds (nothing is sent for a delta left empty), ``whole``
        the block's text where the part repeats it whole (the Responses API's done events
        and final item): the text delivered so far. Other fields stay as they were."""
        ...

    def render_text(self, index: int, text: str) -> bytes:
        """A delta adding ``text`` to the upstream text block ``index`` (neutral), which the
        client saw begin and not end: text the gateway held back and now releases."""
        ...

    def render_block(self, block: Block) -> bytes:
        """Events carrying a whole new block, at the next block position of the output."""
        ...

    def render_close(self) -> bytes:
        """Events ending every block the client has seen begin but not end."""
        ...

    def render_end(self, stop_reason: str) -> bytes:
        """Events ending the response cleanly: open blocks closed, then the stop events."""
        ...

    def render_error(self, status: int, message: str) -> bytes:
        """A mid-stream error event, as the provider would send one for ``status``."""
        ...


class Adapter(Protocol):
    """One wire format. Each format module (``anthropic``, ``openai_chat``,
    ``openai_responses``) is an ``Adapter`` through its module-level functions."""

    def parse_request(self, body: bytes) -> Request:
        """Read a request body; raises :class:`FormatError` for a malformed body."""
        ...

    def parse_response(self, body: bytes) -> Response:
        """Read a whole non-streaming response body; raises :class:`FormatError`."""
        ...

    def parse_message(self, raw: object) -> Message | None:
        """Read one stored conversation entry (as the client sent it); ``None`` for an
        entry that carries no message. Raises :class:`FormatError`."""
        ...

    def render_response(self, response: Response, original: bytes) -> bytes:
        """Write ``response``'s blocks and stop reason into ``original``; ``original``
        itself when they are unchanged."""
        ...

    def error_body(self, status: int, error_type: str, message: str) -> bytes:
        """An error response body the client's SDK reads as the provider's own."""
        ...

    def stream_decoder(self, read_text: bool = True) -> StreamDecoder:
        """A new decoder for one response stream; ``read_text`` false lets a decoder skip
        reading text deltas (its text blocks then read as empty)."""
        ...

    def call_scan(self) -> CallScan:
        """A new scan of one response stream's bytes for its tool calls, for a chain that
        reads nothing else (:mod:`._scan`)."""
        ...


def check_status(status: int) -> None:
    """Fail at once when an error is to be sent with a status that is not an error."""
    if not 400 <= status <= 599:
        raise ValueError(f"an error needs a 4xx or 5xx status, not {status}")
