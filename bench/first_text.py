"""``python -m bench.first_text``: time to the first text through policies that read text as
it streams (``redact``, ``replace``), against the noop chain, side by side.

Three gateways run at once against one fake upstream: noop, redact, replace. For each wire
format the same paced stream is asked of each in turn, one request at a time, the order
rotating from round to round, so that the three meet the same load on a shared machine.
It prints, per format and chain, the time to the first text (the first non-empty text
delta) at p50, p99 and max, the p50 difference to noop, and the largest difference to
noop within one round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from contextlib import ExitStack
from typing import Any

import aiohttp

from bench.load import percentile
from bench.setups import sidecar
from tests.harness import short_tempdir, start_fake_upstream

CHAINS: dict[str, list[dict[str, Any]]] = {
    "noop": [{"name": "noop"}],
    "redact": [{"name": "redact"}],
    # A word of the paced script: matches to replace, and prefixes to hold.
    "replace": [{"name": "replace", "config": {"rules": [{"find": "dolor", "replace": "pain"}]}}],
}
_PROMPT = "Write a short poem about sluices."
FORMATS: dict[str, tuple[str, dict[str, Any], bytes]] = {
    "anthropic": (
        "/v1/messages",
        {
            "model": "claude-sonnet-4-6",
            "max_tokens": 1024,
            "stream": True,
            "messages": [{"role": "user", "content": _PROMPT}],
        },
        rb'"text_delta",\s*"text":\s*"[^"]',
    ),
    "chat": (
        "/v1/chat/completions",
        {"model": "gpt-5", "stream": True, "messages": [{"role": "user", "content": _PROMPT}]},
        rb'"content":\s*"[^"]',
    ),
    "responses": (
        "/v1/responses",
        {"model": "gpt-5", "stream": True, "input": _PROMPT},
        rb'"response\.output_text\.delta".*?"delta":\s*"[^"]',
    ),
}


async def first_text(
    session: aiohttp.ClientSession,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    marker: bytes,
) -> float:
    """Milliseconds from sending to the first text; the stream is read to its end."""
    pattern, seen, found = re.compile(marker), b"", None
    started = time.perf_counter()
    async with session.post(url, json=body, headers=headers) as response:
        async for chunk in response.content.iter_any():
            if found is None:
                seen += chunk
                if pattern.search(seen):
                    found = (time.perf_counter() - started) * 1000
    if found is None:
        raise RuntimeError(f"no text from {url}")
    return found


async def measure(urls: dict[str, str], rounds: int, events: int, pace_ms: int) -> dict[str, Any]:
    headers = {
        "anthropic-version": "2023-06-01",
        "x-fake-script": "long",
        "x-fake-events": str(events),
        "x-fake-pace-ms": str(pace_ms),
    }
    results: dict[str, Any] = {}
    names = list(urls)
    async with aiohttp.ClientSession() as session:
        for fmt, (path, body, marker) in FORMATS.items():
            times: dict[str, list[float]] = {name: [] for name in names}
            worst: dict[str, float] = {name: float("-inf") for name in names}
            for number in range(rounds + 2):  # two rounds of warm-up
                order = names[number % len(names) :] + names[: number % len(names)]
                got = {
                    n: await first_text(session, urls[n] + path, body, headers, marker)
                    for n in order
                }
                if number < 2:
                    continue
                for name in names:
                    times[name].append(got[name])
                    worst[name] = max(worst[name], got[name] - got["noop"])
            results[fmt] = {"times": times, "worst": worst}
    return results


def report(results: dict[str, Any]) -> str:
    lines = [
        f"{'format':<10} {'chain':<8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'p50 vs noop':>12} {'worst round vs noop':>20}"
    ]
    for fmt, result in results.items():
        base = percentile(result["times"]["noop"], 0.5)
        for name, times in result["times"].items():
            p50 = percentile(times, 0.5)
            lines.append(
                f"{fmt:<10} {name:<8} {p50:>8.2f} {percentile(times, 0.99):>8.2f}"
                f" {max(times):>8.2f} {p50 - base:>+12.2f} {result['worst'][name]:>+20.2f}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.first_text", description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="requests per format and chain")
    parser.add_argument("--events", type=int, default=20, help="text deltas per stream")
    parser.add_argument("--pace-ms", type=int, default=10, help="between the upstream's writes")
    parser.add_argument("--json", help="also write the raw times here")
    args = parser.parse_args()
    with short_tempdir() as workdir, ExitStack() as stack:
        upstream = start_fake_upstream(workdir)
        stack.callback(upstream.stop)
        urls = {
            name: stack.enter_context(
                sidecar(upstream, workdir / name, 1, name=name, policies=chain)
            ).url
            for name, chain in CHAINS.items()
        }
        results = asyncio.run(measure(urls, args.rounds, args.events, args.pace_ms))
    print(
        f"{args.rounds} rounds per format; a paced stream of {args.events} text deltas, "
        f"{args.pace_ms} ms apart; the three gateways asked in turn"
    )
    print(report(results))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out)


if __name__ == "__main__":
    main()
