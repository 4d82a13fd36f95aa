"""The review queue's latencies and the cost of waiting streams.

Starts the fake upstream, a webhook receiver and a gateway (one worker, SQLite store,
``tool_rules`` with a ``review`` rule, ``reviews.poll_ms`` as given), then:

1. ``--rounds`` times, one escalated streamed call (Anthropic Messages): the time from the
   first byte the client read (the call is complete upstream by then: the fake upstream
   sends the response at once) to the call listed by ``GET /api/reviews`` and to the
   webhook's arrival; then an approval through the API, and the time from the decision's
   answer to the client reading the call's ``tool_use``. Prints p50 and max.
2. ``--waiting`` escalated calls held at once: the worker's RSS and CPU per second while
   they wait (and per waiting stream), and the time to first byte of plain requests
   (no tool call) meanwhile against the same without waiting calls. Then every review is
   denied and the streams end.

Bounded in time: every wait has a timeout.

    python -m bench.reviews --rounds 20 --waiting 200 [--poll-ms 50] [--store postgres]

On Postgres a decision is also announced (``NOTIFY``), waking the workers' polls at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from tests.harness import (
    free_port,
    gateway_config,
    short_tempdir,
    start_fake_upstream,
    start_gateway,
)

_RULE = {"tool": "Bash", "pattern": r"\bkubectl\s+apply\b", "action": "review", "reason": "r"}
_TICKS = os.sysconf("SC_CLK_TCK")


def _body(text: str) -> dict[str, Any]:
    return {
        "model": "m",
        "max_tokens": 100,
        "stream": True,
        "messages": [{"role": "user", "content": text}],
    }


def _headers(command: str | None) -> dict[str, str]:
    headers = {"anthropic-version": "2023-06-01", "x-fake-script": "tools"}
    if command is not None:
        tool = [{"name": "Bash", "arguments": {"command": command}}]
        headers["x-fake-tool"] = json.dumps(tool)
    else:
        headers["x-fake-script"] = "hello"
    return headers


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Webhook:
    """Records when each announcement arrived, by the command in its arguments."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.port = free_port()
        self._changed = asyncio.Event()

    async def wait_for(self, command: str) -> None:
        """Until the announcement of the call running ``command`` arrived."""
        while not any(command in arguments for arguments in self.arrived):
            self._changed.clear()
            await self._changed.wait()

    async def start(self) -> web.AppRunner:
        async def receive(request: web.Request) -> web.Response:
            body = await request.json()
            self.arrived[body["review"]["arguments"]] = time.monotonic()
            self._changed.set()
            return web.Response()

        app = web.Application()
        app.router.add_post("/hook", receive)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner


async def _listed(session: aiohttp.ClientSession, api: str, command: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        async with session.get(f"{api}/reviews?limit=500") as response:
            for review in (await response.json())["reviews"]:
                if command in review["arguments"]:
                    return dict(review)
        await asyncio.sleep(0.005)
    raise TimeoutError(f"{command} never listed")


async def _round(
    session: aiohttp.ClientSession, url: str, api: str, hook: Webhook
) -> tuple[float, float, float]:
    command = f"kubectl apply -f {uuid.uuid4().hex[:8]}.yaml"
    async with session.post(
        f"{url}/v1/messages", json=_body(command), headers=_headers(command)
    ) as response:
        stream = response.content
        await stream.readany()
        first_byte = time.monotonic()
        review = await _listed(session, api, command)
        listed = time.monotonic()
        await asyncio.wait_for(hook.wait_for(command), 10)
        hooked = next(t for a, t in hook.arrived.items() if command in a)
        async with session.post(
            f"{api}/reviews/{review['id']}/decision", json={"decision": "approve"}
        ) as decided:
            assert decided.status == 200
        decided_at = time.monotonic()
        raw = b""
        while b"tool_use" not in raw:
            chunk = await asyncio.wait_for(stream.readany(), 10)
            if not chunk:
                break
            raw += chunk
        received = time.monotonic()
        await response.read()
    return listed - first_byte, hooked - first_byte, received - decided_at


async def _ttfb(session: aiohttp.ClientSession, url: str, count: int) -> list[float]:
    times = []
    for i in range(count):
        started = time.monotonic()
        async with session.post(
            f"{url}/v1/messages", json=_body(f"hello {i}"), headers=_headers(None)
        ) as response:
            await response.content.readany()
            times.append(time.monotonic() - started)
            await response.read()
    return times


async def _hold(session: aiohttp.ClientSession, url: str, command: str) -> bytes:
    async with session.post(
        f"{url}/v1/messages", json=_body(command), headers=_headers(command)
    ) as response:
        return await asyncio.wait_for(response.read(), 120)


async def _measure(url: str, api: str, hook: Webhook, pid: int, args: argparse.Namespace) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        await _ttfb(session, url, 5)  # warm up
        rounds = [await _round(session, url, api, hook) for _ in range(args.rounds)]
        for name, values in zip(
            (
                "call -> listed by the API",
                "call -> webhook received",
                "decision -> client reads call",
            ),
            zip(*rounds, strict=True),
            strict=True,
        ):
            ms = sorted(v * 1000 for v in values)
            print(f"{name:32} p50 {statistics.median(ms):7.1f} ms   max {ms[-1]:7.1f} ms")
        base_ttfb = await _ttfb(session, url, args.plain)
        rss0, cpu0 = _rss_mib(pid), _cpu_s(pid)
        commands = [
            f"kubectl apply -f w{i}-{uuid.uuid4().hex[:6]}.yaml" for i in range(args.waiting)
        ]
        held = [asyncio.create_task(_hold(session, url, c)) for c in commands]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            async with session.get(f"{api}/reviews?limit=500") as response:
                pending = (await response.json())["reviews"]
            if len(pending) >= args.waiting:
                break
            await asyncio.sleep(0.2)
        rss1, cpu1, t1 = _rss_mib(pid), _cpu_s(pid), time.monotonic()
        busy_ttfb = await _ttfb(session, url, args.plain)
        await asyncio.sleep(max(0.0, 5 - (time.monotonic() - t1)))
        cpu2, t2 = _cpu_s(pid), time.monotonic()
        print(f"waiting calls: {len(pending)} of {args.waiting}")
        print(
            f"worker RSS: {rss0:.1f} MiB idle, {rss1:.1f} MiB while they wait "
            f"({(rss1 - rss0) * 1024 / max(len(pending), 1):.1f} KiB per waiting stream)"
        )
        print(
            f"worker CPU while they wait: {(cpu2 - cpu1) / (t2 - t1) * 100:.1f}% of a core "
            f"(the queueing itself: {cpu1 - cpu0:.2f} s)"
        )
        print(
            f"plain TTFB p50: {statistics.median(base_ttfb) * 1000:.1f} ms alone, "
            f"{statistics.median(busy_ttfb) * 1000:.1f} ms with {len(pending)} calls waiting"
        )
        for review in pending:
            async with session.post(
                f"{api}/reviews/{review['id']}/decision", json={"decision": "deny"}
            ):
                pass
        done = await asyncio.gather(*held, return_exceptions=True)
        denied = sum(1 for d in done if isinstance(d, bytes) and b"denied this call" in d)
        print(f"released after denial: {denied} of {len(held)}")


async def _main(args: argparse.Namespace) -> None:
    hook = Webhook()
    runner = await hook.start()
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(short_tempdir())
        store_url = f"sqlite:///{base / 'sluice.db'}"
        if args.store == "postgres":
            from sluice.schema import upgrade
            from tests.store.postgres import running_postgres

            url = stack.enter_context(running_postgres())
            await upgrade(url)
            store_url = url.replace("+asyncpg", "")
        upstream = start_fake_upstream(base)
        config = gateway_config(
            upstream.url,
            base / "run",
            store_url=store_url,
            sidecar={"keepalive_s": 5},
            reviews={
                "enabled": True,
                "deadline_s": 120,
                "poll_ms": args.poll_ms,
                "link": "http://127.0.0.1",
                "webhook": {"url": f"http://127.0.0.1:{hook.port}/hook"},
            },
            policies=[{"name": "tool_rules", "config": {"rules": [_RULE]}}],
        )
        gateway = start_gateway(base, config)
        try:
            api = f"http://127.0.0.1:{config['admin']['port']}/api"
            [pid] = gateway.worker_pids()
            await _measure(gateway.url, api, hook, pid, args)
        finally:
            gateway.stop()
            upstream.stop()
            await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--waiting", type=int, default=200)
    parser.add_argument("--plain", type=int, default=30, help="plain requests for TTFB")
    parser.add_argument("--poll-ms", type=int, default=200)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
