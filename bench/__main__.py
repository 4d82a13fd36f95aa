"""``make bench``: the cost of Envoy and of the Sluice sidecar, measured in one run.

For each scenario (non-streaming, burst streaming, paced streaming of 50 events 10 ms
apart, the same ending in tool calls, one client at rest) it runs the same bounded load
against: the fake upstream directly, plain Envoy (no ext_proc), Envoy + a bare ext_proc
echo servicer (the floor of an ext_proc server's cost), Envoy + sidecar (noop
chain, recording to the default SQLite event log), the same without the event log,
Envoy + 2 sidecar workers, chains with tool_rules and with tool_judge, and identity
(``auth``: passthrough holding the provider keys, keys mode, keys mode with a token budget,
compared side by side as ratios). It prints
requests/s, p50/p99 latency, p50/p99 time to first byte, the sidecar's CPU per ext_proc
message and per request, and each figure's ratio to plain Envoy.

The text scenarios (a paced text stream in each wire format, four clients) run against the
noop sidecar and the chains with ``redact`` and with ``replace``, policies that read text as
it streams: the time to the first text (the first non-empty text delta) of each, and its
difference to noop.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load import LoadResult, percentile
from bench.setups import Setup, direct, echo, keyed, plain_envoy, sidecar
from tests.harness import FakeUpstream, short_tempdir, start_fake_upstream


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    concurrency: int
    max_requests: int = 100_000
    first_text: str | None = None  # regex marking the first text, for the time to it


def _anthropic(stream: bool) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "stream": stream,
        "messages": [{"role": "user", "content": "Write a short poem about sluices."}],
    }


_PACED = {"x-fake-script": "long", "x-fake-events": "50", "x-fake-pace-ms": "10"}
_TOOLS = json.dumps(
    [
        {"name": "Bash", "arguments": {"command": "ls -la && git status"}},
        {"name": "Read", "arguments": {"file_path": "/repo/README.md"}},
    ]
)
NON_STREAMING = Scenario(
    "non-streaming", "/v1/messages", _anthropic(False), {"x-fake-script": "text"}, 16
)
BURST = Scenario(
    "burst stream",
    "/v1/messages",
    _anthropic(True),
    {"x-fake-script": "long", "x-fake-events": "50"},
    16,
)
PACED = Scenario("paced stream", "/v1/messages", _anthropic(True), _PACED, 32)
PACED_TOOLS = Scenario(
    "paced + tools", "/v1/messages", _anthropic(True), _PACED | {"x-fake-tool": _TOOLS}, 32
)
# One client, one request at a time: the latency a user feels with nothing queued.
AT_REST = Scenario(
    "tools at rest",
    "/v1/messages",
    _anthropic(True),
    {"x-fake-script": "long", "x-fake-events": "50", "x-fake-tool": _TOOLS},
    1,
    max_requests=300,
)
_OPENAI_BODY = {
    "model": "gpt-5",
    "stream": True,
    "messages": [{"role": "user", "content": "Write a short poem about sluices."}],
}
TEXT = [
    Scenario(
        "text anthropic",
        "/v1/messages",
        _anthropic(True),
        _PACED,
        4,
        first_text=r'"text_delta",\s*"text":\s*"[^"]',
    ),
    Scenario(
        "text chat",
        "/v1/chat/completions",
        _OPENAI_BODY,
        _PACED,
        4,
        first_text=r'"content":\s*"[^"]',
    ),
    Scenario(
        "text responses",
        "/v1/responses",
        {"model": "gpt-5", "stream": True, "input": "Write a short poem about sluices."},
        _PACED,
        4,
        first_text=r'"response\.output_text\.delta".*?"delta":\s*"[^"]',
    ),
]
# A word of the paced script: the rule has matches to replace, and prefixes to hold.
_REPLACE = [{"name": "replace", "config": {"rules": [{"find": "dolor", "replace": "pain"}]}}]
SCENARIOS = [NON_STREAMING, BURST, PACED, PACED_TOOLS, AT_REST, *TEXT]
BASE = [NON_STREAMING, BURST, PACED, PACED_TOOLS, AT_REST]


@dataclass
class Row:
    scenario: str
    setup: str
    load: LoadResult
    cpu_us_per_msg: float | None
    cpu_us_per_req: float | None
    msgs_per_req: float | None
    writer_us_per_req: float | None = None  # the event-log writer process, not in the above


def _load(setup: Setup, scenario: Scenario, duration: float) -> LoadResult:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--url",
            setup.url + scenario.path,
            "--body",
            json.dumps(scenario.body),
            "--headers",
            json.dumps({"anthropic-version": "2023-06-01", **scenario.headers, **setup.headers}),
            "--concurrency",
            str(scenario.concurrency),
            "--duration",
            str(duration),
            "--max-requests",
            str(scenario.max_requests),
            "--warmup",
            "20",
            *(["--first-text", scenario.first_text] if scenario.first_text else []),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 120,
    )
    return LoadResult.from_json(output.stdout)


def measure(setup: Setup, scenario: Scenario, duration: float) -> Row:
    cpu0, msgs0 = setup.sidecar_cpu_ns(), setup.ext_proc_messages()
    writer0 = setup.writer_cpu_ns()
    load = _load(setup, scenario, duration)
    cpu, msgs = setup.sidecar_cpu_ns() - cpu0, setup.ext_proc_messages() - msgs0
    time.sleep(0.5)  # the writer stores the last exchanges a moment after they end
    writer = setup.writer_cpu_ns() - writer0
    total = load.requests + load.errors + 20  # warm-up requests were charged too
    if not setup.sidecar_pids or not msgs:
        return Row(scenario.name, setup.name, load, None, None, None)
    per_msg, per_req = cpu / 1000 / msgs, cpu / 1000 / total
    writer_per_req = writer / 1000 / total if setup.writer_pid else None
    return Row(scenario.name, setup.name, load, per_msg, per_req, msgs / total, writer_per_req)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def report(rows: list[Row]) -> str:
    lines = [
        f"{'scenario':<14} {'setup':<11} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'ttfb p50':>9} {'ttfb p99':>9} {'err':>4} {'us/msg':>7} {'us/req':>7} {'msg/req':>7}"
        f" {'writer':>7}   vs envoy: {'req/s':>6} {'p50':>6} {'ttfb+ms':>8}"
    ]
    baseline = {r.scenario: r for r in rows if r.setup == "envoy"}
    for row in rows:
        load, base = row.load, baseline.get(row.scenario)
        p50, ttfb = percentile(load.latencies_ms, 0.5), percentile(load.ttfb_ms, 0.5)
        ratios = ""
        if base is not None:
            base_p50 = percentile(base.load.latencies_ms, 0.5)
            base_ttfb = percentile(base.load.ttfb_ms, 0.5)
            ratios = (
                f"   {'':>10} {load.rps / base.load.rps:>6.3f} {p50 / base_p50:>6.3f} "
                f"{ttfb - base_ttfb:>+8.2f}"
            )
        lines.append(
            f"{row.scenario:<14} {row.setup:<11} {load.rps:>8.1f} {p50:>8.2f} "
            f"{percentile(load.latencies_ms, 0.99):>8.2f} {ttfb:>9.2f} "
            f"{percentile(load.ttfb_ms, 0.99):>9.2f} {load.errors:>4} "
            f"{_fmt(row.cpu_us_per_msg):>7} {_fmt(row.cpu_us_per_req, 0):>7} "
            f"{_fmt(row.msgs_per_req):>7} {_fmt(row.writer_us_per_req, 0):>7}{ratios}"
        )
    return "\n".join(lines)


_LIMITS = {
    "requests": {
        "global": {"requests": 10_000_000, "per": "minute"},
        "per_client": {"requests": 10_000_000, "per": "minute"},
        "per_model": {"*": {"requests": 10_000_000, "per": "minute"}},
    },
    "tokens_per_client": [
        {"tokens": 10**12, "per": "minute"},
        {"tokens": 10**13, "per": "day"},
    ],
}


def _judge_chain(upstream: FakeUpstream) -> list[dict[str, Any]]:
    endpoint = {"api": "openai", "base_url": upstream.url, "api_key": "k", "model": "judge"}
    return [{"name": "tool_judge", "config": {"judge": endpoint, "cache": False}}]


def _judge_latency_ms(upstream: FakeUpstream, calls: int = 50) -> float:
    """The fake judge's own answer time (p50), to subtract from the judged wait."""
    import time
    import urllib.request

    body = json.dumps(
        {"model": "judge", "messages": [{"role": "user", "content": "Tool: Bash ls"}]}
    ).encode()
    timings = []
    for _ in range(calls):
        request = urllib.request.Request(
            f"{upstream.url}/v1/chat/completions",
            data=body,
            headers={"content-type": "application/json", "authorization": "Bearer k"},
        )
        started = time.perf_counter()
        urllib.request.urlopen(request).read()
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per measurement")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--setups",
        help="comma-separated subset of: direct, envoy, echo, sidecar, no-metrics, no-store, "
        "ratelimits, sidecar-x2, "
        "tool_rules, tool_judge, redact, replace, auth (default: all)",
    )
    args = parser.parse_args()
    rows: list[Row] = []
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with short_tempdir() as workdir:
        upstream: FakeUpstream = start_fake_upstream(workdir)
        try:
            plan: list[tuple[str, Callable[[], AbstractContextManager[Setup]], list[Scenario]]] = [
                ("direct", lambda: direct(upstream), BASE),
                ("envoy", lambda: plain_envoy(upstream, workdir / "envoy"), BASE),
                # A bare ext_proc echo servicer in the sidecar's place: the floor of us/msg.
                ("echo", lambda: echo(upstream, workdir / "echo"), [NON_STREAMING, PACED]),
                ("sidecar", lambda: sidecar(upstream, workdir / "noop", 1), BASE + TEXT),
                (
                    "no-metrics",  # the same, sidecar.metrics off: what the metrics cost
                    lambda: sidecar(
                        upstream,
                        workdir / "nometrics",
                        1,
                        name="no metrics",
                        sidecar={"metrics": False},
                    ),
                    BASE,
                ),
                (
                    "no-store",
                    lambda: sidecar(
                        upstream, workdir / "nostore", 1, name="no store", store_url=None
                    ),
                    [NON_STREAMING, PACED, AT_REST],
                ),
                (
                    "ratelimits",  # every limit and budget configured, none reached
                    lambda: sidecar(
                        upstream, workdir / "limits", 1, name="ratelimits", limits=_LIMITS
                    ),
                    BASE,
                ),
                (
                    "sidecar-x2",
                    lambda: sidecar(upstream, workdir / "noop2", 2),
                    [NON_STREAMING, BURST, PACED],
                ),
                (
                    "tool_rules",
                    lambda: sidecar(
                        upstream,
                        workdir / "rules",
                        1,
                        name="tool_rules",
                        policies=[{"name": "tool_rules"}],
                    ),
                    [PACED, PACED_TOOLS, AT_REST],
                ),
                (
                    "tool_judge",
                    lambda: sidecar(
                        upstream,
                        workdir / "judge",
                        1,
                        name="tool_judge",
                        policies=_judge_chain(upstream),
                    ),
                    [PACED_TOOLS, AT_REST],
                ),
                (
                    "redact",
                    lambda: sidecar(
                        upstream,
                        workdir / "redact",
                        1,
                        name="redact",
                        policies=[{"name": "redact"}],
                    ),
                    TEXT,
                ),
                (
                    "replace",
                    lambda: sidecar(
                        upstream, workdir / "replace", 1, name="replace", policies=_REPLACE
                    ),
                    TEXT,
                ),
            ]
            wanted = set(args.setups.split(",")) if args.setups else None
            if wanted is None or "auth" in wanted:
                rows += _auth_rows(upstream, workdir, args.duration)
            for key, make_setup, scenarios in plan:
                if wanted is not None and key not in wanted:
                    continue
                with make_setup() as setup:
                    for scenario in scenarios:
                        row = measure(setup, scenario, args.duration)
                        rows.append(row)
                        print(
                            f"  {scenario.name:<14} {setup.name:<11} {row.load.rps:8.1f} req/s",
                            flush=True,
                        )
            judge_ms = _judge_latency_ms(upstream)
        finally:
            upstream.stop()
    rows.sort(key=lambda r: [s.name for s in SCENARIOS].index(r.scenario))
    print()
    print(report(rows))
    print()
    print(_judged_wait(rows, judge_ms))
    print(_auth_cost(rows))
    print()
    print(first_text_report(rows))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ | {"load": r.load.__dict__} for r in rows]))


def _auth_rows(
    upstream: FakeUpstream, workdir: Path, duration: float, rounds: int = 4
) -> list[Row]:
    """Identity's cost: passthrough holding the provider keys (nobody checked), keys mode,
    and keys mode with a token budget, all three running at once and measured in turns
    (``rounds`` short runs each, merged), so that a shared machine's load weighs on each
    alike."""
    with ExitStack() as stack:
        setups = [
            stack.enter_context(keyed(upstream, workdir / "anon", "passthrough", keys=False)),
            stack.enter_context(keyed(upstream, workdir / "keys", "keys", keys=True)),
            stack.enter_context(
                keyed(
                    upstream,
                    workdir / "keysbudget",
                    "keys+budget",
                    keys=True,
                    limits={"tokens_per_client": _LIMITS["tokens_per_client"]},
                )
            ),
        ]
        rows = []
        for scenario in (NON_STREAMING, AT_REST):
            turns: dict[str, list[Row]] = {setup.name: [] for setup in setups}
            for _ in range(rounds):
                for setup in setups:
                    turns[setup.name].append(measure(setup, scenario, duration / rounds))
            for name, parts in turns.items():
                rows.append(_merged(parts))
                print(f"  {scenario.name:<14} {name:<11} {rows[-1].load.rps:8.1f} req/s")
    return rows


def _merged(parts: list[Row]) -> Row:
    """Several measurements of one setup and scenario as one (CPU figures averaged)."""
    load = LoadResult(
        requests=sum(p.load.requests for p in parts),
        errors=sum(p.load.errors for p in parts),
        elapsed_s=sum(p.load.elapsed_s for p in parts),
        latencies_ms=[x for p in parts for x in p.load.latencies_ms],
        ttfb_ms=[x for p in parts for x in p.load.ttfb_ms],
    )

    def mean(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    first = parts[0]
    return Row(
        first.scenario,
        first.setup,
        load,
        mean([p.cpu_us_per_msg for p in parts]),
        mean([p.cpu_us_per_req for p in parts]),
        mean([p.msgs_per_req for p in parts]),
        mean([p.writer_us_per_req for p in parts]),
    )


def _auth_cost(rows: list[Row]) -> str:
    """Keys mode against passthrough at rest (p50), and keys with a budget against neither
    (non-streaming throughput), as ratios measured in the same run."""
    by = {(r.scenario, r.setup): r for r in rows}
    anon, keys = by.get((AT_REST.name, "passthrough")), by.get((AT_REST.name, "keys"))
    plain, both = (
        by.get((NON_STREAMING.name, "passthrough")),
        by.get((NON_STREAMING.name, "keys+budget")),
    )
    if anon is None or keys is None or plain is None or both is None:
        return ""
    added = percentile(keys.load.latencies_ms, 0.5) - percentile(anon.load.latencies_ms, 0.5)
    cpu = (
        f"; sidecar CPU per request {both.cpu_us_per_req / plain.cpu_us_per_req:.3f}x"
        if both.cpu_us_per_req and plain.cpu_us_per_req
        else ""
    )
    return (
        f"auth: keys vs passthrough, one client at rest: p50 {added:+.2f} ms; "
        f"non-streaming throughput with keys and a token budget vs neither: "
        f"{both.load.rps / plain.load.rps:.3f}x{cpu}"
    )


def first_text_report(rows: list[Row]) -> str:
    """Time to the first text per text scenario and setup, and its difference to noop."""
    lines = [
        f"{'scenario':<15} {'setup':<9} {'first text p50':>14} {'p99':>8} {'max':>8}"
        f" {'n':>5}   vs noop: {'p50 +ms':>8}"
    ]
    noop = {r.scenario: r for r in rows if r.setup == "sidecar" and r.load.first_text_ms}
    for row in rows:
        times = row.load.first_text_ms
        if not times:
            continue
        p50 = percentile(times, 0.5)
        base = noop.get(row.scenario)
        added = "" if base is None else f"{p50 - percentile(base.load.first_text_ms, 0.5):+8.2f}"
        lines.append(
            f"{row.scenario:<15} {row.setup:<9} {p50:>14.2f} {percentile(times, 0.99):>8.2f}"
            f" {max(times):>8.2f} {len(times):>5}   {'':>8} {added}"
        )
    return "\n".join(lines)


def _judged_wait(rows: list[Row], judge_ms: float) -> str:
    by = {(r.scenario, r.setup): r for r in rows}
    noop, judged = by.get((AT_REST.name, "sidecar")), by.get((AT_REST.name, "tool_judge"))
    if noop is None or judged is None:
        return ""
    added = percentile(judged.load.latencies_ms, 0.5) - percentile(noop.load.latencies_ms, 0.5)
    return (
        f"judged tool calls, at rest (2 per response, judged one after the other): p50 "
        f"latency {added:+.2f} ms over noop; the judge itself answers in {judge_ms:.2f} ms "
        f"(p50), so the gateway adds {added - 2 * judge_ms:+.2f} ms per response, "
        f"{(added - 2 * judge_ms) / 2:+.2f} ms per judged call, beyond the judge's latency"
    )


if __name__ == "__main__":
    main()
