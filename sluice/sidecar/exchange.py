"""One HTTP exchange as the sidecar sees it: the per-stream state machine.

An exchange goes through: the request's headers (what the sidecar reads of them), the whole
request body (BUFFERED), the start of the response (status, content type), its body chunks
(FULL_DUPLEX_STREAMED) and maybe trailers. The gRPC loop (``sluice.sidecar.server``) hands
each to the matching method here as plain bytes and strings, whether Envoy sent it as a
message of its own or attached it to a body message, and turns what comes back into
Envoy's messages; nothing here knows gRPC. This is the one place where the wire formats,
the policy chain and the stream meet.

Pass-through is the default: when the chain reads nothing of the response (or the response
is an error), :attr:`Exchange.passthrough` is true and chunks go back as they came, unparsed,
through :meth:`Exchange.on_passthrough_chunk`.

Each concern has one owner the exchange composes: :class:`~sluice.sidecar.routing.Routing`
(route, provider, caller, chain), :class:`~sluice.sidecar.capturing.Capturing` (the event
log's capture), :class:`~sluice.sidecar.metering.TokenAccount` (usage, budgets), and the
metrics, counted once when the exchange finishes.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Mapping

from sluice.hooks import ExchangeContext, RequestHook
from sluice.model import Format, Request
from sluice.sidecar.capturing import Capturing
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.formats import Adapter, FormatError, adapter_for
from sluice.sidecar.formats.edits import editor_for
from sluice.sidecar.identity import public_headers, session_id
from sluice.sidecar.metering import Metering, TokenAccount
from sluice.sidecar.metrics import ExchangeFacts
from sluice.sidecar.reading import Bounds, CutShort, Framing, ResponseReader, framing_of
from sluice.sidecar.recorder import Recorder
from sluice.sidecar.recording import Capture
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.routing import Routing
from sluice.sidecar.verdicts import (
    BODY_MAY_CHANGE,
    CONTINUE,
    MAX_CHUNK,
    NO_CHANGES,
    Continue,
    Refuse,
    RequestVerdict,
    ResponseHeaderChanges,
    split,
)

__all__ = [
    "MAX_CHUNK",
    "Continue",
    "Exchange",
    "Refuse",
    "RequestVerdict",
    "ResponseHeaderChanges",
]


class Exchange:
    """The state of one HTTP stream, from request headers to the end of the response."""

    __slots__ = (
        "_adapter",
        "_bounds",
        "_failed",
        "_keepalive_s",
        "_metering",
        "_metrics",
        "_reader",
        "_recorder",
        "account",
        "capturing",
        "context",
        "decisions",
        "ended",
        "finished",
        "passthrough",
        "refused",
        "request",
        "response_started",
        "routing",
        "status",
    )

    def __init__(
        self,
        chains: ChainSet,
        keepalive_s: float = 5.0,
        recorder: Recorder[Capture] | None = None,
        metering: Metering | None = None,
        bounds: Bounds | None = None,
    ) -> None:
        self._keepalive_s = keepalive_s
        self._bounds = bounds if bounds is not None else Bounds()
        self._recorder = recorder
        self._metering = metering
        self._metrics = chains.metrics
        self.routing = Routing(chains)  # set with the request's headers
        # The owners an LLM request gets once its body arrived (None until then, and for
        # every other route): the event log's capture (when one is kept), its usage.
        self.capturing: Capturing | None = None
        self.account: TokenAccount | None = None
        self.request: Request | None = None
        self.context: ExchangeContext | None = None
        self.decisions: list[Decision] = []
        self.status = 0
        self.response_started = False
        self.ended = False  # the response's end was sent to Envoy
        self.passthrough = True
        self.refused = False
        self.finished = False  # the exchange is over: recorded and counted
        self._adapter: Adapter | None = None
        self._reader: ResponseReader | None = None  # when the chain reads the response
        self._failed = False

    @property
    def chain(self) -> Chain:
        """The chain that checks this exchange (chosen with the request's headers)."""
        return self.routing.chain

    @chain.setter
    def chain(self, chain: Chain) -> None:
        self.routing.chain = chain

    @property
    def path(self) -> str:
        """The request's path, with its query string."""
        return self.routing.path

    @property
    def format(self) -> Format | None:
        """The route's wire format; ``None`` when it is not an LLM route."""
        return self.routing.format

    def finish(self, *, complete: bool = True) -> None:
        """The exchange is over (or abandoned): hand what was captured to the event log,
        count it in the metrics (both once)."""
        if self.finished:
            return
        self.finished = True
        if self._metrics is not None and self.account is not None:
            self._metrics.exchange(self._facts(self.account, complete))
        capturing, self.capturing = self.capturing, None
        if capturing is not None:
            capturing.finish(
                complete=complete,
                sanitized=self.chain.sanitizes_records,
                session=self.context.session if self.context is not None else None,
                decisions=self.decisions,
            )

    def on_request_headers(self, routes: RouteTable, headers: Mapping[str, str]) -> None:
        """The request's headers (names in lower case; ``:path`` with its query string, and
        only the headers the sidecar reads): find the route's format, choose the chain."""
        self.routing.on_headers(routes, headers)

    async def on_request_body(self, body: bytes) -> RequestVerdict:
        """The whole request body arrived (BUFFERED): read it, refuse it, or let it go.

        A body that cannot be read is refused with a 400 in the client's format naming the
        problem (wrong type, invalid Unicode, nesting too deep), never an internal error."""
        try:
            return await self._read_request(body)
        except RecursionError:  # JSON the parser read, nested too deep for what follows
            if self._adapter is None:
                raise
            if self._metrics is not None:
                self._metrics.error("invalid_request")
            message = "body is not valid JSON: nested too deeply (depth limit)"
            return self._refuse(self._adapter.error_body(400, "invalid_request_error", message))

    async def _read_request(self, body: bytes) -> RequestVerdict:
        routing = self.routing
        fmt = routing.format
        if fmt is None:
            return CONTINUE
        caller = routing.caller
        if self._recorder is not None:
            self.capturing = Capturing(
                self._recorder, fmt, routing.route, routing.provider, caller.client, body
            )
        self.account = TokenAccount(fmt, self._metering)
        adapter = self._adapter = adapter_for(fmt)
        try:
            self.request = adapter.parse_request(body)
        except FormatError as exc:
            if self._metrics is not None:
                self._metrics.error("invalid_request")
            return self._refuse(adapter.error_body(400, "invalid_request_error", str(exc)))
        if (provider := routing.by_model(self.request.model)) and self.capturing is not None:
            self.capturing.routed(provider)
        self.context = ExchangeContext(
            fmt,
            routing.path,
            self.request,
            client=caller.client,
            team=caller.team,
            session=session_id(routing.headers, self.request),
            headers=public_headers(routing.headers),
        )
        chain = routing.chain
        if not chain.reads_request:
            return self._continue(body)
        editor = editor_for(fmt, self.request.body)
        hook = RequestHook(self.context, editor, size=len(body))
        await chain.run(hook, self.decisions)
        if hook.refused is not None:
            return self._refuse(adapter.error_body(400, "invalid_request_error", hook.refused))
        if not editor.changed:
            return self._continue(body)
        new_body = json.dumps(editor.body, ensure_ascii=False).encode()
        if self.capturing is not None:
            self.capturing.request_sent(new_body)
        self.request = adapter.parse_request(new_body)
        self.context.request = self.request
        return self._continue(new_body, changed=True)

    def _continue(self, sent: bytes, *, changed: bool = False) -> Continue:
        """Let the request go on (``changed``: as ``sent``, not as received); when limits
        are kept, with what Envoy's rate-limit filters read."""
        new_body = sent if changed else None
        request, caller = self.request, self.routing.caller
        who = None
        if self.account is not None and request is not None:
            who = self.account.admit(
                len(sent), request.model, request.max_tokens, caller.client, caller.team
            )
        if who is not None:
            return Continue(new_body, who)
        return Continue(new_body) if changed else CONTINUE

    def tokens_used(self) -> int | None:
        """The tokens the budgets charge for this exchange; ``None`` when none are kept."""
        return self.account.tokens_used() if self.account is not None else None

    def _refuse(self, body: bytes) -> Refuse:
        self.refused = True
        self.status = 400
        if self.capturing is not None:
            self.capturing.refused(400, body)
        self.finish()
        return Refuse(400, body)

    def on_response_headers(self, status: int, content_type: str) -> ResponseHeaderChanges:
        """The response begins (``status`` 0 if unknown): decide whether its body is read or
        passed through."""
        self.status = status
        self.response_started = True
        label = framing_of(content_type)
        sse = label is Framing.SSE
        account = self.account
        if sse and account is not None:
            account.meter.streamed()
        allowance = account.allowance if account is not None and sse else None
        chain = self.chain
        # A budget may end a stream early: it is read then, even with no policy on it.
        read = status == 200 and (chain.reads_response or allowance is not None)
        adapter, context = self._adapter, self.context
        read = read and adapter is not None and context is not None
        if self.capturing is not None:
            self.capturing.response_started(status, content_type, rewritten=read)
        if not read or adapter is None or context is None:
            return NO_CHANGES
        self.passthrough = False
        self._reader = ResponseReader(
            chain,
            adapter,
            context,
            self.decisions,
            label=label,
            keepalive_s=self._keepalive_s,
            bounds=self._bounds,
            allowance=allowance,
        )
        return BODY_MAY_CHANGE

    def on_passthrough_chunk(self, chunk: bytes, end: bool) -> None:
        """A response chunk that goes back to the client as it came (``end``: the last):
        meter it, capture it; at the end, finish the exchange."""
        if self.account is not None:  # usage, time to first token
            self.account.feed(chunk)
        if self.capturing is not None:  # for the event log, unparsed
            self.capturing.received(chunk)
        if end:
            self.finish()

    async def on_response_chunk(self, chunk: bytes, end: bool) -> AsyncIterator[bytes]:
        """A response body chunk (``end``: the upstream's last): yield what to send now.

        Each yielded chunk is at most :data:`MAX_CHUNK` bytes; empty chunks are not yielded.
        """
        if self._failed:  # the rest of the upstream is dropped
            if end:
                self.finish()
            return
        if self.account is not None:
            self.account.feed(chunk)
        capturing = self.capturing
        if capturing is not None:
            capturing.received(chunk)
        try:
            async for out in self._respond(chunk, end):
                if capturing is not None:
                    capturing.delivered(out)
                for piece in split(out):
                    yield piece
        except CutShort as cut:
            out = self._cut_short(cut)
            if capturing is not None:
                capturing.delivered(out)
            for piece in split(out):
                yield piece
        if end:
            self.finish()

    async def _respond(self, chunk: bytes, end: bool) -> AsyncIterator[bytes]:
        if self._reader is not None:
            async for out in self._reader.feed(chunk, end):
                yield out
        elif chunk:
            yield chunk

    def _cut_short(self, cut: CutShort) -> bytes:
        """The response cannot be read on (unreadable, or over a bound): record why, count
        it, and end the client's response with an error; the rest of the upstream is
        dropped."""
        self._failed = True
        self.decisions.append(Decision("sluice", "response", "error", cut.message, 0.0))
        if self._metrics is not None:
            if cut.limit is not None:
                self._metrics.limit_exceeded(cut.limit)
            else:
                self._metrics.error("unreadable_response")
        assert self._reader is not None  # only a reader cuts a response short
        return self._reader.fail(f"Sluice gateway: {cut.message}")

    def fail(self, message: str) -> bytes:
        """After an internal error: the bytes that end the client's response cleanly (an
        error event, or an error body). The rest of the upstream response is dropped."""
        self._failed = True
        if self._metrics is not None:
            self._metrics.error("internal")
        if self._reader is not None:
            return self._reader.fail(message)
        if self._adapter is not None:
            return self._adapter.error_body(502, "api_error", message)
        return b""

    def outcome(self) -> str:
        """What happened, in one word: ``refused``, ``blocked``, ``modified``, ``error``
        or ``ok`` (as the event log's outcome)."""
        actions = {d.action for d in self.decisions}
        if self.refused:
            return "refused"
        if "block" in actions:
            return "blocked"
        if "rewrite" in actions:
            return "modified"
        if self._failed or "error" in actions or self.status >= 400 or not self.finished:
            return "error"
        return "ok"

    def _facts(self, account: TokenAccount, complete: bool) -> ExchangeFacts:
        """This exchange as the metrics count it."""
        meter = account.meter
        ttft = None if meter.first_token is None else meter.first_token - meter.started
        return ExchangeFacts(
            provider=self.routing.provider,
            model=self.request.model if self.request is not None else None,
            route=self.routing.route,
            team=self.routing.caller.team,
            status=self.status,
            streamed=ttft is not None or meter.is_stream,
            duration=time.perf_counter() - meter.started,
            usage=meter.usage(),
            ttft=ttft,
            complete=complete,
        )
