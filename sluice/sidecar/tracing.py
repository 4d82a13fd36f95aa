"""The sidecar's OpenTelemetry spans, in the trace Envoy started for the request.

Imported only when ``tracing.endpoint`` is set: with tracing off, no process loads
OpenTelemetry, and the data path holds ``None`` where a trace would be. Each worker (and
the event-log writer) has one :class:`Tracing`; each exchange a sampled request gets one
:class:`ExchangeTrace`. Its span is a child of Envoy's ext_proc span, whose W3C context
Envoy sends as gRPC metadata when the stream opens::

    exchange span (SERVER, "chat {model}")            gen_ai.* attributes, outcome
    ├── "policy {name} {hook}"                         one per hook call, with its decision
    │   └── "chat {judge model}" (CLIENT)              a policy's model call (tool_judge)
    └── "event_log.write" (in the writer process)      the capture's traceparent is its parent

``text_delta`` hooks, called for each window of a streamed text, are counted on the
exchange span instead of getting a span each; what they decide becomes a span event.
A request Envoy did not sample costs one metadata lookup: no span is made for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from sluice.config import TracingConfig
from sluice.config.cloud import BedrockConfig, VertexConfig
from sluice.model import Format

if TYPE_CHECKING:
    from sluice.sidecar.chain import Decision

__all__ = ["ExchangeTrace", "HookSpan", "ModelCallSpan", "Tracing", "provider_name"]

# gRPC's invocation metadata: (key, value) pairs (its type stubs call it a mapping).
Metadata = Iterable[Any]

_PROPAGATOR = TraceContextTextMapPropagator()
_EXPORT_TIMEOUT_S = 5
# A stop reason, wherever the format puts it (Anthropic: stop_reason; Chat Completions:
# finish_reason; Responses: the response's status); the last one seen wins.
_FINISH = re.compile(rb'"(?:stop_reason|finish_reason|status)"\s*:\s*"([a-z_]{1,40})"')
_TRACEPARENT = "traceparent"


def provider_name(fmt: Format, cloud: BedrockConfig | VertexConfig | None = None) -> str:
    """``gen_ai.provider.name`` of a provider speaking ``fmt``, or of a cloud's."""
    if isinstance(cloud, BedrockConfig):
        return "aws.bedrock"
    if isinstance(cloud, VertexConfig):
        return "gcp.vertex_ai"
    return "anthropic" if fmt is Format.ANTHROPIC else "openai"


class Tracing:
    """One process's tracer: spans continue the traces Envoy sampled (``tracing.sampling``
    is applied there), batched and exported over OTLP/gRPC off the event loop's thread.

    ``exporter`` replaces the OTLP exporter (tests, benchmarks).
    """

    def __init__(
        self, config: TracingConfig, service: str, exporter: SpanExporter | None = None
    ) -> None:
        if exporter is None:
            assert config.endpoint is not None
            exporter = OTLPSpanExporter(
                endpoint=f"{config.host}:{config.port}",
                insecure=not config.tls,
                timeout=_EXPORT_TIMEOUT_S,
            )
        self._provider = TracerProvider(
            # Spans only ever continue a sampled trace (Envoy's, or a client's through it).
            sampler=ParentBased(ALWAYS_OFF),
            resource=Resource.create({"service.name": service}),
        )
        self._provider.add_span_processor(BatchSpanProcessor(exporter))
        self._tracer = self._provider.get_tracer("sluice")

    @classmethod
    def from_config(cls, config: TracingConfig, suffix: str = "") -> Tracing | None:
        """The tracer for ``config``; ``None`` when tracing is off."""
        if not config.enabled:
            return None
        return cls(config, config.service_name + suffix)

    def exchange(self, metadata: Metadata | None) -> ExchangeTrace | None:
        """The trace of the exchange whose gRPC stream came with ``metadata``; ``None``
        when it is not sampled (then nothing more is spent on it)."""
        carrier: dict[str, str] = {}
        for key, value in metadata or ():
            if key in ("traceparent", "tracestate") and isinstance(value, str):
                carrier[key] = value
        parent = carrier.get(_TRACEPARENT)
        # Envoy decides: a request it did not sample (or a stream without its context: an
        # Envoy without tracing, a failover of an untraced request) costs nothing more here.
        if parent is None or not _sampled(parent):
            return None
        context = _PROPAGATOR.extract(carrier)
        span = self._tracer.start_span("sluice.exchange", context, SpanKind.SERVER)
        if not span.is_recording():
            return None
        return ExchangeTrace(self._tracer, span)

    def span(self, name: str, traceparent: str | None) -> Span | None:
        """A span (not started as current) in the trace ``traceparent`` names; ``None``
        without one, or when that trace is not sampled."""
        if traceparent is None:
            return None
        context = _PROPAGATOR.extract({_TRACEPARENT: traceparent})
        span = self._tracer.start_span(name, context)
        return span if span.is_recording() else None

    @contextmanager
    def model_call(self, api: str, model: str, url: str) -> Iterator[ModelCallSpan | None]:
        """Around a policy's call to a model: a client span under the hook that made it
        (``None`` outside a traced hook); its ``headers`` carry the trace to the model."""
        if not trace.get_current_span().is_recording():
            yield None
            return
        span = self._tracer.start_span(f"chat {model}", kind=SpanKind.CLIENT)
        where = urlsplit(url)
        span.set_attributes(
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": api,
                "gen_ai.system": api,
                "gen_ai.request.model": model,
                "server.address": where.hostname or "",
                "server.port": where.port or (443 if where.scheme == "https" else 80),
            }
        )
        with trace.use_span(span, end_on_exit=True):
            yield ModelCallSpan(span)

    def flush(self) -> None:
        """Export what is batched now (blocking, within the exporter's timeout)."""
        self._provider.force_flush()

    def shutdown(self) -> None:
        """Export what is batched (within the exporter's timeout), then stop."""
        self._provider.shutdown()


def _sampled(traceparent: str) -> bool:
    """Whether a W3C ``traceparent``'s flags say the trace is sampled."""
    try:
        return bool(int(traceparent.rsplit("-", 1)[1][:2], 16) & 1)
    except (IndexError, ValueError):
        return False


class HookSpan:
    """The span of one hook call; :meth:`decided` records what the policy did."""

    __slots__ = ("_span",)

    def __init__(self, span: Span) -> None:
        self._span = span

    def decided(self, decision: Decision | None) -> None:
        """``None``: the policy let the event pass."""
        if decision is None:
            self._span.set_attribute("sluice.decision", "pass")
            return
        self._span.set_attributes(
            {"sluice.decision": decision.action, "sluice.decision.reason": decision.reason}
        )
        if decision.action == "error":
            self._span.set_status(Status(StatusCode.ERROR, decision.reason))


class ModelCallSpan:
    """A policy's model call: the headers to send, then the answer's facts."""

    __slots__ = ("_span", "headers")

    def __init__(self, span: Span) -> None:
        self._span = span
        self.headers: dict[str, str] = {}
        _PROPAGATOR.inject(self.headers)  # the current context: this span's

    def answered(self, status: int, answer: Any) -> None:
        """The endpoint answered ``status`` with ``answer`` (parsed JSON, or ``None``)."""
        self._span.set_attribute("http.response.status_code", status)
        if not isinstance(answer, dict):
            return
        usage = answer.get("usage")
        if isinstance(usage, dict):
            counts = {
                "gen_ai.usage.input_tokens": usage.get("input_tokens", usage.get("prompt_tokens")),
                "gen_ai.usage.output_tokens": usage.get(
                    "output_tokens", usage.get("completion_tokens")
                ),
            }
            self._span.set_attributes({k: v for k, v in counts.items() if isinstance(v, int)})
        reasons = [answer.get("stop_reason")] + [
            choice.get("finish_reason")
            for choice in answer.get("choices") or ()
            if isinstance(choice, dict)
        ]
        found = [reason for reason in reasons if isinstance(reason, str)]
        if found:
            self._span.set_attribute("gen_ai.response.finish_reasons", found)
        if isinstance(answer.get("model"), str):
            self._span.set_attribute("gen_ai.response.model", answer["model"])

    def failed(self, error: str) -> None:
        self._span.set_status(Status(StatusCode.ERROR, error))


class ExchangeTrace:
    """The spans of one sampled exchange (see the module docstring)."""

    __slots__ = ("_deltas", "_finish", "_span", "_tracer")

    def __init__(self, tracer: trace.Tracer, span: Span) -> None:
        self._tracer = tracer
        self._span = span
        self._finish: str | None = None
        self._deltas = 0

    def traceparent(self) -> str:
        """The exchange span's context, as a W3C ``traceparent``: what the event-log writer
        makes its span's parent."""
        carrier: dict[str, str] = {}
        _PROPAGATOR.inject(carrier, trace.set_span_in_context(self._span))
        return carrier[_TRACEPARENT]

    def requested(self, fmt: Format, route: str, model: str | None, max_tokens: int | None) -> None:
        """The request body was read."""
        attributes: dict[str, str | int] = {
            "gen_ai.operation.name": "chat",
            "sluice.format": fmt.value,
            "sluice.route": route,
        }
        if model:
            attributes["gen_ai.request.model"] = model
            self._span.update_name(f"chat {model}")
        if max_tokens is not None:
            attributes["gen_ai.request.max_tokens"] = max_tokens
        self._span.set_attributes(attributes)

    def recorded_as(self, exchange_id: str) -> None:
        """The exchange's id in the event log (its page in the admin UI)."""
        self._span.set_attribute("sluice.exchange.id", exchange_id)

    def feed(self, chunk: bytes) -> None:
        """A response chunk as the provider sent it (in the client's format): look for its
        stop reason. Two substring tests per chunk; a key cut in two by a chunk boundary is
        missed (the attribute is then absent), which the small final event makes rare."""
        if b"reason" in chunk or b'"status"' in chunk:
            found = _FINISH.findall(chunk)
            if found:
                self._finish = found[-1].decode()

    @contextmanager
    def hook(self, policy: str, hook: str) -> Iterator[HookSpan]:
        """Around one hook call: its span is the current one, so that a model call the
        policy makes is its child."""
        span = self._tracer.start_span(
            f"policy {policy} {hook}",
            trace.set_span_in_context(self._span),
            attributes={"sluice.policy": policy, "sluice.hook": hook},
        )
        with trace.use_span(span, end_on_exit=True):
            yield HookSpan(span)

    def text_delta(self, decision: Decision | None) -> None:
        """A ``text_delta`` hook call: counted; what it decided becomes an event."""
        self._deltas += 1
        if decision is not None:
            self._span.add_event(
                f"policy {decision.policy} text_delta",
                {"sluice.decision": decision.action, "sluice.decision.reason": decision.reason},
            )

    def finish(
        self,
        *,
        provider: str | None,
        backend: Format | None,
        cloud: BedrockConfig | VertexConfig | None,
        status: int,
        outcome: str,
        usage: Mapping[str, int],
        chain: str,
    ) -> None:
        """The exchange is over: its facts on the span, which ends. ``provider``: its name
        in the config; ``backend``: the format it speaks (``None``: not an LLM route);
        ``cloud``: its Bedrock or Vertex AI settings, if it is one."""
        span = self._span
        attributes: dict[str, str | int | Sequence[str]] = {
            "sluice.outcome": outcome,
            "sluice.chain": chain,
        }
        if status:
            attributes["http.response.status_code"] = status
        if provider is not None:
            attributes["sluice.provider"] = provider
        if backend is not None:
            kind = provider_name(backend, cloud)
            attributes["gen_ai.provider.name"] = kind
            attributes["gen_ai.system"] = kind  # its name before semconv 1.37
        if "input" in usage:
            attributes["gen_ai.usage.input_tokens"] = usage["input"]
        if "output" in usage:
            attributes["gen_ai.usage.output_tokens"] = usage["output"]
        if self._finish is not None:
            attributes["gen_ai.response.finish_reasons"] = [self._finish]
        if self._deltas:
            attributes["sluice.text_delta.calls"] = self._deltas
        span.set_attributes(attributes)
        if outcome == "error":
            span.set_status(Status(StatusCode.ERROR))
        span.end()
