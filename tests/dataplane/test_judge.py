"""tool_judge through the real gateway, the fake upstream serving as the judge."""

from __future__ import annotations

import json
from collections.abc import Iterator

import aiohttp
import pytest

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway


def judge(model: str, **extra: object) -> list[dict[str, object]]:
    return [{"name": "tool_judge", "config": {"judge": {"model": model}, **extra}}]


@pytest.fixture(scope="module")
def judged(upstream: FakeUpstream) -> Iterator[Gateway]:
    endpoint = {"api": "openai", "base_url": upstream.url, "api_key": "sk-judge"}

    def chain(model: str, **extra: object) -> list[dict[str, object]]:
        entry = judge(model, **extra)
        entry[0]["config"]["judge"] = endpoint | {"model": model}  # type: ignore[index]
        return entry

    with short_tempdir() as base:
        config = gateway_config(
            upstream.url,
            base / "run",
            sidecar={"keepalive_s": 0.2},
            policies=chain("judge"),
            chains={
                "slow": chain("judge_slow", timeout_s=1.0),
                "broken": chain("judge_error"),
            },
            chain_header={"enabled": True},
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


def call(command: str) -> dict[str, str]:
    return {"x-fake-tool": json.dumps([{"name": "Bash", "arguments": {"command": command}}])}


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize("fmt", list(Format))
async def test_the_judge_blocks_a_dangerous_call(
    judged: Gateway, fmt: Format, stream: bool
) -> None:
    reply = await ask(judged.url, fmt, stream=stream, script="tools", headers=call("rm -rf /"))
    assert "Sluice blocked a tool call." in reply.text
    assert "tool judge rated this call unsafe" in reply.text
    assert reply.tool_calls == ()


async def test_the_judge_allows_a_safe_call(judged: Gateway) -> None:
    reply = await ask(judged.url, Format.ANTHROPIC, stream=True, script="tools", headers=call("ls"))
    assert reply.tool_calls == (("Bash", {"command": "ls"}),)
    assert "Sluice" not in reply.text


async def test_a_failing_judge_fails_closed(judged: Gateway) -> None:
    headers = call("ls") | {"x-sluice-chain": "broken"}
    reply = await ask(judged.url, Format.ANTHROPIC, stream=True, script="tools", headers=headers)
    assert reply.tool_calls == ()
    assert "could not check this tool call" in reply.text


async def test_a_slow_judge_times_out_closed_while_keepalives_flow(judged: Gateway) -> None:
    body = {
        "model": "m",
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    headers = call("ls") | {
        "x-sluice-chain": "slow",
        "x-fake-script": "tools",
        "anthropic-version": "2023-06-01",
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{judged.url}/v1/messages", json=body, headers=headers) as response,
    ):
        raw = await response.read()
    assert raw.count(b": keepalive\n\n") >= 3  # 1 s of judging, a comment every 0.2 s
    assert b"timed out" in raw
    assert b'"type":"tool_use"' not in raw.replace(b" ", b"")
