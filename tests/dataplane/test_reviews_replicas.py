"""Two gateways sharing one Postgres store: a call held by one is approved through the
other's admin API, and its stream goes on."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator

import aiohttp
import pytest

from sluice.model import Format
from sluice.schema import upgrade
from tests.dataplane.clients import ask
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway
from tests.store.postgres import running_postgres

RULE = {"tool": "Bash", "pattern": r"\bkubectl\s+apply\b", "action": "review", "reason": "x"}


@pytest.fixture(scope="module")
def replicas(upstream: FakeUpstream) -> Iterator[tuple[Gateway, Gateway]]:
    with running_postgres() as url, short_tempdir() as base:
        asyncio.run(upgrade(url))
        started = []
        for name in ("a", "b"):
            (base / name).mkdir()
            config = gateway_config(
                upstream.url,
                base / name / "run",
                store_url=url.replace("+asyncpg", ""),
                sidecar={"keepalive_s": 0.2},
                reviews={"enabled": True, "deadline_s": 30, "poll_ms": 100},
                policies=[{"name": "tool_rules", "config": {"rules": [RULE]}}],
            )
            started.append(start_gateway(base / name, config))
        with track(started[0]) as one, track(started[1]) as two:
            yield one, two


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_held_on_one_replica_approved_through_the_other(
    replicas: tuple[Gateway, Gateway], stream: bool
) -> None:
    holding, deciding = replicas
    command = f"kubectl apply -f {uuid.uuid4().hex[:8]}.yaml"
    headers = {"x-fake-tool": json.dumps([{"name": "Bash", "arguments": {"command": command}}])}
    asking = asyncio.create_task(
        ask(holding.url, Format.OPENAI_CHAT, stream=stream, script="tools", headers=headers)
    )
    api = f"http://127.0.0.1:{deciding.config['admin']['port']}/api/reviews"
    async with aiohttp.ClientSession() as session:
        review = None
        deadline = time.monotonic() + 20
        while review is None and time.monotonic() < deadline:
            async with session.get(api) as response:
                found = [r for r in (await response.json())["reviews"] if command in r["arguments"]]
            review = found[0] if found else None
            await asyncio.sleep(0.05)
        assert review is not None, "the other replica never saw the held call"
        decision = {"decision": "approve", "note": "ok"}
        async with session.post(f"{api}/{review['id']}/decision", json=decision) as response:
            assert response.status == 200
    reply = await asyncio.wait_for(asking, 10)
    assert reply.tool_calls == (("Bash", {"command": command}),)
