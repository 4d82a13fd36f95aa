"""Claude through Google Vertex AI: Anthropic clients served by a (fake) Vertex AI, with an
access token the gateway got from a service account's key and Envoy adds.

The fake upstream is also the service account's OAuth token endpoint (the key's
``token_uri``); Vertex requests must carry a token it issued.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sluice.config.cloud import VERTEX_CLIENT_PATH
from sluice.model import Format
from tests.dataplane.claude_code import assert_tool_round_trip, tool_round_trip
from tests.dataplane.clients import anthropic_client, ask
from tests.dataplane.conftest import track
from tests.dataplane.test_enforcement import READ, SUDO, assert_refusal, tools
from tests.harness import ROOT, FakeUpstream, Gateway, Pod, gateway_config, start_gateway

PREFIX = "/v1/projects/acme/locations/us-east5/publishers/anthropic/models/"


def _service_account(path: Path, token_uri: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    account = {
        "type": "service_account",
        "project_id": "acme",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "sluice@acme.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(account))


@pytest.fixture(scope="module")
def vertex(workdir: Path, upstream: FakeUpstream) -> Iterator[Gateway]:
    """A gateway whose Anthropic route goes to Vertex AI, with a chain that blocks sudo."""
    gateway_dir = workdir / "vertex"
    gateway_dir.mkdir()
    key_file = gateway_dir / "service-account.json"
    _service_account(key_file, f"{upstream.url}/token")
    config = gateway_config(
        upstream.url,
        gateway_dir / "run",
        providers={
            "vertex": {
                "base_url": upstream.url,
                "vertex": {
                    "project": "acme",
                    "region": "us-east5",
                    "credentials_file": str(key_file),
                },
                "retries": {"max_retries": 0},
            }
        },
        auth={"allow_anonymous": True},  # tests: no client is authenticated
        routes=[
            {"path": "/v1/messages", "format": "anthropic", "provider": "vertex"},
            {"path": VERTEX_CLIENT_PATH, "format": "anthropic", "provider": "vertex"},
        ],
        policy_paths=[str(ROOT / "examples" / "policies")],
        policies=[{"name": "no_sudo:NoSudo"}],
    )
    with track(start_gateway(gateway_dir, config)) as gateway:
        yield gateway


@pytest.fixture(autouse=True)
def _clear(upstream: FakeUpstream) -> None:
    upstream.clear()


@pytest.mark.parametrize("script", ["text", "tools", "thinking"])
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_sdk_reads_vertex_as_anthropic(
    vertex: Gateway, upstream: FakeUpstream, stream: bool, script: str
) -> None:
    through = await ask(vertex.url, Format.ANTHROPIC, stream=stream, script=script)
    direct = await ask(upstream.url, Format.ANTHROPIC, stream=stream, script=script)
    assert through == direct
    assert through.text
    [received] = [r for r in upstream.requests() if r["path"].startswith("/v1/projects/")]
    action = "streamRawPredict" if stream else "rawPredict"
    assert received["path"] == f"{PREFIX}claude-sonnet-4-6:{action}"


async def test_request_is_vertexs_with_the_gateways_token(
    vertex: Gateway, upstream: FakeUpstream
) -> None:
    async with anthropic_client(vertex.url) as client:
        message = await client.messages.create(
            model="claude-sonnet-4-5-20250929",
            max_tokens=64,
            messages=[{"role": "user", "content": "hi"}],
        )
    assert message.content
    [received] = upstream.requests()
    assert received["path"] == f"{PREFIX}claude-sonnet-4-5@20250929:rawPredict"
    body = json.loads(received["body"])
    assert body["anthropic_version"] == "vertex-2023-10-16"
    assert "model" not in body
    headers = received["headers"]
    assert headers["authorization"].startswith("Bearer ya29.fake-")
    assert "sk-ant-test-key" not in json.dumps(headers)
    token = headers["authorization"].removeprefix("Bearer ")
    assert token not in vertex.log.read_text()  # never logged
    assert token not in json.dumps(vertex.config)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_blocked_tool_call_in_a_vertex_response(vertex: Gateway, stream: bool) -> None:
    reply = await ask(
        vertex.url, Format.ANTHROPIC, stream=stream, script="tools", headers=tools(SUDO, READ)
    )
    assert_refusal(reply)
    assert reply.tool_calls == (("Read", {"file_path": "/etc/hosts"}),)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_vertex_quota_error_is_an_anthropic_rate_limit(vertex: Gateway, stream: bool) -> None:
    with pytest.raises(anthropic.RateLimitError) as info:
        await ask(vertex.url, Format.ANTHROPIC, stream=stream, script="error_429")
    body = info.value.body
    assert isinstance(body, dict)
    assert body["error"]["type"] == "rate_limit_error"
    assert "RESOURCE_EXHAUSTED" in body["error"]["message"]


async def test_the_models_own_errors_pass_as_they_are(vertex: Gateway) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        await ask(vertex.url, Format.ANTHROPIC, stream=True, script="error_400")
    body = info.value.body
    assert isinstance(body, dict)
    assert body["error"]["type"] == "invalid_request_error"
    assert "prompt is too long" in body["error"]["message"]


def vertex_client(gateway: Gateway) -> anthropic.AsyncAnthropicVertex:
    """A client in Vertex AI mode pointed at the gateway, with a developer's own project and
    a token that is not Google's (the gateway holds the real ones)."""
    return anthropic.AsyncAnthropicVertex(
        project_id="dev-project",
        region="europe-west1",
        base_url=f"{gateway.url}/v1",
        access_token="not-a-google-token",
        max_retries=0,
    )


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_clients_in_vertex_mode_are_served_and_enforced(
    vertex: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    request = {
        "model": "claude-sonnet-4-5@20250929",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "list files"}],
        "extra_headers": tools(SUDO, READ) | {"x-fake-script": "tools"},
    }
    async with vertex_client(vertex) as client:
        if stream:
            async with client.messages.stream(**request) as events:  # type: ignore[arg-type]
                message = await events.get_final_message()
        else:
            message = await client.messages.create(**request)  # type: ignore[arg-type]
    text = "".join(block.text for block in message.content if block.type == "text")
    calls = [(block.name, block.input) for block in message.content if block.type == "tool_use"]
    assert "Sluice blocked a tool call." in text
    assert calls == [("Read", {"file_path": "/etc/hosts"})]
    [received] = upstream.requests()
    action = "streamRawPredict" if stream else "rawPredict"
    # The gateway's project and region, the gateway's token.
    assert received["path"] == f"{PREFIX}claude-sonnet-4-5@20250929:{action}"
    assert received["headers"]["authorization"].startswith("Bearer ya29.fake-")
    assert json.loads(received["body"])["anthropic_version"] == "vertex-2023-10-16"


def test_claude_code_in_vertex_mode_runs_tools_through_the_gateway(
    vertex: Gateway, upstream: FakeUpstream, tmp_path: Path
) -> None:
    run = tool_round_trip(vertex.url, tmp_path, mode="vertex", model="claude-sonnet-4-5@20250929")
    calls = [r for r in upstream.requests() if r["method"] == "POST"]
    path = f"{PREFIX}claude-sonnet-4-5@20250929:streamRawPredict"  # the gateway's project
    assert [call["path"] for call in calls] == [path, path]
    for call in calls:  # Vertex's body, with the gateway's token
        body = json.loads(call["body"])
        assert body["anthropic_version"] == "vertex-2023-10-16"
        assert "model" not in body
        assert call["headers"]["authorization"].startswith("Bearer ya29.fake-")
    assert_tool_round_trip(run, tmp_path, json.loads(calls[1]["body"]))


async def test_in_the_pod_envoy_starts_before_the_sidecar_has_a_token(
    workdir: Path, upstream: FakeUpstream
) -> None:
    """Kubernetes starts the pod's containers in order without waiting for one to be ready:
    Envoy's container runs before the sidecar's has written the token file Envoy watches.
    Envoy starts on a placeholder and adds the token once the sidecar has it."""
    pod_dir = workdir / "pod"
    pod_dir.mkdir()
    key_file = pod_dir / "service-account.json"
    _service_account(key_file, f"{upstream.url}/token")
    vertex = {"project": "acme", "region": "us-east5", "credentials_file": str(key_file)}
    config = gateway_config(
        upstream.url,
        pod_dir / "run",
        providers={"vertex": {"base_url": upstream.url, "vertex": vertex}},
        auth={"allow_anonymous": True},  # tests: no client is authenticated
        routes=[{"path": "/v1/messages", "format": "anthropic", "provider": "vertex"}],
        passthrough=[],
    )
    pod = Pod(pod_dir, config)
    try:
        pod.start("envoy")  # no token file yet: Envoy must still start
        pod.start("sidecar")  # gets the first token, writes it for Envoy
        # Envoy's file watch takes the token a moment after the sidecar wrote it.
        deadline = time.monotonic() + 30
        async with anthropic_client(pod.url) as client:
            while True:
                try:
                    message = await client.messages.create(
                        model="claude-sonnet-4-5-20250929",
                        max_tokens=64,
                        messages=[{"role": "user", "content": "hi"}],
                    )
                    break
                except anthropic.AuthenticationError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.1)
    except BaseException:
        for container in ("envoy", "sidecar"):
            if pod.log(container).exists():
                print(f"--- {container}\n{pod.log(container).read_text()[-6000:]}")
        raise
    finally:
        pod.stop()
    assert message.content
    received = upstream.requests()[-1]
    assert received["path"] == f"{PREFIX}claude-sonnet-4-5@20250929:rawPredict"
    assert received["headers"]["authorization"].startswith("Bearer ya29.fake-")
