"""A response stream read only for its tool calls, for a chain that reads nothing else.

The general reader (:class:`~sluice.sidecar.enforce.StreamEnforcer`) parses a stream into
events and parts so that any policy may read, hold or rewrite any block. A chain whose only
response hook is ``tool_call`` (``tool_rules`` alone, the usual setup) needs far less, and
most of a response is text it never reads. :class:`CallReader` serves such a chain: it scans
the bytes (the format's :class:`~sluice.sidecar.formats._scan.CallScan`), passes what comes
before the first tool call as it comes, holds each tool call whole, judges it once, and
sends the calls the chain allowed, unchanged: what the general reader sends, byte for byte
and at the same moments. In Anthropic's stream the calls allowed wait for the response's
end (Anthropic wants ``tool_use`` last, so that a refusal can still go before the calls);
in OpenAI's they go once judged.

Whatever it does not expect, it hands over to the general reader: a call the chain blocks
or rewrites, a hook that must wait, an event it does not read (another spelling, an error,
a block after the calls, line ends other than LF), a stream longer than it keeps
(:data:`KEEP`). The general reader is then given the whole stream so far, with the calls
judged already (:class:`~sluice.sidecar.enforce.Judged`), so that no call is judged twice;
what it would send again, the client has: it is compared with what was sent (a difference
is an error, never a second copy) and dropped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING

from sluice.hooks import ExchangeContext
from sluice.model import ToolCall
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.enforce import KEEPALIVE, Judged, StreamEnforcer, judged_now
from sluice.sidecar.formats import Adapter
from sluice.sidecar.formats._scan import CallScan, Scanned

if TYPE_CHECKING:
    from sluice.sidecar.tracing import ExchangeTrace

__all__ = ["KEEP", "CallReader"]

log = logging.getLogger(__name__)

# The most of a stream kept for a hand-over: a longer stream is handed over there, once.
KEEP = 256 * 1024


class CallReader:
    """The chain, which reads only tool calls, applied to one stream in ``adapter``'s format
    (read by its scan); the same interface as
    :class:`~sluice.sidecar.enforce.StreamEnforcer` as the reading uses it. ``general``
    makes the general reader to hand over to, given the calls judged."""

    __slots__ = (
        "_adapter",
        "_bound",
        "_chain",
        "_context",
        "_decisions",
        "_general",
        "_held",
        "_judged",
        "_keepalive_s",
        "_make_general",
        "_max_event",
        "_received",
        "_rest",
        "_scan",
        "_sent",
        "_sent_at",
        "_size",
        "_skip",
        "_trace",
    )

    def __init__(
        self,
        chain: Chain,
        context: ExchangeContext,
        decisions: list[Decision],
        general: Callable[[Sequence[Judged]], StreamEnforcer],
        adapter: Adapter,
        *,
        keepalive_s: float,
        max_event: int,
        trace: ExchangeTrace | None = None,
    ) -> None:
        self._chain = chain
        self._adapter = adapter
        self._context = context
        self._decisions = decisions
        self._make_general = general
        self._keepalive_s = keepalive_s
        self._max_event = max_event
        self._bound = min(KEEP, max_event)  # a stream kept whole within it has no event over
        self._trace = trace
        self._scan: CallScan = adapter.call_scan()
        self._rest = b""  # the bytes after the last whole event or call: the next start
        self._held: list[bytes] = []  # the allowed calls' events kept for the response's end
        self._judged: list[Judged] = []
        self._received: list[bytes] = []  # the stream so far, for a hand-over
        self._size = 0  # its length
        self._sent: list[bytes] = []  # what went to the client (keepalives aside)
        self._skip = bytearray()  # after a hand-over: what the general reader sends again
        self._sent_at = time.monotonic()  # when the client last received something
        self._general: StreamEnforcer | None = None  # the general reader, once handed over

    def feed_now(self, chunk: bytes) -> bytes:
        """What to send for ``chunk`` (as :meth:`StreamEnforcer.feed_now`)."""
        if self._general is not None:
            return self._from_general(self._general.feed_now(chunk))
        self._received.append(chunk)
        self._size += len(chunk)
        buf = self._rest + chunk if self._rest else chunk
        if self._size > self._bound and (self._size > KEEP or len(buf) > self._max_event):
            return self._hand_over()
        scan = self._scan
        at = scan.passing(buf)  # the events at its start that go on as they came
        if at == len(buf) and buf is chunk:  # all of it: text as it streams (see takes_whole,
            return self._send(chunk)  # which the server asks first; here the scan goes on)
        if scan.waits(buf, at):  # then only an event's start, as a chunk cut anywhere ends
            self._rest = buf[at:]
            return self._send(buf[:at]) if at else self._idle()
        out: list[bytes] = []
        passed = 0  # where the events that pass, up to ``at``, begin
        while at < len(buf):
            step = scan.step(buf, at)  # most chunks: one step, a run of text that passes
            kind = step.kind
            if kind is Scanned.PASS:
                at = step.end
                continue
            if kind is Scanned.MORE:
                break
            if passed < at:
                out.append(buf[passed:at])
            if kind is Scanned.CALL:
                if step.call is None or not self._allowed(step.call):
                    return self._hand_over()
                (self._held if scan.calls_last else out).append(buf[at : step.end])
            elif kind is Scanned.END:
                out += self._held
                self._held = []
                out.append(buf[at : step.end])
            else:
                return self._hand_over()
            at = passed = step.end
        if passed < at:
            out.append(buf[passed:at])
        self._rest = buf[at:]
        if not out:
            return self._idle()
        return self._send(out[0] if len(out) == 1 else b"".join(out))

    def takes_whole(self, chunk: bytes) -> bool:
        """Take ``chunk`` if all of it goes on as it came, as most chunks of a stream do
        (text between tool calls), and say so: then it is sent. Else take nothing, for
        :meth:`feed_now` to read (scanning it again: a regular expression's run)."""
        if self._general is not None or self._rest:
            return False
        size = self._size + len(chunk)
        if size > self._bound and (size > KEEP or len(chunk) > self._max_event):
            return False  # (feed_now hands the stream over)
        if self._scan.passing(chunk) != len(chunk):
            return False
        self._received.append(chunk)
        self._size = size
        self._send(chunk)
        return True

    def _send(self, out: bytes) -> bytes:
        """``out``, sent now."""
        self._sent.append(out)
        self._sent_at = time.monotonic()
        return out

    def _idle(self) -> bytes:
        """Nothing to send: a keepalive while a call waits for its rest and the client has
        had nothing for a while, else nothing."""
        now = time.monotonic()
        if now - self._sent_at >= self._keepalive_s and self._scan.pending:
            self._sent_at = now
            return KEEPALIVE
        return b""

    def _allowed(self, call: ToolCall) -> bool:
        """Judge ``call`` now: whether the chain let it through, unchanged, without
        waiting (else the general reader takes the stream over from its start)."""
        judged = judged_now(self._chain, self._context, call, self._decisions, self._trace)
        self._judged.append(judged)
        hook = judged.hook
        return judged.work is None and hook.blocked is None and hook.call == call

    def _hand_over(self) -> bytes:
        """Give the stream so far to the general reader, with the calls judged: what it
        sends for it that was not sent yet."""
        general = self._general = self._make_general(self._judged)
        received = b"".join(self._received)
        self._skip = bytearray().join(self._sent)
        self._received, self._sent, self._judged, self._held, self._rest = [], [], [], [], b""
        return self._from_general(general.feed_now(received))

    def _from_general(self, out: bytes) -> bytes:
        """``out``, which the general reader sends, without what the client has already
        (the gateway's own keepalive aside: an upstream's comment spelt alike is not it)."""
        sent = self._skip
        if not sent or not out or out is KEEPALIVE:
            return out
        size = min(len(sent), len(out))
        if out[:size] != sent[:size]:
            log.error("a stream handed over reads otherwise than before: it is ended")
            raise ValueError("the stream handed over reads otherwise than before")
        del sent[:size]
        return out[size:]

    @property
    def waiting(self) -> bool:
        """See :attr:`StreamEnforcer.waiting`."""
        return self._general is not None and self._general.waiting

    @property
    def cut(self) -> bool:
        """See :attr:`StreamEnforcer.cut`."""
        return self._general is not None and self._general.cut

    async def decide(self) -> AsyncIterator[bytes]:
        """See :meth:`StreamEnforcer.decide` (only the general reader decides later)."""
        if self._general is not None:
            async for out in self._general.decide():
                if out := self._from_general(out):
                    yield out

    def close_now(self) -> bytes | None:
        """See :meth:`StreamEnforcer.close_now`: nothing, unless the upstream ended inside
        an event or before the response's end with calls held (the general reader then
        decides what the client gets: :meth:`close`)."""
        if self._general is not None:
            out = self._general.close_now()
            return None if out is None else self._from_general(out)
        return None if self._rest or self._held else b""

    async def close(self) -> AsyncIterator[bytes]:
        """See :meth:`StreamEnforcer.close`."""
        if self._general is None:
            if (out := self.close_now()) is not None:
                if out:
                    yield out
                return
            if out := self._hand_over():
                yield out
        assert self._general is not None
        async for out in self._general.close():
            if out := self._from_general(out):
                yield out

    def fail(self, message: str) -> bytes:
        """See :meth:`StreamEnforcer.fail`."""
        if self._general is not None:
            return self._general.fail(message)
        return self._adapter.stream_decoder().render_error(502, message)
