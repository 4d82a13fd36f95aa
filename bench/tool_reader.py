"""Policies that read every tool call and decide nothing: the cost of reading a response
for tool calls (holding each call, running a hook on it, releasing it), without any rule's.

``bench.rules_cpu`` runs :class:`ToolReader` beside noop and ``tool_rules`` as
``bench.tool_reader:ToolReader``, so that what ``tool_rules`` adds splits into the reading
every tool-call policy pays and the rules' own judgment. :class:`ShellParser` also parses
each call's shell command as ``tool_rules`` does before any rule runs
(``bench.rules_instructions --floor``): what a judge of commands costs at the least.
"""

from __future__ import annotations

from sluice.hooks import ToolCallHook
from sluice.policies._builtin import _command_lines
from sluice.policies._shell import parse
from sluice.policy import Policy, PolicyConfig

__all__ = ["ShellParser", "ToolReader"]


class ToolReader(Policy[PolicyConfig]):
    """Reads each tool call of a response and lets it through."""

    async def tool_call(self, hook: ToolCallHook) -> None:
        return None


class ShellParser(Policy[PolicyConfig]):
    """Reads each tool call, parses its shell command into simple commands, and lets it
    through."""

    async def tool_call(self, hook: ToolCallHook) -> None:
        for line in _command_lines(hook.arguments()):  # the lines tool_rules reads
            parse(line)
