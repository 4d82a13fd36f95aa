"""What reaches the provider: paths, query strings, headers; passthrough paths and the probe."""

from __future__ import annotations

import aiohttp
import pytest

from tests.dataplane.clients import anthropic_client, openai_client
from tests.harness import FakeUpstream, Gateway

ANTHROPIC_HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-key"}
BODY = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hi"}],
}


@pytest.fixture(autouse=True)
def _clear(upstream: FakeUpstream) -> None:
    upstream.clear()


async def test_query_string_reaches_the_provider(gateway: Gateway, upstream: FakeUpstream) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{gateway.url}/v1/messages?beta=true", json=BODY, headers=ANTHROPIC_HEADERS
        ) as response,
    ):
        assert response.status == 200
    [received] = upstream.requests()
    assert received["path"] == "/v1/messages?beta=true"


async def test_accept_encoding_is_removed_on_llm_routes(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    headers = ANTHROPIC_HEADERS | {"accept-encoding": "gzip, br"}
    async with (
        aiohttp.ClientSession(auto_decompress=False) as session,
        session.post(f"{gateway.url}/v1/messages", json=BODY, headers=headers) as response,
    ):
        assert response.status == 200
    [received] = upstream.requests()
    assert "accept-encoding" not in {k.lower() for k in received["headers"]}
    assert received["headers"].get("x-api-key") == "sk-ant-test-key"  # the client's own key


async def test_models_list_passes_through_for_both_sdks(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    async with anthropic_client(gateway.url) as client:
        anthropic_models = await client.models.list()
    async with openai_client(gateway.url) as client:
        openai_models = await client.models.list()
    assert anthropic_models.data
    assert openai_models.data
    received = upstream.requests()
    assert [r["path"].partition("?")[0] for r in received] == ["/v1/models", "/v1/models"]
    assert "anthropic-version" in received[0]["headers"]


async def test_count_tokens_passes_through(gateway: Gateway) -> None:
    async with anthropic_client(gateway.url) as client:
        counted = await client.messages.count_tokens(
            model="claude-sonnet-4-6", messages=[{"role": "user", "content": "hello there"}]
        )
    assert counted.input_tokens > 0


async def test_claude_code_head_probe(gateway: Gateway, upstream: FakeUpstream) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.head(f"{gateway.url}/") as response,
    ):
        assert response.status == 200
    assert [r["method"] for r in upstream.requests()] == ["HEAD"]


@pytest.mark.parametrize(
    ("headers", "anthropic_shape"), [({}, False), ({"anthropic-version": "2023-06-01"}, True)]
)
async def test_unknown_path_gets_a_404_in_the_clients_error_format(
    gateway: Gateway, headers: dict[str, str], anthropic_shape: bool
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{gateway.url}/nowhere", headers=headers) as response,
    ):
        assert response.status == 404
        assert response.headers["content-type"] == "application/json"
        body = await response.json()
    if anthropic_shape:
        assert body["type"] == "error"
        assert body["error"]["message"].startswith("Sluice gateway:")
    else:
        assert body["error"]["message"].startswith("Sluice gateway:")
        assert "type" not in body
