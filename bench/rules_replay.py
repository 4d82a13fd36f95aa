"""Sidecar CPU per ext_proc message of ``tool_rules`` against noop: a real worker each, the
same messages sent to both over gRPC.

    python -m bench.rules_replay [--rounds 10] [--duration 3] [--concurrency 4] [--store]
                                 [--together] [--fresh] [--tools N] [--reading]

Behind Envoy (``bench.rules_side_by_side``), how Envoy cuts a stream that arrives at rest
depends on how soon it reads, and so on what the gateway spends: the two gateways are
measured on different messages (the one that spends more gets fewer, larger ones, which
costs less per request and more per message). Here both workers get the same messages: each
is started by ``sluice run`` (one worker; no event log unless ``--store``), and this
process plays Envoy, sending each exchange's messages over the worker's Unix socket,
``--concurrency`` exchanges at a time, for ``--duration`` seconds, the two in turns (or,
``--together``, both at once: on a shared machine whose speed swings from second to
second, both then run through the same swings). The
workers run on the last core, this process on the others. The messages are those of
``bench.rules_cpu``'s scenarios (the fake upstream's answers, cut as Envoy may read them),
so the figure is ``bench.rules_cpu``'s with gRPC's transport and a worker process of its
own counted, as behind Envoy. Prints µs of worker CPU per message, the median of the
rounds, and the median of the rounds' ratios.

The scenarios' answers repeat the same two calls, whose verdicts a worker remembers after
the first. ``--fresh`` gives every exchange calls never seen: its shell call is the next of
the shipped corpus's everyday ones (more of them than the verdicts a worker remembers, so
none is remembered when it comes round again), its ``Read`` a file of its own. ``--tools
N`` sends a coding agent's first request (``bench.rules_cpu``'s), in Anthropic's format.

``--reading`` adds a third worker: ``tool_rules`` with its built-in rules off (a tool name
it denies that no call has keeps its hook), which reads every answer's calls as
``tool_rules`` does and judges none. Its ratio to noop is what reading the calls costs, the
part no faster judging can take away; the ratio of ``tool_rules`` to it, what judging them
costs.

Without the event log, the figure is the policies' own cost against the least a worker
does. ``--store`` runs both as configured by default, the event log on (an embedded store
each, as ``make bench`` measures them), and adds the ratio with the event-log writer's CPU
counted too (a process of its own, which ``tool_rules`` gives its decisions to record).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.rules_cpu import (
    SCENARIOS,
    TOOLS_HELP,
    Scenario,
    agent_scenarios,
    everyday_calls,
    fresh_messages,
    scenario_messages,
)
from bench.rules_side_by_side import CHAINS
from bench.setups import Setup, side_by_side
from sluice.sidecar.worker import configure_grpc_environment
from tests.store.factories import TOOLS

configure_grpc_environment()  # the sidecar's gRPC settings, read when grpc is imported

import grpc  # noqa: E402
from envoy.service.ext_proc.v3 import external_processor_pb2 as pb  # noqa: E402
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc as pb_grpc  # noqa: E402

# tool_rules reading every call and judging none: no built-in rule, and a deny list that
# names no tool an agent has (which keeps its tool_call hook).
READING = (
    "reading",
    [{"name": "tool_rules", "config": {"builtin_rules": False, "deny_tools": ["-none-"]}}],
)


async def send_exchanges(
    socket: Path,
    messages: list[pb.ProcessingRequest] | Iterator[list[pb.ProcessingRequest]],
    concurrency: int,
    *,
    duration: float | None = None,
    exchanges: int | None = None,
) -> int:
    """Send exchanges of ``messages`` (or of each list an iterator gives, one after the
    other), ``concurrency`` at a time, for ``duration`` seconds or ``exchanges`` of them,
    each answered; the messages sent."""
    each = itertools.repeat(messages) if isinstance(messages, list) else messages
    async with grpc.aio.insecure_channel(f"unix:{socket}") as channel:
        process = pb_grpc.ExternalProcessorStub(channel).Process
        deadline = None if duration is None else time.monotonic() + duration
        started = sent = 0

        async def client() -> None:
            nonlocal started, sent
            while (deadline is None or time.monotonic() < deadline) and (
                exchanges is None or started < exchanges
            ):
                started += 1
                exchange = next(each)
                async for _reply in process(iter(exchange)):
                    pass
                sent += len(exchange)

        await asyncio.gather(*(client() for _ in range(concurrency)))
    return sent


async def _measure(
    setup: Setup,
    messages: Iterator[list[pb.ProcessingRequest]],
    duration: float,
    concurrency: int,
) -> tuple[float, float]:
    """µs of the worker's CPU per message, and of the event-log writer's (0 without it)."""
    [socket] = setup.sockets
    await send_exchanges(socket, messages, concurrency, duration=min(duration, 1.0))  # warm
    worker, writer = setup.sidecar_cpu_ns(), setup.writer_cpu_ns()
    sent = await send_exchanges(socket, messages, concurrency, duration=duration)
    return (
        (setup.sidecar_cpu_ns() - worker) / 1000 / sent,
        (setup.writer_cpu_ns() - writer) / 1000 / sent,
    )


def _ratios(noop: list[float], rules: list[float]) -> str:
    """The median of the rounds' ratios tool_rules / noop, and their range."""
    ratios = [b / a for a, b in zip(noop, rules, strict=True)]
    return f"{statistics.median(ratios):>6.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


async def _scenario(
    scenario: Scenario,
    setups: list[Setup],
    rounds: int,
    duration: float,
    concurrency: int,
    store: bool,
    together: bool = False,
    calls: list[dict[str, Any]] | None = None,
    tools: int | None = None,
) -> None:
    if calls is None:
        exchanges = [await scenario_messages(scenario, tools)]
    else:
        exchanges = await fresh_messages(scenario, calls, tools)
    decoded = [[pb.ProcessingRequest.FromString(m) for m in each] for each in exchanges]
    # Each worker is sent the exchanges in the same order, on from where it was left: with
    # more of them than tool_rules remembers verdicts, every call is one it has not seen.
    sequences = {setup.name: itertools.cycle(decoded) for setup in setups}
    per_exchange = statistics.mean(len(each) for each in decoded)
    workers: dict[str, list[float]] = {}
    totals: dict[str, list[float]] = {}
    for number in range(rounds):
        if together:  # both loaded at once: what slows the machine slows both alike
            measured = await asyncio.gather(
                *(_measure(setup, sequences[setup.name], duration, concurrency) for setup in setups)
            )
        else:  # in turns
            order = setups if number % 2 == 0 else setups[::-1]
            measured = [await _measure(s, sequences[s.name], duration, concurrency) for s in order]
            measured = measured if number % 2 == 0 else measured[::-1]
        for setup, (worker, writer) in zip(setups, measured, strict=True):
            workers.setdefault(setup.name, []).append(worker)
            totals.setdefault(setup.name, []).append(worker + writer)
    noop, rules = workers["noop"], workers["tool_rules"]
    line = (
        f"{scenario.name:<22} {per_exchange:>5.0f} {statistics.median(noop):>12.1f} "
        f"{statistics.median(rules):>11.1f} {_ratios(noop, rules)}"
    )
    if reading := workers.get("reading"):
        line += f"   {_ratios(noop, reading)} {_ratios(reading, rules)}"
    if store:
        line += f"   {_ratios(totals['noop'], totals['tool_rules'])}"
    print(line)


async def _all(
    setups: list[Setup],
    scenarios: list[Scenario],
    rounds: int,
    duration: float,
    concurrency: int,
    store: bool,
    together: bool,
    calls: list[dict[str, Any]] | None,
    tools: int | None,
) -> None:
    reading = any(setup.name == "reading" for setup in setups)
    print(
        f"{'scenario':<22} {'msgs':>5} {'noop us/msg':>12} {'tool_rules':>11} {'ratio':>6}"
        " (rounds)"
        + ("   reading/noop (rounds) rules/reading (rounds)" if reading else "")
        + ("   with the writer" if store else "")
    )
    for scenario in scenarios:
        await _scenario(
            scenario, setups, rounds, duration, concurrency, store, together, calls, tools
        )


def main(
    rounds: int,
    duration: float,
    concurrency: int,
    only: str | None = None,
    store: bool = False,
    together: bool = False,
    fresh: bool = False,
    tools: int | None = None,
    reading: bool = False,
) -> None:
    scenarios = [s for s in SCENARIOS if only is None or s.name == only]
    if tools is not None:
        scenarios = [s for s in scenarios if s in agent_scenarios()]
    calls = everyday_calls() if fresh else None
    extra: dict[str, Any] = {} if store else {"store_url": None}
    chains = [*CHAINS, READING] if reading else CHAINS
    with side_by_side(chains, pin="workers", **extra) as setups:
        asyncio.run(
            _all(setups, scenarios, rounds, duration, concurrency, store, together, calls, tools)
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=4, help="exchanges at a time")
    parser.add_argument("--scenario", choices=[s.name for s in SCENARIOS], help="only this one")
    parser.add_argument(
        "--store",
        action="store_true",
        help="with the event log (the default config): its writer's CPU counted too",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="load both workers at once, not in turns (a noisy machine slows both alike)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="every call new: each exchange's shell call is the next of the shipped corpus's "
        "everyday ones, its Read a file of its own",
    )
    parser.add_argument("--tools", type=int, choices=range(len(TOOLS) + 1), **TOOLS_HELP)
    parser.add_argument(
        "--reading",
        action="store_true",
        help="a third worker, tool_rules judging nothing: what reading the calls costs apart",
    )
    args = parser.parse_args()
    main(
        args.rounds,
        args.duration,
        args.concurrency,
        args.scenario,
        args.store,
        args.together,
        args.fresh,
        args.tools,
        args.reading,
    )
