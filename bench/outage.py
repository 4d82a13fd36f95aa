"""``python -m bench.outage``: memory through a Postgres outage under multi-megabyte requests.

Starts a throwaway Postgres, the fake upstream and ``sluice run`` (one worker, the event
log in that Postgres, the queues bounded by ``store_queue_bytes``), sends a few requests
with Postgres up, stops Postgres, sends a few hundred Claude-Code-like requests of 2-4 MB
each (bounded in count and time), starts Postgres again and waits for the writer to catch
up. It reads each process's peak resident memory (``VmHWM``) and prints, for the worker and
the event-log writer: resident memory after the warm-up, the peak, the growth, next to the
configured byte bound of its queue. ``--queue-bytes`` sets the bound; run it twice (say
64 MiB and 2 GiB) to compare the bounded queue with one effectively bounded by count only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import string
import time
import uuid
from pathlib import Path

import aiohttp

from sluice.schema import async_url, upgrade
from tests.harness import gateway_config, short_tempdir, start_fake_upstream, start_gateway
from tests.store.factories import SYSTEM, TOOLS
from tests.store.postgres import stoppable_postgres

MIB = 1 << 20


def body_of(size: int, seed: int) -> bytes:
    """A Claude Code request of about ``size`` bytes: its tools and system prompt, and a
    long history of tool results (the part that grows to megabytes)."""
    rng = random.Random(seed)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(500)]
    messages: list[dict[str, object]] = []
    total = 70_000  # tools and system prompt
    turn = 0
    while total < size:
        text = " ".join(rng.choices(words, k=6000))  # ~35 KB of tool output
        messages.append({"role": "user", "content": [{"type": "text", "text": f"{turn} {text}"}]})
        messages.append({"role": "assistant", "content": [{"type": "text", "text": "ok"}]})
        total += len(text) + 60
        turn += 1
    messages.append({"role": "user", "content": "go on"})
    request = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "system": SYSTEM,
        "tools": TOOLS,
        "messages": messages,
    }
    return json.dumps(request).encode()


def memory_kib(pid: int) -> tuple[int, int]:
    """A process's resident memory now and at its peak (``VmRSS``, ``VmHWM``), in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


async def send(url: str, bodies: list[bytes], count: int, concurrency: int, deadline: float) -> int:
    """POST ``count`` requests (cycling through ``bodies``) until ``deadline``; the number
    answered 200."""
    done = 0
    queue = iter(range(count))

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal done
        for i in queue:
            if time.monotonic() > deadline:
                return
            headers = {
                "content-type": "application/json",
                "x-api-key": "sk-ant-bench",
                "anthropic-version": "2023-06-01",
                "x-fake-script": "text",
                "x-claude-code-session-id": uuid.uuid4().hex,
            }
            async with session.post(
                f"{url}/v1/messages", data=bodies[i % len(bodies)], headers=headers
            ) as response:
                await response.read()
                done += response.status == 200

    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return done


def scrape(admin_port: int) -> dict[str, float]:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics") as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line.startswith("sluice_event_log_"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


async def run(args: argparse.Namespace) -> None:
    print(f"building {args.bodies} request bodies of 2-4 MB ...", flush=True)
    sizes = [2 * MIB + (2 * MIB * i) // max(args.bodies - 1, 1) for i in range(args.bodies)]
    bodies = [body_of(size, seed) for seed, size in enumerate(sizes)]
    print(f"bodies: {min(map(len, bodies)) / MIB:.1f}-{max(map(len, bodies)) / MIB:.1f} MiB")
    with short_tempdir() as tmp, stoppable_postgres() as postgres:
        url = postgres.url.replace("postgresql+asyncpg://", "postgresql://")
        await upgrade(async_url(url))
        upstream = start_fake_upstream(tmp)
        config = gateway_config(
            upstream.url,
            tmp / "run",
            store_url=url,
            store_queue_bytes=args.queue_bytes,
            store_capture_bytes=args.capture_bytes,
        )
        gateway = start_gateway(tmp, config)
        try:
            [worker] = gateway.worker_pids()
            writer = gateway.event_log_pid()
            assert writer is not None
            pids = {"worker": worker, "writer": writer}
            deadline = time.monotonic() + args.max_seconds
            warm = await send(gateway.url, bodies, args.warmup, 2, deadline)
            await asyncio.sleep(2)  # the warm-up's captures are written
            before = {name: memory_kib(pid)[0] for name, pid in pids.items()}
            postgres.stop()
            started = time.monotonic()
            answered = await send(gateway.url, bodies, args.requests, args.concurrency, deadline)
            outage_s = time.monotonic() - started
            during = {name: memory_kib(pid) for name, pid in pids.items()}
            postgres.start()
            await asyncio.sleep(args.catch_up_s)
            metrics = scrape(config["admin"]["port"])
            after = {name: memory_kib(pid) for name, pid in pids.items()}
        finally:
            gateway.stop()
            upstream.process.terminate()
            upstream.process.wait()
    sent = sum(len(bodies[i % len(bodies)]) for i in range(answered))
    print(
        f"warm-up: {warm} requests; outage: {answered}/{args.requests} requests answered 200 "
        f"in {outage_s:.0f} s, {sent / MIB:,.0f} MiB of request bodies"
    )
    print(
        f"bounds: store_queue_bytes {args.queue_bytes / MIB:,.0f} MiB per queue, "
        f"store_capture_bytes {args.capture_bytes / MIB:,.0f} MiB"
    )
    for name in pids:
        peak = max(during[name][1], after[name][1])
        print(
            f"{name:>6}: RSS {before[name] / 1024:,.0f} MiB after the warm-up, "
            f"{during[name][0] / 1024:,.0f} MiB at the end of the outage, "
            f"peak {peak / 1024:,.0f} MiB (+{(peak - before[name]) / 1024:,.0f} MiB; "
            f"queue bound {args.queue_bytes / MIB:,.0f} MiB)"
        )
    for name, value in sorted(metrics.items()):
        if any(k in name for k in ("dropped_total", "written_total", "refused", "truncated")):
            print(f"  {name} {value:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.outage", description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--bodies", type=int, default=8, help="distinct request bodies")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--queue-bytes", type=int, default=64 * MIB)
    parser.add_argument("--capture-bytes", type=int, default=8 * MIB)
    parser.add_argument("--max-seconds", type=float, default=600, help="bound on the load")
    parser.add_argument("--catch-up-s", type=float, default=15)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
