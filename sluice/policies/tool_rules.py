"""``tool_rules``: block tool calls by tool name and by patterns in their arguments.

A call is checked in this order, and the first check that objects blocks it (the user reads
its reason in the call's place):

1. ``deny_tools``: a tool whose name matches one of these globs is blocked.
2. ``allow_tools``: when not empty, a tool whose name matches none of them is blocked.
3. ``rules``, your own, in order: a rule applies to the tools matching ``tool`` and searches
   (``re.search``; ``(?i)`` ignores case) the strings under ``argument``, a dotted key
   (``edits.new_string``: a list on the way is searched element by element), or without
   ``argument`` every string in the arguments.
4. The built-in rules, unless ``builtin_rules: false``.

Tool names match exactly, case included: a client runs only the tools it declared, under
those names. Arguments that are not a JSON object (a truncated or free-form call) are
searched whole by every rule: a call that cannot be read does not pass unread.

In the gateway config::

    policies:
      - name: tool_rules
        config:
          deny_tools: [WebFetch, "mcp__browser__*"]
          rules:
            - {tool: Bash, pattern: '\\bgit\\s+push\\s+(-f|--force)\\b',
               reason: Force-pushing is not allowed}
            # The built-ins allow reads; this forbids reading private keys too.
            - {tool: Read, argument: file_path, pattern: 'id_(rsa|ed25519)$',
               reason: Private keys stay on this machine}

The built-in rules read the shell command of any tool (a ``command``, ``cmd``, ``commands``
or ``script`` argument at any depth; an argv list like Codex's too), split it into simple
commands as a shell would, and block:

- a recursive ``rm`` of ``/``, ``/*``, ``~`` or ``$HOME``, and any ``--no-preserve-root``;
- a recursive ``chmod``, ``chown`` or ``chgrp`` of ``/``;
- a download run by a shell: ``curl … | sh``, ``wget -O- … | sudo bash``,
  ``bash <(curl …)``, ``sh -c "$(curl …)"``, ``eval "$(curl …)"``;
- a write to a credential file (``.ssh/*``, ``id_rsa``-like keys, ``.aws/credentials``,
  ``.netrc``, ``.kube/config``, ``/etc/shadow``, ``/etc/sudoers``) by a redirect, ``tee``,
  ``sed -i``, ``dd of=``, or as the destination of ``cp``, ``mv``, ``install``, ``ln``,
  ``rsync``, ``scp``; or as the path of a file-writing tool (Claude Code's ``Write``,
  ``Edit``, ``MultiEdit``, ``NotebookEdit``; Gemini CLI's ``write_file``, ``replace``;
  Cursor's ``edit_file``);
- ``mkfs`` on a device, ``dd of=`` or a redirect onto a disk (``/dev/sd*``, ``/dev/nvme*``);
- a fork bomb (``:(){ :|:& };:``, under any name).

They let through, deliberately: ``rm -rf ./build``, ``rm -rf node_modules``, ``rm -rf ~/x``;
reading credential files (``cat ~/.ssh/config`` is everyday work: add a rule as above to
forbid it); ``chmod 600 ~/.ssh/id_rsa``, ``ssh-keygen``; ``curl … | python -m json.tool``
(only shells count as running a download); a script saved to a file before it runs. A quoted
string is also read as a command, since it may be one (``bash -c "rm -rf /"``), so ``echo
"rm -rf /"`` is blocked too; a command assembled at run time (``x=rm; $x -rf /``) is not
seen. They guard against accidents and the obvious; they are not a sandbox.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatchcase
from functools import cached_property
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sluice.hooks import ToolCallHook
from sluice.policies._shell import Command, parse
from sluice.policy import Policy, PolicyConfig

__all__ = ["ToolRule", "ToolRules", "ToolRulesConfig"]


class ToolRule(BaseModel):
    """One pattern that blocks calls of the tools it applies to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: str = Field("*", description="Glob of the tool names this rule applies to.")
    argument: str | None = Field(
        None,
        pattern=r"^[^.]+(\.[^.]+)*$",
        description="Dotted key of the argument to search (`edits.new_string`); "
        "unset: every string in the arguments.",
    )
    pattern: str = Field(description="Regular expression searched for (Python `re` syntax).")
    reason: str = Field("", description="Shown to the user; unset: names the pattern.")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str, info: ValidationInfo) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            tool = info.data.get("tool", "*")
            raise ValueError(f"rule for tool {tool!r}: bad regular expression: {exc}") from None
        return pattern


class ToolRulesConfig(PolicyConfig):
    """Settings of :class:`ToolRules`."""

    deny_tools: list[str] = Field(
        default_factory=list, description="Globs of tool names whose calls are blocked."
    )
    allow_tools: list[str] = Field(
        default_factory=list,
        description="Globs of the only tool names allowed; empty: every tool not denied.",
    )
    rules: list[ToolRule] = Field(
        default_factory=list, description="Patterns that block a call, checked in order."
    )
    builtin_rules: bool = Field(
        True, description="Also block the curated dangerous commands and credential writes."
    )


class ToolRules(Policy[ToolRulesConfig]):
    """Blocks tool calls by tool name and by patterns in their arguments, with a reason."""

    Config = ToolRulesConfig

    def hooks(self) -> frozenset[str]:
        # With nothing to check, don't make the gateway hold tool calls back.
        config = self.config
        checks = config.deny_tools or config.allow_tools or config.rules or config.builtin_rules
        return super().hooks() if checks else frozenset()

    async def tool_call(self, hook: ToolCallHook) -> None:
        name = hook.call.name
        if _matches(name, self.config.deny_tools):
            hook.block(f"The tool {name} is not allowed here")
        elif self.config.allow_tools and not _matches(name, self.config.allow_tools):
            allowed = ", ".join(self.config.allow_tools)
            hook.block(f"The tool {name} is not among the allowed tools ({allowed})")
        elif reason := self._check_arguments(name, hook.arguments()):
            hook.block(reason)

    def _check_arguments(self, tool: str, arguments: Any) -> str | None:
        reason = self._own_rules(tool, arguments)
        if reason is None and self.config.builtin_rules:
            reason = _builtin_rules(tool, arguments)
        return reason

    def _own_rules(self, tool: str, arguments: Any) -> str | None:
        for rule, pattern, select in self._compiled:
            if fnmatchcase(tool, rule.tool):
                texts = (arguments,) if isinstance(arguments, str) else select(arguments)
                if any(pattern.search(text) for text in texts):
                    return rule.reason or f"Matches the forbidden pattern {rule.pattern!r}"
        return None

    @cached_property
    def _compiled(self) -> list[tuple[ToolRule, re.Pattern[str], _Selector]]:
        return [
            (rule, re.compile(rule.pattern), _at(rule.argument) if rule.argument else _strings)
            for rule in self.config.rules
        ]


def _matches(name: str, globs: Sequence[str]) -> bool:
    return any(fnmatchcase(name, glob) for glob in globs)


# Where the strings a rule searches come from in a call's arguments.
_Selector = Callable[[Any], Iterator[str]]


def _strings(value: Any) -> Iterator[str]:
    """Every string in ``value``, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _at(path: str) -> _Selector:
    """The strings under the dotted key ``path``; lists on the way are searched element-wise."""
    keys = path.split(".")

    def select(value: Any, depth: int = 0) -> Iterator[str]:
        if depth == len(keys):
            yield from _strings(value)
        elif isinstance(value, dict) and keys[depth] in value:
            yield from select(value[keys[depth]], depth + 1)
        elif isinstance(value, list):
            for item in value:
                yield from select(item, depth)

    return select


# --- the built-in rules ---------------------------------------------------------------------

_COMMAND_KEYS = frozenset({"command", "cmd", "commands", "script"})
_PATH_KEYS = ("file_path", "notebook_path", "target_file")
# Claude Code, Gemini CLI and Cursor tools that write the file their path argument names.
_WRITE_TOOLS = frozenset(
    {"Write", "Edit", "MultiEdit", "NotebookEdit", "write_file", "replace", "edit_file"}
)
_CREDENTIALS = "Writes to a credential file (SSH keys, cloud or cluster credentials, passwords)"


def _builtin_rules(tool: str, arguments: Any) -> str | None:
    if isinstance(arguments, dict) and tool in _WRITE_TOOLS:
        paths = (arguments.get(key) for key in _PATH_KEYS)
        if any(isinstance(path, str) and _is_secret(path) for path in paths):
            return _CREDENTIALS
    # Unreadable arguments are read whole as a command line (their quoted strings too).
    lines = iter((arguments,)) if isinstance(arguments, str) else _command_lines(arguments)
    for line in lines:
        commands = parse(line)
        for reason, check in _CHECKS:
            if check(line, commands):
                return reason
    return None


def _command_lines(value: Any) -> Iterator[str]:
    """The strings under a command-like key, at any depth; an argv list as one quoted line."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _COMMAND_KEYS:
                yield from _command_lines(item)
            elif isinstance(item, list) and all(isinstance(word, str) for word in item):
                yield shlex.join(item)
            else:
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _command_lines(item)


def _is(*names: str) -> Callable[[str], bool]:
    return frozenset(names).__contains__


def _recursive(args: Sequence[str], letters: str) -> bool:
    """Whether ``args`` hold ``--recursive`` or a short option cluster with one of ``letters``."""
    return any(
        arg == "--recursive"
        or (arg[:1] == "-" and arg[1:2] != "-" and any(c in arg for c in letters))
        for arg in args
    )


_ROOT = re.compile(r"/+\*?")
_ROOT_OR_HOME = re.compile(r"(?:/|~|\$HOME|\$\{HOME\})/*\*?")
_DISK = re.compile(r"/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk)")
_KEY_FILE = re.compile(r"id_(?:rsa|dsa|ecdsa|ed25519)(?:\.pub)?")
_SHELLS = _is("sh", "bash", "zsh", "dash", "ksh", "fish", "csh", "tcsh")
_PERMISSIONS = _is("chmod", "chown", "chgrp")
_COPIES = _is("cp", "mv", "install", "ln", "rsync", "scp")
_FETCHERS = _is("curl", "wget")
_SOURCES = _is("source", ".", "eval")
_SED_IN_PLACE = re.compile(r"-[a-zA-Z]*i.*|--in-place.*")
_FORK_BOMB = re.compile(r"(?<![\w:])([\w:]+)\s*\(\)\s*\{\s*\1\s*\|\s*\1\s*&\s*\}\s*;\s*\1")


def _is_mkfs(name: str) -> bool:  # mkfs, mkfs.ext4, mkfs.xfs, ...
    return name == "mkfs" or name.startswith("mkfs.")


def _is_secret(path: str) -> bool:
    """Whether ``path`` names a credential file, or the ``.ssh`` directory."""
    if path.rstrip("/") in {"/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d"}:
        return True
    parts = re.split(r"[/\\]", path)
    return (
        ".ssh" in parts
        or path.startswith("/etc/sudoers.d/")
        or parts[-1] == ".netrc"
        or parts[-2:] in ([".aws", "credentials"], [".kube", "config"])
        or bool(_KEY_FILE.fullmatch(parts[-1]))
    )


def _deletes_root_or_home(line: str, commands: Sequence[Command]) -> bool:
    for command in commands:
        args = command.args_of(_is("rm"))
        if args and _recursive(args, "rR") and any(map(_ROOT_OR_HOME.fullmatch, args)):
            return True
    return False


def _no_preserve_root(line: str, commands: Sequence[Command]) -> bool:
    return any("--no-preserve-root" in command.words for command in commands)


def _changes_whole_filesystem(line: str, commands: Sequence[Command]) -> bool:
    for command in commands:
        args = command.args_of(_PERMISSIONS)
        if args and _recursive(args, "R") and any(map(_ROOT.fullmatch, args)):
            return True
    return False


def _runs_download(line: str, commands: Sequence[Command]) -> bool:
    downloading = False  # the output of curl or wget flows into this command
    for command in commands:
        if command.after == "|" and downloading and _SHELLS(command.name):
            return True  # curl … | sh
        if _FETCHERS(command.name) and (_SHELLS(command.feeds) or _SOURCES(command.feeds)):
            return True  # bash <(curl …), sh -c "$(curl …)", eval "$(curl …)"
        downloading = (downloading and command.after == "|") or _FETCHERS(command.name)
    return False


def _writes_secret(line: str, commands: Sequence[Command]) -> bool:
    return any(_secret_written_by(command) for command in commands)


def _secret_written_by(command: Command) -> bool:
    if any(_is_secret(target) for target in command.redirects):
        return True
    if (args := command.args_of(_is("tee"))) is not None:
        return any(_is_secret(arg) for arg in args)
    if (args := command.args_of(_is("sed"))) is not None:
        return any(map(_SED_IN_PLACE.fullmatch, args)) and any(map(_is_secret, args))
    if (args := command.args_of(_is("dd"))) is not None:
        return any(arg.startswith("of=") and _is_secret(arg[3:]) for arg in args)
    if (args := command.args_of(_COPIES)) is not None:
        # The destination is the last operand, or the directory of -t; copying *from* a
        # credential file is a read.
        operands = [arg for arg in args if not arg.startswith("-")]
        directory = [b for a, b in pairwise(args) if a == "-t"]
        directory += [a.partition("=")[2] for a in args if a.startswith("--target-directory=")]
        return any(map(_is_secret, operands[-1:] + directory))
    return False


def _wipes_disk(line: str, commands: Sequence[Command]) -> bool:
    for command in commands:
        if any(_DISK.match(target) for target in command.redirects):
            return True
        args = command.args_of(_is_mkfs)
        if args and any(arg.startswith("/dev/") for arg in args):
            return True  # a filesystem in an image file harms nobody
        args = command.args_of(_is("dd")) or []
        if any(arg.startswith("of=") and _DISK.match(arg[3:]) for arg in args):
            return True
    return False


def _fork_bomb(line: str, commands: Sequence[Command]) -> bool:
    return _FORK_BOMB.search(line) is not None


_CHECKS: tuple[tuple[str, Callable[[str, Sequence[Command]], bool]], ...] = (
    ("Deletes / or the home directory recursively", _deletes_root_or_home),
    ("--no-preserve-root turns off the guard against operating on / itself", _no_preserve_root),
    ("Changes the permissions or owner of the whole filesystem", _changes_whole_filesystem),
    ("Runs a downloaded script unread; download it, read it, then run it", _runs_download),
    (_CREDENTIALS, _writes_secret),
    ("Formats or overwrites a disk, destroying its data", _wipes_disk),
    ("A fork bomb: it exhausts the machine's processes", _fork_bomb),
)
