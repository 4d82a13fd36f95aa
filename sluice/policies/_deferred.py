"""Files a line writes that another program then runs in the same line, for the rules to
read as command lines (or code) of their own:

- a git hook (``.git/hooks/pre-commit``), run by the git command that triggers it;
- a shell's startup file (``.bashrc``, ``.zshrc``, ``.profile``, ``.envrc``), run by an
  interactive or login shell (``bash -ic``, ``zsh -l``) or by ``direnv``;
- a package's lifecycle scripts (``preinstall``, ``install``, ``postinstall``,
  ``prepare``), from a ``package.json`` the line wrote or ``npm pkg set``, run by ``npm
  install`` or ``npm ci``;
- a task runner's or a local CI's file (``Taskfile.yml``, ``tox.ini``, ``.gitlab-ci.yml``,
  a GitHub workflow run by ``act``), a systemd unit started by ``systemctl``, a launchd
  plist loaded by ``launchctl``, a supervisord program once ``supervisorctl`` reads it:
  their command lines;
- an Earthfile's targets that run ``LOCALLY``, run by ``earthly +target``: their ``RUN``
  commands;
- a ``setup.py`` that ``pip install .`` runs, read as Python.

Everything here is linear in the size of what the line wrote.
"""

from __future__ import annotations

import plistlib
import re
import shlex
from collections.abc import Mapping, Sequence
from itertools import pairwise
from xml.parsers.expat import ExpatError

import yaml

from sluice.policies._line import PACKAGE_MANAGERS
from sluice.policies._project_files import word_lists
from sluice.policies._shell import basename

__all__ = ["deferred_code", "deferred_lines"]

_HOOK_TRIGGERS = frozenset(
    {"commit", "push", "checkout", "switch", "merge", "pull", "rebase", "am", "cherry-pick"}
)
_HOOK_NAMES = frozenset(
    {"pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push"}
    | {"post-checkout", "post-merge", "pre-rebase", "post-rewrite", "pre-merge-commit"}
)
_STARTUP_FILES = frozenset(
    {".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".zshenv", ".bash_login"}
)
_INTERACTIVE = re.compile(r"-[a-z]*[il][a-z]*")  # bash -i, -l, -ic, -lc
_LIFECYCLE = ("preinstall", "install", "postinstall", "prepare")
_INSTALLS = frozenset({"install", "i", "ci", "add"})
# The files a runner runs, by its name and the words that make it run them.
_RUNNERS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "task": (("Taskfile.yml", "Taskfile.yaml", "taskfile.yml"), frozenset()),
    "tox": (("tox.ini",), frozenset()),
    "gitlab-runner": ((".gitlab-ci.yml",), frozenset({"exec"})),
    "act": ((".github/workflows/",), frozenset()),
    "systemctl": ((".service",), frozenset({"start", "restart", "enable"})),
    "launchctl": ((".plist",), frozenset({"load", "bootstrap", "kickstart"})),
    "skaffold": (("skaffold.yaml",), frozenset({"build", "dev", "run", "deploy", "debug"})),
    # supervisord's programs, once it reads its configuration again (or starts with one).
    "supervisorctl": (
        ("supervisor/", "supervisord.conf"),
        frozenset({"update", "reread", "reload", "start", "restart", "add"}),
    ),
    "supervisord": (("supervisor/", "supervisord.conf"), frozenset()),
}
# The options that name the file such a runner reads instead (`task -t Taskfile.ops.yml`).
_FILE_OPTIONS = {
    "task": frozenset({"-t", "--taskfile"}),
    "supervisord": frozenset({"-c", "--configuration"}),
    "supervisorctl": frozenset({"-c", "--configuration"}),
}
# The options with which such a runner only lists or rehearses what it would run.
_LISTS_ONLY: dict[str, frozenset[str]] = {
    "act": frozenset({"-l", "--list", "-n", "--dryrun", "-g", "--graph", "--validate"}),
    "task": frozenset({"-l", "--list", "-a", "--list-all", "-n", "--dry", "--summary"}),
    "tox": frozenset({"-l", "--listenvs", "-a", "--listenvs-all", "--showconfig"}),
}
# A line of such a file that holds a command: a YAML list item, a key naming a command.
_COMMAND_LINE = re.compile(
    r"^\s*(?:-\s+)?(?:(?:ExecStart(?:Pre|Post)?|ExecStop|run|script|cmd|cmds|commands?)"
    r"\s*[:=]\s*[|>]?\s*)?(.+?)\s*$"
)
# tox's substitutions that name a place: {env:HOME}, {env:X:default}, {homedir}, {toxinidir}.
_TOX_PLACES = re.compile(r"\{(?:env:(\w+)(?::[^}]*)?|(homedir)|(toxinidir|tox_root))\}")


def deferred_lines(
    words: Sequence[str],
    written: Mapping[str, str],
    scripts: Mapping[str, str],
    spelt: Sequence[str] = (),
) -> list[str]:
    """The command lines the program of ``words`` (unwrapped; ``spelt``: as the line wrote
    them) runs from files the line ``written`` (by path) or package scripts it defined
    (``scripts``: ``"npm NAME"``)."""
    if not words or not (written or scripts):
        return []
    name, args = basename(words[0]), list(words[1:])
    given = [a for a in args if not a.startswith("-")]
    if _loads_envrc(spelt or words):  # direnv exec . CMD: .envrc, then CMD (judged apart)
        return [text for path, text in written.items() if path.endswith(".envrc")]
    if name == "git" and _HOOK_TRIGGERS.intersection(given[:1]):
        # a hook's file: in a hooks folder, husky's, or named for a hook (core.hooksPath
        # may make any folder git's hooks folder)
        return [
            text
            for path, text in written.items()
            if "/hooks/" in f"/{path}"
            or f"/{path}".startswith("/.husky/")
            or basename(path) in _HOOK_NAMES
        ]
    if name in ("bash", "zsh", "sh") and any(map(_INTERACTIVE.fullmatch, args)):
        return [text for path, text in written.items() if basename(path) in _STARTUP_FILES]
    if name == "earthly":  # earthly +target: the host's commands (a target run LOCALLY)
        return [
            run
            for path, text in written.items()
            if path.endswith("Earthfile")
            for run in _local_runs(text)
        ]
    if name in PACKAGE_MANAGERS and _INSTALLS.intersection(given[:1]):
        return _lifecycle(scripts)
    if name == "composer" and given[:1] in (["install"], ["update"], ["require"]):
        events = ("pre-install-cmd", "post-install-cmd", "pre-update-cmd", "post-update-cmd")
        return [scripts[f"composer {e}"] for e in events if f"composer {e}" in scripts]
    runs = _RUNNERS.get(name)
    if runs is None or (runs[1] and not runs[1].intersection(given[:2])):
        return []
    if not _LISTS_ONLY.get(name, frozenset()).isdisjoint(args):  # act -l: it runs nothing
        return []
    named = [b for a, b in pairwise(args) if a in _FILE_OPTIONS.get(name, ())]
    files = [
        text
        for path, text in written.items()
        if any(n in path for n in runs[0]) or path.removeprefix("./") in named
    ]
    if name == "launchctl":
        return [line for line in map(_plist_program, files) if line]
    lines = [
        _argv_or_line(found[1])
        for text in files  # (a printf piped into tee leaves its `\n` escapes as written)
        for found in map(_COMMAND_LINE.match, text.replace("\\n", "\n").splitlines())
        if found and found[1] and not found[1].startswith("#")
    ]
    if name == "task" and "{{" in "".join(lines):  # cat {{.KC}} | nc …, with vars: KC: …
        values = _task_vars(files)
        return [_TASK_VARIABLE.sub(lambda m: values.get(m[1], f"${m[1]}"), line) for line in lines]
    if name == "systemctl":  # ExecStart=/bin/rm -rf %h: the user's home folder
        return [_SYSTEMD_HOME.sub("~", line) for line in lines]
    return [_TOX_PLACES.sub(_tox_place, line) for line in lines] if name == "tox" else lines


# A Taskfile's variable in a command (`{{.KC}}`; the environment's too: `{{.HOME}}`).
_TASK_VARIABLE = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")
_SYSTEMD_HOME = re.compile(r"%h(?![\w])")


def _task_vars(files: Sequence[str]) -> dict[str, str]:
    """The variables Taskfiles set, at the top and in each task: a value, or what a command
    prints (``sh: echo $HOME``, read as ``$(echo $HOME)``)."""
    found: dict[str, str] = {}
    for text in files:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if not isinstance(document, dict):
            continue
        tasks = document.get("tasks")
        tasks = tasks.values() if isinstance(tasks, dict) else []
        tables = [document.get("vars"), *(t.get("vars") for t in tasks if isinstance(t, dict))]
        for table in tables:
            for key, value in table.items() if isinstance(table, dict) else ():
                if isinstance(value, dict) and isinstance(value.get("sh"), str):
                    found[str(key)] = f"$({value['sh']})"
                elif isinstance(value, (str, int, float)):
                    found[str(key)] = str(value)
    return found


def _argv_or_line(text: str) -> str:
    """A command given as a list of words (``["sh", "-c", "…"]``: skaffold's hooks) as the
    line it runs; a TOML table's head (``[testenv]``) as nothing; a YAML string in double
    quotes as the text its escapes spell (``- "\\x72m -rf ~/"`` runs ``rm -rf ~/``)."""
    if text.startswith("["):
        return next(iter(word_lists(text)), "")
    if len(text) > 1 and text[0] == text[-1] == '"' and "\\" in text:
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            return text
        return value if isinstance(value, str) else text
    return text


def _tox_place(found: re.Match[str]) -> str:
    """What a tox substitution of a place stands for, in the shell's own spelling."""
    variable, home, _ = found.groups()
    return f"${variable}" if variable else "~" if home else "."


# What plistlib raises on text that is no plist: malformed XML (ExpatError), an encoding
# Python does not know (LookupError), values it cannot convert.
_UNREADABLE = (
    plistlib.InvalidFileException,
    ExpatError,
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
)


def _plist_program(text: str) -> str:
    """The command line a launchd job runs: its ``ProgramArguments``, or its ``Program``
    (``""`` when the plist cannot be read or names none)."""
    try:
        job = plistlib.loads(text.strip().encode())
    except _UNREADABLE:
        return ""  # (entity declarations are refused: no expansion to be stalled by)
    if not isinstance(job, dict):
        return ""
    argv = job.get("ProgramArguments")
    if isinstance(argv, list) and all(isinstance(word, str) for word in argv) and argv:
        return shlex.join(argv)
    program = job.get("Program")
    return shlex.quote(program) if isinstance(program, str) else ""


def deferred_code(words: Sequence[str], written: Mapping[str, str]) -> list[str]:
    """The Python a ``pip install`` of the folder (or ``python setup.py``) runs: a
    ``setup.py`` the line wrote, or a Hatch build hook (``hatch_build.py``)."""
    if not words or not any(basename(path) in _BUILD_SCRIPTS for path in written):
        return []
    name, given = basename(words[0]), [a for a in words[1:] if not a.startswith("-")]
    if name.startswith("python") and words[1:3] in (["-m", "pip"], ("-m", "pip")):
        name, given = "pip", given[1:]  # python -m pip install .
    installs = name in ("pip", "pip3", "uv") and "install" in given[:2] and "." in given[1:]
    if not installs and not (name.startswith("python") and given[:1] == ["setup.py"]):
        return []
    return [text for path, text in written.items() if basename(path) in _BUILD_SCRIPTS]


_BUILD_SCRIPTS = frozenset({"setup.py", "hatch_build.py"})


def _lifecycle(scripts: Mapping[str, str]) -> list[str]:
    """The lifecycle scripts an install runs: set by ``npm pkg set``, or in a ``package.json``
    the line wrote."""
    return [scripts[f"npm {stage}"] for stage in _LIFECYCLE if f"npm {stage}" in scripts]


def _loads_envrc(words: Sequence[str]) -> bool:
    """Whether ``words`` run direnv's ``exec``, ``allow`` or ``reload``, which run the
    folder's ``.envrc``."""
    return any(
        basename(word) == "direnv" and tuple(words[at + 1 : at + 2]) in _DIRENV_LOADS
        for at, word in enumerate(words)
    )


_DIRENV_LOADS = (("exec",), ("allow",), ("reload",))


def _local_runs(earthfile: str) -> list[str]:
    """The commands an Earthfile's targets that run ``LOCALLY`` run on the host (``RUN``'s,
    its options dropped); a target's other commands run in a container."""
    runs: list[str] = []
    target: list[str] = []
    local = False
    for line in [*earthfile.splitlines(), "end:"]:
        if line[:1] not in ("", " ", "\t", "#"):  # a target's head: the last one ends
            runs += target if local else []
            target, local = [], False
        elif line.strip() == "LOCALLY":
            local = True
        elif found := _EARTHLY_RUN.match(line):
            target.append(found[1])
    return runs


_EARTHLY_RUN = re.compile(r"\s+RUN(?:\s+--[\w-]+(?:=\S*)?)*\s+(.+)")
