"""How a simple command is seen through the programs that run another (``sudo``, ``env``,
``timeout 5``, ``nohup``, ``xargs``, ``command``, shell keywords, ...), and its operands and
options read, for the rules that judge commands. Everything here is linear in the command's
length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fnmatch import fnmatchcase
from functools import lru_cache
from itertools import pairwise

from sluice.policies._prefixes import (
    ASSIGNMENT,
    FEEDERS,
    POWERSHELL_LOOPS,
    WRAPPERS,
    after_options,
    operands,
)
from sluice.policies._shell import SHELL_VARIABLES, basename, short_option, with_next
from sluice.policies._tool_runners import package_program, ran_by_tool

__all__ = [
    "FETCHERS",
    "HTTP_CLIENTS",
    "POWERSHELL_HTTP",
    "PYTHON",
    "STDIN",
    "cloned_into",
    "cmdlet_argument",
    "here_string",
    "is_wrapper",
    "operands",
    "option_values",
    "package_program",
    "python_module",
    "read_variables",
    "referenced",
    "replaced_item",
    "saved_by",
    "short_option",
    "unwrap",
]

STDIN = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
"""The names a program given a file to read takes for its standard input."""


def is_wrapper(name: str) -> bool:
    """Whether the program ``name`` runs the command in its arguments (``sudo``, ``xargs``,
    ``timeout``, …: what :func:`unwrap` looks through)."""
    return name in WRAPPERS


def unwrap(words: Sequence[str]) -> tuple[list[str], bool]:
    """The words of the command that ``words`` finally run, and whether ``xargs`` feeds it
    its operands. ``command -v rm`` runs nothing."""
    if len(words) > _CACHED_WORDS:
        return _unwrap(tuple(words))

    unwrapped, via_xargs = _unwrap_cached(tuple(words))
    return list(unwrapped), via_xargs


# GNU coreutils and findutils as Homebrew installs them beside macOS's own, `g` first.
_GNU_NAMES = frozenset(
    {"grm", "gshred", "gtruncate", "gdd", "gmv", "gcp", "gln", "gtee", "gchmod", "gchown"}
    | {"gfind", "gxargs", "gcat", "gecho", "gprintf", "gtimeout", "genv", "gnice", "gnohup"}
)
_GLOB = re.compile(r"[?*\[]")
# The programs a glob at a command's place is matched against (`/???/r?`, `mk[f]s.xfs`): those
# the rules judge, as the shell would find them on the system.
_PROGRAMS = (
    "rm",
    "dd",
    "shred",
    "wipefs",
    "mkfs",
    "mkfs.ext4",
    "mkfs.xfs",
    "mkfs.btrfs",
    "mkfs.vfat",
    "truncate",
    "chmod",
    "chown",
    "mv",
    "find",
    "xargs",
    "terraform",
    "tofu",
    "kubectl",
    "docker",
    "podman",
    "git",
    "psql",
    "mysql",
    "dropdb",
    "curl",
    "wget",
    "bash",
    "sh",
    "nc",
    "aws",
    "gcloud",
    "az",
    "helm",
    "python3",
    "node",
    "perl",
    "sudo",
)


def _real_name(name: str) -> str | None:
    """The program a command's name runs under another spelling: the user's shell by its
    variable (``"${SHELL}"``), Homebrew's GNU tools (``gshred`` is ``shred``), a glob
    (``/???/r?`` is ``rm``); None when ``name`` is the program's own."""
    if name in SHELL_VARIABLES:
        return "sh"
    if name in _GNU_NAMES:
        return name[1:]
    return _globbed_program(name) if _GLOB.search(name) else None


@lru_cache(maxsize=256)
def _globbed_program(pattern: str) -> str | None:
    """The program a glob at a command's place would run, if it names one of
    :data:`_PROGRAMS` (a glob with no letter of its own names none)."""
    if not any(c.isalnum() for c in pattern):
        return None
    return next((p for p in _PROGRAMS if fnmatchcase(p, pattern)), None)


_CACHED_WORDS = 32  # the rules unwrap each command several times; long ones are rare


@lru_cache(maxsize=1024)
def _unwrap_cached(words: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    unwrapped, via_xargs = _unwrap(words)
    return tuple(unwrapped), via_xargs


def _unwrap(words: tuple[str, ...]) -> tuple[list[str], bool]:
    via_xargs, i = False, 0
    while i < len(words):
        name = basename(words[i])
        if ASSIGNMENT.fullmatch(words[i]):
            i += 1
            continue
        if name.startswith("microk8s."):  # snap's names: microk8s.kubectl is microk8s kubectl
            return [name.partition(".")[2], *words[i + 1 :]], via_xargs
        if (real := _real_name(name)) is not None:  # gshred, "${SHELL}", /???/r?
            name = real
            words = (*words[:i], name, *words[i + 1 :])
        if name not in WRAPPERS and (ran := ran_by_tool(name, words[i + 1 :])) is not None:
            words, i = ran, 0  # poetry run python -c …, bundle exec rm …, nix run pkgs#x -- …
            continue
        if name not in WRAPPERS:
            return list(words[i:]), via_xargs
        if name == "command" and any(w in ("-v", "-V") for w in words[i + 1 : i + 2]):
            return [], False
        via_xargs = via_xargs or name in FEEDERS
        if name in POWERSHELL_LOOPS:  # … | ForEach-Object { Remove-Item $_.FullName -Recurse }
            return _loop_body(words[after_options(words, i, name) :]), via_xargs
        i = after_options(words, i, name)
    return [], via_xargs


# The item a PowerShell loop's body is run on (`$_`, `$PSItem`, and the path it names).
_CURRENT_ITEM = re.compile(r"(?i)\$(?:_|PSItem)(?:\.(?:FullName|Name|FullPath|Path))?")
_PATH_OPTIONS = frozenset({"-path", "-literalpath", "-lp"})


def _loop_body(words: tuple[str, ...]) -> list[str]:
    """The command a PowerShell loop runs on each item it is fed, as ``xargs`` runs one: its
    body's words without the block's braces and without the item itself (``$_``, with the
    option it is given to), which the feeder gives it."""
    body = list(words[1:] if words[:1] == ("{",) else words)
    if body[-1:] == ["}"]:
        body.pop()
    kept: list[str] = []
    for word in body:
        if _CURRENT_ITEM.fullmatch(word.strip("'\"")):
            if kept and kept[-1].lower() in _PATH_OPTIONS:
                kept.pop()
            continue
        kept.append(word)
    return _unwrap(tuple(kept))[0] if kept else []


def replaced_item(options: Sequence[str], default: str = "") -> str:
    """The string a feeder's ``options`` have it replace by each item in its command
    (xargs' ``-I {}``, ``-I{}``, ``--replace=R``, ``-i``), or ``default``."""
    item = default
    for option, value in with_next(options):
        if option == "-I":
            item = value
        elif option.startswith("-I"):
            item = option[2:]
        elif option.startswith("--replace="):
            item = option.partition("=")[2]
        elif option in ("-i", "--replace"):
            item = "{}"
    return item


PYTHON = re.compile(r"python[0-9.]*|pypy[0-9.]*|py")
"""Python's interpreters by name (``python3.12``, ``pypy3``, Windows' ``py``)."""


def python_module(name: str, args: Sequence[str]) -> tuple[str, list[str]] | None:
    """The module a Python interpreter ``name`` given ``args`` runs (``python3 -u -m pytest
    -x``: ``pytest``), and the module's arguments; None when it runs none."""
    if not PYTHON.fullmatch(name) or "-m" not in args[:-1]:
        return None
    at = list(args).index("-m")
    return args[at + 1], list(args[at + 2 :])


def option_values(args: Sequence[str], options: frozenset[str], paths: bool = False) -> list[str]:
    """The values ``args`` give ``options``: ``--opt V``, ``--opt=V``, and a one-letter
    option's ``-oV``. ``paths``: they name files, and a ``~`` after ``=`` is the shell's
    text, not the home folder (``--basetemp=~`` is a folder named ``~`` here: ``./~``)."""
    found: list[str] = []
    for at, arg in enumerate(args):
        option, equals, value = arg.partition("=")
        if equals and option in options:
            found.append(f"./{value}" if paths and value.startswith("~") else value)
        elif arg in options and at + 1 < len(args):
            found.append(args[at + 1])
        elif arg[:2] in options and len(arg) > 2 and arg[1] != "-":
            found.append(arg[2:])
    return found


_READ_VALUES = frozenset({"-d", "-p", "-u", "-n", "-N", "-t", "-a", "-i"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def read_variables(args: Sequence[str]) -> list[str]:
    """The variables the shell's ``read`` sets, given its arguments (``-r -d '' f`` sets
    ``f``): its operands that are names, not its options' values."""
    return [a for a in operands(args, _READ_VALUES) if _NAME.fullmatch(a)]


HTTP_CLIENTS = frozenset({"curl", "wget", "http", "https", "xh"})
# PowerShell's, by their names in lower case (cmdlets are named in any case).
POWERSHELL_HTTP = frozenset({"invoke-webrequest", "invoke-restmethod", "iwr", "irm"})
"""Command-line HTTP clients: they call an API as well as download."""
# Programs that download what a URL names, to their output or to a file (`saved_by`).
FETCHERS = HTTP_CLIENTS | {"iwr", "irm", "Invoke-WebRequest", "Invoke-RestMethod", "aria2c"}
FETCHERS |= {"certutil", "certutil.exe", "Start-BitsTransfer", "bitsadmin"}  # Windows' own
FETCHERS |= {"fetch"}  # FreeBSD's: fetch -o - URL


# The option that names the file wget and aria2c save to; without it, the URL's name.
_NAMES_FILE = {"wget": "-O", "aria2c": "-o"}


# PowerShell's options that take a value, among those the rules read.
_CMDLET_VALUES = frozenset({"-path", "-literalpath", "-value", "-encoding", "-destinationpath"})


def cmdlet_argument(args: Sequence[str], names: tuple[str, ...], place: int) -> str:
    """A PowerShell cmdlet's argument given by one of ``names`` (``-Path F``, any case),
    else its operand at ``place`` (``Set-Content F TEXT``); ``""`` when there is none."""
    given = {a.lower(): b for a, b in pairwise(args)}
    named = next((given[name] for name in names if name in given), None)
    if named is not None:
        return named
    placed = [
        b for a, b in pairwise(["", *args]) if b[:1] != "-" and a.lower() not in _CMDLET_VALUES
    ]
    return placed[place] if place < len(placed) else ""


def here_string(words: Sequence[str]) -> str:
    """The text a command is given as a here-string (``<<< "$HOME"``), or ``""``."""
    return next((b for a, b in pairwise(words) if a == "<<<"), "")


def saved_by(name: str, args: Sequence[str]) -> list[str]:
    """The files ``curl -o F`` / ``wget -O F`` save (``-O`` alone: named after the URL),
    also at the end of a cluster (``curl -sSLo F``, ``wget -qO F``)."""
    saved = [b for a, b in pairwise(args) if a in ("-o", "--output", "-O", "--output-document")]
    saved += [
        b
        for a, b in pairwise(args)
        if a[:1] == "-"
        and a[1:2] != "-"
        and len(a) > 2
        and a[-1] in ("o" if name == "curl" else "oO")
    ]
    saved += [
        a.partition("=")[2]
        for a in args
        if a.startswith(("--output=", "--output-document=", "--out="))
    ]
    saved += [b for a, b in pairwise(args) if name == "aria2c" and a == "--out"]
    saved += [b for a, b in pairwise(args) if a.lower() in ("-outfile", "-outf", "-destination")]
    if name == "bitsadmin" and "/upload" not in (a.lower() for a in args):
        saved += [a for a in args if not a.startswith("/") and "://" not in a][-1:]  # its FILE
    if name.lower().startswith("certutil") and "-urlcache" in (a.lower() for a in args):
        saved += [a for a in args if not a.startswith("-") and "://" not in a][-1:]
    remote_name = any(a[:1] == "-" and a[1:2] != "-" and "O" in a for a in args)
    names_file = _NAMES_FILE.get(name)
    if (name == "curl" and remote_name) or (names_file is not None and names_file not in args):
        saved += [a.rstrip("/").rpartition("/")[2] for a in args if "://" in a]
    # The folder they save into: wget -P DIR, aria2c -d DIR, curl --output-dir DIR.
    folder = next((b for a, b in pairwise(args) if a in _SAVE_FOLDERS.get(name, ())), None)
    folder = folder or next(
        (a.partition("=")[2] for a in args if a.partition("=")[0] in _SAVE_FOLDERS.get(name, ())),
        None,
    )
    if folder:
        saved = [s if s.startswith(("/", "~", "-")) else f"{folder.rstrip('/')}/{s}" for s in saved]
    return [s for s in saved if s != "-"]


_SAVE_FOLDERS = {
    "wget": ("-P", "--directory-prefix"),
    "aria2c": ("-d", "--dir"),
    "curl": ("--output-dir",),
}


# Options of git and of `git clone` that take a value (the others are switches).
_GIT_VALUES = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})
_CLONE_VALUES = frozenset(
    {"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "--reference", "-j"}
    | {"--jobs", "--filter", "--template", "-u", "--upload-pack", "--separate-git-dir"}
    | {"--shallow-since", "--shallow-exclude", "--bundle-uri", "--server-option"}
)
_REMOTE_REPOSITORY = re.compile(r"[a-z][a-z0-9+.-]*://.+|[\w.-]+@[\w.-]+:.+")


def cloned_into(args: Sequence[str]) -> str | None:
    """The folder ``git clone URL [DIR]`` (``args``: git's) saves a download into: DIR, or
    the repository's name; None for any other git command, or a clone of a local one."""
    at = 0
    while at < len(args) and args[at].startswith("-"):
        at += 2 if args[at] in _GIT_VALUES else 1
    if args[at : at + 1] != ["clone"]:
        return None
    given = operands(args[at + 1 :], _CLONE_VALUES)
    if not given or not _REMOTE_REPOSITORY.fullmatch(given[0]):
        return None
    if len(given) > 1:
        return given[1]
    return given[0].rstrip("/").rpartition("/")[2].rpartition(":")[2].removesuffix(".git")


# `$x`, `${x}`, and an array's elements: `${x[@]}`, `${x[*]}`, `${x[0]}`; zsh's `${~x}`.
_REFERENCE = re.compile(
    r"\$(?:\{(?:!|[~=^]{1,2})?([A-Za-z_][A-Za-z_0-9]*)(?:\[[^\]]*\])?(?:[:/#%^,+=?-][^}]*)?\}"
    r"|([A-Za-z_][A-Za-z_0-9]*))"
)


def referenced(word: str) -> set[str]:
    """The variables ``word`` names, each by its whole name (``$x``, ``${x}``, ``${x:1:2}``,
    ``${!x}``; ``$xy`` names ``xy``, not ``x``)."""
    if "$" not in word:
        return set()
    return {m.group(1) or m.group(2) for m in _REFERENCE.finditer(word)}
