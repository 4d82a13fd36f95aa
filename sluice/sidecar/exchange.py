"""One HTTP exchange as the sidecar sees it: the per-stream state machine.

An exchange goes through: the request's headers (what the sidecar reads of them), the whole
request body (BUFFERED), the start of the response (status, content type), its body chunks
(FULL_DUPLEX_STREAMED) and maybe trailers. The gRPC loop (``sluice.sidecar.server``) hands
each to the matching method here as plain bytes and strings, whether Envoy sent it as a
message of its own or attached it to a body message, and turns what comes back into
Envoy's messages; nothing here knows gRPC. This is the one place where the wire formats,
the policy chain and the stream meet.

Pass-through is the default: when the chain reads nothing of the response (or the response
is an error), :attr:`Exchange.passthrough` is true and chunks go back as they came, unparsed.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sluice.envoy.contract import CLIENT_KEY, MODEL_KEY
from sluice.hooks import ExchangeContext, RequestHook
from sluice.model import Format, Request
from sluice.sidecar.chain import Decision
from sluice.sidecar.chains import ChainSet, Selection
from sluice.sidecar.enforce import BodyEnforcer, StreamEnforcer
from sluice.sidecar.formats import Adapter, FormatError, adapter_for
from sluice.sidecar.formats.edits import editor_for
from sluice.sidecar.identity import fingerprint, public_headers, session_id
from sluice.sidecar.metering import BYTES_PER_TOKEN, Metering, charged_tokens
from sluice.sidecar.metrics import ExchangeFacts, SidecarMetrics
from sluice.sidecar.recorder import Recorder
from sluice.sidecar.recording import Capture
from sluice.sidecar.recording import decision as record_decision
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.usage import ResponseMeter

__all__ = [
    "MAX_CHUNK",
    "Continue",
    "Exchange",
    "Refuse",
    "RequestVerdict",
    "ResponseHeaderChanges",
]

# Envoy takes streamed body chunks of at most 64 KiB.
MAX_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Continue:
    """Let the request go on, with ``body`` replacing the original when not ``None``."""

    body: bytes | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)  # for the rate-limit filters


@dataclass(frozen=True, slots=True)
class Refuse:
    """Answer the client now, without calling the provider."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=lambda: {"content-type": "application/json"})


RequestVerdict = Continue | Refuse

CONTINUE = Continue()


@dataclass(frozen=True, slots=True)
class ResponseHeaderChanges:
    """Header edits for the response; ``remove`` names headers to drop."""

    remove: tuple[str, ...] = ()


NO_CHANGES = ResponseHeaderChanges()
# A body the sidecar may rewrite must not keep the provider's length.
_BODY_MAY_CHANGE = ResponseHeaderChanges(remove=("content-length",))


class Exchange:
    """The state of one HTTP stream, from request headers to the end of the response."""

    __slots__ = (
        "_adapter",
        "_allowance",
        "_body",
        "_chains",
        "_clock",
        "_failed",
        "_keepalive_s",
        "_metering",
        "_metrics",
        "_provider",
        "_recorder",
        "_sent_bytes",
        "_stream",
        "_who",
        "capture",
        "chain",
        "context",
        "decisions",
        "ended",
        "finished",
        "format",
        "headers",
        "meter",
        "passthrough",
        "path",
        "refused",
        "request",
        "response_started",
        "routed_to",
        "routes",
        "status",
    )

    def __init__(
        self,
        chains: ChainSet,
        keepalive_s: float = 5.0,
        recorder: Recorder[Capture] | None = None,
        metering: Metering | None = None,
    ) -> None:
        self._chains = chains  # fixed for the exchange: a reload applies to the next request
        self._keepalive_s = keepalive_s
        self._recorder = recorder
        self.capture: Capture | None = None  # what the event log gets, when one is kept
        self._clock = 0.0
        self._provider: str | None = None
        self._who = Selection(path="")  # who asks for what: set with the request's headers
        self.chain = chains.default
        self.headers: Mapping[str, str] = {}
        self.format: Format | None = None  # None: not an LLM route (passthrough)
        self.path = ""
        self.routes: RouteTable | None = None
        self.routed_to: str | None = None  # the provider a model rule picked
        self.request: Request | None = None
        self.context: ExchangeContext | None = None
        self.status = 0
        self.response_started = False
        self.ended = False  # the response's end was sent to Envoy
        self.passthrough = True
        self.decisions: list[Decision] = []
        self._adapter: Adapter | None = None
        self._stream: StreamEnforcer | None = None
        self._body: BodyEnforcer | None = None
        self._failed = False
        self._metering = metering
        self._metrics = chains.metrics
        # Usage and time to first token, read from the response's bytes (LLM routes only).
        self.meter: ResponseMeter | None = None
        self.refused = False
        self.finished = False  # counted in the metrics: the exchange is over
        self._sent_bytes: int | None = None  # the request's size, when budgets are kept
        self._allowance: int | None = None  # output tokens a budget leaves this stream

    def _start_capture(self, fmt: Format, body: bytes) -> None:
        self._clock = time.perf_counter()
        self.capture = Capture(
            id=uuid.uuid4().hex,
            started_at=datetime.now(UTC),
            format=fmt,
            route=self._who.path,
            provider=self._provider,
            request_body=body,
            client=self._who.client,
        )

    def finish_capture(self, *, complete: bool = True) -> None:
        """The exchange is over (or abandoned): hand what was captured to the event log,
        count it in the metrics (both once)."""
        if not self.finished:
            self.finished = True
            if self._metrics is not None and self.meter is not None:
                self._count(self._metrics, self.meter, complete)
        capture, self.capture = self.capture, None
        if capture is None or self._recorder is None:
            return
        capture.complete = complete
        capture.sanitized = self.chain.sanitizes_records
        capture.duration = time.perf_counter() - self._clock
        capture.session_id = self.context.session if self.context is not None else None
        capture.decisions = [
            record_decision(d.policy, d.hook, d.action, d.reason, d.seconds) for d in self.decisions
        ]
        self._recorder.record(capture)

    def on_request_headers(self, routes: RouteTable, headers: Mapping[str, str]) -> None:
        """The request's headers (names in lower case; ``:path`` with its query string, and
        only the headers the sidecar reads): find the route's format, choose the chain."""
        self.headers = headers
        self.path = headers.get(":path", "")
        self.format = routes.format_for(self.path)
        if self.format is None:
            return
        self.routes = routes
        self._provider = routes.provider_for(self.path)
        chains = self._chains
        self._who = Selection(
            path=self.path.partition("?")[0],
            client=fingerprint(headers),
            team=headers.get(chains.team_header) if chains.team_header else None,
            requested=headers.get(chains.chain_header) if chains.chain_header else None,
        )
        self.chain = chains.select(self._who)

    async def on_request_body(self, body: bytes) -> RequestVerdict:
        """The whole request body arrived (BUFFERED): read it, refuse it, or let it go."""
        if self.format is None:
            return CONTINUE
        if self._recorder is not None:
            self._start_capture(self.format, body)
        self.meter = ResponseMeter(self.format, time.perf_counter())
        adapter = self._adapter = adapter_for(self.format)
        try:
            self.request = adapter.parse_request(body)
        except FormatError as exc:
            if self._metrics is not None:
                self._metrics.error("invalid_request")
            return self._refuse(adapter.error_body(400, "invalid_request_error", str(exc)))
        self._route_by_model(self.request.model)
        self.context = ExchangeContext(
            self.format,
            self.path,
            self.request,
            client=self._who.client,
            team=self._who.team,
            session=session_id(self.headers, self.request),
            headers=public_headers(self.headers),
        )
        if not self.chain.reads_request:
            return self._continue(body)
        editor = editor_for(self.format, self.request.body)
        hook = RequestHook(self.context, editor, size=len(body))
        await self.chain.run(hook, self.decisions)
        if hook.refused is not None:
            return self._refuse(adapter.error_body(400, "invalid_request_error", hook.refused))
        if not editor.changed:
            return self._continue(body)
        new_body = json.dumps(editor.body, ensure_ascii=False).encode()
        if self.capture is not None:
            self.capture.request_sent = new_body
        self.request = adapter.parse_request(new_body)
        self.context.request = self.request
        return self._continue(body, new_body)

    def _continue(self, received: bytes, new_body: bytes | None = None) -> Continue:
        """Let the request go on; when limits are kept, with what Envoy's rate-limit filters
        read (the key's fingerprint, the model) and what the budgets will need."""
        metering = self._metering
        if metering is None:
            return Continue(new_body) if new_body is not None else CONTINUE
        sent = new_body if new_body is not None else received
        budgets = metering.budgets
        if budgets is not None:
            self._sent_bytes = len(sent)
            left = budgets.remaining(self._who.client, self._who.team)
            input_tokens = len(sent) // BYTES_PER_TOKEN
            most = self.request.max_tokens if self.request is not None else None
            # Cut the stream only when it could cross the budget: else it is not parsed.
            could_cross = left is not None and (most is None or input_tokens + most > left)
            if metering.cut_streams and left is not None and could_cross:
                self._allowance = max(0, left - input_tokens)
        if not metering.describe:
            return Continue(new_body)
        model = self.request.model if self.request is not None else None
        who = {CLIENT_KEY: self._who.client or "anonymous", MODEL_KEY: model or ""}
        return Continue(new_body, who)

    def tokens_used(self) -> int | None:
        """The tokens the budgets charge for this exchange; ``None`` when none are kept."""
        if self._sent_bytes is None:
            return None
        usage = self.meter.usage() if self.meter is not None else {}
        return charged_tokens(usage, self._sent_bytes)

    def _route_by_model(self, model: str | None) -> None:
        """A model rule may send this request to another provider (Envoy re-picks the route
        from a header the server sets; see ``sluice.envoy.contract.PROVIDER_HEADER``)."""
        if self.routes is None:
            return
        self.routed_to = self.routes.provider_for_model(self.path, model)
        if self.routed_to is not None:
            self._provider = self.routed_to
            if self.capture is not None:
                self.capture.provider = self.routed_to

    def _refuse(self, body: bytes) -> Refuse:
        self.refused = True
        self.status = 400
        if self.capture is not None:
            self.capture.refused = True
            self.capture.status = 400
            self.capture.content_type = "application/json"
            self.capture.response_chunks.append(body)
        self.finish_capture()
        return Refuse(400, body)

    def on_response_headers(self, status: int, content_type: str) -> ResponseHeaderChanges:
        """The response begins (``status`` 0 if unknown): decide whether its body is read or
        passed through."""
        self.status = status
        self.response_started = True
        if self.capture is not None:
            self.capture.status = status
            self.capture.content_type = content_type
            self.capture.ttft = time.perf_counter() - self._clock
        sse = content_type.startswith("text/event-stream")
        if sse and self.meter is not None:
            self.meter.streamed()
        cut = self._allowance is not None and sse  # a budget may end this stream early
        if (
            status != 200
            or self.context is None
            or self._adapter is None
            or not (self.chain.reads_response or cut)
        ):
            return NO_CHANGES
        self.passthrough = False
        if self.capture is not None:
            self.capture.delivered_chunks = []
        if sse:
            self._stream = StreamEnforcer(
                self.chain,
                # Text deltas nobody reads need not be parsed (the costliest part of a stream).
                self._adapter.stream_decoder(
                    read_text=self.chain.reads_text or self.chain.observes_response or cut
                ),
                self.context,
                self.decisions,
                self._keepalive_s,
                output_limit=self._allowance,
            )
        else:
            self._body = BodyEnforcer(self.chain, self._adapter, self.context, self.decisions)
        return _BODY_MAY_CHANGE

    async def on_response_chunk(self, chunk: bytes, end: bool) -> AsyncIterator[bytes]:
        """A response body chunk (``end``: the upstream's last): yield what to send now.

        Each yielded chunk is at most :data:`MAX_CHUNK` bytes; empty chunks are not yielded.
        """
        if self._failed:
            return
        if self.meter is not None:
            self.meter.feed(chunk, time.perf_counter())
        capture = self.capture
        if capture is not None:
            capture.response_chunks.append(chunk)
        delivered = capture.delivered_chunks if capture is not None else None
        async for out in self._respond(chunk, end):
            if delivered is not None:
                delivered.append(out)
            for piece in _split(out):
                yield piece
        if end:
            self.finish_capture()

    async def _respond(self, chunk: bytes, end: bool) -> AsyncIterator[bytes]:
        if self._stream is not None:
            async for out in self._stream.feed(chunk):
                yield out
            if end:
                async for out in self._stream.close():
                    yield out
        elif self._body is not None:
            self._body.feed(chunk)
            if end:
                yield await self._body.close()
        elif chunk:
            yield chunk

    def fail(self, message: str) -> bytes:
        """After an internal error: the bytes that end the client's response cleanly (an
        error event, or an error body). The rest of the upstream response is dropped."""
        self._failed = True
        if self._metrics is not None:
            self._metrics.error("internal")
        if self._stream is not None:
            return self._stream.fail(message)
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

    def _count(self, metrics: SidecarMetrics, meter: ResponseMeter, complete: bool) -> None:
        ttft = None if meter.first_token is None else meter.first_token - meter.started
        metrics.exchange(
            ExchangeFacts(
                provider=self._provider,
                model=self.request.model if self.request is not None else None,
                route=self._who.path,
                team=self._who.team,
                status=self.status,
                streamed=ttft is not None or meter.is_stream,
                duration=time.perf_counter() - meter.started,
                usage=meter.usage(),
                ttft=ttft,
                complete=complete,
            )
        )


def _split(data: bytes) -> list[bytes]:
    if len(data) <= MAX_CHUNK:
        return [data] if data else []
    return [data[i : i + MAX_CHUNK] for i in range(0, len(data), MAX_CHUNK)]
