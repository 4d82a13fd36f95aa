"""The shape of a corpus entry before it is dressed as one client's tool call.

A ``Shell`` is one shell command line with its verdict; ``generate.py`` sends it as
Claude Code's ``Bash``, Codex's ``exec_command`` or ``shell`` and Cursor's
``run_terminal_cmd``, sometimes wrapped the way agents wrap commands (``bash -c``,
``cd … &&``, ``| tail``) when the wrapping cannot change what the command does.
A ``Tool`` is a non-shell call (a file tool, an MCP tool) for one client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Client = Literal["claude-code", "codex", "cursor"]

RULES = (
    "wipe_root_or_home",
    "drop_database",
    "terraform_destroy",
    "kubectl_delete_all",
    "cloud_storage_wipe",
    "gcloud_delete",
    "docker_prune",
    "force_push_default",
    "credential_exfiltration",
    "download_exec",
    "disk_wipe",
    "fork_bomb",
    "credential_write",
)


@dataclass(frozen=True)
class Shell:
    """A shell command line; ``rule`` is None for an everyday command.

    ``cwd`` is the working directory the client reports, when the verdict depends on it.
    ``wrap`` is False when a wrapper would change the meaning (relative paths that rely on
    ``cwd``, heredocs, multi-line scripts): such a command is sent as written.
    """

    command: str
    rule: str | None
    note: str
    cwd: str | None = None
    wrap: bool = True
    clients: tuple[Client, ...] = ()


@dataclass(frozen=True)
class Tool:
    """A non-shell tool call exactly as ``client`` sends it."""

    client: Client
    tool: str
    input: dict[str, Any]
    rule: str | None
    note: str
    cwd: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def block(rule: str, command: str, note: str, cwd: str | None = None, wrap: bool = True) -> Shell:
    """A dangerous command that ``rule`` must stop."""
    assert rule in RULES, rule
    return Shell(command, rule, note, cwd, wrap)


def allow(command: str, note: str, cwd: str | None = None, wrap: bool = True) -> Shell:
    """An everyday command that must pass."""
    return Shell(command, None, note, cwd, wrap)
