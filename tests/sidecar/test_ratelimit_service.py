"""The rate-limit service for token budgets, over a real grpc.aio server and channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from envoy.extensions.common.ratelimit.v3.ratelimit_pb2 import RateLimitDescriptor
from envoy.service.ratelimit.v3 import rls_pb2 as pb
from envoy.service.ratelimit.v3 import rls_pb2_grpc as pb_grpc
from google.protobuf.wrappers_pb2 import UInt64Value

from sluice.config import LimitsConfig
from sluice.sidecar.budgets import Budgets
from sluice.sidecar.ratelimit_service import RateLimitServer
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.server import ExtProcServer, serve
from tests.harness import short_tempdir

LIMITS = LimitsConfig.model_validate({"tokens_per_client": [{"tokens": 100, "per": "day"}]})


def descriptor(client: str, per: str = "day", hits: int | None = None) -> RateLimitDescriptor:
    entries = [
        RateLimitDescriptor.Entry(key="client", value=client),
        RateLimitDescriptor.Entry(key="per", value=per),
    ]
    if hits is None:
        return RateLimitDescriptor(entries=entries)
    return RateLimitDescriptor(entries=entries, hits_addend=UInt64Value(value=hits))


def ask(*descriptors: RateLimitDescriptor) -> pb.RateLimitRequest:
    return pb.RateLimitRequest(domain="sluice", descriptors=descriptors)


@pytest.fixture
async def stub() -> AsyncIterator[pb_grpc.RateLimitServiceStub]:
    from sluice.config import GatewayConfig
    from sluice.sidecar.chains import ChainSet
    from sluice.sidecar.llm_client import ModelClients

    config = GatewayConfig()
    ext_proc = ExtProcServer(RouteTable(config.routes), ChainSet(config, ModelClients()))
    with short_tempdir() as tmp:
        address = f"unix:{Path(tmp) / 'rls.sock'}"
        server = await serve(ext_proc, address, ratelimit=RateLimitServer(Budgets(LIMITS)))
        async with grpc.aio.insecure_channel(address) as channel:
            yield pb_grpc.RateLimitServiceStub(channel)
        await server.stop(0)


async def test_check_then_charge_then_refuse_with_retry_after(
    stub: pb_grpc.RateLimitServiceStub,
) -> None:
    allowed = await stub.ShouldRateLimit(ask(descriptor("key:a", hits=0)))
    assert allowed.overall_code == pb.RateLimitResponse.OK
    charged = await stub.ShouldRateLimit(ask(descriptor("key:a", hits=150)))
    assert charged.overall_code == pb.RateLimitResponse.OK  # a charge never refuses
    refused = await stub.ShouldRateLimit(ask(descriptor("key:a", hits=0), descriptor("key:b")))
    assert refused.overall_code == pb.RateLimitResponse.OVER_LIMIT
    [header] = refused.response_headers_to_add
    assert header.key == "retry-after"
    assert 1 <= int(header.value) <= 86400
    over, other = refused.statuses
    assert over.code == pb.RateLimitResponse.OVER_LIMIT
    assert over.current_limit.requests_per_unit == 100
    assert over.current_limit.unit == pb.RateLimitResponse.RateLimit.DAY
    assert other.code == pb.RateLimitResponse.OK


def test_descriptors_without_a_budget_are_allowed() -> None:
    server = RateLimitServer(Budgets(LIMITS))
    for request in (
        ask(descriptor("key:a", per="minute", hits=0)),  # no per-minute budget
        ask(RateLimitDescriptor(entries=[RateLimitDescriptor.Entry(key="team", value="x")])),
        ask(),
    ):
        assert server.decide(request).overall_code == pb.RateLimitResponse.OK


def test_budgets_beyond_uint32_are_answered_not_crashed() -> None:
    """The protocol's limits are uint32; a budget of 10**12 tokens a day is a real config."""
    huge = LimitsConfig.model_validate(
        {"tokens_per_client": [{"tokens": 10**12, "per": "day"}, {"tokens": 10, "per": "minute"}]}
    )
    service = RateLimitServer(Budgets(huge))
    assert service.decide(ask(descriptor("key:a", hits=0))).overall_code == pb.RateLimitResponse.OK
    service.decide(ask(descriptor("key:a", "minute", hits=50)))
    refused = service.decide(ask(descriptor("key:a", hits=0), descriptor("key:a", "minute")))
    assert refused.overall_code == pb.RateLimitResponse.OVER_LIMIT
    day, minute = refused.statuses
    assert day.code == pb.RateLimitResponse.OK
    assert day.current_limit.requests_per_unit == 2**32 - 1
    assert minute.code == pb.RateLimitResponse.OVER_LIMIT
    assert minute.current_limit.requests_per_unit == 10
