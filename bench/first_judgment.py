"""``python -m bench.first_judgment``: what ``tool_rules`` costs to judge a call it has not
seen before, call by call, on a labelled corpus.

    python -m bench.first_judgment [--corpus corpus/tool_calls] [--rounds 3] [--slowest 5]

A response's calls are mostly new (the verdicts ``tool_rules`` remembers serve the calls an
agent repeats), so this is the cost that sizes a gateway: it comes once per new call, on top
of reading the stream. Each call of the corpus (the shipped one, or your own in the same
format: see ``corpus/tool_calls/README.md``) is judged by the built-in rules with their
defaults, as ``ToolRules.verdict`` judges it (its arguments already parsed), with nothing
remembered: every ``functools`` cache the rules' modules reach (a command's words seen
through its wrappers, a glob's compiled pattern in fnmatch's or RE2's) is emptied before
each judgment; only ``re``'s cache of compiled patterns is kept, as a running gateway keeps
its own. The figure is the process's CPU time for one judgment, best of the rounds (a
shared machine's interruptions only ever add), in µs, per group: the calls that run a shell
command (a ``command`` or ``cmd`` argument: Claude Code's ``Bash``, Codex's ``shell`` and
``exec_command``, Cursor's ``run_terminal_cmd``) and the other calls (file reads, writes
and edits, MCP tools), each split into everyday and dangerous by the verdict expected.
The slowest calls are listed after.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from collections.abc import Callable
from pathlib import Path

import re2

from bench.load import percentile
from sluice.evaluation import Case, load_cases
from sluice.policies import BUILTINS
from sluice.policies.tool_rules import ToolRules
from sluice.policy import load_policy_class

_COMMAND_KEYS = ("command", "cmd")
_KINDS = {"allow": "everyday", "block": "dangerous"}


def _caches() -> list[Callable[[], None]]:
    """What empties each ``functools`` cache that the rules' modules reach, once each: their
    own, those of what they import (``urlsplit``), ``fnmatch``'s and RE2's, whose patterns
    come from the calls (``/???/r?``, ``${x/tmp*/}``)."""
    found: dict[int, Callable[[], None]] = {id(re2.purge): re2.purge}
    values = [fnmatch._compile_pattern]  # type: ignore[attr-defined]  # fnmatch's own cache
    for name, module in list(sys.modules.items()):
        if name.startswith("sluice.policies") and module is not None:
            values += vars(module).values()
    for value in values:
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            found[id(value)] = clear
    return list(found.values())


def _rounds(text: str) -> int:
    if not text.isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of rounds (1 or more)")
    return int(text)


def _group(case: Case) -> str:
    runs = isinstance(case.input, dict) and any(k in case.input for k in _COMMAND_KEYS)
    return f"{'shell command' if runs else 'other tool'}, {_KINDS[case.expect]}"


def main(corpus: Path, rounds: int, slowest: int) -> None:
    rules = load_policy_class("tool_rules", BUILTINS).configure({}, "tool_rules")
    assert isinstance(rules, ToolRules)
    cases = load_cases(corpus)
    for case in cases:  # once, untimed: the modules' imports and their patterns compiled
        rules.verdict(case.tool, case.input, case.cwd)
    caches = _caches()
    spent = [float("inf")] * len(cases)  # by the case's place: a corpus may repeat an id
    for _ in range(rounds):
        for at, case in enumerate(cases):
            for clear in caches:
                clear()
            start = time.process_time()
            rules.verdict(case.tool, case.input, case.cwd)
            spent[at] = min(spent[at], (time.process_time() - start) * 1e6)
    groups: dict[str, list[float]] = {}
    for at, case in enumerate(cases):
        groups.setdefault(_group(case), []).append(spent[at])
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
        for at in sorted(range(len(cases)), key=lambda at: -spent[at])[:slowest]:
            case = cases[at]
            print(f"  {spent[at]:>7.0f} µs  {case.id} {case.tool}: {case.summary[:90]!r}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus/tool_calls"))
    parser.add_argument("--rounds", type=_rounds, default=3, help="best of N rounds (N >= 1)")
    parser.add_argument("--slowest", type=int, default=5, help="list the N slowest calls")
    args = parser.parse_args()
    main(args.corpus, args.rounds, args.slowest)
