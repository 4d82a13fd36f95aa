"""A policy that reads every tool call and decides nothing: the cost of reading a response
for tool calls (holding each call, running a hook on it, releasing it), without any rule's.

``bench.rules_cpu`` runs it beside noop and ``tool_rules`` as ``bench.tool_reader:ToolReader``,
so that what ``tool_rules`` adds splits into the reading every tool-call policy pays and
the rules' own judgment.
"""

from __future__ import annotations

from sluice.hooks import ToolCallHook
from sluice.policy import Policy, PolicyConfig

__all__ = ["ToolReader"]


class ToolReader(Policy[PolicyConfig]):
    """Reads each tool call of a response and lets it through."""

    async def tool_call(self, hook: ToolCallHook) -> None:
        return None
