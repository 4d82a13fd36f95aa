"""Bad input and provider errors reach the client in its own API's error format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import anthropic
import openai
import pytest

from sluice.model import Format
from tests.dataplane.clients import anthropic_client, ask, openai_client
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, start_gateway

PATHS = {
    Format.ANTHROPIC: "/v1/messages",
    Format.OPENAI_CHAT: "/v1/chat/completions",
    Format.OPENAI_RESPONSES: "/v1/responses",
}
HEADERS = {"anthropic-version": "2023-06-01", "content-type": "application/json"}


@pytest.fixture(scope="module")
def gateway(workdir: Path, upstream: FakeUpstream) -> Iterator[Gateway]:
    """A gateway whose circuit breakers stay closed: these tests send provider errors one
    after another on purpose, which would open them (tests/dataplane/test_egress.py shows
    that), and then the client would see the gateway's 503 instead of the provider's error."""
    directory = workdir / "errors"
    directory.mkdir()
    patient = {"circuit_breaker": {"consecutive_failures": 1000}}
    providers = {name: {"base_url": upstream.url, **patient} for name in ("anthropic", "openai")}
    config = gateway_config(upstream.url, directory / "run", providers=providers)
    with track(start_gateway(directory, config)) as started:
        yield started


def error_message(fmt: Format, body: dict[str, object]) -> str:
    """The error message, asserting the body has the format's error shape."""
    if fmt is Format.ANTHROPIC:
        assert body["type"] == "error"
        error = body["error"]
        assert isinstance(error, dict)
        assert error["type"] == "invalid_request_error"
    else:
        error = body["error"]
        assert isinstance(error, dict)
        assert error["type"] == "invalid_request_error"
    message = error["message"]
    assert isinstance(message, str)
    return message


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize(
    "payload", [b"{not json", b"[1, 2]", b'{"model": 7, "messages": "x"}'], ids=str
)
async def test_unreadable_body_gets_a_400_in_the_clients_format(
    gateway: Gateway, upstream: FakeUpstream, fmt: Format, payload: bytes
) -> None:
    upstream.clear()
    async with (
        aiohttp.ClientSession() as session,
        session.post(gateway.url + PATHS[fmt], data=payload, headers=HEADERS) as response,
    ):
        assert response.status == 400
        assert response.headers["content-type"].startswith("application/json")
        assert error_message(fmt, json.loads(await response.read()))
    assert upstream.requests() == []  # refused before the provider was called


async def test_anthropic_sdk_raises_bad_request_for_a_gateway_refusal(gateway: Gateway) -> None:
    async with anthropic_client(gateway.url) as client:
        with pytest.raises(anthropic.BadRequestError) as info:
            await client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=10,
                messages="not a list",  # type: ignore[arg-type]
            )
    assert info.value.status_code == 400
    assert info.value.body["error"]["type"] == "invalid_request_error"  # type: ignore[index]


async def test_openai_sdk_raises_bad_request_for_a_gateway_refusal(gateway: Gateway) -> None:
    async with openai_client(gateway.url) as client:
        with pytest.raises(openai.BadRequestError) as info:
            await client.chat.completions.create(model="gpt-5", messages="x")  # type: ignore[arg-type]
    assert info.value.status_code == 400


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("script", ["error_400", "error_429", "error_500", "error_529"])
async def test_provider_errors_reach_the_client_unchanged(
    gateway: Gateway, upstream: FakeUpstream, fmt: Format, script: str
) -> None:
    body = json.dumps(
        {
            "model": "m",
            "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}],
            "input": "hi",
        }
    ).encode()
    headers = HEADERS | {"x-fake-script": script}
    seen = []
    async with aiohttp.ClientSession() as session:
        for base in (upstream.url, gateway.url):
            async with session.post(base + PATHS[fmt], data=body, headers=headers) as response:
                seen.append(
                    (response.status, response.headers.get("retry-after"), await response.read())
                )
    assert seen[0] == seen[1]
    assert seen[0][0] >= 400
    if script == "error_429":
        assert seen[1][1] is not None


@pytest.mark.parametrize("fmt", list(Format))
async def test_midstream_error_event_reaches_the_sdk(
    gateway: Gateway, upstream: FakeUpstream, fmt: Format
) -> None:
    """The SDK fails the same way through the gateway as directly."""
    failures = []
    for base in (upstream.url, gateway.url):
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared below
            await ask(base, fmt, stream=True, script="midstream_error")
        failures.append((type(info.value), str(info.value)))
    assert failures[0] == failures[1]
