"""The built-in rules of ``tool_rules``: each named, each judging what a call does.

:func:`check` reads a tool call (a shell command of any tool, a file tool's path, a patch)
and returns the first :class:`Finding` of an enabled rule. The acts come from
:mod:`._acts` (destroying paths), :mod:`._interpreters` (one-liners), :mod:`._infra`
(infrastructure) and :mod:`._exfil` (credentials to the network); the paths they judge from
:mod:`._targets`.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from sluice.policies._acts import destroyed, operands, short_option, unwrap, working_directory
from sluice.policies._exfil import Pipeline
from sluice.policies._infra import INFRA_RULES, Seen, drops_in_sql, may_destroy_infrastructure
from sluice.policies._interpreters import code_of, read_code
from sluice.policies._shell import Command, basename, parse
from sluice.policies._targets import is_secret, resolve, vital

__all__ = ["RULES", "Finding", "check"]

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
"""The names of the built-in rules, each of which a config can switch off."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that objects to a call, and why (shown to the user)."""

    rule: str
    reason: str


_COMMAND_KEYS = frozenset({"command", "cmd", "commands", "script"})
_PATH_KEYS = ("file_path", "notebook_path", "target_file", "path", "destination")
# Tools that write the file their path argument names: Claude Code's, Gemini CLI's, Cursor's.
_WRITE_TOOLS = frozenset(
    {"Write", "Edit", "MultiEdit", "NotebookEdit", "write_file", "replace", "edit_file"}
    | {"search_replace", "write", "edit", "create_file", "append_file", "move_file"}
)
_WORKDIR_KEYS = ("workdir", "cwd", "working_directory")
_SQL_KEYS = ("sql", "query", "statement", "statements", "queries")
# Tools that run SQL (mcp__postgres__query, execute_sql), not those that search text for it.
_RUNS_SQL = re.compile(r"(?i)sql|query|database|execute|postgres|mysql|sqlite|supabase|\bdb")
_SEARCHES = re.compile(r"(?i)search|grep|find|codebase")
_DELETE_TOOLS = frozenset({"delete_file", "Delete", "remove_file"})
_PATCH_TOOLS = frozenset({"apply_patch", "ApplyPatch"})
_PATCH_PATHS = re.compile(r"^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+)$", re.M)
_CREDENTIALS = "Writes to a credential file (SSH keys, cloud or cluster credentials, passwords)"
_DEPTH = 3  # how deep a one-liner's shell commands are read again


def check(tool: str, arguments: Any, cwd: str | None, enabled: frozenset[str]) -> Finding | None:
    """The first enabled rule that objects to a call of ``tool`` with ``arguments`` (parsed
    JSON, or the raw text when it is not JSON), in a session working in ``cwd``."""
    rules = _Rules(enabled)
    if isinstance(arguments, dict):
        own = next((arguments[k] for k in _WORKDIR_KEYS if isinstance(arguments.get(k), str)), None)
        if own:  # Codex's `workdir`: where this call runs, relative to the session's folder
            resolved = resolve(own, cwd)
            cwd = "/" + "/".join(resolved.parts) if resolved is not None else None
        # An MCP tool is known by its own name: mcp__filesystem__write_file is a write_file.
        rules.file_tool(
            tool.rpartition("__")[2] if tool.startswith("mcp__") else tool, arguments, cwd
        )
        if _RUNS_SQL.search(tool) and not _SEARCHES.search(tool):
            rules.sql(arguments)
        if tool in _PATCH_TOOLS:
            rules.patch(str(arguments.get("input") or arguments.get("patch") or ""))
    # Unreadable arguments are read whole as a command line, and each JSON string in them.
    lines = _raw_lines(arguments) if isinstance(arguments, str) else _command_lines(arguments)
    for line in lines:
        if rules.found:
            break
        rules.line(line, cwd, 0)
    return rules.found


_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _raw_lines(text: str) -> Iterator[str]:
    """Arguments that are not JSON (truncated, free-form): the text, then its JSON strings."""
    yield text
    for match in _JSON_STRING.finditer(text):
        try:
            yield json.loads(match.group())
        except json.JSONDecodeError:
            yield match.group(1)


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


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish", "csh", "tcsh", "ash"})
_RUNS_STDIN = _SHELLS | {"ssh", "su", "sudo"}
_INTERPRETER = re.compile(r"(?:python|pypy|node|nodejs|perl|ruby|php|deno|bun)[0-9.]*")
_FETCHERS = frozenset({"curl", "wget", "iwr", "irm", "Invoke-WebRequest", "Invoke-RestMethod"})
_SOURCES = frozenset({"source", ".", "eval", "iex", "Invoke-Expression"})
_DISK = re.compile(r"/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|md|dm-|mapper/)")
_DISK_TOOLS = frozenset({"shred", "wipefs", "blkdiscard", "sgdisk", "sfdisk", "parted", "fdisk"})
_SED_IN_PLACE = re.compile(r"-[a-zA-Z]*i.*|--in-place.*")
_COPIES = frozenset({"cp", "mv", "install", "ln", "rsync", "scp"})
_FORK_BOMB = re.compile(
    r"(?<![\w:])([\w:]+)\s*\(\)\s*\{\s*\1\s*\|\s*\1\s*&\s*\}\s*;\s*\1"
    # An endless loop that starts a background process each turn.
    r"|\b(?:while|until)\s+(?:true|:|\[\s*1\s*\]|false)\s*;\s*do\s+[^;&\n]{1,200}&\s*(?:;\s*)?done"
)


class _Rules:
    """The checks, applied until the first finding of an enabled rule."""

    def __init__(self, enabled: frozenset[str]) -> None:
        self.enabled = enabled
        self.found: Finding | None = None

    def flag(self, rule: str, reason: str) -> None:
        if self.found is None and rule in self.enabled:
            self.found = Finding(rule, reason)

    def file_tool(self, tool: str, arguments: dict[str, Any], cwd: str | None) -> None:
        paths = [p for key in _PATH_KEYS if isinstance(p := arguments.get(key), str)]
        if tool in _WRITE_TOOLS and any(map(is_secret, paths)):
            self.flag("credential_write", _CREDENTIALS)
        if tool in _WRITE_TOOLS | _DELETE_TOOLS:
            for path in paths:
                if what := vital(resolve(path, cwd)):
                    self.flag("wipe_root_or_home", f"{tool} of {path} destroys {what}")

    def sql(self, arguments: dict[str, Any]) -> None:
        """SQL in a database tool's arguments (an MCP server's ``query``)."""
        for key in _SQL_KEYS:
            if isinstance(text := arguments.get(key), str) and (reason := drops_in_sql(text)):
                self.flag("drop_database", reason[:1].upper() + reason[1:])

    def patch(self, text: str) -> None:
        if any(is_secret(path.strip()) for path in _PATCH_PATHS.findall(text)):
            self.flag("credential_write", _CREDENTIALS)

    def line(self, line: str, cwd: str | None, depth: int) -> None:
        if _FORK_BOMB.search(line):
            self.flag("fork_bomb", "A fork bomb: it exhausts the machine's processes")
        commands = parse(line)
        state = _LineState(line, cwd)
        for command in commands:
            if not (command.words or command.redirects or command.inputs):
                continue  # `;;`, `((((`: nothing to judge
            if command.after != "|":
                state.pipe = []
            if exfiltrated := state.pipeline.add(command, state.pipe[-1] if state.pipe else None):
                self.flag("credential_exfiltration", exfiltrated)
            self.command(command, state, depth)
            if self.found:
                return
            state.follow(command)
        if _runs_download(commands):
            self.flag("download_exec", _DOWNLOAD)

    def command(self, command: Command, state: _LineState, depth: int) -> None:
        words, _ = unwrap(command.words)
        cwd, producer = state.cwd, state.pipe[-1] if state.pipe else None
        for act in destroyed(command, cwd, state.pipe):
            if what := vital(act.path):
                self.flag("wipe_root_or_home", f"{act.verb.capitalize()} {what} ({act.word})")
        if not words:
            return
        name = basename(words[0])
        if may_destroy_infrastructure(words):
            data = command.heredoc + " ".join(_printed(producer))
            seen = Seen(data, state.lists_volumes, state.branch)
            for rule, judge in INFRA_RULES:
                if reason := judge(words, seen):
                    self.flag(rule, reason[:1].upper() + reason[1:])
        if _secret_written_by(command, words):
            self.flag("credential_write", _CREDENTIALS)
        if reason := _wipes_disk(command, words):
            self.flag("disk_wipe", reason)
        script = (_script_run(words) or "").removeprefix("./")
        if script in state.downloaded:
            self.flag("download_exec", _DOWNLOAD)
        if depth >= _DEPTH:
            return
        if script in state.written:
            self.line(state.written[script], cwd, depth + 1)  # echo 'rm -rf ~' > x.sh; sh x.sh
        if name == "apply_patch":  # Codex runs its patches through the shell too
            self.patch(command.heredoc + "\n".join(words[1:]))
        if name in _SHELLS and (decoded := _decoded(state.pipe)):
            self.line(decoded, cwd, depth + 1)  # echo cm0gLXJmIH4= | base64 -d | sh
        for expanded in state.expand(command):
            self.command(expanded, state, depth + 1)
        code = code_of(words)
        if code is None and _INTERPRETER.fullmatch(name) and command.heredoc:
            code = command.heredoc
        if code is not None:
            self.code(name, code, cwd, depth)
        elif name in _RUNS_STDIN and command.heredoc:
            self.line(command.heredoc, cwd, depth + 1)
        if name in _SHELLS and producer is not None and not _has_script(words):
            printed = _printed(producer)
            if printed:  # echo "rm -rf ~" | sh
                self.line(" ".join(printed), cwd, depth + 1)

    def code(self, name: str, code: str, cwd: str | None, depth: int) -> None:
        reading = read_code(code)
        if reading.destroys:
            self.flag("wipe_root_or_home", f"{name} one-liner deletes {reading.destroys}")
        if reading.sends_credential:
            sent = reading.sends_credential
            self.flag("credential_exfiltration", f"{name} one-liner sends {sent} to the network")
        if reading.writes_secret:
            self.flag("credential_write", _CREDENTIALS)
        if reading.forks_forever:
            self.flag("fork_bomb", f"A fork bomb ({name}): it exhausts the machine's processes")
        for shell_line in reading.shell_lines:
            self.line(shell_line, cwd, depth + 1)


_DOWNLOAD = "Runs a downloaded script unread; download it, read it, then run it"


class _LineState:
    """What the commands of a line so far have set up for the next ones."""

    def __init__(self, line: str, cwd: str | None) -> None:
        self.lists_volumes = "volume ls" in line
        self.cwd = cwd
        self.pipe: list[Command] = []  # the commands piping into the next one
        self.pipeline = Pipeline()
        self.branch: str | None = None  # the git branch switched to
        self.written: dict[str, str] = {}  # scripts written by echo, printf, cat <<EOF
        self.downloaded: set[str] = set()  # files curl or wget saved
        self.loops: dict[str, list[str]] = {}  # for loops' variables and their values

    def expand(self, command: Command) -> list[Command]:
        """``command`` with a ``for`` loop's variable replaced by each of its values."""
        if not self.loops:
            return []
        expanded = []
        for variable, values in self.loops.items():
            spellings = (f"${variable}", f"${{{variable}}}")
            if any(spelling in word for word in command.words for spelling in spellings):
                for value in values[:_LOOP_VALUES]:
                    words = tuple(
                        word.replace(spellings[1], value).replace(spellings[0], value)
                        for word in command.words
                    )
                    expanded.append(replace(command, words=words))
        return expanded

    def follow(self, command: Command) -> None:
        self.cwd = working_directory(command, self.cwd)
        self.pipe.append(command)
        given = command.words
        if len(given) >= 3 and given[0] == "for" and given[2] == "in":
            self.loops[given[1]] = list(given[3:])  # for f in ~/*; do rm -rf "$f"; done
        words, _ = unwrap(given)
        if not words:
            return
        name, args = basename(words[0]), words[1:]
        if name == "git" and (switched := _switched_branch(args)):
            self.branch = switched
        for target in (r.removeprefix("./") for r in command.redirects):
            if name in ("echo", "printf"):
                self.written[target] = " ".join(operands(args))
            elif name == "cat" and command.heredoc:
                self.written[target] = command.heredoc
            if name in _FETCHERS:
                self.downloaded.add(target)
        if name in _FETCHERS:
            self.downloaded.update(s.removeprefix("./") for s in _saved_by(name, args))


_LOOP_VALUES = 16


def _decoded(pipe: Sequence[Command]) -> str | None:
    """The script a pipe decodes from base64 (``echo … | base64 -d``), if it does."""
    if len(pipe) < 2:
        return None
    decoder, _ = unwrap(pipe[-1].words)
    decodes = short_option(decoder[1:], "dD", "--decode")
    if not decoder or basename(decoder[0]) != "base64" or not decodes:
        return None
    printed = _printed(pipe[-2])
    try:
        return base64.b64decode("".join(printed), validate=False).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def _switched_branch(args: Sequence[str]) -> str | None:
    """The branch ``git switch``/``git checkout`` moves to, if ``args`` are such a command."""
    for i, arg in enumerate(args):
        if arg in ("switch", "checkout"):
            names = operands(args[i + 1 :])
            return names[-1] if names else None
        if not arg.startswith("-"):
            return None
    return None


def _saved_by(name: str, args: Sequence[str]) -> list[str]:
    """The files ``curl -o F`` / ``wget -O F`` save (``-O`` alone: named after the URL)."""
    saved = [b for a, b in pairwise(args) if a in ("-o", "--output", "-O", "--output-document")]
    saved += [
        a.partition("=")[2] for a in args if a.startswith(("--output=", "--output-document="))
    ]
    remote_name = any(a[:1] == "-" and a[1:2] != "-" and "O" in a for a in args)
    if (name == "curl" and remote_name) or (name == "wget" and "-O" not in args):
        saved += [a.rstrip("/").rpartition("/")[2] for a in args if "://" in a]
    return [s for s in saved if s != "-"]


def _script_run(words: Sequence[str]) -> str | None:
    """The script file a command runs: ``bash x.sh``, ``source x.sh``, ``./x.sh``."""
    name = basename(words[0])
    if name in _SHELLS or name in ("source", ".") or _INTERPRETER.fullmatch(name):
        if not _has_script(words) or any(a in ("-c", "-e", "-m") for a in words[1:]):
            return None
        found = operands(words[1:])
        return found[0] if found else None
    return words[0] if "/" in words[0] else None


def _printed(producer: Command | None) -> list[str]:
    """What ``echo`` or ``printf`` prints into a pipe."""
    if producer is None:
        return []
    words, _ = unwrap(producer.words)
    if words and basename(words[0]) in ("echo", "printf"):
        return operands(words[1:])
    return []


def _has_script(words: Sequence[str]) -> bool:
    """Whether a shell or interpreter runs a script or code of its own rather than stdin."""
    args = words[1:]
    if any(a in ("-c", "-e", "-m", "-E", "-r", "--eval", "--command") for a in args):
        return True
    if "-s" in args and basename(words[0]) in _SHELLS:
        return False  # bash -s -- --yes: the script is stdin, the rest its arguments
    return any(a != "-" for a in operands(args))


def _runs_download(commands: Sequence[Command]) -> bool:
    downloading = False  # the output of curl or wget flows into this command
    for command in commands:
        words, _ = unwrap(command.words)
        name = basename(words[0]) if words else ""
        runner = name in _SHELLS or name in _SOURCES or bool(_INTERPRETER.fullmatch(name))
        if command.after == "|" and downloading and runner and not _has_script(words):
            return True  # curl … | sh, curl … | python3 -
        if name in _FETCHERS and (
            command.feeds in _SHELLS
            or command.feeds in _SOURCES
            or _INTERPRETER.fullmatch(command.feeds)
        ):
            return True  # bash <(curl …), sh -c "$(curl …)", eval "$(curl …)"
        downloading = (downloading and command.after == "|") or name in _FETCHERS
    return False


def _secret_written_by(command: Command, words: Sequence[str]) -> bool:
    if any(is_secret(target) for target in command.redirects):
        return True
    if not words:
        return False
    name, args = basename(words[0]), list(words[1:])
    if name == "tee":
        return any(map(is_secret, args))
    if name == "sed":
        return any(map(_SED_IN_PLACE.fullmatch, args)) and any(map(is_secret, args))
    if name == "dd":
        return any(arg.startswith("of=") and is_secret(arg[3:]) for arg in args)
    if name in _COPIES:
        # The destination is the last operand, or the directory of -t; copying *from* a
        # credential file is a read.
        found = [arg for arg in args if not arg.startswith("-")]
        directory = [b for a, b in pairwise(args) if a == "-t"]
        directory += [a.partition("=")[2] for a in args if a.startswith("--target-directory=")]
        return any(map(is_secret, found[-1:] + directory))
    return False


def _wipes_disk(command: Command, words: Sequence[str]) -> str | None:
    if any(_DISK.match(target) for target in command.redirects):
        return "Overwrites a disk, destroying its data"
    if not words:
        return None
    name, args = basename(words[0]), words[1:]
    if (name == "mkfs" or name.startswith("mkfs.")) and any(a.startswith("/dev/") for a in args):
        return "Formats a disk, destroying its data"  # a filesystem in an image file harms nobody
    if name == "dd" and any(arg.startswith("of=") and _DISK.match(arg[3:]) for arg in args):
        return "Overwrites a disk, destroying its data"
    listing = any(a in ("-l", "--list", "print") for a in args)  # fdisk -l reads only
    if name in _DISK_TOOLS and any(_DISK.match(a) for a in args) and not listing:
        return f"{name} on a disk destroys its data"
    if name == "diskutil" and any(
        a.lower().startswith(("erase", "zerodisk", "secureerase")) for a in args
    ):
        return "diskutil erases a disk"
    return None
