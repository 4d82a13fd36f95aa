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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sluice.auth.identity import Gate
from sluice.config import AuthConfig
from sluice.config.cloud import BEDROCK_CLIENT_PATH, VERTEX_CLIENT_PATH, BedrockConfig
from sluice.envoy.contract import UNAUTHENTICATED
from sluice.hooks import ExchangeContext, RequestHook
from sluice.model import Format, Request
from sluice.sidecar.bedrock import EVENTSTREAM, BedrockError, BedrockStream, adapt_request
from sluice.sidecar.bedrock_client import EventStreamFramer, from_bedrock_client
from sluice.sidecar.capturing import Capturing
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.failover import fails_over
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
from sluice.sidecar.sse import SSEEvent
from sluice.sidecar.translate import (
    EventTranslator,
    ResponseTranslator,
    Translation,
    translation_for,
)
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
from sluice.sidecar.vertex import VertexError, adapt_vertex_request, from_vertex_client

if TYPE_CHECKING:
    from sluice.sidecar.tracing import ExchangeTrace

__all__ = [
    "MAX_CHUNK",
    "Continue",
    "Exchange",
    "Refuse",
    "RequestVerdict",
    "ResponseHeaderChanges",
]

_PASSTHROUGH = Gate(AuthConfig())  # nobody is authenticated; the client is a fingerprint
_FORBIDDEN_MODEL = "Sluice gateway: this key or team may not use model {model!r}"
_BUDGET_SPENT = (
    "Sluice gateway: {kind} budget exhausted for this client, team or key; it renews at "
    "{renews} UTC. Retry after the time in the retry-after header."
)
# Each client's word for "slow down" (both SDKs raise RateLimitError on any 429).
_RATE_LIMITED = {Format.ANTHROPIC: "rate_limit_error"}


def _drained(source: BedrockStream | EventTranslator, chunk: bytes, end: bool) -> list[SSEEvent]:
    """The events ``source`` makes of ``chunk``, and its last ones at the ``end``."""
    events = source.events(chunk)
    return events + source.close_events() if end else events


def _joined(events: list[SSEEvent]) -> bytes:
    """The bytes of ``events`` (most chunks hold one)."""
    return events[0].raw if len(events) == 1 else b"".join(event.raw for event in events)


class Exchange:
    """The state of one HTTP stream, from request headers to the end of the response."""

    __slots__ = (
        "_adapter",
        "_bounds",
        "_events",
        "_failed",
        "_failovers",
        "_framer",
        "_keepalive_s",
        "_metering",
        "_metrics",
        "_reader",
        "_recorder",
        "_relayed",
        "_translation",
        "_translator",
        "_upstream",
        "account",
        "approved",
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
        "trace",
    )

    def __init__(
        self,
        chains: ChainSet,
        keepalive_s: float = 5.0,
        recorder: Recorder[Capture] | None = None,
        metering: Metering | None = None,
        gate: Gate | None = None,
        bounds: Bounds | None = None,
        trace: ExchangeTrace | None = None,
    ) -> None:
        """``gate``: who may call, and as whom (default: passthrough, nobody checked);
        ``trace``: the exchange's spans, when the request is traced."""
        self.trace = trace
        self._keepalive_s = keepalive_s
        self._bounds = bounds if bounds is not None else Bounds()
        self._recorder = recorder
        self._metering = metering
        self._metrics = chains.metrics
        self.routing = Routing(chains, gate or _PASSTHROUGH)  # set with the request's headers
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
        # Turns a cloud provider's response into the client's format (Bedrock's frames or
        # errors); None when the provider speaks the client's format.
        self._upstream: BedrockStream | BedrockError | VertexError | None = None
        # Frames the client's stream again as Bedrock's, for a client in Bedrock mode.
        self._framer: EventStreamFramer | None = None
        self._failed = False
        # When the provider speaks another format than the client: how to translate, and
        # the translator of the response (from its first chunk).
        self._translation: Translation | None = None
        self._translator: ResponseTranslator | None = None
        self._events: EventTranslator | None = None  # the same, when it gives events
        # The request body as approved (in the client's format), and the providers left
        # to try should the provider answer 429 or 5xx before its response began.
        self.approved: bytes | None = None
        self._failovers: list[str] = []
        self._relayed = False  # the response is a failover's, in the client's format

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
            self._end_trace()
            return
        self.finished = True
        if self.account is not None:  # priced; the budgets charged what it used
            self.account.settle(self.routing.provider)
        if self._metrics is not None and self.account is not None:
            self._metrics.exchange(self._facts(self.account, complete))
        capturing, self.capturing = self.capturing, None
        if capturing is not None:
            capturing.finish(
                complete=complete,
                sanitized=self.chain.sanitizes_records,
                session=self.context.session if self.context is not None else None,
                decisions=self.decisions,
                model=self.request.model if self.request is not None else None,
                cost=self.account.cost if self.account is not None else None,
            )
        self._end_trace()

    def _end_trace(self) -> None:
        """End the exchange's span (once), with what the exchange came to."""
        trace, self.trace = self.trace, None
        if trace is None:
            return
        routing = self.routing
        trace.finish(
            provider=routing.provider,
            # The format the provider speaks (the route's, unless the request was translated).
            backend=routing.target.format if routing.target is not None else routing.format,
            cloud=routing.cloud,
            status=self.status,
            outcome=self.outcome(),
            usage=self.account.meter.usage() if self.account is not None else {},
            chain=self.chain.name,
        )

    async def on_request_headers(
        self,
        routes: RouteTable,
        headers: Mapping[str, str],
        token: Mapping[str, Any] | None = None,
    ) -> Refuse | None:
        """The request's headers (names in lower case; ``:path`` with its query string, and
        only the headers the sidecar reads) and the payload of the token Envoy verified, if
        any: find the route's format, decide who calls, choose the chain. A caller who
        cannot be authenticated is refused here (401), before any upstream byte."""
        self.routing.on_headers(routes, headers, token)
        if self.routing.caller is None:
            await self.routing.identify_again(routes, headers, token)
        if self.routing.caller is None:
            return self._unauthenticated()
        return None

    def _unauthenticated(self) -> Refuse:
        """401 in the client's format, saying nothing of what was wrong; not recorded
        (a stranger's requests must not fill the event log)."""
        fmt = self.routing.format
        if fmt is None:  # a passthrough path: the client's format from its headers
            anthropic = "anthropic-version" in self.routing.headers
            fmt = Format.ANTHROPIC if anthropic else Format.OPENAI_CHAT
        self.refused = True
        self.status = 401
        self.finished = True
        body = adapter_for(fmt).error_body(401, "authentication_error", UNAUTHENTICATED)
        return Refuse(401, body)

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
        caller = routing.caller
        if caller is None:
            return self._unauthenticated()
        if fmt is None:
            return CONTINUE
        relay = routing.failover_to is not None  # recorded and charged as the client's
        if self._recorder is not None and not relay:
            self.capturing = Capturing(
                self._recorder, fmt, routing.route, routing.provider, caller, body
            )
            if self.trace is not None:  # the event-log writer's span joins the trace
                self.capturing.capture.traceparent = self.trace.traceparent()
                self.trace.recorded_as(self.capturing.capture.id)
        account = self.account = None if relay else TokenAccount(fmt, self._metering, caller)
        adapter = self._adapter = adapter_for(fmt)
        try:
            if routing.route == VERTEX_CLIENT_PATH:  # a client in Vertex AI mode
                body = from_vertex_client(routing.path, body)
            elif routing.route == BEDROCK_CLIENT_PATH:  # a client in Bedrock mode
                body = from_bedrock_client(routing.path, body)
            self.request = adapter.parse_request(body)
            if self.trace is not None:
                request = self.request
                self.trace.requested(fmt, routing.route, request.model, request.max_tokens)
        except (FormatError, ValueError) as exc:  # ValueError: a Vertex client's body
            if self._metrics is not None:
                self._metrics.error("invalid_request")
            return self._refuse(adapter.error_body(400, "invalid_request_error", str(exc)))
        model = self.request.model
        if not caller.allows_model(model):
            message = _FORBIDDEN_MODEL.format(model=model or "")
            return self._refuse(adapter.error_body(403, "permission_error", message), 403)
        if account is not None and (renews_s := account.spent()) is not None:
            error_type = _RATE_LIMITED.get(fmt, "rate_limit_exceeded")
            renews = datetime.fromtimestamp(time.time() + renews_s, UTC)
            message = _BUDGET_SPENT.format(
                kind="dollar" if account.dollars_spent else "token",
                renews=renews.strftime("%Y-%m-%d %H:%M"),
            )
            refusal = adapter.error_body(429, error_type, message)
            return self._refuse(refusal, 429, {"retry-after": str(renews_s)})
        if (provider := routing.by_model(model)) and self.capturing is not None:
            self.capturing.routed(provider)
        if routing.target is not None:
            self._translation = translation_for(fmt, routing.target.format)
        if not relay:
            self._failovers = routing.failovers(model)
        self.context = ExchangeContext(
            fmt,
            routing.path,
            self.request,
            client=caller.client,
            user=caller.user,
            team=caller.team,
            session=session_id(routing.headers, self.request, scope=caller.client),
            headers=public_headers(routing.headers),
        )
        chain = routing.chain
        if not chain.reads_request:
            return self._continue(body)
        editor = editor_for(fmt, self.request.body)
        hook = RequestHook(self.context, editor, size=len(body))
        await chain.run(hook, self.decisions, self.trace)
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

    def _continue(self, sent: bytes, *, changed: bool = False) -> RequestVerdict:
        """Let the request go on (``changed``: as ``sent``, not as received); when limits
        are kept, with what Envoy's rate-limit filters read."""
        new_body = sent if changed else None
        if self._failovers:  # kept only while a failover may send it again
            self.approved = sent
        request = self.request
        if self._translation is not None and request is not None:
            return self._translate(self._translation, request)
        who = None
        if self.account is not None and request is not None:
            who = self.account.admit(
                len(sent), request.model, request.max_tokens, provider=self.routing.provider
            )
        cloud = self.routing.cloud
        if cloud is not None:  # the approved body, as the cloud provider takes it
            adapted = (
                adapt_request(cloud, sent)
                if isinstance(cloud, BedrockConfig)
                else adapt_vertex_request(cloud, sent)
            )
            return Continue(adapted.body, who or {}, path=adapted.path)
        if who is not None:
            return Continue(new_body, who)
        return Continue(new_body) if changed else CONTINUE

    def _translate(self, translation: Translation, request: Request) -> RequestVerdict:
        """The request, as checked, in the provider's format; what could not be carried is
        recorded as a decision of the gateway's own."""
        target = self.routing.target
        try:
            out = translation.request(request.body, target.model if target else None)
        except FormatError as exc:  # what the client's own provider would refuse
            assert self._adapter is not None
            return self._refuse(self._adapter.error_body(400, "invalid_request_error", str(exc)))
        if out.dropped:
            reason = f"not carried to {translation.backend}: {', '.join(out.dropped)}"
            self.decisions.append(Decision("sluice.translate", "request", "drop", reason, 0.0))
        body = json.dumps(out.body, ensure_ascii=False).encode()
        if self.capturing is not None:
            self.capturing.translated(translation.backend, body)
        changes = translation.headers(self.routing.headers)
        who: Mapping[str, str] = {}
        if self.account is not None:
            who = (
                self.account.admit(
                    len(body),
                    request.model,
                    request.max_tokens,
                    provider=self.routing.provider,
                    priced_as=target.model if target is not None else None,
                )
                or {}
            )
        return Continue(body, who, changes.set, changes.remove)

    def tokens_used(self) -> int | None:
        """The tokens the budgets charge for this exchange; ``None`` when none are kept."""
        return self.account.tokens_used() if self.account is not None else None

    def _refuse(
        self, body: bytes, status: int = 400, headers: Mapping[str, str] | None = None
    ) -> Refuse:
        self.refused = True
        self.status = status
        if self.capturing is not None:
            self.capturing.refused(status, body)
        self.finish()
        if headers:
            return Refuse(status, body, {"content-type": "application/json", **headers})
        return Refuse(status, body)

    def on_response_headers(
        self, status: int, content_type: str, error_type: str = ""
    ) -> ResponseHeaderChanges:
        """The response begins (``status`` 0 if unknown; ``error_type``: Bedrock's
        ``x-amzn-errortype``): decide whether its body is read or passed through."""
        cloud = self._cloud_response(status, content_type, error_type)
        if cloud:
            status = self.status
            # What the chain reads: Anthropic's SSE, even for a client in Bedrock mode.
            sse_inside = isinstance(self._upstream, BedrockStream)
            content_type = "text/event-stream" if sse_inside else dict(cloud)["content-type"]
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
        if self._translation is not None:
            translator = self._translator = self._translation.response(status, streamed=sse)
            if isinstance(translator, EventTranslator):
                self._events = translator
            self.passthrough = False  # every chunk goes through the translator
        if self.capturing is not None:
            self.capturing.response_started(
                status, content_type, rewritten=read or self._translator is not None
            )
        if not read or adapter is None or context is None:
            if cloud:  # translated, even when nothing reads it
                self.passthrough = False
                return ResponseHeaderChanges(remove=("content-length",), set=cloud)
            return NO_CHANGES if self._translator is None else BODY_MAY_CHANGE
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
            trace=self.trace,
        )
        if cloud:
            return ResponseHeaderChanges(remove=("content-length",), set=cloud)
        return BODY_MAY_CHANGE

    def _cloud_response(
        self, status: int, content_type: str, error_type: str
    ) -> tuple[tuple[str, str], ...]:
        """When a cloud provider answers in its own framing: set up the translation and
        return the headers the client gets instead (else ``()``)."""
        cloud = self.routing.cloud
        if cloud is None or self.request is None or self._relayed:
            return ()
        if not isinstance(cloud, BedrockConfig):  # Vertex AI: Anthropic's SSE, Google's errors
            if status >= 400:
                self._upstream = VertexError(status)
                self.status = status
                return (("content-type", "application/json"),)
            return ()
        bedrock_client = self.routing.route == BEDROCK_CLIENT_PATH
        if status >= 400 and bedrock_client:  # it reads Bedrock's errors itself
            return ()
        if status >= 400:
            error = self._upstream = BedrockError(status, error_type)
            self.status = error.status
            return ((":status", str(error.status)), ("content-type", "application/json"))
        if content_type.startswith(EVENTSTREAM):
            self._upstream = BedrockStream()
            self.status = status
            if bedrock_client:  # read as Anthropic's SSE, framed again for the client
                self._framer = EventStreamFramer()
                return (("content-type", EVENTSTREAM),)
            return (("content-type", "text/event-stream"),)
        return ()

    def next_provider(self, status: int) -> str | None:
        """The provider to send the request to next, now that the provider answered
        ``status`` before anything of its response went to the client (counted, and
        recorded as the exchange's provider); ``None`` when there is none, or ``status``
        is not one to fail over on."""
        if not self._failovers or not fails_over(status) or self.approved is None:
            return None
        routing = self.routing
        failed, provider = routing.provider or "", self._failovers.pop(0)
        routing.provider = routing.routed_to = provider
        if self.capturing is not None:
            self.capturing.routed(provider)
        if self._metrics is not None:
            self._metrics.failover(failed, provider, status)
        return provider

    def failed_over(self, status: int, content_type: str) -> ResponseHeaderChanges:
        """The response now comes from the provider :meth:`next_provider` named, through
        the failover listener and already in the client's format, with ``status`` and
        ``content_type``: read it as this exchange's. The header changes give the client
        that response's head instead of the failed one's."""
        # The second exchange adapted request and response to the provider: nothing here.
        self._relayed = True
        self._upstream = None
        self._translation = None
        self.on_response_headers(status, content_type)  # no cloud framing: no header of its own
        head = ((":status", str(status)), ("content-type", content_type))
        return ResponseHeaderChanges(remove=("content-length",), set=head)

    def on_passthrough_chunk(self, chunk: bytes, end: bool) -> None:
        """A response chunk that goes back to the client as it came (``end``: the last):
        meter it, capture it; at the end, finish the exchange."""
        if self.account is not None:  # usage, time to first token
            self.account.feed(chunk)
        if self.trace is not None:  # the stop reason
            self.trace.feed(chunk)
        if self.capturing is not None:  # for the event log, unparsed
            self.capturing.received(chunk)
        if end:
            self.finish()

    async def on_response_chunk(self, chunk: bytes, end: bool) -> AsyncIterator[bytes]:
        """A response body chunk (``end``: the upstream's last): yield what to send now.

        Each yielded chunk is at most :data:`MAX_CHUNK` bytes; empty chunks are not yielded.
        """
        pieces, rest = self.take_response_chunk(chunk, end)
        for piece in pieces:
            yield piece
        if rest is not None:
            async for piece in rest:
                yield piece

    def take_response_chunk(
        self, chunk: bytes, end: bool
    ) -> tuple[list[bytes], AsyncIterator[bytes] | None]:
        """:meth:`on_response_chunk` in two steps: the pieces to send at once, read without
        a coroutine (most chunks of a stream need no decision), and, when there is more, the
        pieces that follow them: the chain's decisions, the response's end."""
        if self._failed:  # the rest of the upstream is dropped
            if end:
                self.finish()
            return [], None
        upstream, reader = self._upstream, self._reader
        capturing = self.capturing
        translator = self._translator
        events: list[SSEEvent] | None = None
        if isinstance(upstream, BedrockStream) and reader is not None:
            # Bedrock's frames, already split into events: the chain need not parse them again.
            events = _drained(upstream, chunk, end)
            if capturing is not None or self.account is not None or self.trace is not None:
                chunk = _joined(events)
        elif upstream is not None:  # a cloud provider's framing first
            chunk = upstream.feed(chunk) + (upstream.close() if end else b"")
        if capturing is not None:
            capturing.received(chunk)
        if events is None and self._events is not None and reader is not None:
            # The translator's events go to the chain as they are, not parsed again.
            events = _drained(self._events, chunk, end)
            if self.account is not None or self.trace is not None:
                chunk = _joined(events)
        if events is None and translator is not None:  # from here on, the client's format
            chunk = translator.feed(chunk)
            if end:
                chunk += translator.close()
        if self.account is not None:
            self.account.feed(chunk)
        if self.trace is not None:  # the stop reason
            self.trace.feed(chunk)
        if reader is None:
            return self._delivered(chunk, end), None
        try:
            if events is None:
                out = reader.feed_now(chunk, end)
            else:
                out = reader.feed_events_now(events, end)
        except CutShort as cut:
            return self._cut_pieces(cut, end), None
        # (A chunk that went on whole, as it came, leaves nothing to decide: see feed_now.)
        if (end or out is not chunk or not out) and reader.needs_rest(end):
            return self._delivered(out, False), self._delivering(reader.rest(end), end)
        return self._delivered(out, end), None

    def takes_whole(self, chunk: bytes) -> bool:
        """Whether ``chunk``, not the last, was taken to go back to the client whole, as it
        came: a stream in the client's own format that only a tool-call reader reads,
        between calls (the hot path of a chain that reads calls, as :attr:`passthrough` is
        of one that reads nothing). Else nothing was taken: :meth:`take_response_chunk`
        takes it."""
        reader = self._reader
        plain = self._upstream is None and self._translator is None and self._framer is None
        if reader is None or self._failed or not plain or len(chunk) > MAX_CHUNK:
            return False
        if not reader.takes_whole(chunk):
            return False
        self.on_passthrough_chunk(chunk, False)  # metered, traced, captured as received
        if self.capturing is not None:
            self.capturing.delivered(chunk)
        return True

    def _delivered(self, out: bytes, end: bool) -> list[bytes]:
        """The pieces to send for ``out``, the last if ``end`` (the exchange is then over)."""
        if out and self.capturing is not None:
            self.capturing.delivered(out)
        framer = self._framer
        if framer is not None:
            out = framer.feed(out) if out else b""
            if end:
                out += framer.close()
        if end:
            self.finish()
        return split(out)

    async def _delivering(self, responses: AsyncIterator[bytes], end: bool) -> AsyncIterator[bytes]:
        """The pieces to send for what ``responses`` yields, the last if ``end``."""
        try:
            async for out in responses:
                for piece in self._delivered(out, False):
                    yield piece
        except CutShort as cut:
            for piece in self._cut_pieces(cut, end):
                yield piece
            return
        for piece in self._delivered(b"", end):
            yield piece

    def _cut_pieces(self, cut: CutShort, end: bool) -> list[bytes]:
        """The pieces that end the client's response, cut short (see :meth:`_cut_short`)."""
        out = self._cut_short(cut)
        if self.capturing is not None:
            self.capturing.delivered(out)
        if self._framer is not None:  # a client in Bedrock mode reads frames only
            out = self._framer.feed(out) + self._framer.close()
        if end:
            self.finish()
        return split(out)

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
            ending = self._reader.fail(message)
            if self._framer is not None:  # a client in Bedrock mode reads frames only
                return self._framer.feed(ending) + self._framer.close()
            return ending
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
            team=self.routing.caller.team if self.routing.caller is not None else None,
            status=self.status,
            streamed=ttft is not None or meter.is_stream,
            duration=time.perf_counter() - meter.started,
            usage=meter.usage(),
            ttft=ttft,
            complete=complete,
            cost=account.cost,
            priced_as=account.priced.name if account.priced is not None else None,
            unpriced=account.priced is None and account.sent,
        )
