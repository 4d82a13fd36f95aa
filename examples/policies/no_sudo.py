"""A first policy: keep an agent from running commands as root.

Load it from the gateway config (see docs/writing-policies.md)::

    policy_paths: [examples/policies]
    policies:
      - name: no_sudo:NoSudo
        config: {allow_users: [deploy]}
"""

from __future__ import annotations

import re

from pydantic import Field

from sluice.hooks import ToolCallHook
from sluice.policy import Policy, PolicyConfig

# `sudo` as a command word: at the start, or after a pipe, `;`, `&&`, `||` or `(`.
_SUDO = re.compile(r"(?:^|[|;&(]\s*)sudo\b(?P<args>[^|;&]*)")
_USER = re.compile(r"\s-u\s*(?P<user>\S+)")


class NoSudoConfig(PolicyConfig):
    """Settings of :class:`NoSudo`."""

    tools: list[str] = Field(
        default_factory=lambda: ["Bash"], description="Tools whose `command` is checked."
    )
    allow_users: list[str] = Field(
        default_factory=list, description="`sudo -u USER` is allowed for these users."
    )
    message: str = Field(
        "commands run as root need a human at the keyboard",
        description="Shown to the user when a call is blocked.",
    )


class NoSudo(Policy[NoSudoConfig]):
    """Blocks shell commands that use sudo (except `sudo -u` an allowed user)."""

    Config = NoSudoConfig

    async def tool_call(self, hook: ToolCallHook) -> None:
        if hook.call.name not in self.config.tools:
            return
        arguments = hook.arguments()
        command = arguments.get("command") if isinstance(arguments, dict) else None
        if not isinstance(command, str):
            return
        for match in _SUDO.finditer(command):
            user = _USER.search(match["args"])
            if user is None or user["user"] not in self.config.allow_users:
                hook.block(f"{self.config.message}: {command.strip()}")
                return
