"""The built-in rules of ``tool_rules``: each named, each judging what a call does.

:func:`check` reads a tool call (a shell command of any tool, a file tool's path, a patch,
an MCP tool's structured arguments) and returns the first :class:`Finding` of an enabled
rule. The acts come from :mod:`._acts` (destroying paths), :mod:`._interpreters`
(one-liners), :mod:`._infra` (infrastructure), :mod:`._exfil` (credentials to the network),
:mod:`._writes` (credential files, disks), :mod:`._forks` (fork bombs) and
:mod:`._structured` (MCP tools' arguments); what a line's commands set up for the next from
:mod:`._line`; the paths they judge from :mod:`._targets`; help and dry runs, which act on
nothing, from :mod:`._rehearsals`; commands seen through ``sudo``, ``xargs`` and the like
from :mod:`._wrappers`; what a container runs, on which host folders, from
:mod:`._containers`.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain, pairwise
from typing import Any

from sluice.policies._acts import destroyed, listed
from sluice.policies._ansible import removal
from sluice.policies._container_files import chart_runs, compose_runs, pod_runs
from sluice.policies._containers import Inside, container_exec, container_run, run_inside
from sluice.policies._deferred import deferred_code, deferred_lines
from sluice.policies._exfil import (
    TRANSFERS,
    powershell_sends,
    socket_redirects,
    uploads_credential,
)
from sluice.policies._forks import floods, forks_forever, forks_itself
from sluice.policies._functions import called, defaulted, dispatched, without_uncalled
from sluice.policies._inert import inert
from sluice.policies._infra import (
    INFRA_RULES,
    Seen,
    drops_in_sql,
    looks_up_default,
    may_destroy_infrastructure,
    other_database,
    terraform_arguments,
)
from sluice.policies._interpreters import (
    POWERSHELL_RUNS_TEXT,
    code_of,
    read_code,
    runs_fetched,
    spawns_forever,
)
from sluice.policies._leaks import leaked_secret
from sluice.policies._line import (
    DOWNLOAD,
    INTERPRETER,
    RUNS_STDIN,
    SCRIPT_READERS,
    SHELLS,
    LineState,
    command_settings,
    compiled_source,
    decoded,
    fed_script,
    has_script,
    own_code,
    powershell_reads_input,
    printed,
    read_files,
    runs_download,
    runs_fetched_text,
    runs_its_text,
    script_run,
)
from sluice.policies._other_shells import bash_spelling
from sluice.policies._prefixes import POWERSHELLS
from sluice.policies._project_files import (
    command_lines,
    embedded_scripts,
    language,
    project_files,
    script_language,
)
from sluice.policies._rehearsals import REHEARSING_TOO, rehearses
from sluice.policies._runners import AWKS, installed_jobs, lines_run, scheduled_lines
from sluice.policies._servers import served_credentials, serves
from sluice.policies._shell import (
    Command,
    basename,
    here_document_spans,
    joined,
    parse,
    shell_script,
    stated,
    stdin_script,
)
from sluice.policies._structured import SINKS, strings, structured_acts, tool_words
from sluice.policies._targets import (
    DISK_DEVICE,
    holds_volumes,
    is_secret,
    resolve,
    ssh_settings,
    vital,
    windows_paths,
)
from sluice.policies._tool_runs import aws_line, code_run, mcp_called, run_elsewhere, shell_escapes
from sluice.policies._windows_shells import cmd_unescaped, encoded_script, posix_spelling
from sluice.policies._wrappers import here_string, operands, referenced, unwrap
from sluice.policies._writes import (
    diskpart_erases,
    fio_job_writes,
    powershell_writes,
    runs_commands,
    wipes_disk,
    writes_secret,
)

__all__ = ["RULES", "Finding", "check", "strings"]

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
_PATH_KEYS = (
    "file_path", "notebook_path", "target_file", "path", "destination", "filePath", "filepath",
    "TargetFile", "AbsolutePath", "absolute_path", "file",
)  # fmt: skip
# Tools that write the file their path argument names: Claude Code's, Gemini CLI's, Cursor's,
# Cline's and Roo's, Copilot's, Continue's, Amazon Q's, OpenHands' and Goose's editors, the
# Desktop Commander MCP server's `edit_block` (an editor's `view` command only reads).
_WRITE_TOOLS = frozenset(
    {"Write", "Edit", "MultiEdit", "NotebookEdit", "write_file", "replace", "edit_file"}
    | {"search_replace", "write", "edit", "create_file", "append_file", "move_file"}
    | {"write_to_file", "replace_in_file", "apply_diff", "insert_content", "fs_write"}
    | {"insert_edit_into_file", "builtin_create_new_file", "builtin_edit_existing_file"}
    | {"str_replace_editor", "str_replace_based_edit_tool", "text_editor", "edit_notebook"}
    | {"edit_block"}
)
_EDITOR_READS = frozenset({"view", "read"})
# Where a tool runs its command: Codex's `workdir`, Roo's `cwd`, Windsurf's `Cwd`.
_WORKDIR_KEYS = ("workdir", "cwd", "working_directory", "Cwd", "workingDirectory")
# Tools that run SQL (mcp__postgres__query, execute_sql), not those that search text for it.
_RUNS_SQL = re.compile(
    r"(?i)sql|query|database|execute|postgres|mysql|sqlite|supabase|(?<![a-z])db(?![a-z])"
    r"|mongo|redis|clickhouse|bigquery|snowflake|neon|cockroach|duckdb|turso|planetscale"
)
_SEARCHES = re.compile(r"(?i)search|grep|find|codebase")
# Tools that run a shell command (execute_command, execute_bash): what they run is read as a
# command line, not as SQL.
_SHELL_TOOLS = re.compile(r"(?i)command|bash|shell|terminal")
_DELETE_TOOLS = frozenset({"delete_file", "Delete", "remove_file"})
_PATCH_TOOLS = frozenset({"apply_patch", "ApplyPatch"})
# Windows' programs that run what a URL they are given holds: an installer (msiexec /i URL),
# an HTML application (mshta URL), a COM scriptlet (regsvr32 /i:URL scrobj.dll).
_WINDOWS_URL_RUNNERS = frozenset(
    {"msiexec", "msiexec.exe", "mshta", "mshta.exe", "regsvr32", "regsvr32.exe"}
)
# Windows' shells given a script as an argv: ["pwsh", "-NoLogo", "-Command", S], ["cmd", "/c", S].
_WINDOWS_SHELLS = POWERSHELLS | {"cmd", "cmd.exe"}
_WINDOWS_SCRIPT = frozenset({"-command", "-c", "/c", "/k"})
# The OpenAI Agents SDK's apply_patch operations, as the file tools they are.
_PATCH_OPERATIONS = {"create_file": "write", "update_file": "write", "delete_file": "delete_file"}
_PATCH_PATHS = re.compile(r"^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+)$", re.M)
_CREDENTIALS = "Writes to a credential file (SSH keys, cloud or cluster credentials, passwords)"
_DEPTH = 3  # how deep a one-liner's shell commands are read again
_FED = 8  # the items a feeder gives a shell's script that are read, at most
_EXPANSIONS = 4  # how many times a command's variables are replaced by their values, at most
# How much of what calls of functions and aliases run is read per tool call, in characters:
# each call is its body read again, so a function calling itself many times would otherwise
# be read a number of times that grows as a power of its length. A fixed part, and a
# multiple of the line's own length, so that a body padded long is still read when called.
_CALLS = 16_384
_CALLS_PER_CHARACTER = 4
_BACKQUOTES_RUN = re.compile(r"ruby|perl|php")  # `…` runs a shell command in these
_SUBSTITUTIONS = frozenset({"$(", "`"})
# Where a session that reports no working directory (an SDK's own agent) is taken to work:
# a project folder in the home folder, as agents' sessions usually are. Its own files
# (`.`, `*`, `build`) stay everyday work, and `..` is the home folder, not an unknown.
_UNREPORTED_CWD = "~/project"


def check(tool: str, arguments: Any, cwd: str | None, enabled: frozenset[str]) -> Finding | None:
    """The first enabled rule that objects to a call of ``tool`` with ``arguments`` (parsed
    JSON, or the raw text when it is not JSON), in a session working in ``cwd`` (``None``:
    not reported)."""
    rules = _Rules(enabled)
    cwd = _UNREPORTED_CWD if cwd is None else cwd
    tool, arguments = mcp_called(tool, arguments)
    if isinstance(arguments, dict):
        # Codex's `workdir`: where this call runs, relative to the session's folder.
        if own := _first_text(arguments, _WORKDIR_KEYS):
            resolved = resolve(own, cwd)
            cwd = resolved.text if resolved is not None else None
        # An MCP tool is known by its own name: mcp__filesystem__write_file is a write_file
        # (and Goose's developer__text_editor a text_editor).
        rules.file_tool(tool, arguments, cwd)
        if _runs_sql(tool):
            rules.sql(arguments)
        for rule, reason in structured_acts(tool, arguments, cwd):
            rules.flag(rule, reason)
        if (request := _request_of(arguments)) and (kind := leaked_secret(*request)):
            # WebFetch, an MCP server's fetch: {"url": "https://t.example/p?ak=AKIA…"}
            rules.flag("credential_exfiltration", f"{tool} sends a {kind} written in its request")
        if tool in _PATCH_TOOLS:
            rules.patch(str(arguments.get("input") or arguments.get("patch") or ""))
            if isinstance(operation := arguments.get("operation"), dict):  # the Agents SDK's
                kind = str(operation.get("type"))
                rules.file_tool(_PATCH_OPERATIONS.get(kind, ""), operation, cwd)
        for language, code in code_run(tool, arguments):  # a notebook's cell, a code runner's
            rules.code(language, code, cwd, 0)
            for line in shell_escapes(code):  # IPython's !cmd, %%bash
                rules.line(line, cwd, 0)
    elif tool in _PATCH_TOOLS:  # Codex's freeform apply_patch: the patch is the whole input
        rules.patch(str(arguments))
    # Unreadable arguments are read whole as a command line, and each JSON string in them.
    lines = _raw_lines(arguments) if isinstance(arguments, str) else _command_lines(arguments)
    if isinstance(arguments, dict):
        # A container or a pod the tool runs its command in: the command read there.
        if (elsewhere := run_elsewhere(tool, arguments)) is not None:
            lines = iter([elsewhere])
        lines = chain(lines, _cli_lines(tool, arguments))
    for line in lines:
        if rules.found:
            break
        rules.line(line, cwd, 0)
    return rules.found


@lru_cache(maxsize=512)
def _runs_sql(tool: str) -> bool:
    """Whether the tool ``tool`` runs the SQL it is given (a tool's name, known at once the
    next time: a session calls the same few)."""
    runs = _RUNS_SQL.search(tool) and not _SHELL_TOOLS.search(tool.rpartition("__")[2])
    return bool(runs) and not _SEARCHES.search(tool)


def _script_run(words: Sequence[str], script: str) -> str:
    """What a shell's ``-c`` ``script`` runs: with the arguments it is given as its ``$0``,
    ``$1``… (``bash -c 'rm -rf "$1"' _ ~``)."""
    after = list(words[words.index(script) + 1 :])
    return called(script, after[1:], after[0]) if after and "$" in script else script


# What runs a shell that reads its script from the input when given no command (`sudo -s`).
_ROOT_SHELLS = frozenset({"sudo", "doas", "su", "run0"})
# Runtimes that run a script straight from a URL: `deno run -A https://…`, `jbang https://…`.
_URL_RUNNERS = frozenset({"deno", "jbang"})


def _script_url(name: str, args: Sequence[str]) -> bool:
    """Whether the script a URL runner is given (its first operand after ``run``) is a URL
    (``jsr:`` and ``npm:`` packages are a registry's, as npx's are) that it runs with the
    user's rights: Deno's only with them granted (``-A``, ``--allow-run``, ``--allow-write``),
    else in its sandbox."""
    found = [a for a in args if not a.startswith("-")]
    if found[:1] == ["run"]:
        found = found[1:]
    if not found or not found[0].startswith(("https://", "http://")):
        return False
    return name != "deno" or any(a.startswith(_DENO_RIGHTS) for a in args)


_DENO_RIGHTS = ("-A", "--allow-all", "--allow-run", "--allow-write", "--allow-ffi")


# Interpreters that read their program from their input when given no script (`| swift -`,
# `tclsh <<< '…'`), beside INTERPRETER's.
_STDIN_INTERPRETERS = frozenset({"swift", "tclsh", "wish"})
# Shells of other languages that read the code they run from their input.
_READS_CODE = frozenset({"jshell", "scala", "ghci", "iex", "julia", "groovysh", "erl"})
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
# The arguments of a tool that makes a request: its URL, and its body if it sends one.
_URL_KEYS = ("url", "uri", "href", "link", "endpoint")
_BODY_KEYS = ("body", "data", "payload", "content")


def _request_of(arguments: dict[str, Any]) -> tuple[str, str] | None:
    """The URL a tool's ``arguments`` fetch, and the body they send (``""``: none)."""
    url = _first_text(arguments, _URL_KEYS) or ""
    if "://" not in url:
        return None
    return url, _first_text(arguments, _BODY_KEYS) or ""


def _first_text(arguments: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The string under the first of ``keys`` that holds one (most calls have none of them,
    which one set operation tells)."""
    if arguments.keys().isdisjoint(keys):
        return None
    return next((arguments[k] for k in keys if isinstance(arguments.get(k), str)), None)


def _raw_lines(text: str) -> Iterator[str]:
    """Arguments that are not JSON (truncated, free-form): the text, then its JSON strings."""
    yield text
    for match in _JSON_STRING.finditer(text):
        try:
            yield json.loads(match.group())
        except json.JSONDecodeError:
            yield match.group(1)


# An MCP server that runs one program takes its arguments alone:
# mcp__gcloud__run_gcloud_command {"args": ["projects", "delete", "p"]}.
_CLIS = frozenset(
    {"kubectl", "gcloud", "gsutil", "aws", "az", "terraform", "tofu", "pulumi", "docker"}
    | {"helm", "git", "psql", "mysql", "redis", "rclone", "oc", "podman", "sqlite3"}
)
_ARGS_KEYS = ("args", "arguments", "argv")
_CLI_COMMAND_KEYS = ("command", "cmd", "cli_command")
_CLI_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=512)
def _programs_named(tool: str) -> frozenset[str]:
    """The command-line programs the tool ``tool`` is named for (``run_gcloud_command``)."""
    return _CLIS.intersection(_CLI_WORD.findall(tool.lower()))


def _cli_lines(tool: str, arguments: dict[str, Any]) -> Iterator[str]:
    """The command line of a tool named for the one program it runs, from its arguments
    (Amazon Q's ``use_aws``: its service, operation and parameters); the ``curl`` of an
    HTTP tool's request that is no GET (``{"method": "DELETE", "url": …}``)."""
    if tool == "use_aws" and (line := aws_line(arguments)) is not None:
        yield line
    if (line := _request_line(arguments)) is not None:
        yield line
    programs = _programs_named(tool)
    for key in _ARGS_KEYS if programs else ():
        given = arguments.get(key)
        if isinstance(given, list) and all(isinstance(word, str) for word in given):
            given = shlex.join(given)
        if isinstance(given, str):
            for program in programs:
                yield given if given.startswith(program + " ") else f"{program} {given}"
    # A command given without the program the tool is named for: the Azure MCP server's
    # azmcp_extension_az {"command": "group delete --name rg"} runs `az group delete …`.
    for key in _CLI_COMMAND_KEYS if programs else ():
        given = arguments.get(key)
        if isinstance(given, str) and (first := given.split(maxsplit=1)[:1]):
            yield from (f"{p} {given}" for p in programs if basename(first[0]) not in _CLIS)


_METHOD_KEYS = ("method", "httpMethod", "http_method", "verb")
_HEADERS_KEYS = ("headers", "header")


def _request_line(arguments: dict[str, Any]) -> str | None:
    """The ``curl`` command an HTTP tool's request is (its method, URL, headers and body),
    when it changes something (not a GET or HEAD); None for any other call."""
    method = _first_text(arguments, _METHOD_KEYS)
    if method is None or method.upper() in ("GET", "HEAD", "OPTIONS"):
        return None
    url = _first_text(arguments, _URL_KEYS)
    if url is None or "://" not in url:
        return None
    words = ["curl", "-X", method.upper(), url]
    headers = next((h for k in _HEADERS_KEYS if isinstance(h := arguments.get(k), dict)), {})
    for name, value in list(headers.items())[:_FED]:
        words += ["-H", f"{name}: {value}"]
    body = next((arguments[k] for k in _BODY_KEYS if arguments.get(k) is not None), None)
    if body is not None:
        words += ["-d", body if isinstance(body, str) else json.dumps(body)]
    return shlex.join(words)


def _command_key(key: str) -> bool:
    """``command``, ``cmd``, ``script``; also ``cli_command``, ``kubectlCommand``, Windsurf's
    ``CommandLine``."""
    return key in _COMMAND_KEYS or key.endswith(
        ("_command", "Command", "_cmd", "_script", "CommandLine", "command_line")
    )


def _command_lines(value: Any) -> Iterator[str]:
    """The strings under a command-like key, at any depth; an argv list as one quoted line."""
    if isinstance(value, dict):
        if (line := _program_and_arguments(value)) is not None:
            yield line  # {"command": "rm", "args": ["-rf", "/home/dev"]}
        for key, item in value.items():
            if not _command_key(key):
                yield from _command_lines(item)
            elif isinstance(item, list) and all(isinstance(word, str) for word in item):
                yield _argv_line(item)
            else:
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _command_lines(item)


def _program_and_arguments(value: dict[str, Any]) -> str | None:
    """The command line of a program named alone under a command key, with its arguments
    as a list under another (``{"command": "rm", "args": ["-rf", "~"]}``), or None."""
    if value.keys().isdisjoint(_ARGS_KEYS):
        return None
    given = next((a for k in _ARGS_KEYS if isinstance(a := value.get(k), list)), None)
    program = next((v for k, v in value.items() if isinstance(v, str) and _command_key(k)), "")
    if not given or not program or len(program.split()) != 1:
        return None
    if not all(isinstance(word, str) for word in given):
        return None
    return shlex.join([program, *given])


def _reads_printed(words: Sequence[str], substituted: Sequence[Command]) -> bool:
    """Whether ``xargs -a`` reads its items from the process substitution just before it,
    whose echo or printf the parser gave as the option's value (``xargs -a <(echo ~)``)."""
    if not substituted or "xargs" not in map(basename, words[:3]):
        return False
    files = [b for a, b in pairwise(words) if a in ("-a", "--arg-file")]
    return bool(files) and files[0] in printed(substituted[-1])


def _argument_file(command: Command, written: Mapping[str, str]) -> str | None:
    """What the line wrote into the file ``xargs -a FILE`` (or ``xargs … < FILE``) reads its
    items from, if it did."""
    words = command.words
    given = "-a" in words or "--arg-file" in words
    if not (given or command.inputs) or "xargs" not in map(basename, words[:3]):
        return None
    read = next((b for a, b in pairwise(words) if a in ("-a", "--arg-file")), "")
    return written.get((read if given else command.inputs[0]).removeprefix("./"))


def _argv_line(argv: list[str]) -> str:
    """The command line an argv runs: a shell's script as it is (Codex's ``["bash", "-lc",
    SCRIPT]``), anything else quoted word by word."""
    script = shell_script(argv) if len(argv) == 3 else None
    if script is not None:  # ["fish", "-c", "set d ~; rm -rf $d"]
        script = bash_spelling(basename(argv[0]), script)
    if script is None and basename(argv[0]).lower() in _WINDOWS_SHELLS:  # pwsh -Command, cmd /c
        at = next((i for i, w in enumerate(argv) if w.lower() in _WINDOWS_SCRIPT), len(argv))
        script = " ".join(argv[at + 1 :]) or None
        if script is not None and basename(argv[0]).lower() in ("cmd", "cmd.exe"):
            script = cmd_unescaped(script)  # r^d is rd
    return script if script is not None else shlex.join(argv)


# A tool that writes files, by the words of its name: Augment's save-file, a write_file.
_WRITES = frozenset({"save", "write", "create", "edit", "replace", "insert", "append"})
_FILE_WORDS = frozenset({"file", "files", "editor", "content", "text", "notebook"})


@lru_cache(maxsize=512)
def _writes_files(name: str) -> bool:
    """Whether the tool ``name`` writes the local files its path arguments name."""
    own, named = tool_words(name)
    if named & SINKS:
        return False  # a service's file: a repository's, a gist's
    return name.rpartition("__")[2] in _WRITE_TOOLS or bool(own & _WRITES and own & _FILE_WORDS)


class _Rules:
    """The checks, applied until the first finding of an enabled rule."""

    def __init__(self, enabled: frozenset[str]) -> None:
        self.enabled = enabled
        self.found: Finding | None = None
        # What calls of functions and aliases may have read again, in characters, and the
        # calls read (a function calling itself many times is read once where nothing changed).
        self.calls_left = _CALLS
        self.called: set[tuple[object, ...]] = set()

    def flag(self, rule: str, reason: str) -> None:
        if self.found is None and rule in self.enabled:
            self.found = Finding(rule, reason)

    def file_tool(self, name: str, arguments: dict[str, Any], cwd: str | None) -> None:
        """A file tool's writes and deletions (``name``: the tool's, an MCP tool's with its
        server's; a service's tool, GitHub's ``create_or_update_file``, writes no local file)."""
        tool = name.rpartition("__")[2]
        command = arguments.get("command")  # an editor's (`view`), which may be anything
        viewed = isinstance(command, str) and command in _EDITOR_READS
        writes = _writes_files(name) and not viewed
        if not writes and tool not in _DELETE_TOOLS:
            return  # a shell's call, a file read: most of them
        paths = [p for key in _PATH_KEYS if isinstance(p := arguments.get(key), str)]
        settings = [p for p in paths if ssh_settings(p)]
        if settings and not runs_commands("\n".join(strings(arguments))):
            paths = [p for p in paths if p not in settings]  # a Host block in ~/.ssh/config
        if writes and any(map(is_secret, paths)):
            self.flag("credential_write", _CREDENTIALS)
        if writes and any(map(DISK_DEVICE.match, paths)):
            self.flag("disk_wipe", f"{tool} onto a disk overwrites it, destroying its data")
        if writes or tool in _DELETE_TOOLS:
            for path in paths:
                if what := vital(resolve(path, cwd)):
                    self.flag("wipe_root_or_home", f"{tool} of {path} destroys {what}")

    def sql(self, arguments: dict[str, Any]) -> None:
        """SQL in a database tool's arguments (an MCP server's ``query``, ``sql``, ``input``,
        at any depth). What the tool returns, the agent reads: a drop a query only selects
        as text (``SELECT 'DROP TABLE ' || tablename``) is not run."""
        for text in strings(arguments):
            if reason := drops_in_sql(text, printed=True):
                self.flag("drop_database", reason[:1].upper() + reason[1:])

    def patch(self, text: str) -> None:
        paths = [path.strip() for path in _PATCH_PATHS.findall(text)]
        if any(map(ssh_settings, paths)) and not runs_commands(text):
            paths = [path for path in paths if not ssh_settings(path)]
        if any(map(is_secret, paths)):
            self.flag("credential_write", _CREDENTIALS)

    def line(self, line: str, cwd: str | None, depth: int, caller: LineState | None = None) -> None:
        """Judge a command line (``caller``: the line whose function or alias runs it)."""
        if depth == 0:
            self.calls_left += _CALLS_PER_CHARACTER * len(line)
        line = posix_spelling(joined(windows_paths(line)))  # cmd's and PowerShell's too
        if depth == 0 and "${" in line:  # an agent's shell has no positional parameter
            line = _defaults_taken(line)
        if forks_forever(line, scripts_apart=depth < _DEPTH):
            self.flag("fork_bomb", "A fork bomb: it exhausts the machine's processes")
        if "(" in line or "function" in line:  # what a function never called would do is not done
            line = without_uncalled(line)
        if "-" in line and (sent := powershell_sends(line)):  # Invoke-WebRequest -InFile F
            self.flag("credential_exfiltration", f"Sends {sent} to the network (PowerShell)")
        if powershell_writes(line):  # Add-Content -Path $env:USERPROFILE/.ssh/authorized_keys
            self.flag("credential_write", _CREDENTIALS)
        if depth == 0 and inert(line) and not POWERSHELL_RUNS_TEXT.search(line):
            return  # `ls -la && git status`: no command of it for a rule to read (_inert)
        commands = parse(socket_redirects(line))
        if depth < _DEPTH:  # bash -c '…': its script is read as a line of its own (command())
            commands = [command for command in commands if not command.script]
        state = LineState(line, cwd, caller, commands)
        if "read" in line:
            state.bind_reads(commands)
        if "read" in line or "$(" in line or "`" in line:
            state.pipeline.bind_reads(commands)
        for command, after in zip(commands, [*commands[1:], None], strict=True):
            if not (command.words or command.redirects or command.inputs):
                if command.after == ")":
                    state.pipeline.close_group()
                continue  # `;;`, `((((`: nothing to judge
            defines = after is not None and after.after == "(" and not after.words
            if defines:
                state.defining(command)
            if defines and len(stated(command.words)) == 1:
                continue  # `link() {`, `{ link() {`: a function's name where it is defined
            if command.after != "|":
                state.end_pipe()
                state.read_substitution(command)
            command = state.with_listing(command)
            self.command(command, state, depth, piped_on=after is not None and after.after == "|")
            if self.found:
                return
            state.follow(command)
            if command.after not in _SUBSTITUTIONS and command.after != "|":
                state.listing, state.listing_names = [], None
        if depth < _DEPTH and state.written and (jobs := installed_jobs(state.written)):
            self.line("\n".join(jobs), cwd, depth + 1)  # … | sudo tee /etc/cron.d/x: cron runs
        if runs_download(commands) or (
            POWERSHELL_RUNS_TEXT.search(line)
            and runs_fetched(code := own_code(line, scripts_apart=depth < _DEPTH))
            and POWERSHELL_RUNS_TEXT.search(code)
        ):  # … | sh; PowerShell's iex (iwr …), not as text (echo 'iwr … | iex' >> docs.md)
            self.flag("download_exec", DOWNLOAD)

    def command(
        self,
        command: Command,
        state: LineState,
        depth: int,
        piped_on: bool = False,
        expansions: int = 0,
    ) -> None:
        """Judge one simple command of a line (``piped_on``: its output goes to the next;
        ``expansions``: how many times its variables were replaced by their values)."""
        words, fed = unwrap(command.words)
        cwd, producer = state.cwd, state.pipe[-1] if state.pipe else None
        script_in = _script_in(words, producer, state)
        if exfiltrated := state.pipeline.add(command, producer, cwd, script_in):
            self.flag("credential_exfiltration", exfiltrated)
        infrastructure = bool(words) and may_destroy_infrastructure(words)
        may_rehearse = infrastructure or (bool(words) and basename(words[0]) in REHEARSING_TOO)
        if may_rehearse and rehearses(words):  # terraform destroy --help, rsync -n
            if writes_secret(command, []):  # what it prints still overwrites (> ~/.kube/config)
                self.flag("credential_write", _CREDENTIALS)
            return
        feeders = state.pipe
        if not feeders and any("$(" in w for w in (*command.inputs, *command.words[1:])):
            feeders = state.substituted  # xargs rm < <(find ~), xargs -a <(ls -d ~/*) rm
        if not feeders and _reads_printed(command.words, state.substituted):
            feeders = state.substituted  # xargs -a <(echo /home/dev) rm -rf: what echo printed
        if not feeders and (items := _argument_file(command, state.written)) is not None:
            feeders = [Command("", "", ("echo", *items.split()[:_FED]), ())]  # xargs -a /tmp/l
        if feeders and state.loops:  # H=~; find $H -mindepth 1 | xargs rm -rf: the value
            feeders = [replace(f, words=tuple(state.valued(f.words, True))) for f in feeders]
        # What xargs gives the command: its items, after its words (echo /dev/sdb | xargs …).
        fed_items = listed(feeders)[:_FED] if fed and feeders else []
        for act in destroyed(command, cwd, feeders):
            if what := vital(act.path):
                self.flag("wipe_root_or_home", f"{act.verb.capitalize()} {what} ({act.word})")
            elif holds_volumes(act.path):  # rm -rf /var/lib/docker/volumes/*
                verb = act.verb.capitalize()
                self.flag("docker_prune", f"{verb} the data of every container volume ({act.word})")
        if fed and producer is not None and floods(command.words, producer.words):
            self.flag("fork_bomb", "A fork bomb: endless input to unbounded parallel processes")
        if fed and depth < _DEPTH and (each := fed_script(command.words)):
            # … | xargs -I{} sh -c 'rm "{}"', or its items in a here-string (<<< "$HOME")
            values = fed_items if feeders else here_string(command.words).split()
            for line in each.run(values[:_FED]):
                self.line(line, cwd, depth + 1, state)
        # A value naming another variable is expanded in turn (`A=~; B=$A; rm -rf $B`), a
        # few times: `PATH=/x:$PATH; echo $PATH` names itself.
        for expanded in state.expand(command) if expansions < _EXPANSIONS else ():
            self.command(expanded, state, _DEPTH, piped_on, expansions + 1)
        fed_text = printed(producer)  # what echo, printf or cat <<EOF pipe into it, if known
        powershell = words in ([], ["-"]) and powershell_reads_input(command.words, words)
        if powershell and fed_text:  # echo 'iex (iwr …)' | pwsh -Command -
            self.line(" ".join(fed_text), cwd, depth + 1)
        if not words and command.heredoc and _ROOT_SHELLS.intersection(stated(command.words)[:1]):
            self.line(command.heredoc, cwd, depth + 1)  # sudo -s <<'EOF' … EOF: a root shell's
        if not words and command.redirects and writes_secret(command, words):
            self.flag("credential_write", _CREDENTIALS)  # exec 3>>~/.ssh/authorized_keys
        if not words:
            return
        name = basename(words[0])
        if infrastructure:
            data = command.heredoc + " ".join(fed_text)
            data += decoded(state.pipe) or ""  # echo RFJPUCBUQUJMRSB0 | base64 -d | psql
            # SQL written to a file earlier in the line: cat > x.sql <<EOF …; psql -f x.sql
            files = dict.fromkeys(read_files(command, words)).keys() & state.written.keys()
            data += "\n".join(state.written[f] for f in sorted(files))
            plans = frozenset(state.destroy_plans)
            state.looked_up_default = state.looked_up_default or looks_up_default(words)
            # A loop's variable read from a pipe is fed as xargs feeds: the listing's items.
            fed_by_loop = bool(state.read_from_pipe) and any(
                state.read_from_pipe & referenced(w) for w in words[1:]
            )
            seen = Seen(
                data,
                state.lists_volumes,
                state.lists_kube,
                fed or fed_by_loop,
                state.branch,
                plans,
                lists_namespaces=state.lists_namespaces,
                other_database=other_database(command.words, state.loops, command.inside),
                lists_objects=state.lists_objects,
                lists_some_objects=state.lists_some_objects,
                made=frozenset(state.made),
                shown=not (command.redirects or command.feeds or piped_on),
                cli_args=terraform_arguments(command.words, state.loops),
                looked_up_default=state.looked_up_default,
                push_refspec=state.push_refspec,
                set_in_line=frozenset(state.loops),
                lists_containers=state.lists_containers,
                saved_listings=frozenset(state.saved_listings),
            )
            # What a running container or pod runs reaches the same services (dropdb, a cloud).
            inner = container_exec(words)
            forms = [words, *([inner] if inner else [])]  # (echo 's3://b/*' | xargs s5cmd rm)
            forms += [[*words, *fed_items]] if fed_items else []
            for rule, judge in INFRA_RULES:
                for judged in forms:
                    if reason := judge(judged, seen):
                        self.flag(rule, reason[:1].upper() + reason[1:])
            if removed := removal(words):  # ansible localhost -m ec2_instance -a "… state=absent"
                self.flag(removed[0], removed[1][:1].upper() + removed[1][1:])
        if name in TRANSFERS:  # sftp host <<< 'put ~/.kube/config', sftp -b batch host
            given = [*words[1:], command.heredoc, *fed_text]
            given += [state.written[f] for f in read_files(command, words) if f in state.written]
            if sent := uploads_credential("\n".join(given)):
                self.flag("credential_exfiltration", f"Sends {sent} to the network ({name})")
        if serves(name) and (served := served_credentials(words, cwd)):
            self.flag("credential_exfiltration", f"Serves {served} to the network")
        piped = " ".join(fed_text) if producer is not None else None
        if producer is not None and not piped:
            piped = producer.heredoc or None  # cat <<EOF | tee -a ~/.ssh/config
        if writes_secret(command, words, piped):
            self.flag("credential_write", _CREDENTIALS)
        stdin = "\n".join(fed_text) or None
        if reason := wipes_disk(command, [*words, *fed_items] if fed_items else words, stdin):
            self.flag("disk_wipe", reason)
        if name == "fio":  # sudo fio burnin.fio: the job file the line wrote, or `-`'s
            job_files = operands(words[1:])
            jobs = [state.written.get(f, command.heredoc if f == "-" else "") for f in job_files]
            if any(map(fio_job_writes, jobs)):
                self.flag("disk_wipe", "fio's job writing onto a disk destroys its data")
        if name in AWKS and spawns_forever(" ".join(words[1:])):  # while (1) system("x &")
            self.flag("fork_bomb", "A fork bomb (awk): it exhausts the machine's processes")
        if name.lower() in ("diskpart", "diskpart.exe") and diskpart_erases(
            words, command.heredoc, state.written, "\n".join(fed_text), state.printed
        ):  # diskpart /s dp.txt, … | diskpart
            self.flag("disk_wipe", "diskpart's script cleans or formats a disk")
        script = (script_run(words) or "").removeprefix("./")
        # (A path quoted as another program's operand is read as a line too, and runs nothing:
        # `cp -r "$T"/data .` after `git clone URL "$T"`.)
        runs = not command.inside or runs_its_text(command.inside[-1])
        downloaded = bool(script) and state.runs_downloaded(script)
        if runs and (downloaded or state.runs_downloaded_program(words[0])):
            self.flag("download_exec", DOWNLOAD)
        if runs_fetched_text(words):  # C=$(curl -fsSL URL); bash -c "$C"
            self.flag("download_exec", DOWNLOAD)
        if producer is not None and state.pipes_fetched_text(producer, words):
            self.flag("download_exec", DOWNLOAD)  # C=$(curl -fsSL URL); echo "$C" | bash
        if name.lower() in _WINDOWS_URL_RUNNERS and any("://" in w for w in words[1:]):
            self.flag("download_exec", DOWNLOAD)  # msiexec /i https://…/agent.msi, mshta URL
        if name in _URL_RUNNERS and _script_url(name, words[1:]):
            self.flag("download_exec", DOWNLOAD)  # deno run -A https://…/install.ts
        # docker run -v /:/host alpine rm -rf /host; also once a variable named the image
        # (IMAGE=hashicorp/terraform; docker run "$IMAGE" destroy), read at _DEPTH.
        if depth <= _DEPTH:
            for inside in _containers_started(command, words, producer, state):
                self.line(inside.line, inside.cwd, depth + 1)
        if expansions and depth == _DEPTH and (code := code_of(words)) is not None:
            self.code(basename(words[0]), code, cwd, depth)  # H=~; python3 -c "…rmtree('$H')"
        if depth >= _DEPTH:
            return
        ran = state.runs(words)  # cleanup() { rm -rf "$1"; }; cleanup ~
        if ran is not None and (settings := command_settings(command.words)):
            # DATABASE_URL="$PROD_DATABASE_URL" npm run db:nuke: the script runs with them
            ran = f"{' '.join(map(shlex.quote, settings))} {ran}"
        # npm pkg set scripts.x='npm run x & npm run x' && npm run x: a script starting itself twice
        script_name = words[2] if len(words) > 2 and words[1] == "run" else None
        if ran is not None and script_name and ran.count(f"run {script_name}") >= 2:
            self.flag("fork_bomb", "A fork bomb: a package script that starts itself twice")
        if ran is not None and forks_itself(words[0], state.functions.get(words[0], "")):
            self.flag("fork_bomb", "A fork bomb: it exhausts the machine's processes")
        # The same call where the line stands the same (its folder, branch and variables)
        # reads the same, so it is read once.
        start = state.called_from(words[0]) if ran is not None else cwd
        call = (depth, start, state.branch, tuple((k, *v) for k, v in state.loops.items()), ran)
        if ran is not None and call not in self.called and len(ran) <= self.calls_left:
            self.called.add(call)
            self.calls_left -= len(ran)
            self.line(ran, start, depth + 1, state)
        # What a program runs from its options or its own script: awk's system(), tar
        # --to-command, ssh's ProxyCommand, a makefile's recipes, a crontab's jobs, ...
        scheduled = scheduled_lines(words, command.heredoc, state.written, state.printed)
        # A git hook, a startup file, a package's lifecycle scripts, a unit the line wrote.
        deferred = deferred_lines(words, state.written, state.scripts, command.words)
        for run in lines_run(words):
            self.line(run, cwd, depth + 1, state)
        if steps := [*scheduled, *deferred]:  # in turn: what one step saves, the next runs
            self.line("\n".join(steps), cwd, depth + 1, state)
        for setup in deferred_code(words, state.written):  # pip install . of a setup.py
            self.code("python3", setup, cwd, depth)
        # A conftest.py under pytest, build.rs under cargo, a playbook under ansible-playbook.
        for reader, source in project_files(words, state.written):
            for script in embedded_scripts(reader, source):  # IPython's !cmd, Vagrant's inline:
                self.line(script, cwd, depth + 1, state)
            if reader:
                self.code(language(reader), source, cwd, depth)
            else:
                self.line("\n".join(command_lines(source)), cwd, depth + 1, state)
        # go run x.go, swift x.swift; a program the line compiled: rustc x.rs -o x && ./x
        source = compiled_source(words) or state.built.get(words[0].removeprefix("./"), "")
        if source in state.written:
            self.code(name, state.written[source], cwd, depth)
        elif script in state.written and INTERPRETER.fullmatch(name):
            self.code(name, state.written[script], cwd, depth)  # cat > x.py <<EOF …; python x.py
        elif script in state.written and (runs_as := script_language(script)):
            # the script run as a program (`uv run x.py`, `./x.py`): its language's by its name
            self.code(runs_as, state.written[script], cwd, depth)
        elif script in state.written:
            # echo 'rm -rf ~' > x.sh; sh x.sh; its `${1:-$HOME}` read with the arguments given
            given = _arguments_after(words, script)  # ./manage.sh plan: its `plan)` branch
            run = dispatched(defaulted(state.written[script], given), given)
            self.line(run, cwd, depth + 1)
            if not self.found and forks_forever(_as_itself(state.written[script], script)):
                self.flag("fork_bomb", "A fork bomb: the script starts itself twice")
            if name in ("source", "."):  # its functions and aliases: the line's from here on
                state.sourced(state.written[script])
        if name in SHELLS and (shell_text := shell_script(words)) is not None:
            # sh -c 'rm -rf "$0"/*' "$HOME"; fish -c 'set d ~; rm -rf $d' in bash's spelling
            run = bash_spelling(name, _script_run(words, shell_text))
            if settings := command_settings(command.words):  # DIR=~ sh -c 'rm -rf "$DIR"'
                run = f"{' '.join(map(shlex.quote, settings))}; {run}"
            self.line(run, cwd, depth + 1, state)  # with the line's variables and functions
        if name in SHELLS and (read := stdin_script(words)) is not None:
            # bash <<< 'a=(~); rm -rf "${a[@]}"'
            self.line(bash_spelling(name, read), cwd, depth + 1, state)
        if (encoded := encoded_script(command.words)) is not None:  # p""wsh -ec B64
            self.line(f"pwsh -Command {shlex.quote(encoded)}", cwd, depth + 1, state)
        if name == "eval" and len(words) > 1:  # in this shell: eval 'rm -rf $d', eval rm -rf ~
            # eval $(printf 'rm …'); eval "$f": the text f holds, parsed again as a line
            self.line(" ".join(state.valued(words[1:])), cwd, depth + 1, state)
        if name == "apply_patch":  # Codex runs its patches through the shell too
            self.patch(command.heredoc + "\n".join(words[1:]))
        code = code_of(words)
        if code is not None and code in state.written:  # bin/rails runner tmp/x.rb: a file
            code = state.written[code]
        runs_heredoc = (
            INTERPRETER.fullmatch(name)
            or name in _STDIN_INTERPRETERS
            or (name == "go" and words[1:2] == ["run"])
        )
        if code is None and runs_heredoc and (stdin := command.heredoc or here_string(words)):
            code = stdin  # python3 - <<'EOF' …, tclsh <<< '…'
        if code is None and name in _READS_CODE:  # echo 'new ProcessBuilder(…)' | jshell -q
            code = command.heredoc or "\n".join(fed_text) or None
        if code is None and runs_heredoc and not has_script(words):
            # echo '…' | python3 -; echo aW1wb3J0… | base64 -d | python3: what it is fed
            code = "\n".join(fed_text) or decoded(state.pipe) or None
        if code is not None:
            self.code(name, code, cwd, depth)
        elif name in RUNS_STDIN and command.heredoc:
            self.line(command.heredoc, cwd, depth + 1)
        if script_in is not None:  # echo "rm -rf ~" | sh, echo cm0gLXJmIH4= | base64 -d | sh
            self.line(script_in, cwd, depth + 1)

    def code(self, name: str, code: str, cwd: str | None, depth: int) -> None:
        reading = read_code(code, backquotes_run=_BACKQUOTES_RUN.match(name) is not None)
        if reading.drops:
            self.flag("drop_database", f"{name} one-liner {reading.drops}")
        if reading.prunes_volumes:
            self.flag("docker_prune", f"{name} one-liner removes every Docker volume")
        if reading.deletes_namespace:
            self.flag("kubectl_delete_all", f"{name} one-liner deletes a Kubernetes namespace")
        if reading.deletes_every_resource:
            reason = f"{name} one-liner deletes every Kubernetes resource of a kind it lists"
            self.flag("kubectl_delete_all", reason)
        if reading.wipes_storage:
            self.flag("cloud_storage_wipe", f"{name} one-liner deletes stored data")
        if reading.deletes_cloud:
            self.flag("gcloud_delete", f"{name} one-liner deletes cloud resources")
        for line in reading.aws_calls:  # boto3.client('sagemaker').delete_endpoint(…)
            self.line(line, cwd, depth + 1)
        if reading.force_pushes:
            branch = reading.force_pushes
            self.flag("force_push_default", f"{name} one-liner force-pushes to {branch}")
        if reading.destroys:
            self.flag("wipe_root_or_home", f"{name} one-liner deletes {reading.destroys}")
        if reading.deletes_here and (what := vital(resolve(reading.deletes_here, cwd))):
            self.flag("wipe_root_or_home", f"{name} one-liner deletes {what}")  # rmtree('..')
        if reading.sends_credential:
            sent = reading.sends_credential
            self.flag("credential_exfiltration", f"{name} one-liner sends {sent} to the network")
        if reading.runs_download:
            self.flag("download_exec", f"{name} one-liner runs code it downloads, unread")
        if reading.writes_secret:
            self.flag("credential_write", _CREDENTIALS)
        if reading.writes_disk:
            self.flag("disk_wipe", f"{name} one-liner writes onto the disk {reading.writes_disk}")
        if reading.forks_forever:
            self.flag("fork_bomb", f"A fork bomb ({name}): it exhausts the machine's processes")
        for shell_line in reading.shell_lines:
            self.line(shell_line, cwd, depth + 1)


def _defaults_taken(line: str) -> str:
    """``line`` with its positional parameters' defaults taken (``${1:-$HOME}`` is
    ``$HOME``: an agent's shell is given no argument), but in its here-documents' text, which
    may be a script the line writes and runs with arguments."""
    parts, at = [], 0
    for begin, end in here_document_spans(line) if "<<" in line else ():
        parts += [defaulted(line[at:begin], []), line[begin:end]]
        at = end
    return "".join([*parts, defaulted(line[at:], [])])


def _arguments_after(words: Sequence[str], script: str) -> list[str]:
    """The arguments a command gives the script it runs (``bash x.sh a b``: ``a``, ``b``)."""
    at = next((at for at, w in enumerate(words) if w.removeprefix("./") == script), len(words))
    return list(words[at + 1 :])


def _as_itself(text: str, script: str) -> str:
    """A script's ``text`` with the commands that run ``script`` itself (``./spawn.sh``,
    ``bash spawn.sh``, its path) spelt as a script names itself, ``$0``."""
    path = re.escape(script.removeprefix("./"))
    return re.sub(rf"(?<![\w./-])(?:(?:ba|z|da|k)?sh\s+)?(?:\./)?{path}(?![\w.-])", "$0", text)


def _script_in(words: list[str], producer: Command | None, state: LineState) -> str | None:
    """The script a shell (``words``, unwrapped) runs from its input, when what is piped into
    it is known: printed (``echo 'cat ~/.ssh/id_rsa' | sh``) or decoded (``echo Y2F0… |
    base64 -d | sh``)."""
    if producer is None or not words or basename(words[0]) not in SCRIPT_READERS:
        return None
    if has_script(words):
        return None
    return " ".join(printed(producer)) or decoded(state.pipe) or None


def _containers_started(
    command: Command, words: list[str], producer: Command | None, state: LineState
) -> list[Inside]:
    """What the containers ``words`` (unwrapped) start run, as the host sees it: ``docker
    run``'s (an image the line built from its Dockerfile included), those of a Kubernetes
    manifest ``kubectl apply -f`` reads (a here-document, what is piped in, a file the line
    wrote), a Compose file's services."""
    if not words:
        return []
    cwd = state.cwd
    found = [container_run(words, cwd, state.images)]
    given = command.heredoc or producer is not None or state.written  # a manifest to read
    if given and basename(words[0]) == "kubectl" and "-f" in "".join(words):
        manifests = [command.heredoc, " ".join(printed(producer))]
        manifests += [producer.heredoc] if producer is not None else []
        files = dict.fromkeys(_manifest_files(words)).keys() & state.written.keys()
        manifests += [state.written[f] for f in sorted(files)]
        for text in dict.fromkeys(t for t in manifests if t):
            found += [run_inside(run, cwd) for run in pod_runs(words, text)]
    if state.written and basename(words[0]) == "helm":  # a chart's templates, its hooks'
        found += [run_inside(run, cwd) for run in chart_runs(words, state.written)]
    if state.written and "compose" in words[0] + (words[1] if len(words) > 1 else ""):
        found += [run_inside(run, cwd) for run in compose_runs(words, state.written, state.images)]
    return [inside for inside in found if inside is not None]


def _manifest_files(words: list[str]) -> list[str]:
    """The files ``kubectl … -f F`` (``--filename=F``) reads."""
    found = [b for a, b in pairwise(words) if a in ("-f", "--filename")]
    found += [w.partition("=")[2] for w in words if w.startswith(("-f=", "--filename="))]
    return [f.removeprefix("./") for f in found if f != "-"]
