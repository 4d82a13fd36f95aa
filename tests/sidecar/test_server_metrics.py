"""What the ext_proc server counts and tells Envoy about an exchange, driven in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc as pb_grpc
from prometheus_client import CollectorRegistry

from sluice.config import GatewayConfig
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.metrics import SidecarMetrics
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.server import ExtProcServer, serve
from tests.sidecar.test_server import BODY, exchange, request_body, response_chunk, socket_path

__all__ = ["socket_path"]

STREAM = [
    b'event: message_start\ndata: {"type":"message_start","message":{"model":"m","usage":'
    b'{"input_tokens":12,"output_tokens":1}}}\n\n',
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
    b'"delta":{"type":"text_delta","text":"Hi"}}\n\n',
    b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
    b'"usage":{"output_tokens":7}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n',
]


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
async def stub(
    socket_path: Path, registry: CollectorRegistry
) -> AsyncIterator[pb_grpc.ExternalProcessorStub]:
    config = GatewayConfig()
    metrics = SidecarMetrics(registry, flush_interval_s=0)  # every value written at once
    chains = ChainSet(config, ModelClients(), metrics=metrics)
    server = await serve(ExtProcServer(RouteTable(config.routes), chains), f"unix:{socket_path}")
    async with grpc.aio.insecure_channel(f"unix:{socket_path}") as channel:
        yield pb_grpc.ExternalProcessorStub(channel)
    await server.stop(None)


async def test_a_passed_through_stream_is_counted_and_described_to_envoy(
    stub: pb_grpc.ExternalProcessorStub, registry: CollectorRegistry
) -> None:
    replies = await exchange(
        stub,
        [
            request_body(BODY),
            response_chunk(STREAM[0], False, first=True),
            response_chunk(STREAM[1], False),
            response_chunk(STREAM[2], True),
        ],
    )
    metadata = replies[-1].dynamic_metadata.fields["sluice"].struct_value.fields
    assert metadata["model"].string_value == "m"
    assert metadata["input_tokens"].number_value == 12
    assert metadata["output_tokens"].number_value == 7
    assert metadata["outcome"].string_value == "ok"
    assert not replies[1].HasField("dynamic_metadata")  # only the last reply carries it
    labels = {"provider": "anthropic", "model": "m"}
    get = registry.get_sample_value
    assert (
        get(
            "sluice_requests_total",
            labels | {"route": "/v1/messages", "team": "none", "status": "200", "streamed": "true"},
        )
        == 1
    )
    assert get("sluice_tokens_total", labels | {"team": "none", "type": "output"}) == 7
    assert get("sluice_time_to_first_token_seconds_count", labels) == 1
    assert get("sluice_extproc_messages_per_request_sum", {}) == 4
    assert get("sluice_extproc_message_duration_seconds_count", {"kind": "response_body"}) == 3
    assert get("sluice_active_streams", {}) == 0
    assert get("sluice_errors_total", {"kind": "abandoned"}) == 0


async def test_a_refusal_is_counted_with_its_outcome(
    stub: pb_grpc.ExternalProcessorStub, registry: CollectorRegistry
) -> None:
    [reply] = await exchange(stub, [request_body(b'{"model": 1', "/v1/chat/completions")])
    metadata = reply.dynamic_metadata.fields["sluice"].struct_value.fields
    assert metadata["outcome"].string_value == "refused"
    assert registry.get_sample_value("sluice_errors_total", {"kind": "invalid_request"}) == 1
    labels = {"provider": "openai", "model": "none", "route": "/v1/chat/completions"}
    assert (
        registry.get_sample_value(
            "sluice_requests_total", labels | {"team": "none", "status": "400", "streamed": "false"}
        )
        == 1
    )


async def test_metrics_off_counts_nothing(socket_path: Path) -> None:
    registry = CollectorRegistry()
    config = GatewayConfig.model_validate({"sidecar": {"metrics": False}})
    chains = ChainSet(config, ModelClients(), metrics=SidecarMetrics(registry))
    assert chains.metrics is None
    server = await serve(ExtProcServer(RouteTable(config.routes), chains), f"unix:{socket_path}")
    async with grpc.aio.insecure_channel(f"unix:{socket_path}") as channel:
        stub = pb_grpc.ExternalProcessorStub(channel)
        replies = await exchange(stub, [request_body(BODY), response_chunk(STREAM[0], True, True)])
    await server.stop(None)
    assert replies[-1].dynamic_metadata.fields["sluice"].struct_value.fields["input_tokens"]
    assert registry.get_sample_value("sluice_active_streams", {}) == 0
