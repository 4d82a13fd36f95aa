"""The ext_proc gRPC server: one bidirectional stream per HTTP request, driven in order.

This module is the only one that knows Envoy's messages. It reads each ``ProcessingRequest``,
hands its bytes to the stream's :class:`~sluice.sidecar.exchange.Exchange`, and writes
exactly one reply per headers/trailers/buffered-body message, in order (Envoy's rule), and
streamed chunks for the response body. Replies that never vary are built once; a response
chunk nobody reads goes back in one small message, unparsed.

The rendered bootstrap sends no header messages (see ``sluice.envoy.contract``): the request
body message carries the path and the headers the sidecar reads, the first response chunk
the status and content type. Header messages are still answered, should a deployment's own
bootstrap send them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import aiohttp
import grpc
from envoy.config.core.v3.base_pb2 import HeaderValue, HeaderValueOption
from envoy.service.ext_proc.v3 import external_processor_pb2 as pb
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc as pb_grpc
from envoy.type.v3.http_status_pb2 import HttpStatus
from google.protobuf.duration_pb2 import Duration
from google.protobuf.json_format import MessageToDict

from sluice.auth.identity import Gate
from sluice.envoy.contract import (
    ATTRIBUTES_KEY,
    CONTENT_TYPE,
    COST_KEY,
    HEADERS_NAMESPACE,
    JWT_NAMESPACE,
    JWT_PAYLOAD_KEY,
    MAX_MESSAGE_TIMEOUT_S,
    METADATA_NAMESPACE,
    MODEL_KEY,
    OUTCOME_KEY,
    PATH_ATTRIBUTE,
    PROVIDER_HEADER,
    SIDECAR_REPLY_DETAILS,
    STATUS_ATTRIBUTE,
    TOKENS_KEY,
)
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.exchange import Continue, Exchange, Refuse, ResponseHeaderChanges
from sluice.sidecar.failover import Relay, relayed_headers
from sluice.sidecar.metering import Metering
from sluice.sidecar.reading import Bounds
from sluice.sidecar.recorder import Recorder
from sluice.sidecar.recording import Capture
from sluice.sidecar.routes import RouteTable

if TYPE_CHECKING:
    from sluice.sidecar.tracing import Tracing

__all__ = ["MAX_MESSAGE_BYTES", "ExtProcServer", "serve"]

log = logging.getLogger(__name__)

# Envoy sends bodies of several MiB in one message; gRPC's default cap is 4 MiB.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

_ProcessingResponse = pb.ProcessingResponse
_BodyResponse = pb.BodyResponse
_CommonResponse = pb.CommonResponse
_BodyMutation = pb.BodyMutation
_StreamedBody = pb.StreamedBodyResponse

_CONTINUE_REQUEST_HEADERS = _ProcessingResponse(request_headers=pb.HeadersResponse())
_CONTINUE_REQUEST_BODY = _ProcessingResponse(request_body=_BodyResponse())
_CONTINUE_RESPONSE_HEADERS = _ProcessingResponse(response_headers=pb.HeadersResponse())
_CONTINUE_RESPONSE_TRAILERS = _ProcessingResponse(response_trailers=pb.TrailersResponse())
_INTERNAL_ERROR = "Sluice gateway: internal error while checking this exchange"
# Beyond the request hooks' own timeouts: reading the body, writing the reply.
_DEADLINE_MARGIN_S = 2.0
# While a failover waits for the next provider's response head, Envoy waits for the reply
# to the failed response's headers: as long as it may.
_FAILOVER_DEADLINE = _ProcessingResponse(
    override_message_timeout=Duration(seconds=MAX_MESSAGE_TIMEOUT_S)
)
_FAILOVER_WAIT_S = MAX_MESSAGE_TIMEOUT_S - _DEADLINE_MARGIN_S


def _deadline_for(exchange: Exchange, message_timeout_s: float) -> pb.ProcessingResponse | None:
    """The message extending Envoy's deadline for the request body to what the exchange's
    request hooks may take (each its policy's ``timeout_s``), so that a slow hook is decided
    by its policy's ``on_error``, not by Envoy's message timeout; ``None`` when Envoy's own
    deadline is long enough."""
    chain = exchange.chain
    if exchange.format is None or not chain.reads_request:
        return None
    needed = min(chain.request_seconds + _DEADLINE_MARGIN_S, MAX_MESSAGE_TIMEOUT_S)
    if needed <= message_timeout_s:
        return None
    whole = int(needed)
    timeout = Duration(seconds=whole, nanos=int((needed - whole) * 1e9))
    return _ProcessingResponse(override_message_timeout=timeout)


def _streamed(chunk: bytes, end_of_stream: bool) -> pb.ProcessingResponse:
    return _ProcessingResponse(
        response_body=_BodyResponse(
            response=_CommonResponse(
                body_mutation=_BodyMutation(
                    streamed_response=_StreamedBody(body=chunk, end_of_stream=end_of_stream)
                )
            )
        )
    )


def _charged(reply: pb.ProcessingResponse, exchange: Exchange) -> pb.ProcessingResponse:
    """``reply`` (the exchange's last) carrying what the exchange used in the ``sluice``
    dynamic metadata: ``tokens`` for the budgets' rate-limit filter (it charges them when the
    stream is done, after this reply), and for the access log ``model``, ``input_tokens``,
    ``output_tokens`` (as reported by the provider), ``cost_usd`` (when priced) and
    ``outcome``."""
    account = exchange.account
    if account is None:
        return reply  # not an LLM exchange
    fields = reply.dynamic_metadata.fields[METADATA_NAMESPACE].struct_value.fields
    if (tokens := account.tokens_used()) is not None:
        fields[TOKENS_KEY].number_value = tokens
    if exchange.request is not None and exchange.request.model:
        fields[MODEL_KEY].string_value = exchange.request.model
    usage = account.meter.usage()
    for kind in ("input", "output"):
        if kind in usage:
            fields[f"{kind}_tokens"].number_value = usage[kind]
    if account.cost is not None:
        fields[COST_KEY].number_value = account.cost
    fields[OUTCOME_KEY].string_value = exchange.outcome()
    return reply


def _headers(headers: pb.HttpHeaders) -> dict[str, str]:
    return {
        h.key: h.raw_value.decode(errors="replace") if h.raw_value else h.value
        for h in headers.headers.headers
    }


def _request_start(message: pb.ProcessingRequest) -> dict[str, str]:
    """The request path and headers Envoy attached to the request body message."""
    headers = _metadata_headers(message)
    attributes = message.attributes.get(ATTRIBUTES_KEY)
    if attributes is not None and PATH_ATTRIBUTE in attributes.fields:
        headers[":path"] = attributes.fields[PATH_ATTRIBUTE].string_value
    return headers


def _token(message: pb.ProcessingRequest) -> dict[str, Any] | None:
    """The payload of the token Envoy's ``jwt_authn`` verified (``None``: none was)."""
    namespace = message.metadata_context.filter_metadata.get(JWT_NAMESPACE)
    if namespace is None or JWT_PAYLOAD_KEY not in namespace.fields:
        return None
    payload: dict[str, Any] = MessageToDict(namespace.fields[JWT_PAYLOAD_KEY].struct_value)
    return payload


def _response_start(message: pb.ProcessingRequest) -> tuple[int, str]:
    """The response status and content type Envoy attached to its first body chunk."""
    attributes = message.attributes.get(ATTRIBUTES_KEY)
    status = 0
    if attributes is not None and STATUS_ATTRIBUTE in attributes.fields:
        status = int(attributes.fields[STATUS_ATTRIBUTE].number_value)
    return status, _metadata_headers(message).get(CONTENT_TYPE, "")


def _metadata_headers(message: pb.ProcessingRequest) -> dict[str, str]:
    namespace = message.metadata_context.filter_metadata.get(HEADERS_NAMESPACE)
    if namespace is None:
        return {}
    return {key: value.string_value for key, value in namespace.fields.items()}


def _header(headers: pb.HttpHeaders, name: str) -> str:
    for header in headers.headers.headers:
        if header.key == name:
            value: str = header.raw_value.decode() if header.raw_value else header.value
            return value
    return ""


def _trailers_reply(exchange: Exchange) -> pb.ProcessingResponse:
    """The reply to the response's trailers, which end it: the exchange is over (charged,
    for an LLM exchange)."""
    exchange.finish()
    if exchange.account is None:
        return _CONTINUE_RESPONSE_TRAILERS
    return _charged(_ProcessingResponse(response_trailers=pb.TrailersResponse()), exchange)


def _refusal(refuse: Refuse) -> pb.ProcessingResponse:
    return _ProcessingResponse(
        immediate_response=pb.ImmediateResponse(
            status=HttpStatus(code=refuse.status),
            headers=pb.HeaderMutation(
                set_headers=[
                    HeaderValueOption(header=HeaderValue(key=k, raw_value=v.encode()))
                    for k, v in refuse.headers.items()
                ]
            ),
            body=refuse.body,
            details=SIDECAR_REPLY_DETAILS,
        )
    )


def _request_body_reply(verdict: Continue, provider: str | None) -> pb.ProcessingResponse:
    if (
        verdict.body is None
        and provider is None
        and not verdict.metadata
        and not verdict.set_headers
        and not verdict.remove_headers
    ):
        return _CONTINUE_REQUEST_BODY
    response = _CommonResponse()
    for key, value in verdict.set_headers.items():  # a translated request's auth header
        option = HeaderValueOption(header=HeaderValue(key=key, raw_value=value.encode()))
        response.header_mutation.set_headers.append(option)
    response.header_mutation.remove_headers.extend(verdict.remove_headers)
    if verdict.body is not None:
        response.body_mutation.body = verdict.body
        # Envoy would send the provider the client's length for a body we changed.
        response.header_mutation.remove_headers.append("content-length")
    if verdict.path is not None:
        # A cloud provider's own path (the headers wait for this reply on such routes).
        value = HeaderValue(key=":path", raw_value=verdict.path.encode())
        response.header_mutation.set_headers.append(HeaderValueOption(header=value))
    if provider is not None:
        # A model rule picked the provider: the header selects the route to it, once Envoy
        # forgets the route it picked from the headers alone.
        value = HeaderValue(key=PROVIDER_HEADER, raw_value=provider.encode())
        response.header_mutation.set_headers.append(HeaderValueOption(header=value))
        response.clear_route_cache = True
    reply = _ProcessingResponse(request_body=_BodyResponse(response=response))
    if verdict.metadata:  # who asks for which model, for the rate-limit filters
        namespace = reply.dynamic_metadata.fields[METADATA_NAMESPACE].struct_value
        for key, value in verdict.metadata.items():
            namespace.fields[key].string_value = value
    return reply


def _response_headers_reply(changes: ResponseHeaderChanges) -> pb.ProcessingResponse:
    if not changes.remove and not changes.set:
        return _CONTINUE_RESPONSE_HEADERS
    mutation = pb.HeaderMutation(
        remove_headers=list(changes.remove),
        set_headers=[
            HeaderValueOption(header=HeaderValue(key=k, raw_value=v.encode()))
            for k, v in changes.set
        ],
    )
    return _ProcessingResponse(
        response_headers=pb.HeadersResponse(response=_CommonResponse(header_mutation=mutation))
    )


def _held_back(
    pending: bytes | None, out: bytes, end: bool
) -> tuple[bytes | None, pb.ProcessingResponse | None]:
    """The reply for ``out``, if it can go now, and what is held back: on the last chunk
    (``end``), each piece waits for the next so that the last reply can carry the end."""
    if not end:
        return None, _streamed(out, False)
    return out, None if pending is None else _streamed(pending, False)


def _replies_now(exchange: Exchange, pieces: list[bytes], end: bool) -> list[pb.ProcessingResponse]:
    """The replies for a response chunk's ``pieces`` when nothing is left to wait for; on
    the last chunk (``end``), the last reply carries the end and what the exchange used."""
    if not end:
        return [_streamed(piece, False) for piece in pieces]
    *before, last = pieces or [b""]
    return [
        *(_streamed(piece, False) for piece in before),
        _charged(_streamed(last, True), exchange),
    ]


def _take(
    exchange: Exchange, chunk: bytes, end: bool
) -> tuple[list[bytes], AsyncIterator[bytes] | None]:
    """:meth:`Exchange.take_response_chunk`, an internal error ending the response."""
    try:
        return exchange.take_response_chunk(chunk, end)
    except Exception:
        log.exception("response body on %s", exchange.path)
        return [exchange.fail(_INTERNAL_ERROR)], None


class ExtProcServer(pb_grpc.ExternalProcessorServicer):
    """The ExternalProcessor service: one :class:`Exchange` per gRPC stream.

    ``chains`` may be replaced at any time (a policy reload); each exchange keeps the chains
    it started with.
    """

    def __init__(
        self,
        routes: RouteTable,
        chains: ChainSet,
        keepalive_s: float = 5.0,
        recorder: Recorder[Capture] | None = None,
        metering: Metering | None = None,
        gate: Gate | None = None,
        bounds: Bounds | None = None,
        message_timeout_s: float = 5.0,
        relay: Relay | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        """``gate``: who may call (default: passthrough, nobody is checked);
        ``message_timeout_s``: Envoy's deadline for a reply (``sidecar.message_timeout_ms``);
        ``relay``: where failovers go (routes with ``failover`` lists); ``tracing``: the
        worker's tracer (``None``: tracing is off, and nothing is spent on it)."""
        self.tracing = tracing
        self.relay = relay
        self.metering = metering
        self.gate = gate
        self.message_timeout_s = message_timeout_s
        self.bounds = bounds if bounds is not None else Bounds()
        self.routes = routes
        self.chains = chains
        self.keepalive_s = keepalive_s
        self.recorder = recorder

    async def Process(
        self,
        request_iterator: AsyncIterator[pb.ProcessingRequest],
        context: grpc.aio.ServicerContext[pb.ProcessingRequest, pb.ProcessingResponse],
    ) -> AsyncIterator[pb.ProcessingResponse]:
        trace = None
        if self.tracing is not None:  # Envoy's ext_proc span, from the stream's metadata
            trace = self.tracing.exchange(context.invocation_metadata())
        exchange = Exchange(
            self.chains,
            self.keepalive_s,
            self.recorder,
            self.metering,
            gate=self.gate,
            bounds=self.bounds,
            trace=trace,
        )
        metrics = self.chains.metrics  # the exchange's: it keeps the chains it started with
        messages = 0
        # A failover's response, read in place of the failed one's (whose body is dropped).
        relayed: aiohttp.ClientResponse | None = None
        if metrics is not None:
            metrics.stream_started()
        try:
            async for message in request_iterator:
                started = time.perf_counter()
                messages += 1
                kind = message.WhichOneof("request")
                if relayed is not None and kind in ("response_body", "response_trailers"):
                    body = message.response_body
                    trailers = kind == "response_trailers"
                    if trailers or body.end_of_stream:  # the failed response is over
                        async for reply in self._relay(exchange, relayed, end=not trailers):
                            yield reply
                        relayed.release()
                        relayed = None
                        if trailers:
                            yield _trailers_reply(exchange)
                    continue
                if kind == "response_body":
                    body = message.response_body
                    if not exchange.response_started:  # the first chunk
                        status, content_type = _response_start(message)
                        exchange.on_response_headers(status, content_type)
                    if exchange.passthrough:  # the hot path: nothing reads this response
                        reply = None  # none for an end Envoy repeats (docs/architecture.md)
                        if not exchange.ended:
                            end = exchange.ended = body.end_of_stream
                            # Before the reply: once Envoy has the end, it may close the
                            # stream, and this generator would not resume.
                            exchange.on_passthrough_chunk(body.body, end)
                            reply = _streamed(body.body, end)
                            if end:
                                reply = _charged(reply, exchange)
                        # Counted before the reply: after the last one this generator may
                        # not resume (Envoy closes the stream).
                        if metrics is not None:
                            metrics.message(kind, time.perf_counter() - started)
                        if reply is not None:
                            yield reply
                        continue
                    if exchange.ended:  # Envoy may repeat the last chunk: the end is sent once
                        if metrics is not None:
                            metrics.message(kind, time.perf_counter() - started)
                        continue
                    end = exchange.ended = body.end_of_stream
                    if not end and exchange.takes_whole(body.body):  # text between tool calls
                        if metrics is not None:
                            metrics.message(kind, time.perf_counter() - started)
                        yield _streamed(body.body, False)
                        continue
                    pieces, rest = _take(exchange, body.body, end)
                    if rest is None:  # most chunks, the last included: no decision to wait for
                        if metrics is not None:
                            metrics.message(kind, time.perf_counter() - started)
                        for reply in _replies_now(exchange, pieces, end):
                            yield reply
                        continue
                    async for reply in self._replies(exchange, pieces, rest, end):
                        yield reply
                elif kind == "request_headers":
                    headers = _headers(message.request_headers)
                    refused = await exchange.on_request_headers(
                        self.routes, headers, _token(message)
                    )
                    if refused is not None:  # not authenticated: nothing goes upstream
                        if metrics is not None:  # before the reply, which ends the stream
                            metrics.message(kind, time.perf_counter() - started)
                        yield _refusal(refused)
                        return
                    yield _CONTINUE_REQUEST_HEADERS
                elif kind == "request_body":
                    verdict: Continue | Refuse | None = None
                    if not exchange.path:  # no header message came: read what Envoy attached
                        verdict = await exchange.on_request_headers(
                            self.routes, _request_start(message), _token(message)
                        )
                    if verdict is None:
                        if (extend := _deadline_for(exchange, self.message_timeout_s)) is not None:
                            yield extend  # not a reply: Envoy still waits for the body's
                        verdict = await self._request_body(exchange, message.request_body.body)
                    if isinstance(verdict, Refuse):
                        if metrics is not None:  # before the reply, which ends the stream
                            metrics.message(kind, time.perf_counter() - started)
                        yield _charged(_refusal(verdict), exchange)
                        return
                    yield _request_body_reply(verdict, exchange.routing.routed_to)
                elif kind == "response_headers":
                    headers = message.response_headers
                    status = int(_header(headers, ":status") or 0)
                    provider = None
                    if self.relay is not None and not headers.end_of_stream:
                        provider = exchange.next_provider(status)
                    if provider is not None:  # before anything of it reached the client
                        yield _FAILOVER_DEADLINE  # not a reply: Envoy still waits for it
                        relayed = await self._fail_over(exchange, provider)
                    if relayed is not None:
                        content_type = relayed.headers.get("content-type", "")
                        changes = exchange.failed_over(relayed.status, content_type)
                    else:
                        changes = exchange.on_response_headers(
                            status,
                            _header(headers, "content-type"),
                            _header(headers, "x-amzn-errortype"),
                        )
                    yield _response_headers_reply(changes)
                    if headers.end_of_stream:
                        return
                elif kind == "response_trailers":
                    if not exchange.passthrough:  # deliver what is held before the trailers
                        async for reply in self._finish(exchange):
                            yield reply
                    yield _trailers_reply(exchange)
                else:
                    log.warning("unexpected ext_proc message %s on %s", kind, exchange.path)
                if metrics is not None:
                    metrics.message(kind, time.perf_counter() - started)
        finally:
            exchange.finish(complete=False)  # cut short: record what there was
            if metrics is not None:
                metrics.stream_ended(messages)

    async def _fail_over(self, exchange: Exchange, provider: str) -> aiohttp.ClientResponse | None:
        """Send the approved request to ``provider``, then to the next one while they
        answer 429 or 5xx and the list goes on: the last response (its head read), or
        ``None`` when Envoy's failover listener could not be reached (the client then gets
        the first provider's answer)."""
        assert self.relay is not None
        assert exchange.approved is not None
        routing = exchange.routing
        first = routing.provider
        while True:
            headers = relayed_headers(routing.headers, provider)
            if exchange.trace is not None:  # the failover's spans join the exchange's trace
                headers["traceparent"] = exchange.trace.traceparent()
            response = await self.relay.send(
                exchange.path, headers, exchange.approved, _FAILOVER_WAIT_S
            )
            if response is None:
                routing.provider = first
                return None
            following = exchange.next_provider(response.status)
            if following is None:
                return response
            response.release()
            provider = following

    async def _relay(
        self, exchange: Exchange, response: aiohttp.ClientResponse, *, end: bool
    ) -> AsyncIterator[pb.ProcessingResponse]:
        """The failover's response body, read by the exchange and streamed to Envoy;
        ``end``: the last chunk carries the end of the body (else the trailers reply does)."""
        try:
            async for chunk in response.content.iter_any():
                async for reply in self._response_chunk(exchange, chunk, False):
                    yield reply
        except (aiohttp.ClientError, OSError) as exc:  # the failover's stream broke midway
            log.warning("failover response on %s: %s", exchange.path, exc)
            yield _streamed(exchange.fail("Sluice gateway: the provider's stream broke"), False)
        if end:
            async for reply in self._response_chunk(exchange, b"", True):
                yield reply
        else:
            async for reply in self._finish(exchange):
                yield reply

    async def _request_body(self, exchange: Exchange, body: bytes) -> Continue | Refuse:
        try:
            return await exchange.on_request_body(body)
        except Exception:  # fail closed: a request the sidecar could not check is not sent
            log.exception("request body on %s", exchange.path)
            return Refuse(500, exchange.fail(_INTERNAL_ERROR))

    async def _response_chunk(
        self, exchange: Exchange, chunk: bytes, end: bool
    ) -> AsyncIterator[pb.ProcessingResponse]:
        """The replies for a response ``chunk`` (from Envoy, or a failover's); ``end``: the
        last, whose reply carries the end."""
        if exchange.ended:  # Envoy may repeat the last chunk: the end is sent once
            return
        exchange.ended = end
        pieces, rest = _take(exchange, chunk, end)
        async for reply in self._replies(exchange, pieces, rest, end):
            yield reply

    async def _replies(
        self,
        exchange: Exchange,
        pieces: list[bytes],
        rest: AsyncIterator[bytes] | None,
        end: bool,
    ) -> AsyncIterator[pb.ProcessingResponse]:
        """The replies for a response chunk whose ``pieces`` came at once and ``rest`` (if
        any) after them; on the last chunk (``end``), the last reply carries the end."""
        if rest is None:
            for reply in _replies_now(exchange, pieces, end):
                yield reply
            return
        pending: bytes | None = None  # on the last chunk, held back one step to carry the end
        for out in pieces:
            pending, reply = _held_back(pending, out, end)
            if reply is not None:
                yield reply
        try:
            async for out in rest:
                pending, reply = _held_back(pending, out, end)
                if reply is not None:
                    yield reply
        except Exception:
            log.exception("response body on %s", exchange.path)
            pending = (pending or b"") + exchange.fail(_INTERNAL_ERROR)
        if pending is not None:
            yield _charged(_streamed(pending, end), exchange) if end else _streamed(pending, end)
        elif end:
            yield _charged(_streamed(b"", True), exchange)

    async def _finish(self, exchange: Exchange) -> AsyncIterator[pb.ProcessingResponse]:
        """Trailers came: deliver what is held; the trailers reply ends the body."""
        try:
            async for out in exchange.on_response_chunk(b"", True):
                yield _streamed(out, False)
        except Exception:
            log.exception("response trailers on %s", exchange.path)
            yield _streamed(exchange.fail(_INTERNAL_ERROR), False)


def create_server() -> grpc.aio.Server:
    return grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # Envoy pings idle HTTP/2 connections; don't answer its keepalives with GOAWAY.
            ("grpc.http2.min_ping_interval_without_data_ms", 5000),
            ("grpc.http2.max_ping_strikes", 0),
            ("grpc.keepalive_permit_without_calls", 1),
        ]
    )


async def serve(servicer: ExtProcServer, address: str) -> grpc.aio.Server:
    """Start ``servicer`` on ``address`` (``unix:/path`` or ``host:port``)."""
    server = create_server()
    pb_grpc.add_ExternalProcessorServicer_to_server(servicer, server)
    server.add_insecure_port(address)
    await server.start()
    return server
