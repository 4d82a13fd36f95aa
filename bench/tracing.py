"""Sidecar CPU per ext_proc message with tracing off, on at sampling 0 and on at sampling
1.0, side by side in one process:

    python -m bench.tracing [--events 200] [--rounds 15] [--text]

One Anthropic stream (``--events`` text deltas, then a tool call) through the ext_proc
servicer, one message per provider write, with a chain that inspects tool calls
(``no_sudo``; ``--text`` adds ``redact``, which reads the text as it streams). The cases:

- ``off``: no ``tracing:`` (the default): no tracer exists.
- ``sampling 0``: tracing on, Envoy did not sample the request (its ``traceparent`` says so).
- ``sampling 1``: tracing on, the request sampled: the exchange span and a hook span per
  tool call, then the batch exported. The export is encoded to OTLP protobuf and
  serialised, as the OTLP exporter does, in this process; gRPC's send is left out, as
  gRPC's own transport is for the ext_proc messages.

Rounds alternate between the cases, each first in turn; the figure is the best round of
each, in process CPU per message (every thread of the process, the exporter's included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
from collections.abc import Sequence
from typing import Any

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from bench.cloud import _events, _sse
from bench.inprocess import messages, servicer_cpu, sse_writes
from sluice.config import GatewayConfig, TracingConfig
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.server import ExtProcServer
from sluice.sidecar.tracing import Tracing


class _Serialising(SpanExporter):
    """What the OTLP exporter does to a batch before gRPC sends it."""

    def __init__(self) -> None:
        self.spans = 0
        self.bytes = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans += len(spans)
        self.bytes += len(encode_spans(spans).SerializeToString())
        return SpanExportResult.SUCCESS


class _Context:
    """The servicer context's one method the sidecar calls when tracing is on."""

    def __init__(self, sampled: bool) -> None:
        flags = "01" if sampled else "00"
        self._metadata = (
            ("traceparent", f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-{flags}"),
        )

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return self._metadata


class _Servicer:
    def __init__(self, server: ExtProcServer, tracing: Tracing | None, sampled: bool) -> None:
        self.server, self.tracing, self.sampled = server, tracing, sampled

    async def cpu(self, serialised: list[bytes], repeat: int) -> float:
        context: Any = _Context(self.sampled) if self.tracing is not None else None
        server = self.server

        class _WithContext:  # servicer_cpu passes no context: hand ours in
            async def Process(self, requests: Any, _: Any) -> Any:
                async for reply in server.Process(requests, context):
                    yield reply

        seconds = await servicer_cpu(_WithContext(), serialised, repeat)  # type: ignore[arg-type]
        if self.tracing is not None:
            # The export, in the timed process CPU of the next round at the latest: flush
            # now so that each round pays for its own spans.
            self.tracing.flush()
        return seconds


async def main(events: int, rounds: int, text: bool) -> None:
    policies: list[dict[str, object]] = [{"name": "no_sudo:NoSudo"}]
    if text:
        policies.append({"name": "redact"})
    config = GatewayConfig.model_validate(
        {"policy_paths": ["examples/policies"], "policies": policies, "store_url": None}
    )
    body = json.dumps(
        {
            "model": "claude-sonnet-4-5",
            "max_tokens": 10,
            "stream": True,
            "messages": [{"role": "user", "content": "hi"}],
        }
    ).encode()
    writes = sse_writes(_sse(_events(events)))
    serialised = messages("/v1/messages", {"x-api-key": "k"}, body, "text/event-stream", writes)
    per_exchange = len(serialised)
    routes = RouteTable(config.routes)
    exporter = _Serialising()
    on = TracingConfig(endpoint="http://127.0.0.1:4317")  # type: ignore[arg-type]
    cases: dict[str, _Servicer] = {}
    for name, tracing, sampled in [
        ("off", None, False),
        ("sampling 0", Tracing(on, "bench", exporter), False),
        ("sampling 1", Tracing(on, "bench", exporter), True),
    ]:
        server = ExtProcServer(routes, ChainSet(config, ModelClients()), tracing=tracing)
        cases[name] = _Servicer(server, tracing, sampled)
    best = {name: float("inf") for name in cases}
    order = list(cases)
    for number in range(rounds):
        for name in order[number % 3 :] + order[: number % 3]:  # each case first in turn
            seconds = await cases[name].cpu(serialised, repeat=5)
            best[name] = min(best[name], seconds / per_exchange)
    for name, seconds in best.items():
        ratio = seconds / best["off"]
        print(f"{name:11s} {seconds * 1e6:7.2f} us CPU per message   x{ratio:.3f} of off")
    print(
        f"({per_exchange} messages per exchange, best of {rounds} rounds of 5 exchanges; "
        f"{exporter.spans} spans exported, {exporter.bytes / max(exporter.spans, 1):.0f} "
        "bytes each)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--text", action="store_true", help="add redact (reads text)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rounds, args.text))
