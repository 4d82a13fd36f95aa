"""The sidecar's memory bounds under hostile upstreams: peak RSS of the worker.

Starts the gateway (one worker, a ``redact`` chain, which holds each text block until it is
whole) in front of a small upstream of its own that answers ``/v1/messages`` with either a
single 50 MB stream event or an endless stream of text deltas, sends one request of each
kind, and prints the worker's peak RSS (``VmHWM``) after each next to the configured
bounds. Bounded in time: a stream is read until its error event (the SDKs stop there), for
at most ``--seconds``.

    python -m bench.bounds
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.harness import free_port, gateway_config, short_tempdir, start_gateway

_START = (
    b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_b","type":'
    b'"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":1,'
    b'"output_tokens":1}}}\n\n'
    b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
    b'"content_block":{"type":"text","text":""}}\n\n'
)
_DELTA_HEAD = b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
_DELTA_HEAD += b'"delta":{"type":"text_delta","text":"'
_DELTA = _DELTA_HEAD + b"x" * 1000 + b'"}}\n\n'


async def _upstream(request: web.Request) -> web.StreamResponse:
    kind = request.headers.get("x-bench", "")
    response = web.StreamResponse(headers={"content-type": "text/event-stream"})
    await response.prepare(request)
    await response.write(_START)
    try:
        if kind == "huge-event":  # one 50 MB event, written 64 KiB at a time
            await response.write(_DELTA_HEAD)
            piece = b"x" * 65536
            for _ in range(50 * 1024 * 1024 // len(piece)):
                await response.write(piece)
            await response.write(b'"}}\n\n')
        else:  # endless: text deltas until the gateway hangs up
            while True:
                await response.write(_DELTA * 16)
                await asyncio.sleep(0.001)
    except (ConnectionResetError, ConnectionError):
        pass
    return response


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def _ask(url: str, kind: str, seconds: float) -> tuple[int, bytes]:
    body = {"model": "m", "max_tokens": 10, "stream": True}
    body["messages"] = [{"role": "user", "content": "hi"}]
    received, tail = 0, b""
    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=seconds + 30)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.post(
            url + "/v1/messages",
            data=json.dumps(body),
            headers={"x-bench": kind, "anthropic-version": "2023-06-01", "x-api-key": "k"},
        ) as response,
    ):
        async for chunk in response.content.iter_any():
            received += len(chunk)
            tail = (tail + chunk)[-400:]
            # An error event ends the stream for a client, as the SDKs stop there.
            if b"event: error" in tail or time.monotonic() > deadline:
                break
    return received, tail


async def _run(seconds: float, store: bool) -> None:
    app = web.Application()
    app.router.add_post("/v1/messages", _upstream)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    with short_tempdir() as base:
        config = gateway_config(
            f"http://127.0.0.1:{port}", base / "run", policies=[{"name": "redact"}]
        )
        if not store:  # the event log keeps a copy of what was received: leave it out
            config["store_url"] = None
        gateway = await asyncio.to_thread(start_gateway, base, config)
        try:
            [worker] = gateway.worker_pids()
            sidecar = config["sidecar"]
            print(
                f"bounds: max_sse_event_bytes {sidecar.get('max_sse_event_bytes', 8 << 20)}, "
                f"max_held_bytes {sidecar.get('max_held_bytes', 16 << 20)} (defaults)"
            )
            print(f"worker RSS at rest: {_rss_mib(worker):.1f} MiB")
            for kind in ("huge-event", "endless") * 3:  # again: is the memory reused?
                started = time.monotonic()
                received, tail = await _ask(gateway.url, kind, seconds)
                print(
                    f"{kind:<11} client got {received / 1e6:7.2f} MB in "
                    f"{time.monotonic() - started:5.1f} s; worker peak RSS "
                    f"{_peak_rss_mib(worker):.1f} MiB, now {_rss_mib(worker):.1f} MiB; "
                    f"last bytes: {tail[-160:]!r}"
                )
        finally:
            gateway.stop()
            await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bounds", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20, help="longest read of a stream")
    parser.add_argument("--no-store", action="store_true", help="without the event log")
    args = parser.parse_args()
    asyncio.run(_run(args.seconds, not args.no_store))


if __name__ == "__main__":
    main()
