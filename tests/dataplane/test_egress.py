"""The egress edge against real Envoy: TLS to providers, keys, routing by model, retries,
the circuit, failure modes and overload, and TLS toward clients (HTTP/2 and HTTP/1.1)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import ssl
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import anthropic
import openai
import pytest

from tests.dataplane.certs import Authority, make_authority
from tests.harness import FakeUpstream, Gateway, short_tempdir, start_fake_upstream

PROVIDER_NAME = "provider.test"
PROVIDER_KEY = "sk-gateway-held-key"
CLIENT_KEY = "sk-ant-client-key"
HEADERS = {"anthropic-version": "2023-06-01", "content-type": "application/json"}


def body(model: str = "claude-sonnet-4-6", *, stream: bool = False) -> str:
    messages = [{"role": "user", "content": "hi"}]
    return json.dumps({"model": model, "max_tokens": 50, "stream": stream, "messages": messages})


@pytest.fixture(scope="module")
def pki() -> Iterator[tuple[Authority, Authority]]:
    with short_tempdir() as base:
        yield make_authority(base / "pki", "ca"), make_authority(base / "pki", "other-ca")


@pytest.fixture(scope="module")
def tls_upstream(pki: tuple[Authority, Authority]) -> Iterator[FakeUpstream]:
    """A provider over HTTPS, with a certificate for provider.test from our test CA."""
    ca, _ = pki
    server = ca.issue("provider", PROVIDER_NAME)
    fake = start_fake_upstream(ca.directory, tls=(server.cert, server.key, ca.ca_file))
    yield fake
    fake.stop()


def https_provider(upstream: FakeUpstream, ca_file: Path, **extra: Any) -> dict[str, Any]:
    url = f"https://127.0.0.1:{upstream.port}"
    return {"base_url": url, "sni": PROVIDER_NAME, "ca_file": str(ca_file), **extra}


def seen(upstream: FakeUpstream, marker: str) -> list[dict[str, Any]]:
    """The requests the upstream received carrying ``x-test-id: marker``."""
    return [r for r in upstream.requests() if r["headers"].get("x-test-id") == marker]


async def post(
    url: str, data: str, headers: dict[str, str], *, ssl_context: ssl.SSLContext | None = None
) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=data, headers=headers, ssl=ssl_context or True) as response,
    ):
        raw = await response.read()
        return response.status, json.loads(raw) if raw else {}, time.monotonic() - started


def _get(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        text: str = response.read().decode()
        return text


def stats(gateway: Gateway, prefix: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{gateway.admin_url}/stats?filter={prefix}") as response:
        lines = response.read().decode().splitlines()
    pairs = (line.split(": ", 1) for line in lines if ": " in line)
    return {key: int(value) for key, value in pairs if value.strip().isdigit()}


async def test_tls_origination_verifies_the_provider_and_injects_the_gateway_key(
    make_gateway: Callable[..., Gateway], tls_upstream: FakeUpstream, pki: Any, tmp_path: Path
) -> None:
    ca, _ = pki
    key_file = tmp_path / "provider.key"
    key_file.write_text(PROVIDER_KEY + "\n")  # the trailing newline must not reach the header
    key = {"secret": {"file": str(key_file)}}
    provider = https_provider(tls_upstream, ca.ca_file, api_key=key)
    gateway = make_gateway(
        providers={"anthropic": provider, "openai": provider},
        auth={"allow_anonymous": True},  # clients' own keys pass the gateway unchecked
    )
    marker = uuid.uuid4().hex
    client = anthropic.AsyncAnthropic(base_url=gateway.url, api_key=CLIENT_KEY, max_retries=0)
    async with client:
        message = await client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=50,
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"x-test-id": marker},
        )
    assert message.content
    oai = openai.AsyncOpenAI(base_url=f"{gateway.url}/v1", api_key="sk-client", max_retries=0)
    async with oai:
        await oai.chat.completions.create(
            model="gpt-5",
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"x-test-id": marker},
        )
    [to_anthropic, to_openai] = seen(tls_upstream, marker)
    assert to_anthropic["headers"]["x-api-key"] == PROVIDER_KEY
    assert to_openai["headers"]["authorization"] == f"Bearer {PROVIDER_KEY}"
    for received in (to_anthropic, to_openai):
        assert "authorization" not in received["headers"] or received is to_openai
        assert CLIENT_KEY not in json.dumps(received["headers"])
        assert "sk-client" not in json.dumps(received["headers"])
    # The key is in neither the rendered bootstrap, Envoy's config dump nor the logs.
    bootstrap = Path(gateway.config["sidecar"]["socket_dir"]) / "envoy.json"
    assert PROVIDER_KEY not in bootstrap.read_text()
    assert PROVIDER_KEY not in await asyncio.to_thread(_get, f"{gateway.admin_url}/config_dump")
    assert PROVIDER_KEY not in gateway.log.read_text()


@pytest.mark.parametrize("wrong", ["other CA", "other name"])
async def test_a_provider_certificate_that_does_not_verify_is_refused(
    make_gateway: Callable[..., Gateway], tls_upstream: FakeUpstream, pki: Any, wrong: str
) -> None:
    ca, other = pki
    provider = https_provider(tls_upstream, ca.ca_file)
    if wrong == "other CA":
        provider["ca_file"] = str(other.ca_file)
    else:
        provider["sni"] = "impostor.test"
    gateway = make_gateway(providers={"anthropic": provider, "openai": provider})
    marker = uuid.uuid4().hex
    status, error, _ = await post(
        f"{gateway.url}/v1/messages", body(), HEADERS | {"x-test-id": marker}
    )
    assert status == 503
    assert error["type"] == "error"  # the client's (Anthropic's) format
    assert error["error"]["message"].startswith("Sluice gateway:")
    assert seen(tls_upstream, marker) == []  # no request went out over the bad connection


async def test_a_model_rule_sends_matching_models_to_another_provider(
    make_gateway: Callable[..., Gateway],
    upstream: FakeUpstream,
    tls_upstream: FakeUpstream,
    pki: Any,
    tmp_path: Path,
) -> None:
    ca, _ = pki
    (tmp_path / "azure.key").write_text(PROVIDER_KEY)
    azure_key = {"secret": {"file": str(tmp_path / "azure.key")}, "header": "api-key"}
    chat = {
        "path": "/v1/chat/completions",
        "format": "openai_chat",
        "provider": "openai",
        "models": [{"model": "azure-*", "provider": "azure"}],
    }
    gateway = make_gateway(
        providers={"azure": https_provider(tls_upstream, ca.ca_file, api_key=azure_key)},
        routes=[chat],
        auth={"allow_anonymous": True},
    )
    marker = uuid.uuid4().hex
    client = openai.AsyncOpenAI(base_url=f"{gateway.url}/v1", api_key="sk-client", max_retries=0)
    async with client:
        for model, extra in [
            ("azure-gpt-4o", {}),
            ("gpt-5", {}),
            ("gpt-5", {"x-sluice-provider": "azure"}),  # a client cannot pick the provider
        ]:
            await client.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": "hi"}],
                extra_headers={"x-test-id": marker, **extra},
            )
    [to_azure] = seen(tls_upstream, marker)
    assert json.loads(to_azure["body"])["model"] == "azure-gpt-4o"
    assert to_azure["headers"]["api-key"] == PROVIDER_KEY
    assert "authorization" not in to_azure["headers"]
    assert "x-sluice-provider" not in to_azure["headers"]
    to_openai = seen(upstream, marker)
    assert [json.loads(r["body"])["model"] for r in to_openai] == ["gpt-5", "gpt-5"]
    assert to_openai[0]["headers"]["authorization"] == "Bearer sk-client"  # no key configured


async def test_a_base_url_path_goes_before_each_request_path(
    make_gateway: Callable[..., Gateway], upstream: FakeUpstream
) -> None:
    """Azure OpenAI's v1 API lives under /openai: the prefix is added, the query kept."""
    azure = {"base_url": f"{upstream.url}/openai/"}
    routes = [
        {"path": "/v1/chat/completions", "format": "openai_chat", "provider": "azure"},
        {"path": "/v1/responses", "format": "openai_responses", "provider": "azure"},
    ]
    gateway = make_gateway(providers={"azure": azure}, routes=routes, passthrough=[])
    marker = uuid.uuid4().hex
    client = openai.AsyncOpenAI(
        base_url=f"{gateway.url}/v1",
        api_key="sk-client",
        max_retries=0,
        default_query={"api-version": "preview"},
        default_headers={"x-test-id": marker},
    )
    async with client:
        chat = await client.chat.completions.create(
            model="gpt-5", messages=[{"role": "user", "content": "hi"}]
        )
        response = await client.responses.create(model="gpt-5", input="hi")
    assert chat.choices[0].message.content
    assert response.output_text
    assert [r["path"] for r in seen(upstream, marker)] == [
        "/openai/v1/chat/completions?api-version=preview",
        "/openai/v1/responses?api-version=preview",
    ]


async def test_429_is_retried_after_retry_after_then_succeeds(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    marker = uuid.uuid4().hex
    fail_twice = {"x-test-id": marker, "x-fake-fail-first": "2", "x-fake-fail-key": marker}
    status, reply, elapsed = await post(f"{gateway.url}/v1/messages", body(), HEADERS | fail_twice)
    assert status == 200, reply
    assert reply["type"] == "message"
    assert len(seen(upstream, marker)) == 3
    assert elapsed >= 1.5  # the fake's retry-after: 1, honoured twice


async def test_retries_are_bounded_and_the_last_429_reaches_the_client(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    marker = uuid.uuid4().hex
    always = {"x-test-id": marker, "x-fake-fail-first": "9", "x-fake-fail-key": marker}
    status, error, _ = await post(f"{gateway.url}/v1/messages", body(), HEADERS | always)
    assert status == 429
    assert error["error"]["type"] == "rate_limit_error"  # the provider's own error, unchanged
    assert len(seen(upstream, marker)) == 3  # one try and max_retries (2)


@pytest.mark.parametrize(
    ("script", "stream"),
    [("error_500", False), ("midstream_error", True)],
    ids=["500", "after the response began"],
)
async def test_no_retry_once_the_provider_may_have_done_paid_work(
    gateway: Gateway, upstream: FakeUpstream, script: str, stream: bool
) -> None:
    marker = uuid.uuid4().hex
    headers = HEADERS | {"x-test-id": marker, "x-fake-script": script}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{gateway.url}/v1/messages", data=body(stream=stream), headers=headers) as r,
    ):
        await r.read()
        assert r.status == (500 if script == "error_500" else 200)
    assert len(seen(upstream, marker)) == 1


async def test_circuit_opens_under_a_failing_provider_and_closes_after(
    make_gateway: Callable[..., Gateway], upstream: FakeUpstream
) -> None:
    provider = {
        "base_url": upstream.url,
        "retries": {"max_retries": 0},
        "circuit_breaker": {"consecutive_failures": 3, "open_s": 2},
    }
    gateway = make_gateway(providers={"anthropic": provider})
    url = f"{gateway.url}/v1/messages"
    for _ in range(3):
        status, _, _ = await post(url, body(), HEADERS | {"x-fake-script": "error_500"})
        assert status == 500
    marker = uuid.uuid4().hex
    status, error, elapsed = await post(url, body(), HEADERS | {"x-test-id": marker})
    assert status == 503  # open: answered at once, the provider is not called
    assert error["type"] == "error"
    assert elapsed < 0.5
    assert seen(upstream, marker) == []
    counters = stats(gateway, "provider_anthropic.outlier_detection")
    assert counters["cluster.provider_anthropic.outlier_detection.ejections_active"] == 1
    deadline = time.monotonic() + 10
    while True:  # closes after open_s (checked each second)
        status, _, _ = await post(url, body(), HEADERS)
        if status == 200:
            break
        assert time.monotonic() < deadline, "the circuit did not close"
        await asyncio.sleep(0.25)
    counters = stats(gateway, "provider_anthropic.outlier_detection")
    assert counters["cluster.provider_anthropic.outlier_detection.ejections_active"] == 0


def _kill_sidecar(gateway: Gateway) -> None:
    gateway.process.send_signal(signal.SIGSTOP)  # the supervisor must not restart workers
    for pid in gateway.worker_pids():
        os.kill(pid, signal.SIGKILL)


async def test_failure_mode_is_chosen_per_route(make_gateway: Callable[..., Gateway]) -> None:
    routes = [
        {"path": "/v1/messages", "format": "anthropic", "provider": "anthropic"},
        {
            "path": "/v1/chat/completions",
            "format": "openai_chat",
            "provider": "openai",
            "failure_mode": "open",
        },
    ]
    gateway = make_gateway(sidecar={"failure_mode": "closed"}, routes=routes)
    _kill_sidecar(gateway)
    try:
        await asyncio.sleep(0.3)
        status, error, _ = await post(f"{gateway.url}/v1/messages", body(), HEADERS)
        assert status == 503
        assert "sidecar is unavailable" in error["error"]["message"]
        chat = json.dumps({"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]})
        status, reply, _ = await post(
            f"{gateway.url}/v1/chat/completions", chat, {"content-type": "application/json"}
        )
        assert status == 200
        assert reply["object"] == "chat.completion"
    finally:
        gateway.process.send_signal(signal.SIGCONT)


async def test_an_overloaded_sidecar_answers_503_at_once(
    make_gateway: Callable[..., Gateway],
) -> None:
    gateway = make_gateway(sidecar={"max_streams": 1})
    slow = HEADERS | {"x-fake-script": "long", "x-fake-events": "100", "x-fake-pace-ms": "30"}
    held = asyncio.create_task(post(f"{gateway.url}/v1/messages", body(stream=True), slow))
    await asyncio.sleep(0.5)  # the slow stream holds the one sidecar stream allowed
    status, error, elapsed = await post(f"{gateway.url}/v1/messages", body(), HEADERS)
    assert status == 503
    assert error["type"] == "error"
    assert elapsed < 0.5
    with pytest.raises(json.JSONDecodeError):
        await held  # an SSE body, not JSON: it went through
    status, _, _ = await post(f"{gateway.url}/v1/messages", body(), HEADERS)
    assert status == 200


async def test_clients_speak_http2_and_http11_over_tls(
    make_gateway: Callable[..., Gateway], pki: Any
) -> None:
    ca, _ = pki
    server = ca.issue("gateway", "gateway.test")
    tls = {"cert_file": str(server.cert), "key_file": str(server.key)}
    gateway = make_gateway(listener={"tls": tls})
    port = gateway.config["listener"]["port"]
    context = ssl.create_default_context(cafile=str(ca.ca_file))
    context.check_hostname = False  # aiohttp connects to 127.0.0.1; curl checks the name
    https = f"https://127.0.0.1:{port}/v1/messages"
    status, reply, _ = await post(https, body(), HEADERS, ssl_context=context)
    assert status == 200  # HTTP/1.1 (aiohttp's only)
    assert reply["type"] == "message"
    curl = [
        "curl", "-sS", "--http2", "--cacert", str(ca.ca_file),
        "--resolve", f"gateway.test:{port}:127.0.0.1",
        "-H", "anthropic-version: 2023-06-01", "-H", "content-type: application/json",
        "-d", body(), "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
        f"https://gateway.test:{port}/v1/messages",
    ]  # fmt: skip
    result = await asyncio.to_thread(subprocess.run, curl, capture_output=True, text=True)
    assert result.stdout == "2 200", result.stderr
