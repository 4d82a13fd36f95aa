"""The built-in rule a call meets, for tests that list many spellings of one act, and the
shipped corpus's shell lines, for tests that spell every one of them again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sluice.evaluation import Case, load_cases
from sluice.policies.tool_rules import ToolRules

HOME = "/home/dev"
PROJECT = "/home/dev/project"
CORPUS = Path(__file__).parents[2] / "corpus" / "tool_calls"


def rule_for(tool: str, arguments: dict[str, Any], cwd: str | None = PROJECT) -> str | None:
    """The name of the rule the default ``tool_rules`` blocks the call with, or None."""
    policy = ToolRules.configure({})
    assert isinstance(policy, ToolRules)
    found = policy.verdict(tool, arguments, cwd)
    return found.rule if found else None


def bash(command: str, cwd: str | None = PROJECT) -> str | None:
    """The rule that blocks the shell command ``command`` run in ``cwd``, or None."""
    return rule_for("Bash", {"command": command}, cwd)


def corpus_shell_lines(folder: Path = CORPUS) -> list[tuple[Case, str]]:
    """The shell commands of the shipped corpus (or of its ``folder``), each with its
    command line (an argv's script)."""
    found = []
    for case in load_cases(folder):
        given = case.input.get("command") or case.input.get("cmd")
        if isinstance(given, list) and len(given) == 3 and given[1] in ("-c", "-lc"):
            given = given[2]
        if isinstance(given, str):
            found.append((case, given))
    return found


def every_corpus_shell_line() -> list[str]:
    """The command lines of the shipped corpus, the held-out set and the probes."""
    folders = (CORPUS, CORPUS / "heldout", CORPUS / "probes")
    return [line for folder in folders for _, line in corpus_shell_lines(folder)]
