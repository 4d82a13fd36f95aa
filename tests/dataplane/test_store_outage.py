"""Postgres stopped in the middle of a load, then restarted: traffic never notices, the
queued events arrive, and what the bounded queue could not hold is counted exactly."""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from sluice.model import Format
from sluice.schema import async_url
from sluice.store import Store
from sluice.store import _tables as t
from tests.dataplane.clients import ask
from tests.harness import ROOT, Gateway
from tests.store.postgres import PostgresServer, stoppable_postgres

QUEUE = 3  # the writer's bound (store_queue), tiny on purpose
BEFORE, DURING = 5, 20


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    with stoppable_postgres() as server:
        yield server


async def stored(url: str) -> int:
    async with Store(async_url(url)) as store, store.engine.connect() as db:
        return int((await db.execute(select(func.count()).select_from(t.exchanges))).scalar_one())


async def wait_for_rows(url: str, rows: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    count = -1
    while time.monotonic() < deadline:
        try:
            count = await stored(url)
        except OSError:
            count = -1
        if count >= rows:
            return count
        await asyncio.sleep(0.2)
    raise AssertionError(f"{count} exchanges stored, waited for {rows}")


async def scrape(gateway: Gateway) -> dict[str, float]:
    """The admin server's /metrics as ``{'name{labels}': value}``."""
    url = f"http://127.0.0.1:{gateway.config['admin']['port']}/metrics"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        text = await response.text()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


async def test_postgres_outage_loses_no_request_and_counts_every_drop(
    make_gateway: Callable[..., Gateway], postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.url.replace("postgresql+asyncpg://", "postgresql://")
    config = tmp_path / "db.yaml"
    config.write_text(json.dumps({"store_url": url}))
    upgrade = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sluice", "db", "upgrade", "--config", str(config), cwd=ROOT
    )
    assert await upgrade.wait() == 0
    gateway = make_gateway(store_url=url, store_queue=QUEUE)

    async def turn() -> float:
        started = time.monotonic()
        reply = await ask(
            gateway.url,
            Format.ANTHROPIC,
            stream=True,
            script="text",
            headers={"x-claude-code-session-id": uuid.uuid4().hex},
        )
        assert reply.text  # every request is answered in full
        return time.monotonic() - started

    before = []
    for i in range(1, BEFORE + 1):  # one at a time: the tiny queue must not overflow yet
        before.append(await turn())
        assert await wait_for_rows(url, i) == i

    postgres.stop()
    during = [await turn() for _ in range(DURING)]
    postgres.start()

    # The writer retries with backoff (at most 10 s apart): what it kept arrives.
    assert await wait_for_rows(url, BEFORE + QUEUE) == BEFORE + QUEUE
    metrics = await scrape(gateway)
    assert metrics['sluice_event_log_dropped_total{queue="writer"}'] == DURING - QUEUE
    assert metrics['sluice_event_log_dropped_total{queue="worker"}'] == 0
    assert metrics['sluice_event_log_written_total{queue="writer"}'] == BEFORE + QUEUE
    assert metrics['sluice_event_log_write_failures_total{queue="writer"}'] >= 1
    gateway.stop()
    totals = re.findall(
        r"event log writer stopping: (\d+) written, (\d+) dropped", gateway.log.read_text()
    )
    assert totals, gateway.log.read_text()[-3000:]
    written, dropped = map(int, totals[-1])
    assert written == BEFORE + QUEUE
    assert dropped == DURING - QUEUE  # the oldest, each one counted
    assert await stored(url) + dropped == BEFORE + DURING
    print(  # the figures for the closing note; timing is the benchmarks' job, not asserted
        f"\nturn latency p50: before {statistics.median(before) * 1000:.1f} ms, "
        f"with Postgres down {statistics.median(during) * 1000:.1f} ms "
        f"(max {max(during) * 1000:.1f} ms)"
    )
