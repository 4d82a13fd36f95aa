"""``dedupe_tools``: drop repeated tool definitions from a request, keeping the first of each
name.

Some clients offer the same tool twice, typically after compacting a long conversation, and
the provider then refuses the whole request ("tools: Tool names must be unique"). This
policy removes every later definition of a name already offered, so the request goes
through. Tools without a name (OpenAI's built-in ``web_search``, ``file_search``, …) are
never dropped. It has no settings of its own.

In the gateway config::

    policies:
      - name: dedupe_tools
"""

from __future__ import annotations

from sluice.hooks import RequestHook
from sluice.policy import Policy, PolicyConfig

__all__ = ["DedupeTools"]


class DedupeTools(Policy[PolicyConfig]):
    """Drops repeated tool definitions from a request, keeping the first of each name."""

    async def request(self, hook: RequestHook) -> None:
        seen: set[str] = set()

        def first(position: int, name: str) -> bool:
            if not name:  # a built-in tool, identified by its type, not a name
                return True
            if name in seen:
                return False
            seen.add(name)
            return True

        hook.edits.keep_tools(first)
