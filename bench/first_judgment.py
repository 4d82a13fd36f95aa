"""``python -m bench.first_judgment``: what ``tool_rules`` costs to judge a call it has not
seen before, call by call, on a labelled corpus.

    python -m bench.first_judgment [--corpus corpus/tool_calls] [--rounds 3] [--slowest 5]

A response's calls are mostly new (the verdicts ``tool_rules`` remembers serve the calls an
agent repeats), so this is the cost that sizes a gateway: it comes once per new call, on top
of reading the stream. Each call of the corpus (the shipped one, or your own in the same
format: see ``corpus/tool_calls/README.md``) is judged by the built-in rules with their
defaults, as ``ToolRules.verdict`` judges it, with nothing remembered: the rules' own
caches (a command's words seen through its wrappers, …) are emptied before each judgment.
The figure is the process's CPU time for one judgment, best of the rounds (a shared
machine's interruptions only ever add), in µs, per group: the calls that run a shell
command (a ``command`` or ``cmd`` argument: Claude Code's ``Bash``, Codex's ``shell``,
Cursor's ``run_terminal_cmd``) and the other calls (file reads, writes and edits, MCP
tools), each split by the verdict expected. The slowest calls are listed after.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.load import percentile
from sluice.evaluation import Case, load_cases
from sluice.policies import BUILTINS
from sluice.policies.tool_rules import ToolRules
from sluice.policy import load_policy_class

_COMMAND_KEYS = ("command", "cmd")


def _caches() -> list[Callable[[], None]]:
    """What empties each cache of the rules' modules (``functools.lru_cache``'s)."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.startswith("sluice.policies") and module is not None:
            for value in vars(module).values():
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    found.append(clear)
    return found


def _group(case: Case) -> str:
    runs = isinstance(case.input, dict) and any(k in case.input for k in _COMMAND_KEYS)
    return f"{'shell command' if runs else 'other tool'}, {case.expect}"


def main(corpus: Path, rounds: int, slowest: int) -> None:
    rules = load_policy_class("tool_rules", BUILTINS).configure({}, "tool_rules")
    assert isinstance(rules, ToolRules)
    cases = load_cases(corpus)
    for case in cases:  # once, untimed: the modules' imports and their patterns compiled
        rules.verdict(case.tool, case.input, case.cwd)
    caches = _caches()
    spent: dict[str, float] = {}
    for _ in range(rounds):
        for case in cases:
            for clear in caches:
                clear()
            start = time.process_time()
            rules.verdict(case.tool, case.input, case.cwd)
            took = (time.process_time() - start) * 1e6
            spent[case.id] = min(spent.get(case.id, took), took)
    groups: dict[str, list[float]] = {}
    for case in cases:
        groups.setdefault(_group(case), []).append(spent[case.id])
    print(f"{corpus}: {len(cases)} calls, best of {rounds}, µs of CPU to judge a call first")
    print(f"{'calls':<24} {'n':>6} {'p50':>7} {'p90':>7} {'p99':>7} {'mean':>7} {'max':>7}")
    for name, values in sorted(groups.items()):
        print(
            f"{name:<24} {len(values):>6} {percentile(values, 0.5):>7.0f} "
            f"{percentile(values, 0.9):>7.0f} {percentile(values, 0.99):>7.0f} "
            f"{sum(values) / len(values):>7.0f} {max(values):>7.0f}"
        )
    if slowest:
        print(f"\nthe {slowest} slowest:")
        for case in sorted(cases, key=lambda c: -spent[c.id])[:slowest]:
            print(f"  {spent[case.id]:>7.0f} µs  {case.id} {case.tool}: {case.summary[:90]!r}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus/tool_calls"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--slowest", type=int, default=5, help="list the N slowest calls")
    args = parser.parse_args()
    main(args.corpus, args.rounds, args.slowest)
