"""Policies apply whatever the response is labelled, and the sidecar's memory bounds end an
exchange cleanly, through real Envoy + sidecar + the fake upstream.

The fake upstream mislabels its answer on request (``x-fake-content-type``). The client
here is plain ``aiohttp``: the question is which bytes reach the client, and an SDK would
refuse a mislabelled response before showing them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from sluice.model import Format
from tests.dataplane.conftest import track
from tests.harness import ROOT, FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway

SECRET = "AKIAIOSFODNN7EXAMPLE"  # an AWS access key id: the redact policy removes it
CHAINS: dict[str, list[dict[str, Any]]] = {
    "redact": [{"name": "redact"}],
    "rules": [{"name": "tool_rules"}],  # reads tool calls only: text flows on at once
    # A whole-block text hook: the gateway holds each text block until its end.
    "whole": [{"name": "tests.sidecar.policies_for_tests:Shout"}],
}
BOUNDS = {"max_sse_event_bytes": 16384, "max_held_bytes": 32768, "max_response_bytes": 32768}
PATHS = {
    Format.ANTHROPIC: "/v1/messages",
    Format.OPENAI_CHAT: "/v1/chat/completions",
    Format.OPENAI_RESPONSES: "/v1/responses",
}


@pytest.fixture(scope="module")
def bounded(upstream: FakeUpstream) -> Iterator[Gateway]:
    with short_tempdir() as base:
        config = gateway_config(
            upstream.url,
            base / "run",
            chains=CHAINS,
            chain_header={"enabled": True},
            policy_paths=[str(ROOT)],
            sidecar={"socket_dir": str(base / "run"), "workers": 1, **BOUNDS},
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


def body(fmt: Format, stream: bool) -> dict[str, Any]:
    if fmt is Format.ANTHROPIC:
        return {
            "model": "claude-sonnet-4-6",
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": "hello"}],
            "stream": stream,
        }
    if fmt is Format.OPENAI_CHAT:
        return {
            "model": "gpt-5",
            "messages": [{"role": "user", "content": "hello"}],
            "stream": stream,
        }
    return {"model": "gpt-5", "input": "hello", "stream": stream}


@dataclass(frozen=True)
class Reply:
    status: int
    text: str


async def post(gateway: Gateway, fmt: Format, stream: bool, **headers: str) -> Reply:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session,
        session.post(
            gateway.url + PATHS[fmt],
            data=json.dumps(body(fmt, stream)),
            headers={
                "content-type": "application/json",
                "x-api-key": "sk-ant-test-key",
                "authorization": "Bearer sk-test-key",
                **headers,
            },
        ) as response,
    ):
        return Reply(response.status, (await response.read()).decode())


FORMATS = pytest.mark.parametrize("fmt", list(Format))


@FORMATS
@pytest.mark.parametrize(
    ("stream", "label"),
    [
        (True, "application/json"),  # an event stream labelled as JSON
        (True, "TEXT/EVENT-STREAM; Charset=UTF-8"),  # the right label, in capitals
        (True, "text/plain"),  # a label that names neither: the bytes decide
        (False, "text/event-stream"),  # a JSON body labelled as a stream
        (False, "Application/JSON"),
    ],
)
async def test_a_secret_in_the_answer_is_redacted_whatever_the_label(
    bounded: Gateway, fmt: Format, stream: bool, label: str
) -> None:
    reply = await post(
        bounded,
        fmt,
        stream,
        **{
            "x-sluice-chain": "redact",
            "x-fake-script": "text",
            "x-fake-text": f"Your key is {SECRET}, keep it safe.",
            "x-fake-content-type": label,
        },
    )
    assert reply.status == 200
    assert SECRET not in reply.text
    assert "[REDACTED:aws_access_key_id]" in reply.text


@FORMATS
async def test_a_stream_policies_would_hold_past_the_bound_ends_with_an_error_event(
    bounded: Gateway, fmt: Format
) -> None:
    """A whole-block text policy holds a text block until it ends; 3,000 deltas are more
    than 32 KiB. (``redact`` reads text as it streams and holds only a short tail.)"""
    reply = await post(
        bounded,
        fmt,
        True,
        **{"x-sluice-chain": "whole", "x-fake-script": "long", "x-fake-events": "3000"},
    )
    assert "sidecar.max_held_bytes" in last_error(reply)


@FORMATS
async def test_a_whole_response_past_the_bound_becomes_an_error_body(
    bounded: Gateway, fmt: Format
) -> None:
    reply = await post(
        bounded,
        fmt,
        False,
        **{"x-sluice-chain": "rules", "x-fake-script": "long", "x-fake-events": "6000"},
    )
    error = json.loads(reply.text)["error"]
    assert "sidecar.max_response_bytes" in error["message"]


async def test_an_event_past_the_bound_ends_the_stream_with_an_error_event(
    bounded: Gateway,
) -> None:
    """The Responses API repeats the whole answer in its closing events: with 6,000 deltas
    one event is larger than 16 KiB, though no policy holds anything."""
    reply = await post(
        bounded,
        Format.OPENAI_RESPONSES,
        True,
        **{"x-sluice-chain": "rules", "x-fake-script": "long", "x-fake-events": "6000"},
    )
    assert "sidecar.max_sse_event_bytes" in last_error(reply)


def last_error(reply: Reply) -> str:
    """The message of the stream's last event, which must be an error event (Anthropic and
    Responses ``{"type": "error", ...}``, Chat Completions ``{"error": {...}}``)."""
    data = [line[5:] for line in reply.text.splitlines() if line.startswith("data:")]
    last = json.loads(data[-1])
    error = last.get("error") if "error" in last else last
    assert last.get("type") == "error" or "error" in last, last
    return str(error["message"])
