"""``python -m bench.first_text``: time to the first text through policies that read text as
it streams (``redact``, ``replace``), against the noop chain, side by side.

Three gateways run at once against one fake upstream: noop, redact, replace. For each wire
format the same paced stream is asked of each in turn, one request at a time, the order
rotating from round to round, so that the three meet the same load on a shared machine.
It prints, per format and chain, the time to the first text (the first non-empty text
delta) at p50, p99 and max, the p50 difference to noop, and the largest difference to
noop within one round.

With ``--translated``, one gateway (the tool-reading ``no_sudo`` chain) instead: for the
Anthropic, the Chat and the Responses client, the same stream asked for a model that the
route's own provider serves (``same``) and for one that the route sends to a provider of
another format (``translated``: Chat Completions behind /v1/messages, Anthropic behind
/v1/chat/completions and /v1/responses), and each backend format asked directly, in turn, the order
rotating. The two backend formats pace their first text differently (Anthropic sends two
events before it), so each route's figure is what it adds to its backend asked directly
in the same round; the table gives those and the difference, translated less same.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import aiohttp

from bench.load import percentile
from bench.setups import sidecar
from tests.harness import ROOT, FakeUpstream, short_tempdir, start_fake_upstream

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


def _headers(events: int, pace_ms: int) -> dict[str, str]:
    return {
        "anthropic-version": "2023-06-01",
        "x-fake-script": "long",
        "x-fake-events": str(events),
        "x-fake-pace-ms": str(pace_ms),
    }


async def _rounds(
    session: aiohttp.ClientSession,
    asks: dict[str, tuple[str, dict[str, Any], bytes]],
    headers: dict[str, str],
    rounds: int,
) -> dict[str, Any]:
    """Each of ``asks`` (name: url, body, marker) once a round, in rotating order; times
    and the worst round against the first name."""
    names = list(asks)
    times: dict[str, list[float]] = {name: [] for name in names}
    worst: dict[str, float] = {name: float("-inf") for name in names}
    for number in range(rounds + 2):  # two rounds of warm-up
        order = names[number % len(names) :] + names[: number % len(names)]
        got = {n: await first_text(session, *asks[n][:2], headers, asks[n][2]) for n in order}
        if number < 2:
            continue
        for name in names:
            times[name].append(got[name])
            worst[name] = max(worst[name], got[name] - got[names[0]])
    return {"times": times, "worst": worst}


async def measure(urls: dict[str, str], rounds: int, events: int, pace_ms: int) -> dict[str, Any]:
    headers = _headers(events, pace_ms)
    results: dict[str, Any] = {}
    async with aiohttp.ClientSession() as session:
        for fmt, (path, body, marker) in FORMATS.items():
            asks = {name: (url + path, body, marker) for name, url in urls.items()}
            results[fmt] = await _rounds(session, asks, headers, rounds)
    return results


# Per client format: the model its route's provider serves, the one translated.
MODELS = {
    "anthropic": ("claude-haiku-4-5", "claude-sonnet-4-6"),
    "chat": ("gpt-4.1", "gpt-5"),
    "responses": ("gpt-4.1", "gpt-5"),
}
# The backend format of each client format's translated model.
_OTHER = {"anthropic": "chat", "chat": "anthropic", "responses": "anthropic"}


def translating_config() -> dict[str, Any]:
    """Routes that send the translated model of each client format (:data:`MODELS`) to a
    provider of the other format; providers' URLs are the harness's upstream's."""
    anthropic, chat = MODELS["anthropic"][1], MODELS["chat"][1]
    return {
        "policy_paths": [str(ROOT / "examples" / "policies")],
        "policies": [{"name": "no_sudo:NoSudo"}],
        "routes": [
            {
                "path": "/v1/messages",
                "format": "anthropic",
                "provider": "anthropic",
                "models": [{"model": anthropic, "provider": "local", "upstream_model": "qwen"}],
            },
            {
                "path": "/v1/chat/completions",
                "format": "openai_chat",
                "provider": "openai",
                "models": [{"model": chat, "provider": "claude", "upstream_model": "claude"}],
            },
            {
                "path": "/v1/responses",
                "format": "openai_responses",
                "provider": "openai",
                "models": [{"model": chat, "provider": "claude", "upstream_model": "claude"}],
            },
        ],
    }


async def measure_translated(
    url: str, upstream: str, rounds: int, events: int, pace_ms: int
) -> dict[str, Any]:
    headers = _headers(events, pace_ms)
    results: dict[str, Any] = {}
    async with aiohttp.ClientSession() as session:
        for fmt, (same, translated) in MODELS.items():
            path, body, marker = FORMATS[fmt]
            backend_path, backend_body, backend_marker = FORMATS[_OTHER[fmt]]
            asks = {
                "same": (url + path, {**body, "model": same}, marker),
                "translated": (url + path, {**body, "model": translated}, marker),
                # The upstream asked directly, in each backend format: its own pacing.
                "direct": (upstream + path, body, marker),
                "direct other": (upstream + backend_path, backend_body, backend_marker),
            }
            results[fmt] = await _rounds(session, asks, headers, rounds)
    return results


def report_translated(results: dict[str, Any]) -> str:
    """What each route adds to its backend's own time to first text (the gateway's time
    less the direct time to the same backend, in the same round), and the difference."""
    lines = [
        f"{'client':<10} {'same p50':>9} {'transl. p50':>12} {'p50 added':>10}"
        f" {'p99 added':>10} {'worst round':>12}   (ms over the backend asked directly)"
    ]
    for fmt, result in results.items():
        times = result["times"]
        same = [g - d for g, d in zip(times["same"], times["direct"], strict=True)]
        other = zip(times["translated"], times["direct other"], strict=True)
        translated = [g - d for g, d in other]
        added = [t - s for t, s in zip(translated, same, strict=True)]
        lines.append(
            f"{fmt:<10} {percentile(same, 0.5):>9.2f} {percentile(translated, 0.5):>12.2f}"
            f" {percentile(added, 0.5):>+10.2f} {percentile(added, 0.99):>+10.2f}"
            f" {max(added):>+12.2f}"
        )
    return "\n".join(lines)


def report(results: dict[str, Any]) -> str:
    base_name = next(iter(next(iter(results.values()))["times"]))
    lines = [
        f"{'format':<10} {'case':<10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'p50 vs ' + base_name:>15} {'worst round vs ' + base_name:>23}"
    ]
    for fmt, result in results.items():
        base = percentile(result["times"][base_name], 0.5)
        for name, times in result["times"].items():
            p50 = percentile(times, 0.5)
            lines.append(
                f"{fmt:<10} {name:<10} {p50:>8.2f} {percentile(times, 0.99):>8.2f}"
                f" {max(times):>8.2f} {p50 - base:>+15.2f} {result['worst'][name]:>+23.2f}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.first_text", description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="requests per format and chain")
    parser.add_argument("--events", type=int, default=20, help="text deltas per stream")
    parser.add_argument("--pace-ms", type=int, default=10, help="between the upstream's writes")
    parser.add_argument("--json", help="also write the raw times here")
    parser.add_argument(
        "--translated", action="store_true", help="translated against same-format routes"
    )
    args = parser.parse_args()
    with short_tempdir() as workdir, ExitStack() as stack:
        upstream = start_fake_upstream(workdir)
        stack.callback(upstream.stop)
        if args.translated:
            config = translating_config()
            config["providers"] = {
                "local": {"base_url": upstream.url, "format": "openai_chat"},
                "claude": {"base_url": upstream.url, "format": "anthropic"},
            }
            gateway = stack.enter_context(
                sidecar(upstream, workdir / "translating", 1, name="translating", **config)
            )
            results = asyncio.run(
                measure_translated(
                    gateway.url, upstream.url, args.rounds, args.events, args.pace_ms
                )
            )
        else:
            results = _chains(stack, upstream, workdir, args.rounds, args.events, args.pace_ms)
    what = "both routes and both backends" if args.translated else "the three gateways"
    print(
        f"{args.rounds} rounds per format; a paced stream of {args.events} text deltas, "
        f"{args.pace_ms} ms apart; {what} asked in turn"
    )
    print(report_translated(results) if args.translated else report(results))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out)


def _chains(
    stack: ExitStack, upstream: FakeUpstream, workdir: Path, rounds: int, events: int, pace_ms: int
) -> dict[str, Any]:
    urls = {
        name: stack.enter_context(
            sidecar(upstream, workdir / name, 1, name=name, policies=chain)
        ).url
        for name, chain in CHAINS.items()
    }
    return asyncio.run(measure(urls, rounds, events, pace_ms))


if __name__ == "__main__":
    main()
