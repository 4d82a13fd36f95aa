"""Every exchange through the real gateway lands in the event log, SQLite or Postgres, and
no credential ever does."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from sluice.model import Format
from sluice.schema import async_url
from sluice.store import Outcome, Store, Transcript, client_fingerprint
from tests.dataplane.clients import ask
from tests.harness import ROOT, Gateway
from tests.store.fixtures import _create_database, postgres_server  # noqa: F401 - fixture

ANTHROPIC_KEY = "sk-ant-api03-" + "Qw7" * 30
OPENAI_KEY = "sk-proj-" + "Zr4" * 20


def scoped(session: str, key: str = "sk-ant-test-key") -> str:
    """The stored id of a client's own session: scoped to the key it was sent with."""
    return f"{session}@{client_fingerprint(key)}"


async def transcript(
    url: str, session: str, exchanges: int = 1, key: str = "sk-ant-test-key"
) -> Transcript:
    """The session once the recorder has written ``exchanges`` of it (it batches)."""
    async with Store(async_url(url)) as store:
        for _ in range(100):
            found = await store.read_session(scoped(session, key))
            if found is not None and len(found.exchanges) >= exchanges:
                return found
            await asyncio.sleep(0.05)
    raise AssertionError(f"session {session} not recorded")


def store_url(gateway: Gateway) -> str:
    url: str = (
        gateway.config.get("store_url") or f"sqlite:///{gateway.config_path.parent}/var/sluice.db"
    )
    return url


async def sdk_turn(gateway: Gateway, session: str, **headers: str) -> None:
    await ask(
        gateway.url,
        Format.ANTHROPIC,
        stream=True,
        script=headers.pop("script", "text"),
        headers={"x-claude-code-session-id": session, **headers},
    )


async def test_a_streamed_exchange_is_recorded(gateway: Gateway) -> None:
    session = uuid.uuid4().hex
    await sdk_turn(gateway, session)
    found = await transcript(store_url(gateway), session)
    [exchange] = found.exchanges
    assert exchange.model == "claude-sonnet-4-6"
    assert exchange.route == "/v1/messages"
    assert exchange.provider == "anthropic"
    assert exchange.streamed
    assert exchange.status == 200
    assert exchange.outcome is Outcome.OK
    assert exchange.usage.output_tokens
    assert exchange.response is not None
    assert "fake upstream" in exchange.response.blocks[0].text  # type: ignore[union-attr]
    assert found.request(exchange)["messages"][0]["content"].startswith("List the files")


async def test_a_blocked_tool_call_is_recorded_with_its_decision(
    enforcing_gateway: Gateway,
) -> None:
    session = uuid.uuid4().hex
    call = [{"name": "Bash", "arguments": {"command": "sudo reboot"}}]
    await sdk_turn(enforcing_gateway, session, script="tools", **{"x-fake-tool": json.dumps(call)})
    [exchange] = (await transcript(store_url(enforcing_gateway), session)).exchanges
    assert exchange.outcome is Outcome.BLOCKED
    [decision] = exchange.decisions
    assert (decision.policy, decision.action) == ("no_sudo:NoSudo", "block")
    assert "sudo reboot" in (decision.reason or "")
    assert exchange.response_delivered is not None  # what the client got differs
    assert exchange.response is not None
    assert exchange.response.stop_reason == "tool_use"
    assert exchange.response_delivered.stop_reason == "end_turn"


async def test_no_credential_reaches_the_database(gateway: Gateway) -> None:
    session = uuid.uuid4().hex
    import anthropic
    import openai

    async with anthropic.AsyncAnthropic(
        base_url=gateway.url, api_key=ANTHROPIC_KEY, max_retries=0
    ) as client:
        await client.messages.create(
            model="m",
            max_tokens=10,
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"x-claude-code-session-id": session},
        )
    async with openai.AsyncOpenAI(
        base_url=f"{gateway.url}/v1", api_key=OPENAI_KEY, max_retries=0
    ) as other:
        await other.chat.completions.create(
            model="gpt-5",
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"x-claude-code-session-id": session + "-o"},
        )
    await transcript(store_url(gateway), session + "-o", key=OPENAI_KEY)
    database = _database_bytes(Path(store_url(gateway).removeprefix("sqlite:///")))
    assert ANTHROPIC_KEY.encode() not in database
    assert OPENAI_KEY.encode() not in database
    assert b"Qw7Qw7" not in database  # not even a fragment


def _database_bytes(path: Path) -> bytes:
    """The SQLite file and its write-ahead log: every byte the database holds."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


@pytest.fixture
async def postgres_url(postgres_server: URL) -> str:  # noqa: F811 - the imported fixture
    return await _create_database(postgres_server)


def sluice(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sluice", *args], capture_output=True, text=True, cwd=ROOT
    )


async def test_postgres_needs_an_upgrade_then_records(
    make_gateway: Callable[..., Gateway], postgres_url: str, tmp_path: Path
) -> None:
    plain_url = postgres_url.replace("postgresql+asyncpg://", "postgresql://")
    config = tmp_path / "c.yaml"
    config.write_text(json.dumps({"store_url": plain_url}))
    refused = sluice("run", "--config", str(config))
    assert refused.returncode != 0
    assert "run `sluice db upgrade`" in refused.stderr
    upgraded = sluice("db", "upgrade", "--config", str(config))
    assert upgraded.returncode == 0, upgraded.stderr

    gateway = make_gateway(store_url=plain_url)
    session = uuid.uuid4().hex
    for _ in range(3):
        await sdk_turn(gateway, session)
    found = await transcript(plain_url, session, exchanges=3)
    assert [e.outcome for e in found.exchanges] == [Outcome.OK] * 3
    assert len(found.messages) == 1  # the same first message, stored once


async def test_a_capture_over_its_bound_is_cut_and_marked_the_client_unaffected(
    make_gateway: Callable[..., Gateway],
) -> None:
    gateway = make_gateway(store_capture_bytes=64 * 1024)
    session = uuid.uuid4().hex
    import anthropic

    async with anthropic.AsyncAnthropic(
        base_url=gateway.url, api_key="sk-ant-test-key", max_retries=0
    ) as client:
        reply = await client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=50,
            messages=[{"role": "user", "content": "tell me " + "more " * 40_000}],
            extra_headers={"x-claude-code-session-id": session, "x-fake-script": "text"},
        )
    assert reply.content[0].type == "text"  # the client got its whole answer
    async with Store(async_url(store_url(gateway))) as store:
        for _ in range(200):
            page = await store.recent_exchanges(datetime.now(UTC) - timedelta(minutes=5))
            if page:
                break
            await asyncio.sleep(0.05)
    [activity] = page
    assert activity.model == "claude-sonnet-4-6"  # read from the part that was kept
    [marker] = [d for d in activity.decisions if d.policy == "event log"]
    assert marker.action == "truncate"
    assert marker.reason is not None
    assert "request cut by" in marker.reason
    found = await store_exchange(gateway, activity.id)
    assert "not stored" in found["sluice_truncated"]
    metrics = admin_metrics(gateway)
    assert metrics["sluice_event_log_captures_truncated_total"] == 1


async def store_exchange(gateway: Gateway, exchange_id: str) -> dict[str, object]:
    async with Store(async_url(store_url(gateway))) as store:
        found = await store.read_exchange(exchange_id)
    assert found is not None
    transcript, exchange = found
    return transcript.request(exchange)


def admin_metrics(gateway: Gateway) -> dict[str, float]:
    import urllib.request

    port = gateway.config["admin"]["port"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as response:
        lines = response.read().decode().splitlines()
    return {
        name: float(value)
        for name, _, value in (line.rpartition(" ") for line in lines if line[:1] != "#")
        if name
    }
