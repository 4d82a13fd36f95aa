"""What tools that take structured arguments run, for the rules to read as they read a
command line or a one-liner's code: a notebook's cell or a code runner's code
(``mcp__jupyter__append_execute_code_cell`` with ``{"cell_source": …}``, ``run_code``,
``execute_python``), IPython's shell escapes in it (``!rm -rf ~``, a ``%%bash`` cell), and
the command a container or a pod runs (``run_container`` with ``{"image", "command",
"volumes"}``, ``exec_in_pod`` with ``{"name", "namespace", "command"}``), read where it runs:
``docker run -v …`` and ``kubectl exec … --``; Amazon Q's ``use_aws`` as the ``aws`` command it
makes, and the MCP tool that Cline's and Roo's ``use_mcp_tool`` calls. Everything here is
linear in the arguments' size.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from contextlib import suppress
from typing import Any

from sluice.policies._structured import tool_words

__all__ = ["aws_line", "code_run", "mcp_called", "run_elsewhere", "shell_escapes"]

# A tool that runs code: a verb that runs and a word naming code, in its own name.
_RUNS = frozenset({"execute", "exec", "run", "eval", "evaluate", "interpret"})
_CODE = frozenset({"code", "cell", "cells", "python", "py", "notebook", "repl", "snippet"})
_CODE |= {"javascript", "js", "node", "ruby", "ipython", "kernel", "jupyter"}
# The arguments that hold the code (not a notebook's path or a cell's index).
_CODE_KEY = re.compile(r"(?i)code|source|snippet|program|expression|^cell$")
_LANGUAGES = {"javascript": "node", "js": "node", "node": "node", "typescript": "deno"}
_LANGUAGES |= {"ruby": "ruby", "perl": "perl", "php": "php", "r": "Rscript"}
# IPython: `!cmd`, `%sx cmd`, `%system cmd` lines; a cell that is a shell script.
_ESCAPE = re.compile(r"^[ \t]*(?:!|%sx\b|%system\b)[ \t]*(.+)$", re.MULTILINE)
_SHELL_CELL = re.compile(r"\A\s*%%(?:bash|sh|script\s+(?:ba|z)?sh|system)\b[^\n]*\n(.*)", re.S)
_CONTAINER_RUNS = frozenset({"run", "create"})
_POD_RUNS = frozenset({"exec"})
_MOUNT_KEYS = ("volumes", "binds", "mounts", "volume", "bind")
_COMMAND_KEYS = ("command", "cmd", "args", "argv")


def code_run(tool: str, arguments: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The code a tool that runs code is given, with the interpreter it is read as (the
    ``language`` argument's or the tool's words; Python, a notebook's usual kernel, else)."""
    words = tool_words(tool)[0]
    if not (words & _RUNS and words & _CODE):
        return
    language = str(arguments.get("language") or arguments.get("lang") or "").lower()
    interpreter = _LANGUAGES.get(language) or next(
        (_LANGUAGES[w] for w in sorted(words) if w in _LANGUAGES), "python3"
    )
    for key, value in arguments.items():
        if isinstance(value, str) and _CODE_KEY.search(key):
            yield interpreter, value


def shell_escapes(code: str) -> list[str]:
    """The shell command lines IPython runs from a cell: ``!cmd``, ``%sx cmd`` and
    ``%system cmd`` lines, a ``%%bash`` (``%%sh``, ``%%script bash``) cell's script."""
    if "!" not in code and "%" not in code:
        return []
    if cell := _SHELL_CELL.match(code):
        return [cell[1]]
    return [found[1] for found in _ESCAPE.finditer(code)]


def run_elsewhere(tool: str, arguments: dict[str, Any]) -> str | None:
    """The command line a tool runs in a container it starts (``docker run``, its volumes
    as ``-v``) or in a pod (``kubectl exec``), or None for any other tool."""
    words = tool_words(tool)[0]
    if not words & (_CONTAINER_RUNS | _POD_RUNS):  # a shell's call, most of them
        return None
    command = _command(arguments)
    if command is None:
        return None
    image = arguments.get("image")
    if isinstance(image, str) and words & _CONTAINER_RUNS:
        options = [f"-v {shlex.quote(mount)}" for mount in _mounts(arguments)]
        if isinstance(entrypoint := arguments.get("entrypoint"), str):
            options.append(f"--entrypoint {shlex.quote(entrypoint)}")
        return " ".join(["docker run", *options, shlex.quote(image), command])
    pod = arguments.get("pod") or arguments.get("podName") or arguments.get("name")
    if isinstance(pod, str) and words & _POD_RUNS and words & {"pod", "pods", "kubernetes"}:
        namespace = arguments.get("namespace")
        scope = f"-n {shlex.quote(namespace)} " if isinstance(namespace, str) else ""
        return f"kubectl exec {scope}{shlex.quote(pod)} -- {command}"
    container = arguments.get("container") or arguments.get("container_id") or pod
    if isinstance(container, str) and words & _POD_RUNS and words & {"container", "docker"}:
        return f"docker exec {shlex.quote(container)} {command}"
    return None


def _command(arguments: dict[str, Any]) -> str | None:
    """The command a container or a pod is given: an argv, quoted word by word, or a line."""
    for key in _COMMAND_KEYS:
        value = arguments.get(key)
        if isinstance(value, list) and value and all(isinstance(w, str) for w in value):
            return shlex.join(value)
        if isinstance(value, str) and value:
            return value
    return None


def _mounts(arguments: dict[str, Any]) -> Iterator[str]:
    """A container's mounts as ``docker run -v`` takes them (``HOST:TARGET[:MODE]``), from a
    list of them, docker-py's ``{HOST: {"bind": TARGET, "mode": …}}``, or a list of
    ``{"source", "target"}``."""
    for key in _MOUNT_KEYS:
        given = arguments.get(key)
        if isinstance(given, str):
            given = [given]
        if isinstance(given, dict):
            for host, bound in given.items():
                target = bound.get("bind") if isinstance(bound, dict) else bound
                if isinstance(target, str):
                    yield f"{host}:{target}"
        elif isinstance(given, list):
            for mount in given:
                if isinstance(mount, str):
                    yield mount
                elif isinstance(mount, dict):
                    host = mount.get("source") or mount.get("src") or mount.get("host")
                    target = mount.get("target") or mount.get("destination") or mount.get("dst")
                    if isinstance(host, str) and isinstance(target, str):
                        yield f"{host}:{target}"


def mcp_called(tool: str, arguments: Any) -> tuple[str, Any]:
    """The MCP tool that a client's own tool calls (Cline's and Roo's ``use_mcp_tool`` with
    ``server_name``, ``tool_name`` and its ``arguments``, as JSON text or an object), named
    as Claude Code names it; any other call as it is."""
    if tool != "use_mcp_tool" or not isinstance(arguments, dict):
        return tool, arguments
    server, name = arguments.get("server_name"), arguments.get("tool_name")
    if not isinstance(server, str) or not isinstance(name, str):
        return tool, arguments
    given = arguments.get("arguments", {})
    if isinstance(given, str):
        with suppress(json.JSONDecodeError):  # else read as the raw text
            given = json.loads(given)
    return f"mcp__{server}__{name}", given


def aws_line(arguments: dict[str, Any]) -> str | None:
    """The ``aws`` command line of Amazon Q's ``use_aws`` (``service_name``,
    ``operation_name``, ``parameters`` as options: a true or empty value is a flag)."""
    service, operation = arguments.get("service_name"), arguments.get("operation_name")
    if not isinstance(service, str) or not isinstance(operation, str):
        return None
    words = ["aws", service, operation]
    parameters = arguments.get("parameters")
    for key, value in (parameters if isinstance(parameters, dict) else {}).items():
        words.append(f"--{key}")
        if isinstance(value, list):
            words += [str(item) for item in value]
        elif value not in (True, ""):
            words.append(value if isinstance(value, str) else json.dumps(value))
    return shlex.join(words)
