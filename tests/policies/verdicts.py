"""The built-in rule a call meets, for tests that list many spellings of one act."""

from __future__ import annotations

from typing import Any

from sluice.policies.tool_rules import ToolRules

HOME = "/home/dev"
PROJECT = "/home/dev/project"


def rule_for(tool: str, arguments: dict[str, Any], cwd: str | None = PROJECT) -> str | None:
    """The name of the rule the default ``tool_rules`` blocks the call with, or None."""
    policy = ToolRules.configure({})
    assert isinstance(policy, ToolRules)
    found = policy.verdict(tool, arguments, cwd)
    return found.rule if found else None


def bash(command: str, cwd: str | None = PROJECT) -> str | None:
    """The rule that blocks the shell command ``command`` run in ``cwd``, or None."""
    return rule_for("Bash", {"command": command}, cwd)
