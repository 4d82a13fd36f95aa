"""``python -m bench.eventlog``: what the event-log writer sustains into a real Postgres.

Starts a throwaway Postgres and the real writer process (``sluice event-log``), sends it
Claude-Code-like captures the way workers do (``CaptureSender``: framed over the Unix socket,
acknowledged), and measures:

- exchanges per second stored, from the first send until the last row is in the database,
  for many sessions of a few turns each (the usual traffic);
- the bytes the database holds per turn of one 500-turn session (tables and indexes,
  ``pg_total_relation_size``), next to what storing each request whole would take.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL

from sluice.config import GatewayConfig
from sluice.model import Format
from sluice.schema import async_url, upgrade
from sluice.sidecar.eventlog.sender import CaptureSender
from sluice.sidecar.eventlog.writer import socket_path
from sluice.sidecar.recording import Capture
from sluice.store import Store
from tests.harness import short_tempdir
from tests.store.factories import assistant, claude_request, user
from tests.store.postgres import running_postgres

TABLES = ("sessions", "messages", "blobs", "exchanges", "events", "exchange_blobs")


def sse_response(turn: int) -> bytes:
    """A short streamed Anthropic answer, as the provider sends it."""
    events = [
        ("message_start", {"type": "message_start", "message": {
            "id": f"msg_{turn}", "type": "message", "role": "assistant", "content": [],
            "model": "claude-sonnet-4-5", "stop_reason": None,
            "usage": {"input_tokens": 1200, "output_tokens": 1}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0,
                                 "content_block": {"type": "text", "text": ""}}),
        *[("content_block_delta", {"type": "content_block_delta", "index": 0,
                                   "delta": {"type": "text_delta", "text": f"word{i} "}})
          for i in range(40)],
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                           "usage": {"output_tokens": 40}}),
        ("message_stop", {"type": "message_stop"}),
    ]  # fmt: skip
    return b"".join(
        f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events
    )


def capture(session: str, history: list[dict[str, object]], turn: int) -> Capture:
    return Capture(
        id=uuid.uuid4().hex,
        started_at=datetime.now(UTC),
        format=Format.ANTHROPIC,
        route="/v1/messages",
        provider="anthropic",
        request_body=json.dumps(claude_request(history)).encode(),
        client="key:0123456789abcdef",
        session_id=session,
        status=200,
        content_type="text/event-stream",
        response_chunks=[sse_response(turn)],
        ttft=0.4,
        duration=2.0,
    )


def history_of(turns: int) -> list[dict[str, object]]:
    history: list[dict[str, object]] = [user(0)]
    for turn in range(1, turns):
        history += [assistant(turn - 1), user(turn)]
    return history


async def rows(url: str | URL, table: str = "exchanges") -> int:
    async with Store(url) as store, store.engine.connect() as db:
        return int((await db.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def send_all(config: GatewayConfig, captures: list[Capture], batch: int = 500) -> None:
    sender = CaptureSender(socket_path(config))
    for _ in range(100):
        if socket_path(config).exists():
            break
        await asyncio.sleep(0.05)
    for start in range(0, len(captures), batch):
        await sender(captures[start : start + batch])
    await sender.aclose()


async def wait_rows(url: str | URL, expected: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while await rows(url) < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {await rows(url)} of {expected} exchanges stored")
        await asyncio.sleep(0.05)


async def throughput(config: GatewayConfig, url: URL, sessions: int, turns: int) -> float:
    captures = [
        capture(f"s-{s}-{uuid.uuid4().hex[:8]}", history_of(turn + 1), turn)
        for s in range(sessions)
        for turn in range(turns)
    ]
    before = await rows(url)
    started = time.monotonic()
    await send_all(config, captures)
    await wait_rows(url, before + len(captures))
    return len(captures) / (time.monotonic() - started)


async def long_session(config: GatewayConfig, url: URL, turns: int) -> tuple[float, float]:
    """Bytes stored per turn for one session of ``turns`` turns, and per turn if each
    request were stored whole."""
    async with Store(url) as store, store.engine.connect() as db:
        sizes = [
            f"pg_total_relation_size('{table}')" for table in TABLES
        ]  # tables, their indexes and TOAST
        query = text("SELECT " + " + ".join(sizes))
        before = int((await db.execute(query)).scalar_one())
    session = "long-" + uuid.uuid4().hex[:8]
    captures = [capture(session, history_of(turn + 1), turn) for turn in range(turns)]
    whole = sum(len(c.request_body) for c in captures)
    existing = await rows(url)
    await send_all(config, captures, batch=50)
    await wait_rows(url, existing + turns)
    async with Store(url) as store, store.engine.connect() as db:
        await db.execute(text("ANALYZE"))
        after = int((await db.execute(query)).scalar_one())
    return (after - before) / turns, whole / turns


async def run(args: argparse.Namespace) -> None:
    with short_tempdir() as tmp, running_postgres() as pg_url:
        url = async_url(pg_url)
        await upgrade(url)
        config_path = tmp / "sluice.yaml"
        config_path.write_text(json.dumps({"store_url": pg_url, "sidecar": {"socket_dir": "run"}}))
        from sluice.config import load_config

        config = load_config(config_path)
        env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(_metrics_dir(tmp))}
        writer = await asyncio.create_subprocess_exec(
            *[sys.executable, "-m", "sluice", "event-log", "--config", str(config_path)],
            env=env,
            stderr=(tmp / "writer.log").open("wb"),
        )
        try:
            rate = await throughput(config, url, args.sessions, args.turns)
            per_turn, whole = await long_session(config, url, args.long_turns)
        finally:
            writer.terminate()
            await writer.wait()
    total = args.sessions * args.turns
    print(
        f"writer throughput: {rate:,.0f} exchanges/s ({total} exchanges: "
        f"{args.sessions} sessions x {args.turns} turns, Claude-Code-sized requests)"
    )
    print(f"{args.long_turns}-turn session: {per_turn / 1024:,.1f} KiB stored per turn "
          f"(each request whole would be {whole / 1024:,.1f} KiB per turn)")  # fmt: skip


def _metrics_dir(tmp: Path) -> Path:
    path = tmp / "metrics"
    path.mkdir(exist_ok=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.eventlog", description=__doc__)
    parser.add_argument("--sessions", type=int, default=400)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--long-turns", type=int, default=500)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
