"""The sidecar's spans, driven in-process through a real gRPC client that sends Envoy's
``traceparent`` as stream metadata; spans kept in memory instead of exported."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc as pb_grpc
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from sluice.config import GatewayConfig, TracingConfig
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.server import ExtProcServer, serve
from sluice.sidecar.tracing import Tracing
from tests.harness import short_tempdir
from tests.sidecar.test_server import request_body, response_chunk

BLOCK_BASH = "tests.sidecar.policies_for_tests:BlockTools"
TRACING = TracingConfig(endpoint="http://127.0.0.1:4317")  # type: ignore[arg-type]


def sse(*events: dict[str, Any]) -> bytes:
    return b"".join(
        f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode() for event in events
    )


TOOL_STREAM = sse(
    {"type": "message_start", "message": {"id": "m1", "type": "message", "role": "assistant",
     "model": "m", "content": [], "usage": {"input_tokens": 11, "output_tokens": 1}}},
    {"type": "content_block_start", "index": 0,
     "content_block": {"type": "tool_use", "id": "t1", "name": "Bash", "input": {}}},
    {"type": "content_block_delta", "index": 0,
     "delta": {"type": "input_json_delta", "partial_json": '{"command": "ls"}'}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "tool_use"},
     "usage": {"output_tokens": 7}},
    {"type": "message_stop"},
)  # fmt: skip
BODY = json.dumps(
    {"model": "m", "max_tokens": 5, "stream": True, "messages": [{"role": "user", "content": "x"}]}
).encode()


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def tracing(exporter: InMemorySpanExporter) -> Tracing:
    return Tracing(TRACING, "sluice", exporter)


@pytest.fixture
async def traced(tracing: Tracing) -> AsyncIterator[pb_grpc.ExternalProcessorStub]:
    config = GatewayConfig.model_validate(
        {"policies": [{"name": BLOCK_BASH, "config": {"tools": ["Bash"]}}], "store_url": None}
    )
    servicer = ExtProcServer(
        RouteTable(config.routes), ChainSet(config, ModelClients()), tracing=tracing
    )
    with short_tempdir() as base:
        path: Path = base / "s.sock"
        server = await serve(servicer, f"unix:{path}")
        async with grpc.aio.insecure_channel(f"unix:{path}") as channel:
            yield pb_grpc.ExternalProcessorStub(channel)
        await server.stop(None)


def exported(tracing: Tracing, exporter: InMemorySpanExporter, trace_id: str) -> list[Any]:
    """The spans exported so far, once those of ``trace_id`` (two) are among them."""
    for _ in range(50):
        tracing.flush()
        spans = exporter.get_finished_spans()
        if sum(1 for s in spans if format(s.context.trace_id, "032x") == trace_id) >= 2:
            break
        time.sleep(0.02)
    return list(spans)


def traceparent(flags: str = "01") -> tuple[str, str, str]:
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return f"00-{trace_id}-{span_id}-{flags}", trace_id, span_id


async def blocked_stream(stub: pb_grpc.ExternalProcessorStub, metadata: Any) -> None:
    messages = [request_body(BODY), response_chunk(TOOL_STREAM, True, first=True)]

    async def send() -> AsyncIterator[Any]:
        for message in messages:
            yield message

    replies = [reply async for reply in stub.Process(send(), metadata=metadata)]
    delivered = b"".join(
        r.response_body.response.body_mutation.streamed_response.body for r in replies
    )
    assert b"Bash is not allowed" in delivered


async def test_the_exchange_and_its_hooks_continue_envoys_span(
    traced: pb_grpc.ExternalProcessorStub, tracing: Tracing, exporter: InMemorySpanExporter
) -> None:
    header, trace_id, parent = traceparent()
    await blocked_stream(traced, (("traceparent", header),))
    spans = {span.name: span for span in exported(tracing, exporter, trace_id)}
    assert set(spans) == {"chat m", f"policy {BLOCK_BASH} tool_call"}
    exchange_span, hook = spans["chat m"], spans[f"policy {BLOCK_BASH} tool_call"]
    assert exchange_span.context is not None
    assert hook.context is not None
    assert format(exchange_span.context.trace_id, "032x") == trace_id
    assert exchange_span.parent is not None
    assert format(exchange_span.parent.span_id, "016x") == parent
    assert exchange_span.kind is trace.SpanKind.SERVER
    assert hook.parent is not None
    assert hook.parent.span_id == exchange_span.context.span_id
    assert dict(hook.attributes or {}) == {
        "sluice.policy": BLOCK_BASH,
        "sluice.hook": "tool_call",
        "sluice.decision": "block",
        "sluice.decision.reason": "Bash is not allowed",
    }
    attributes = dict(exchange_span.attributes or {})
    assert attributes["gen_ai.request.model"] == "m"
    assert attributes["gen_ai.request.max_tokens"] == 5
    assert attributes["gen_ai.usage.input_tokens"] == 11
    assert attributes["gen_ai.usage.output_tokens"] == 7
    assert attributes["gen_ai.response.finish_reasons"] == ("tool_use",)
    assert attributes["gen_ai.provider.name"] == "anthropic"
    assert attributes["sluice.outcome"] == "blocked"


@pytest.mark.parametrize("metadata", [(("traceparent", traceparent("00")[0]),), ()])
async def test_a_request_envoy_did_not_sample_makes_no_span(
    traced: pb_grpc.ExternalProcessorStub,
    tracing: Tracing,
    exporter: InMemorySpanExporter,
    metadata: Any,
) -> None:
    await blocked_stream(traced, metadata)
    # A sampled one after it: once its spans are exported, the other's would be too.
    header, trace_id, _ = traceparent()
    await blocked_stream(traced, (("traceparent", header),))
    traces = {format(s.context.trace_id, "032x") for s in exported(tracing, exporter, trace_id)}
    assert traces == {trace_id}


@pytest.mark.parametrize(
    ("answer", "usage", "reasons"),
    [
        (
            {"content": [{"type": "text", "text": "{}"}], "stop_reason": "end_turn",
             "usage": {"input_tokens": 20, "output_tokens": 3}},
            (20, 3),
            ("end_turn",),
        ),
        (
            {"choices": [{"message": {"content": "{}"}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 30, "completion_tokens": 4}},
            (30, 4),
            ("stop",),
        ),
    ],
)  # fmt: skip
def test_a_model_call_in_a_traced_hook_is_its_child(
    exporter: InMemorySpanExporter, answer: dict[str, Any], usage: tuple[int, int], reasons: Any
) -> None:
    tracing = Tracing(TRACING, "sluice", exporter)
    header, _, _ = traceparent()
    hook = tracing.span("policy judge tool_call", header)
    assert hook is not None
    with (
        trace.use_span(hook, end_on_exit=True),
        tracing.model_call("openai", "judge", "http://judge/v1/chat/completions") as call,
    ):
        assert call is not None
        carried = call.headers["traceparent"]
        call.answered(200, answer)
    with tracing.model_call("openai", "judge", "http://judge") as outside:
        assert outside is None  # no traced hook: no span
    tracing.flush()
    spans = {span.name: span for span in exporter.get_finished_spans()}
    judge = spans["chat judge"]
    assert judge.context is not None
    assert judge.parent is not None
    assert hook.get_span_context().span_id == judge.parent.span_id
    assert carried.split("-")[2] == format(judge.context.span_id, "016x")
    attributes = dict(judge.attributes or {})
    got = (attributes["gen_ai.usage.input_tokens"], attributes["gen_ai.usage.output_tokens"])
    assert got == usage
    assert attributes["gen_ai.response.finish_reasons"] == reasons
    assert judge.kind is trace.SpanKind.CLIENT


def test_with_tracing_off_opentelemetry_is_not_even_loaded() -> None:
    """The data path with tracing off (the default): a servicer built by the worker's own
    helper, one exchange through it, and no OpenTelemetry module in the process."""
    script = """
import asyncio, sys
from sluice.config import GatewayConfig
from sluice.sidecar.worker import _open_tracing
from sluice.sidecar.exchange import Exchange
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.routes import RouteTable
config = GatewayConfig()
assert _open_tracing(config) is None

async def main():
    exchange = Exchange(ChainSet(config, ModelClients()))
    await exchange.on_request_headers(RouteTable(config.routes), {":path": "/v1/messages"})
    await exchange.on_request_body(b'{"model": "m", "max_tokens": 1, "messages": []}')
    exchange.on_response_headers(200, "application/json")
    exchange.on_passthrough_chunk(b'{"stop_reason": "end_turn"}', True)

asyncio.run(main())
print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
