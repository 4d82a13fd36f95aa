"""The writer process: stores what workers send, survives their retries, prunes on schedule."""

from __future__ import annotations

import asyncio
import json
import struct
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from sluice.config import GatewayConfig, load_config
from sluice.model import Format
from sluice.schema import async_url, upgrade
from sluice.sidecar.eventlog.sender import CaptureSender
from sluice.sidecar.eventlog.wire import encode
from sluice.sidecar.eventlog.writer import socket_path
from sluice.sidecar.recorder import Recorder
from sluice.sidecar.recording import Capture
from sluice.store import Store
from tests.harness import ROOT, short_tempdir
from tests.store.factories import record


@dataclass
class Writer:
    """``sluice event-log`` for a config of its own (a SQLite store by default)."""

    config: GatewayConfig
    url: str
    config_path: Path
    process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "sluice",
            "event-log",
            "--config",
            str(self.config_path),
            cwd=ROOT,
        )
        for _ in range(200):
            if socket_path(self.config).exists():
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the writer did not listen")

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


@pytest.fixture
async def make_writer() -> AsyncIterator[Callable[..., Writer]]:
    writers: list[Writer] = []
    with short_tempdir() as tmp:

        def make(**config: object) -> Writer:
            path = tmp / f"w{len(writers)}.yaml"
            settings = {"sidecar": {"socket_dir": f"run{len(writers)}"}} | config
            path.write_text(json.dumps(settings))
            loaded = load_config(path)
            assert loaded.store_url is not None
            writer = Writer(loaded, async_url(loaded.store_url), config_path=path)
            writers.append(writer)
            return writer

        yield make
        for writer in writers:
            await writer.stop()


def capture(session: str) -> Capture:
    body = {"model": "m", "messages": [{"role": "user", "content": f"hello {session}"}]}
    return Capture(
        id=uuid.uuid4().hex,
        started_at=datetime.now(UTC),
        format=Format.ANTHROPIC,
        route="/v1/messages",
        provider="anthropic",
        request_body=json.dumps(body).encode(),
        session_id=session,
        status=200,
        content_type="application/json",
        response_chunks=[b'{"type": "message", "content": [], "usage": {}}'],
    )


async def stored(url: str) -> set[str]:
    async with Store(url) as store, store.engine.connect() as db:
        return {row[0] for row in await db.execute(text("SELECT session_id FROM exchanges"))}


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 20) -> None:
    for _ in range(int(timeout / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not in time")


async def test_what_workers_send_is_stored(make_writer: Callable[..., Writer]) -> None:
    writer = make_writer()
    await upgrade(writer.url)
    await writer.start()
    sender = CaptureSender(socket_path(writer.config))
    await sender([capture("a"), capture("b")])
    await sender([capture("c")])
    await sender.aclose()

    async def all_three() -> bool:
        return await stored(writer.url) == {"a", "b", "c"}

    await eventually(all_three)


async def test_captures_wait_while_the_writer_restarts(
    make_writer: Callable[..., Writer],
) -> None:
    writer = make_writer()
    await upgrade(writer.url)
    recorder: Recorder[Capture] = Recorder(
        CaptureSender(socket_path(writer.config)), backoff_s=(0.05, 0.2)
    )
    recorder.start()
    recorder.record(capture("before-start"))
    await asyncio.sleep(0.3)  # the sender fails: nobody listens yet
    assert recorder.failures >= 1
    await writer.start()
    recorder.record(capture("after-start"))

    async def both() -> bool:
        return await stored(writer.url) == {"before-start", "after-start"}

    await eventually(both)
    assert recorder.dropped == 0
    await recorder.aclose()


async def test_a_writer_against_an_old_schema_refuses_to_run(
    make_writer: Callable[..., Writer],
) -> None:
    writer = make_writer()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sluice",
        "event-log",
        "--config",
        str(writer.config_path),
        cwd=ROOT,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode != 0
    assert b"run `sluice db upgrade`" in err


async def test_retention_prunes_old_exchanges(make_writer: Callable[..., Writer]) -> None:
    writer = make_writer(store_retention_days=30)
    await upgrade(writer.url)
    old = record(0, id="old", session_id="old", started_at=datetime.now(UTC) - timedelta(days=31))
    recent = record(0, id="new", session_id="new", started_at=datetime.now(UTC))
    async with Store(writer.url) as store:
        await store.write([old, recent])
    assert await stored(writer.url) == {"old", "new"}
    await writer.start()

    async def pruned() -> bool:
        return await stored(writer.url) == {"new"}

    await eventually(pruned)


async def test_an_oversize_frame_is_skipped_unread_and_the_next_one_stored(
    make_writer: Callable[..., Writer],
) -> None:
    """The writer reads a frame's length first: one over ``store_frame_bytes`` is skipped
    (never held whole), acknowledged, and the connection goes on."""
    writer = make_writer(store_capture_bytes=64 << 10, store_frame_bytes=64 << 10)
    await upgrade(writer.url)
    await writer.start()
    reader, stream = await asyncio.open_unix_connection(str(socket_path(writer.config)))
    huge = 1 << 20
    stream.write(struct.pack(">I", huge) + b"\0" * huge + encode(capture("after")))
    await stream.drain()
    assert await asyncio.wait_for(reader.readexactly(2), 20) == b"\x01\x01"
    stream.close()

    async def stored_after() -> bool:
        return await stored(writer.url) == {"after"}

    await eventually(stored_after)


async def test_the_sender_never_sends_a_capture_over_the_frame_bound(
    make_writer: Callable[..., Writer],
) -> None:
    writer = make_writer()
    await upgrade(writer.url)
    await writer.start()
    sender = CaptureSender(socket_path(writer.config), max_frame=64 << 10)
    big = capture("big")
    big.response_chunks = [b"x" * (100 << 10)]
    await sender([capture("small"), big])
    await sender.aclose()
    assert sender.refused == 1

    async def small_only() -> bool:
        return await stored(writer.url) == {"small"}

    await eventually(small_only)


async def test_a_cut_capture_is_stored_with_its_marker(
    make_writer: Callable[..., Writer],
) -> None:
    writer = make_writer()
    await upgrade(writer.url)
    await writer.start()
    cut = capture("cut")
    cut.limit = len(cut.request_body) + 10
    cut.kept = cut.limit
    cut.truncated = {"response": 5000}
    sender = CaptureSender(socket_path(writer.config))
    await sender([cut])
    await sender.aclose()

    async def marked() -> bool:
        async with Store(writer.url) as store, store.engine.connect() as db:
            rows = await db.execute(text("SELECT policy, action, reason FROM events"))
            return any(row[1] == "truncate" and "5000" in row[2] for row in rows)

    await eventually(marked)
