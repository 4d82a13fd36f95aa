"""A memory soak: many paced streams and whole requests through one worker, RSS watched.

``python -m bench.soak`` starts the fake upstream and a gateway with one sidecar worker, a
tool-reading chain (``tool_rules``) and the event log on (the embedded store, written by its
own writer process), then sends paced streams ending in tool calls and non-streamed
requests, alternating in rounds. It reads the worker's and the writer's resident memory
(``VmRSS``) after the first 1,000 of each and at the end, and prints the growth; a leak
shows as growth that keeps going with the count. Bounded by ``--streams``, ``--requests``
and ``--max-seconds``.

    $ python -m bench.soak --streams 20000 --requests 20000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from bench.load import run_load
from tests.harness import gateway_config, short_tempdir, start_fake_upstream, start_gateway

_TOOLS = json.dumps(
    [
        {"name": "Bash", "arguments": {"command": "ls -la && git status"}},
        {"name": "Read", "arguments": {"file_path": "/repo/README.md"}},
    ]
)
_PACED = {"x-fake-script": "long", "x-fake-events": "20", "x-fake-pace-ms": "5"}


def _body(stream: bool, n: int) -> dict[str, object]:
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "stream": stream,
        "messages": [{"role": "user", "content": f"Soak request {n}: list the files."}],
    }


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in KiB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def _round(url: str, streams: int, requests: int, concurrency: int, n: int) -> int:
    """One round of streams then whole requests; returns the number of failures."""
    failures = 0
    if streams:
        result = await run_load(
            url,
            _body(True, n),
            _PACED | {"x-fake-tool": _TOOLS},
            concurrency=concurrency,
            duration_s=3600,
            max_requests=streams,
        )
        failures += result.errors
    if requests:
        result = await run_load(
            url,
            _body(False, n),
            {"x-fake-script": "tools", "x-fake-tool": _TOOLS},
            concurrency=concurrency // 4 or 1,
            duration_s=3600,
            max_requests=requests,
        )
        failures += result.errors
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--round", type=int, default=1_000, help="of each kind per round")
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--max-seconds", type=float, default=1200)
    args = parser.parse_args()
    with short_tempdir() as base:
        upstream = start_fake_upstream(base)
        config = gateway_config(
            upstream.url, base / "run", policies=[{"name": "tool_rules"}], store_queue=2000
        )
        gateway = start_gateway(base, config)
        try:
            worker = gateway.worker_pids()[0]
            writer = gateway.event_log_pid()
            assert writer is not None, "the event log is off"
            started = time.monotonic()
            sent_streams = sent_requests = failures = 0
            first: dict[str, int] = {}
            while sent_streams < args.streams or sent_requests < args.requests:
                if time.monotonic() - started > args.max_seconds:
                    print(f"stopped at --max-seconds {args.max_seconds}")
                    break
                streams = min(args.round, args.streams - sent_streams)
                requests = min(args.round, args.requests - sent_requests)
                url = gateway.url + "/v1/messages"
                failures += asyncio.run(
                    _round(url, streams, requests, args.concurrency, sent_streams)
                )
                sent_streams += streams
                sent_requests += requests
                (w_rss, w_hwm), (e_rss, e_hwm) = rss_kib(worker), rss_kib(writer)
                if not first:
                    first = {"worker": w_rss, "writer": e_rss}
                print(
                    f"{time.monotonic() - started:7.1f}s streams {sent_streams:6d} "
                    f"requests {sent_requests:6d} failures {failures}  "
                    f"worker RSS {w_rss / 1024:7.1f} MiB (peak {w_hwm / 1024:.1f})  "
                    f"writer RSS {e_rss / 1024:7.1f} MiB (peak {e_hwm / 1024:.1f})",
                    flush=True,
                )
            (w_rss, _), (e_rss, _) = rss_kib(worker), rss_kib(writer)
            print(
                f"after {sent_streams} streams and {sent_requests} whole requests: "
                f"worker RSS {w_rss / first['worker']:.3f}x, "
                f"writer RSS {e_rss / first['writer']:.3f}x of after the first round"
            )
        finally:
            gateway.stop()
            upstream.stop()


if __name__ == "__main__":
    main()
