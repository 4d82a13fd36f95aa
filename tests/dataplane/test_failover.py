"""Failover: Anthropic's API answers 529 (or 429, 5xx) before its response began, and the
request is served by the next provider of the route's list, Bedrock here (signed by Envoy),
with the same enforcement; once a response has begun, it is never replayed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest

from sluice.fake_upstream._sigv4 import FAKE_AWS_CREDENTIALS
from sluice.model import Format
from tests.dataplane.clients import ask
from tests.dataplane.conftest import track
from tests.dataplane.test_bedrock import _aws_environment
from tests.dataplane.test_enforcement import READ, SUDO, assert_refusal, tools
from tests.dataplane.test_event_log import store_url, transcript
from tests.dataplane.test_metrics import admin_metrics, total
from tests.harness import ROOT, FakeUpstream, Gateway, gateway_config, start_gateway

NO_RETRIES = {"max_retries": 0}  # Envoy's own retries would try Anthropic's API again first
# The tests' failures must not open Anthropic's circuit (its fast 503s would fail over too).
NO_CIRCUIT = {"consecutive_failures": 1000}


@pytest.fixture(scope="module")
def failover(workdir: Path, upstream: FakeUpstream) -> Iterator[Gateway]:
    """Anthropic's API first, then Bedrock; a chain that blocks sudo."""
    gateway_dir = workdir / "failover"
    gateway_dir.mkdir()
    config = gateway_config(
        upstream.url,
        gateway_dir / "run",
        providers={
            "anthropic": {
                "base_url": upstream.url,
                "retries": NO_RETRIES,
                "circuit_breaker": NO_CIRCUIT,
            },
            "bedrock": {
                "base_url": upstream.url,
                "bedrock": {"region": "us-east-1"},
                "retries": NO_RETRIES,
            },
        },
        auth={"allow_anonymous": True},
        routes=[
            {
                "path": "/v1/messages",
                "format": "anthropic",
                "provider": "anthropic",
                "failover": ["bedrock"],
            },
            {"path": "/v1/chat/completions", "format": "openai_chat", "provider": "openai"},
        ],
        policy_paths=[str(ROOT / "examples" / "policies")],
        policies=[{"name": "no_sudo:NoSudo"}],
    )
    with _aws_environment(*FAKE_AWS_CREDENTIALS), track(start_gateway(gateway_dir, config)) as gw:
        yield gw


@pytest.fixture(autouse=True)
def _clear(upstream: FakeUpstream) -> None:
    upstream.clear()


def failing_first(count: int, script: str = "error_529") -> dict[str, str]:
    """The fake's first ``count`` requests with these headers answer ``script``."""
    return {
        "x-fake-fail-first": str(count),
        "x-fake-fail-with": script,
        "x-fake-fail-key": uuid.uuid4().hex,
    }


def paths(upstream: FakeUpstream) -> list[str]:
    return [str(r["path"]) for r in upstream.requests()]


@pytest.mark.parametrize("script", ["error_529", "error_429", "error_500"])
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_a_failing_provider_is_replaced_by_the_next(
    failover: Gateway, upstream: FakeUpstream, stream: bool, script: str
) -> None:
    reply = await ask(
        failover.url,
        Format.ANTHROPIC,
        stream=stream,
        script="text",
        headers=failing_first(1, script),
    )
    assert reply.text
    action = "invoke-with-response-stream" if stream else "invoke"
    assert paths(upstream) == ["/v1/messages", f"/model/claude-sonnet-4-6/{action}"]
    # The second request is Bedrock's own, signed by Envoy, without the client's key.
    headers: dict[str, Any] = upstream.requests()[1]["headers"]
    assert headers["authorization"].startswith("AWS4-HMAC-SHA256 ")
    assert "x-api-key" not in headers
    assert not any(name.startswith("x-sluice-") for name in headers)


async def test_a_failover_is_counted_and_the_request_counted_once_as_the_next_providers(
    failover: Gateway,
) -> None:
    await asyncio.sleep(1.5)  # the workers flush their counts each second
    before = admin_metrics(failover)
    await ask(failover.url, Format.ANTHROPIC, stream=True, script="text", headers=failing_first(1))
    await asyncio.sleep(1.5)
    after = admin_metrics(failover)
    labels = {"from_provider": "anthropic", "to_provider": "bedrock", "status": "529"}
    assert total(after, "sluice_failovers_total", **labels) == (
        total(before, "sluice_failovers_total", **labels) + 1
    )
    served = {"provider": "bedrock", "status": "200"}
    assert total(after, "sluice_requests_total", **served) == (
        total(before, "sluice_requests_total", **served) + 1
    )
    assert total(after, "sluice_requests_total") == total(before, "sluice_requests_total") + 1


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_the_chain_reads_the_next_providers_answer(
    failover: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    reply = await ask(
        failover.url,
        Format.ANTHROPIC,
        stream=stream,
        script="tools",
        headers=tools(SUDO, READ) | failing_first(1),
    )
    assert_refusal(reply)
    assert reply.tool_calls == (("Read", {"file_path": "/etc/hosts"}),)
    assert len(upstream.requests()) == 2


async def test_when_every_provider_fails_the_client_gets_the_last_error(
    failover: Gateway, upstream: FakeUpstream
) -> None:
    with pytest.raises(anthropic.InternalServerError) as info:
        await ask(
            failover.url, Format.ANTHROPIC, stream=True, script="text", headers=failing_first(2)
        )
    # Bedrock's ServiceUnavailableException, as an Anthropic client reads it.
    assert info.value.status_code == 503
    assert "ServiceUnavailable" in str(info.value)
    assert len(upstream.requests()) == 2


async def test_no_failover_once_the_response_began(
    failover: Gateway, upstream: FakeUpstream
) -> None:
    with pytest.raises(anthropic.APIStatusError) as info:
        await ask(failover.url, Format.ANTHROPIC, stream=True, script="midstream_error")
    assert "overloaded" in str(info.value).lower()
    assert paths(upstream) == ["/v1/messages"]


async def test_a_bad_request_is_not_sent_elsewhere(
    failover: Gateway, upstream: FakeUpstream
) -> None:
    with pytest.raises(anthropic.BadRequestError):
        await ask(failover.url, Format.ANTHROPIC, stream=False, script="error_400")
    assert paths(upstream) == ["/v1/messages"]


async def test_the_failover_header_from_a_client_is_ignored(
    failover: Gateway, upstream: FakeUpstream
) -> None:
    reply = await ask(
        failover.url,
        Format.ANTHROPIC,
        stream=False,
        script="text",
        headers={"x-sluice-failover": "bedrock"},
    )
    assert reply.text
    assert paths(upstream) == ["/v1/messages"]  # Anthropic's API, as the route says


async def test_the_event_log_records_one_exchange_served_by_the_next_provider(
    failover: Gateway,
) -> None:
    session = uuid.uuid4().hex
    headers = failing_first(1) | {"x-claude-code-session-id": session}
    await ask(failover.url, Format.ANTHROPIC, stream=True, script="text", headers=headers)
    found = await transcript(store_url(failover), session)
    [exchange] = found.exchanges
    assert exchange.provider == "bedrock"
    assert exchange.status == 200
    assert exchange.response is not None
    assert "fake upstream" in exchange.response.blocks[0].text  # type: ignore[union-attr]
