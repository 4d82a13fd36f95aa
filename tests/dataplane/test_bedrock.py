"""Claude through AWS Bedrock: Anthropic clients served by a (fake) Bedrock, signed by Envoy.

The fake Bedrock checks every request's SigV4 signature with botocore's signer against the
fake account's keys, which the gateway's Envoy reads from its environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest

from sluice.config.cloud import BEDROCK_CLIENT_PATH
from sluice.fake_upstream._sigv4 import FAKE_AWS_CREDENTIALS
from sluice.model import Format
from tests.dataplane.claude_code import assert_tool_round_trip, tool_round_trip
from tests.dataplane.clients import anthropic_client, ask
from tests.dataplane.conftest import track
from tests.dataplane.test_enforcement import READ, SUDO, assert_refusal, tools
from tests.dataplane.test_metrics import admin_metrics, total
from tests.harness import ROOT, FakeUpstream, Gateway, gateway_config, start_gateway

DIRECT = {"path": "/v1/messages", "format": "anthropic", "provider": "bedrock"}
# Anthropic's API by default, Bedrock for Claude models: Envoy re-picks the route.
BY_MODEL = {
    "path": "/v1/messages",
    "format": "anthropic",
    "provider": "anthropic",
    "models": [{"model": "claude-*", "provider": "bedrock"}],
}


@contextlib.contextmanager
def _aws_environment(key_id: str, secret: str) -> Iterator[None]:
    """Envoy's AWS credentials, through its environment (the first of its sources)."""
    names = {"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret}
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _bedrock_gateway(
    workdir: Path, upstream: FakeUpstream, name: str, secret: str, **extra: Any
) -> Gateway:
    gateway_dir = workdir / name
    gateway_dir.mkdir()
    config = gateway_config(
        upstream.url,
        gateway_dir / "run",
        providers={
            "bedrock": {
                "base_url": upstream.url,
                "bedrock": {"region": "us-east-1", "inference_profile": "us"},
                "retries": {"max_retries": 0},
            }
        },
        auth={"allow_anonymous": True},  # tests: no client is authenticated
        **({"routes": [DIRECT]} | extra),
    )
    with _aws_environment(FAKE_AWS_CREDENTIALS[0], secret):
        return start_gateway(gateway_dir, config)


@pytest.fixture(scope="module")
def bedrock(workdir: Path, upstream: FakeUpstream) -> Iterator[Gateway]:
    """A gateway whose Anthropic route sends Claude models to Bedrock, with a chain that
    blocks sudo."""
    gateway = _bedrock_gateway(
        workdir,
        upstream,
        "bedrock",
        FAKE_AWS_CREDENTIALS[1],
        routes=[
            BY_MODEL,
            {"path": BEDROCK_CLIENT_PATH, "format": "anthropic", "provider": "bedrock"},
            {"path": "/v1/chat/completions", "format": "openai_chat", "provider": "openai"},
        ],
        policy_paths=[str(ROOT / "examples" / "policies")],
        policies=[{"name": "no_sudo:NoSudo"}],
    )
    with track(gateway):
        yield gateway


@pytest.fixture(autouse=True)
def _clear(upstream: FakeUpstream) -> None:
    upstream.clear()


@pytest.mark.parametrize("script", ["text", "tools", "thinking"])
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_sdk_reads_bedrock_as_anthropic(
    bedrock: Gateway, upstream: FakeUpstream, stream: bool, script: str
) -> None:
    through = await ask(bedrock.url, Format.ANTHROPIC, stream=stream, script=script)
    direct = await ask(upstream.url, Format.ANTHROPIC, stream=stream, script=script)
    assert through == direct
    assert through.text
    [received] = [r for r in upstream.requests() if r["path"].startswith("/model/")]
    action = "invoke-with-response-stream" if stream else "invoke"
    assert received["path"] == f"/model/claude-sonnet-4-6/{action}"


async def test_request_is_bedrocks_and_signed_by_envoy(
    bedrock: Gateway, upstream: FakeUpstream
) -> None:
    async with anthropic_client(bedrock.url) as client:
        message = await client.messages.create(
            model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
        )
    assert message.content
    [received] = upstream.requests()
    # The model mapped to the inference profile's id, ':' encoded in the path as AWS does.
    assert received["path"] == "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke"
    body = json.loads(received["body"])
    assert body["anthropic_version"] == "bedrock-2023-05-31"
    assert "model" not in body
    assert "stream" not in body
    headers = received["headers"]
    assert headers["authorization"].startswith(
        f"AWS4-HMAC-SHA256 Credential={FAKE_AWS_CREDENTIALS[0]}/"
    )
    assert "/us-east-1/bedrock/aws4_request, SignedHeaders=" in headers["authorization"]
    assert "sk-ant-test-key" not in json.dumps(headers)  # the client's key never reaches AWS
    assert "anthropic-version" not in headers


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_blocked_tool_call_in_a_bedrock_response(bedrock: Gateway, stream: bool) -> None:
    reply = await ask(
        bedrock.url, Format.ANTHROPIC, stream=stream, script="tools", headers=tools(SUDO, READ)
    )
    assert_refusal(reply)
    assert reply.tool_calls == (("Read", {"file_path": "/etc/hosts"}),)
    assert reply.stop == "tool_use"


ERRORS = [
    ("error_429", anthropic.RateLimitError, 429, "rate_limit_error", "ThrottlingException"),
    ("error_400", anthropic.BadRequestError, 400, "invalid_request_error", "ValidationException"),
    ("error_529", anthropic.InternalServerError, 503, "overloaded_error", "ServiceUnavailable"),
    ("error_500", anthropic.InternalServerError, 500, "api_error", "InternalServerException"),
]


@pytest.mark.parametrize(("script", "exception", "status", "kind", "name"), ERRORS)
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_bedrock_errors_reach_the_sdk_as_anthropic_errors(
    bedrock: Gateway,
    stream: bool,
    script: str,
    exception: type[anthropic.APIStatusError],
    status: int,
    kind: str,
    name: str,
) -> None:
    with pytest.raises(exception) as info:
        await ask(bedrock.url, Format.ANTHROPIC, stream=stream, script=script)
    assert info.value.status_code == status
    body = info.value.body
    assert isinstance(body, dict)
    assert body["error"]["type"] == kind
    assert name in body["error"]["message"]


async def test_midstream_exception_frame_becomes_an_error_event(bedrock: Gateway) -> None:
    with pytest.raises(anthropic.APIStatusError) as info:
        await ask(bedrock.url, Format.ANTHROPIC, stream=True, script="midstream_error")
    assert "modelStreamErrorException" in str(info.value)


async def test_a_wrong_signature_is_refused_by_bedrock(
    workdir: Path, upstream: FakeUpstream
) -> None:
    with track(_bedrock_gateway(workdir, upstream, "bedrock-wrong", "not-the-secret")) as gateway:
        async with anthropic_client(gateway.url) as client:
            with pytest.raises(anthropic.PermissionDeniedError) as info:
                await client.messages.create(
                    model="claude-sonnet-4-5",
                    max_tokens=64,
                    messages=[{"role": "user", "content": "hi"}],
                )
    assert "InvalidSignatureException" in str(info.value)


async def test_other_models_stay_on_anthropics_api(
    bedrock: Gateway, upstream: FakeUpstream
) -> None:
    async with anthropic_client(bedrock.url) as client:
        message = await client.messages.create(
            model="tools", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
        )
    assert message.stop_reason == "tool_use"
    [received] = upstream.requests()
    assert received["path"] == "/v1/messages"
    headers = received["headers"]
    assert "sk-ant-test-key" in headers.get("x-api-key", headers.get("authorization", ""))


def bedrock_client(gateway: Gateway) -> anthropic.AsyncAnthropicBedrock:
    """A client in Bedrock mode pointed at the gateway, with a key that is not AWS's (the
    gateway signs with its own credentials)."""
    return anthropic.AsyncAnthropicBedrock(
        api_key="not-an-aws-key", aws_region="eu-west-1", base_url=gateway.url, max_retries=0
    )


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_clients_in_bedrock_mode_are_served_and_enforced(
    bedrock: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    request = {
        "model": model,
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "list files"}],
        "extra_headers": tools(SUDO, READ) | {"x-fake-script": "tools"},
    }
    async with bedrock_client(bedrock) as client:
        if stream:
            async with client.messages.stream(**request) as events:  # type: ignore[arg-type]
                message = await events.get_final_message()
        else:
            message = await client.messages.create(**request)  # type: ignore[arg-type]
    text = "".join(block.text for block in message.content if block.type == "text")
    calls = [(block.name, block.input) for block in message.content if block.type == "tool_use"]
    assert "Sluice blocked a tool call." in text
    assert calls == [("Read", {"file_path": "/etc/hosts"})]
    assert message.stop_reason == "tool_use"
    [received] = upstream.requests()
    action = "invoke-with-response-stream" if stream else "invoke"
    assert received["path"] == f"/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/{action}"
    assert "not-an-aws-key" not in json.dumps(received["headers"])  # signed by the gateway


async def test_a_bedrock_mode_client_reads_bedrocks_errors(bedrock: Gateway) -> None:
    async with bedrock_client(bedrock) as client:
        with pytest.raises(anthropic.RateLimitError) as info:
            await client.messages.create(
                model="anthropic.claude-haiku-4-5-20251001-v1:0",
                max_tokens=16,
                messages=[{"role": "user", "content": "hi"}],
                extra_headers={"x-fake-script": "error_429"},
            )
    assert "Too many requests" in str(info.value)


async def test_a_mid_stream_exception_reaches_a_bedrock_mode_client(bedrock: Gateway) -> None:
    async with bedrock_client(bedrock) as client:
        with pytest.raises(anthropic.APIError) as info:
            async with client.messages.stream(
                model="anthropic.claude-haiku-4-5-20251001-v1:0",
                max_tokens=16,
                messages=[{"role": "user", "content": "hi"}],
                extra_headers={"x-fake-script": "midstream_error"},
            ) as events:
                await events.get_final_message()
    assert "modelStreamErrorException" in str(info.value)


async def test_the_provider_is_counted_in_the_metrics(bedrock: Gateway) -> None:
    before = total(admin_metrics(bedrock), "sluice_requests_total", provider="bedrock")
    await ask(bedrock.url, Format.ANTHROPIC, stream=True, script="text")
    for _ in range(50):  # counted once the exchange is over, just after the last byte
        after = admin_metrics(bedrock)
        if total(after, "sluice_requests_total", provider="bedrock") > before:
            break
        await asyncio.sleep(0.1)
    assert total(after, "sluice_requests_total", provider="bedrock") == before + 1
    assert total(after, "sluice_tokens_total", type="output") > 0  # usage read from the stream


def test_claude_code_in_bedrock_mode_runs_tools_through_the_gateway(
    bedrock: Gateway, upstream: FakeUpstream, tmp_path: Path
) -> None:
    profile = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"  # as organisations pin it
    run = tool_round_trip(bedrock.url, tmp_path, mode="bedrock", model=profile)
    calls = [r for r in upstream.requests() if r["method"] == "POST"]
    path = "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream"
    assert [call["path"] for call in calls] == [path, path]
    for call in calls:  # Bedrock's body, signed by the gateway
        body = json.loads(call["body"])
        assert body["anthropic_version"] == "bedrock-2023-05-31"
        assert "model" not in body
        assert call["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 ")
    assert_tool_round_trip(run, tmp_path, json.loads(calls[1]["body"]))
