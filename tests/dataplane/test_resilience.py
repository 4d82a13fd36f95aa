"""The sidecar dies, restarts, runs as several workers, shuts down gracefully."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import anthropic
import pytest

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.harness import Gateway

HEADERS = {"anthropic-version": "2023-06-01", "content-type": "application/json"}
BODY = json.dumps(
    {
        "model": "claude-sonnet-4-6",
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
)


async def wait_until(predicate: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def _stream_then_kill(gateway: Gateway, worker: int) -> None:
    """Stream a long answer; kill the sidecar worker half a second in."""
    slow = {"x-fake-script": "long", "x-fake-events": "200", "x-fake-pace-ms": "20"}
    started = time.monotonic()
    async with (
        anthropic.AsyncAnthropic(base_url=gateway.url, api_key="k", max_retries=0) as client,
        client.messages.stream(
            model="m",
            max_tokens=100,
            messages=[{"role": "user", "content": "hi"}],
            extra_headers=slow,
        ) as events,
    ):
        async for _ in events:
            if time.monotonic() - started > 0.5:
                os.kill(worker, signal.SIGKILL)


async def test_sidecar_killed_mid_stream_fails_cleanly_then_recovers(
    make_gateway: Callable[..., Gateway],
) -> None:
    gateway = make_gateway()
    [worker] = gateway.worker_pids()
    started = time.monotonic()
    # A clean client-side error (the SDK's, or its HTTP library's), not a hang.
    with pytest.raises(Exception) as info:  # noqa: PT011
        await _stream_then_kill(gateway, worker)
    assert time.monotonic() - started < 10
    assert "incomplete" in str(info.value) or isinstance(info.value, anthropic.APIError)
    # The supervisor starts a new worker; the gateway serves again.
    await wait_until(lambda: gateway.worker_pids() not in ([], [worker]))
    await wait_until(lambda: all(p.exists() for p in _sockets(gateway)))
    reply = await _retrying_ask(gateway)
    assert reply.text


def _sockets(gateway: Gateway) -> list[os.PathLike[str]]:
    from pathlib import Path

    run = Path(gateway.config["sidecar"]["socket_dir"])
    return [run / f"sidecar-{i}.sock" for i in range(gateway.config["sidecar"]["workers"])]


async def _retrying_ask(gateway: Gateway):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 15
    while True:
        try:
            return await ask(gateway.url, Format.ANTHROPIC, stream=True, script="text")
        except anthropic.APIError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


@pytest.mark.parametrize("mode", ["closed", "open"])
async def test_sidecar_down_fails_closed_or_open_as_configured(
    make_gateway: Callable[..., Gateway], mode: str
) -> None:
    gateway = make_gateway(sidecar={"failure_mode": mode})
    gateway.process.send_signal(signal.SIGSTOP)  # the supervisor must not restart the worker
    try:
        for pid in gateway.worker_pids():
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.3)
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{gateway.url}/v1/messages", data=BODY, headers=HEADERS) as response,
        ):
            body = await response.read()
            if mode == "closed":
                assert response.status == 503
                error = json.loads(body)
                assert error["type"] == "error"
                assert "sidecar is unavailable" in error["error"]["message"]
            else:
                assert response.status == 200
                assert b"message_stop" in body
    finally:
        gateway.process.send_signal(signal.SIGCONT)


async def test_openai_client_gets_its_own_error_format_when_sidecar_is_down(
    make_gateway: Callable[..., Gateway],
) -> None:
    gateway = make_gateway()
    gateway.process.send_signal(signal.SIGSTOP)
    try:
        for pid in gateway.worker_pids():
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.3)
        body = json.dumps({"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]})
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{gateway.url}/v1/chat/completions",
                data=body,
                headers={"content-type": "application/json"},
            ) as response,
        ):
            assert response.status == 503
            error = json.loads(await response.read())["error"]
            assert "sidecar is unavailable" in error["message"]
    finally:
        gateway.process.send_signal(signal.SIGCONT)


async def test_two_workers_share_the_streams(make_gateway: Callable[..., Gateway]) -> None:
    gateway = make_gateway(sidecar={"workers": 2})
    assert len(gateway.worker_pids()) == 2
    await asyncio.gather(
        *(ask(gateway.url, Format.ANTHROPIC, stream=True, script="text") for _ in range(20))
    )
    streams = gateway.sidecar_streams_per_worker()
    assert len(streams) == 2
    assert all(count >= 3 for count in streams.values()), streams  # both workers served


async def test_shutdown_lets_streams_in_flight_finish(make_gateway: Callable[..., Gateway]) -> None:
    gateway = make_gateway()
    paced = {"x-fake-script": "long", "x-fake-events": "60", "x-fake-pace-ms": "25"}
    stream = asyncio.create_task(
        ask(gateway.url, Format.ANTHROPIC, stream=True, script="long", headers=paced)
    )
    await asyncio.sleep(0.4)  # the stream is under way (it takes about 1.5 s)
    gateway.process.send_signal(signal.SIGTERM)
    reply = await stream
    assert reply.stop == "end_turn"
    assert await asyncio.to_thread(gateway.process.wait, 30) == 0


def test_a_killed_supervisor_takes_its_processes_with_it(
    make_gateway: Callable[..., Gateway],
) -> None:
    """SIGKILL leaves no chance to clean up: the kernel stops Envoy, workers and writer."""
    gateway = make_gateway()
    children = Path(f"/proc/{gateway.process.pid}/task/{gateway.process.pid}/children")
    pids = [int(pid) for pid in children.read_text().split()]
    assert len(pids) == 3  # Envoy, one worker, the event-log writer
    gateway.process.kill()

    def gone(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"  # a zombie is gone
        except OSError:
            return True

    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in pids):
        assert time.monotonic() < deadline, "children outlived their supervisor"
        time.sleep(0.05)


def test_a_worker_that_does_not_stop_is_killed_and_the_shutdown_ends(
    make_gateway: Callable[..., Gateway],
) -> None:
    """A worker that does not exit on SIGTERM (here: stopped) holds the shutdown only its
    grace period and a margin; then it is killed, and the supervisor exits."""
    gateway = make_gateway(sidecar={"grace_period_s": 0})
    children = Path(f"/proc/{gateway.process.pid}/task/{gateway.process.pid}/children")
    workers = [
        pid
        for pid in map(int, children.read_text().split())
        if b"--worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(workers) == 1
    os.kill(workers[0], signal.SIGSTOP)
    started = time.monotonic()
    gateway.process.send_signal(signal.SIGTERM)
    gateway.process.wait(30)  # (without the bound: forever)
    assert time.monotonic() - started < 25  # the margin is 10 s
    assert not Path(f"/proc/{workers[0]}").exists(), "the worker outlived the shutdown"
