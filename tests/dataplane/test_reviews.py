"""Escalated tool calls through the real gateway: the stream waits, keepalives flowing, for
a person's decision taken through the admin API; approve delivers the call, deny the
refusal, the deadline its default. Every wire format, streamed and whole."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from sluice.model import Format
from tests.dataplane.clients import Reply, ask
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway

REVIEWED = {
    "tool": "Bash",
    "pattern": r"\bkubectl\s+apply\b",
    "action": "review",
    "reason": "Applying to a cluster needs a second pair of eyes",
}
QUICK = REVIEWED | {"pattern": r"\bkubectl\s+rollout\b", "deadline_s": 1}
LENIENT = REVIEWED | {"pattern": r"\bkubectl\s+scale\b", "deadline_s": 1, "on_deadline": "allow"}


@pytest.fixture(scope="module")
def reviewing(upstream: FakeUpstream) -> Iterator[Gateway]:
    with short_tempdir() as base:
        config = gateway_config(
            upstream.url,
            base / "run",
            store_url=f"sqlite:///{base / 'sluice.db'}",
            sidecar={"keepalive_s": 0.2},
            reviews={"enabled": True, "deadline_s": 30, "poll_ms": 50},
            policies=[{"name": "tool_rules", "config": {"rules": [REVIEWED, QUICK, LENIENT]}}],
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


def api(gateway: Gateway) -> str:
    return f"http://127.0.0.1:{gateway.config['admin']['port']}/api"


def call(command: str) -> dict[str, str]:
    return {"x-fake-tool": json.dumps([{"name": "Bash", "arguments": {"command": command}}])}


async def waiting_review(gateway: Gateway, command: str, timeout: float = 20) -> dict[str, Any]:
    """The pending review of the call running ``command``, once it appears."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            async with session.get(f"{api(gateway)}/reviews") as response:
                for review in (await response.json())["reviews"]:
                    if command in review["arguments"]:
                        return dict(review)
            await asyncio.sleep(0.05)
    raise AssertionError(f"no review of {command!r} appeared")


async def decide(gateway: Gateway, review_id: str, decision: str, note: str = "") -> None:
    body = {"decision": decision, "note": note}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{api(gateway)}/reviews/{review_id}/decision", json=body) as response,
    ):
        assert response.status == 200, await response.text()


async def reviewed(
    gateway: Gateway, fmt: Format, stream: bool, command: str, decision: str, note: str = ""
) -> tuple[Reply, dict[str, Any]]:
    asking = asyncio.create_task(
        ask(gateway.url, fmt, stream=stream, script="tools", headers=call(command))
    )
    review = await waiting_review(gateway, command)
    assert not asking.done()  # held while the review waits
    await decide(gateway, review["id"], decision, note)
    return await asyncio.wait_for(asking, 20), review


FORMATS = [pytest.param(f, id=f.value) for f in Format]
STREAMED = pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])


@STREAMED
@pytest.mark.parametrize("fmt", FORMATS)
async def test_an_approved_call_is_delivered(reviewing: Gateway, fmt: Format, stream: bool) -> None:
    command = f"kubectl apply -f {uuid.uuid4().hex[:8]}.yaml"
    reply, review = await reviewed(reviewing, fmt, stream, command, "approve")
    assert reply.tool_calls == (("Bash", {"command": command}),)
    assert "Sluice" not in reply.text
    assert review["tool"] == "Bash"
    assert review["reason"] == f"{REVIEWED['reason']} (rule rules.0)"
    assert review["context"] == "List the files here, then read /etc/hosts."


@STREAMED
@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_denied_call_is_refused_with_the_note(
    reviewing: Gateway, fmt: Format, stream: bool
) -> None:
    command = f"kubectl apply -f {uuid.uuid4().hex[:8]}.yaml"
    reply, _ = await reviewed(reviewing, fmt, stream, command, "deny", "staging first, please")
    assert reply.tool_calls == ()
    assert "Sluice blocked a tool call." in reply.text
    assert "a reviewer denied this call: staging first, please" in reply.text


@STREAMED
@pytest.mark.parametrize("fmt", FORMATS)
async def test_the_deadline_denies_by_default(
    reviewing: Gateway, fmt: Format, stream: bool
) -> None:
    command = f"kubectl rollout restart deploy/{uuid.uuid4().hex[:8]}"
    reply = await ask(reviewing.url, fmt, stream=stream, script="tools", headers=call(command))
    assert reply.tool_calls == ()
    assert "nobody reviewed this call in time" in reply.text


async def test_a_rule_may_allow_when_nobody_decides(reviewing: Gateway) -> None:
    command = f"kubectl scale deploy/{uuid.uuid4().hex[:8]} --replicas=2"
    reply = await ask(
        reviewing.url, Format.ANTHROPIC, stream=True, script="tools", headers=call(command)
    )
    assert reply.tool_calls == (("Bash", {"command": command}),)


async def test_keepalives_flow_while_the_call_waits(reviewing: Gateway) -> None:
    command = f"kubectl apply -f {uuid.uuid4().hex[:8]}.yaml"
    body = {
        "model": "m",
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "deploy it"}],
    }
    headers = call(command) | {"x-fake-script": "tools", "anthropic-version": "2023-06-01"}
    raw = b""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{reviewing.url}/v1/messages", json=body, headers=headers) as response,
    ):
        review = asyncio.create_task(waiting_review(reviewing, command))
        decided = False
        async for chunk in response.content.iter_any():
            raw += chunk
            if not decided and raw.count(b": keepalive\n\n") >= 5:  # a second of waiting
                await decide(reviewing, (await review)["id"], "approve")
                decided = True
    assert decided
    compact = raw.replace(b" ", b"")
    assert compact.count(b'"type":"tool_use"') == 1
    assert compact.index(b":keepalive") < compact.index(b'"type":"tool_use"')
    assert raw.rstrip().endswith(b'data: {"type":"message_stop"}')


async def test_a_retry_without_stream_meets_the_same_decision(reviewing: Gateway) -> None:
    """Claude Code retries a failed stream whole: the identical call of the same session
    gets the decision already taken, without a second review."""
    command = f"kubectl apply -f {uuid.uuid4().hex[:8]}.yaml"
    streamed, _ = await reviewed(reviewing, Format.ANTHROPIC, True, command, "deny", "no")
    retried = await asyncio.wait_for(
        ask(reviewing.url, Format.ANTHROPIC, stream=False, script="tools", headers=call(command)),
        10,
    )
    assert streamed.tool_calls == retried.tool_calls == ()
    assert "a reviewer denied this call: no" in retried.text


async def recorded_decisions(gateway: Gateway, review_id: str) -> list[dict[str, Any]]:
    """The decisions of the exchange whose review is ``review_id``, once recorded."""
    deadline = time.monotonic() + 20
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            async with session.get(f"{api(gateway)}/sessions?limit=100") as response:
                listed = (await response.json())["sessions"]
            for summary in listed:
                async with session.get(f"{api(gateway)}/sessions/{summary['id']}") as response:
                    transcript = await response.json()
                for exchange in transcript["exchanges"]:
                    if any(review_id in (d["reason"] or "") for d in exchange["decisions"]):
                        return list(exchange["decisions"])
            await asyncio.sleep(0.2)
    raise AssertionError(f"review {review_id} not in the event log")


async def test_the_event_log_records_the_escalation_and_the_decision(
    reviewing: Gateway,
) -> None:
    command = f"kubectl apply -f {uuid.uuid4().hex[:8]}.yaml"
    _, review = await reviewed(reviewing, Format.OPENAI_RESPONSES, True, command, "deny", "later")
    decisions = await recorded_decisions(reviewing, review["id"])
    assert [(d["policy"], d["action"]) for d in decisions] == [
        ("tool_rules", "escalate"),
        ("sluice.review", "block"),
    ]
    assert decisions[0]["reason"] == f"{REVIEWED['reason']} (rule rules.0)"
    assert f"review {review['id']} denied by admin" in decisions[1]["reason"]
    assert decisions[1]["reason"].endswith(": later")
    facts = decisions[1]["data"]
    assert {k: facts[k] for k in ("review", "outcome", "reviewer", "note")} == {
        "review": review["id"],
        "outcome": "denied",
        "reviewer": "admin",
        "note": "later",
    }
    assert facts["waited_s"] > 0
