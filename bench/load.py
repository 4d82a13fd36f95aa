"""A bounded HTTP load generator: N concurrent clients for a fixed time or count.

It records, per request, the time to the first body byte and to the last (and, given a
``--first-text`` pattern, to the first bytes matching it: the first text of a stream), and
counts failures. Runs in its own process so its CPU is not charged to what is measured.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import aiohttp

__all__ = ["LoadResult", "run_load"]


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    ttfb_ms: list[float] = field(default_factory=list)
    first_text_ms: list[float] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> LoadResult:
        return cls(**json.loads(text))

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_load(
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    *,
    concurrency: int,
    duration_s: float,
    max_requests: int,
    warmup: int = 0,
    first_text: bytes | None = None,
) -> LoadResult:
    """Send ``body`` to ``url`` from ``concurrency`` clients until time or count runs out."""
    result = LoadResult()
    payload = json.dumps(body).encode()
    headers = {"content-type": "application/json", **headers}
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        text_at = re.compile(first_text) if first_text else None

        async def one() -> tuple[float, float, float | None] | None:
            start = time.perf_counter()
            seen, text = b"", None
            try:
                async with session.post(url, data=payload, headers=headers) as response:
                    chunk = first = await response.content.readany()
                    ttfb = time.perf_counter() - start
                    while chunk:
                        if text_at is not None and text is None:
                            seen += chunk
                            if text_at.search(seen):
                                text = time.perf_counter() - start
                        chunk = await response.content.readany()
                    if response.status != 200 or not first:
                        return None
            except (aiohttp.ClientError, TimeoutError):
                return None
            return ttfb, time.perf_counter() - start, text

        for _ in range(warmup):
            await one()
        deadline = time.perf_counter() + duration_s
        started = time.perf_counter()

        async def client() -> None:
            while time.perf_counter() < deadline and result.requests + result.errors < max_requests:
                timing = await one()
                if timing is None:
                    result.errors += 1
                    continue
                result.requests += 1
                result.ttfb_ms.append(timing[0] * 1000)
                result.latencies_ms.append(timing[1] * 1000)
                if timing[2] is not None:
                    result.first_text_ms.append(timing[2] * 1000)

        await asyncio.gather(*(client() for _ in range(concurrency)))
        result.elapsed_s = time.perf_counter() - started
    return result


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", required=True, help="JSON request body")
    parser.add_argument("--headers", default="{}", help="JSON object of headers")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--first-text", help="regex (bytes) marking the first text")
    args = parser.parse_args()
    result = asyncio.run(
        run_load(
            args.url,
            json.loads(args.body),
            json.loads(args.headers),
            concurrency=args.concurrency,
            duration_s=args.duration,
            max_requests=args.max_requests,
            warmup=args.warmup,
            first_text=args.first_text.encode() if args.first_text else None,
        )
    )
    print(result.to_json())


if __name__ == "__main__":
    main()
