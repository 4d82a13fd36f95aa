"""Instructions per exchange of ``tool_rules`` and noop, counted by valgrind.

    python -m bench.rules_instructions [--scenario NAME] [--exchanges 100]

Time on a shared machine moves a ratio by a few hundredths from run to run, more than most
single changes make; instructions do not (to 0.1% with the hash seed fixed). Each figure
drives :mod:`bench.rules_cpu`'s servicer with one scenario's messages under
``valgrind --tool=cachegrind``, twice: 20 exchanges to warm, then ``--exchanges`` or three
times as many; the difference, divided, is what one exchange costs, without the
interpreter's start. Instructions are not time (a cache miss costs more than an
instruction), so this says whether a change cut work, and ``bench.rules_replay`` what it
is worth under load. Needs valgrind (Debian: ``apt install valgrind``), so it is not part
of ``make bench``; a run takes about a minute a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys

from bench.rules_cpu import SCENARIOS, run_exchange, scenario_messages, servicer_for

CHAINS = {"noop": [], "tool_rules": [{"name": "tool_rules"}]}
_WARM = 20
_COUNTED = re.compile(rb"I\s+refs:\s+([\d,]+)")


async def _drive(scenario: str, chain: str, exchanges: int) -> None:
    """``exchanges`` exchanges of ``scenario`` through ``chain``, after a warm-up."""
    [found] = [s for s in SCENARIOS if s.name == scenario]
    messages = await scenario_messages(found)
    servicer = servicer_for(CHAINS[chain])
    for _ in range(_WARM + exchanges):
        await run_exchange(servicer, messages)


def _instructions(scenario: str, chain: str, exchanges: int) -> int:
    """Instructions valgrind counts for a process that drives ``exchanges`` exchanges."""
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.rules_instructions",
        "--drive",
        scenario,
        chain,
        str(exchanges),
    ]
    env = os.environ | {"PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, env=env, check=True)
    found = _COUNTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind printed no count:\n{done.stderr.decode()[-2000:]}")
    return int(found[1].replace(b",", b""))


def main(scenarios: list[str], exchanges: int) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind)")
    print(f"{'scenario':<24} {'noop':>10} {'tool_rules':>11} {'ratio':>6}  (instructions/exchange)")
    for scenario in scenarios:
        per = {}
        for chain in CHAINS:
            few = _instructions(scenario, chain, exchanges)
            many = _instructions(scenario, chain, 3 * exchanges)
            per[chain] = (many - few) / (2 * exchanges)
        noop, rules = per["noop"], per["tool_rules"]
        print(f"{scenario:<24} {noop:>10,.0f} {rules:>11,.0f} {rules / noop:>6.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=[s.name for s in SCENARIOS], help="only this one")
    parser.add_argument("--exchanges", type=int, default=100)
    parser.add_argument(
        "--drive", nargs=3, metavar=("SCENARIO", "CHAIN", "N"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.drive:
        scenario, chain, count = args.drive
        asyncio.run(_drive(scenario, chain, int(count)))
    else:
        main([args.scenario] if args.scenario else [s.name for s in SCENARIOS], args.exchanges)
