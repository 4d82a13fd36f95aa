"""Command lines no rule can object to, known from their text without reading them as the
shell does.

Most of an agent's commands only read (``ls -la && git status``, ``grep -rn TODO src/ |
head``), or build, test and keep the project (``npm test``, ``cargo build``, ``git add -A &&
git commit -m "…"``). Reading a line's commands as the rules do (the shell's parse, its
variables, functions and scripts, then every rule on every command) costs tens to hundreds
of microseconds; for such a line it cannot find anything. :func:`inert` says so in a few: a
line made only of plain words, whose every command is run by a program of
:data:`PROGRAMS`. Those are of two kinds:

- programs that read and print, and delete, write, send and run nothing, whatever their
  words (``ls``, ``cat``, ``grep``, ``jq``, ``git status``);
- programs that build, test and keep the project: they run its own code (its tests, its
  build, its git hooks), which no rule reads unless the line writes it (and a line of plain
  words writes nothing), and given plain words they do nothing else a rule reads (``npm
  test``, ``pytest -x``, ``go vet ./...``, ``make -j4``, ``mkdir -p src``, ``git commit``).
  None of them is taken after a pipe, where some would read a script from their input
  (``make -f -``).

Plain words are what the shell takes as they are written: no ``$``, backquote, backslash,
redirect, group, glob brace or comment, and quotes only around plain text. The redirects
that write and read no file are let be: a descriptor joined to another (``2>&1``) and
output thrown away or input from nothing (``2>/dev/null``, ``&>/dev/null``, ``</dev/null``).
A program is named as it is (``ls``, not ``/bin/ls``, ``\\ls`` or ``"ls"``), with no
variable set for it and nothing run before it (``nice``, ``sudo``, ``env``), so it is the
program that runs. Anything else is read in full, as is an option by which one of these
programs writes a file or runs another (``sort -o FILE``, ``rg --pre CMD``, ``git diff
--output=FILE``, find's ``-delete`` and ``-exec``, ``git rebase -x CMD``, ``go test -exec
CMD``) or clears a folder (``pytest --basetemp``), and any subcommand not listed for its
program (``git push``, ``npm exec``, ``cargo clean``).

The text checks of a line (fork bombs, PowerShell's downloads and uploads) are not this
module's: they run on every line before it is asked (``_builtin``). What it skips is the
reading of the commands one by one, which is where a command's program matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sluice.policies._shell import TEXT_PROGRAMS

__all__ = ["PROGRAMS", "Program", "inert"]


@dataclass(frozen=True)
class Program:
    """A program whose plain words do nothing a rule reads, and what would make it do more.

    ``short``: the letters of its short options that write a file, run a program or clear
    a folder (``o``: ``sort -o FILE``, also within ``-uo``); ``long``: the same long options
    (``--output``, also abbreviated, as GNU's parser takes ``--out``); ``subcommands``: the
    only ones it may be given as its first word (``git status``), None if it has none;
    ``operands``: how many operands it may have (``uniq IN OUT`` writes ``OUT``), None for
    any; ``acting``: other words by which it does more, in lower case, also given a value
    after ``=`` (find's ``-delete`` and ``-exec``, cmd's ``sort /O FILE``, go's
    ``-toolexec=CMD``); ``builds``: it runs the project's code, so it is not taken after a
    pipe.
    """

    short: str = ""
    long: tuple[str, ...] = ()
    acting: frozenset[str] = frozenset()
    subcommands: frozenset[str] | None = None
    operands: int | None = None
    builds: bool = False


_PLAIN = Program()
_GIT_SUBCOMMANDS = frozenset(
    {"status", "diff", "log", "show", "blame", "ls-files", "ls-tree", "rev-parse"}
    | {"describe", "shortlog", "grep", "whatchanged", "cat-file", "count-objects"}
    # and those that keep the project's history here (a commit runs its hooks, the
    # project's code): not `push`, `clean`, `rm`, `clone`, `config`, `remote`
    | {"add", "commit", "switch", "checkout", "restore", "stash", "branch", "tag", "init"}
    | {"fetch", "pull", "merge", "rebase"}
)
# ``git grep -O`` opens its matches in a program; ``git diff --output=F`` writes F; ``git
# rebase -x CMD`` runs CMD; a fetch's ``--upload-pack``/``--receive-pack`` run programs.
_GIT = Program(
    short="Ox",
    long=("--output", "--open-files-in-pager", "--exec", "--upload-pack", "--receive-pack"),
    subcommands=_GIT_SUBCOMMANDS,
    builds=True,
)
# Package managers' commands that install, build, test and run the project's own scripts:
# not `exec`, `x`, `dlx`, `create`, `init` (a package of the registry run), `publish`.
_PACKAGES = Program(
    long=("--script-shell",),
    subcommands=frozenset({"test", "t", "run", "run-script", "install", "i", "ci", "add"})
    | {"build", "start", "lint", "ls", "list", "outdated", "audit", "why"},
    builds=True,
)
_BUILT = Program(builds=True)

PROGRAMS: dict[str, Program] = dict.fromkeys(
    (
        # Listing and reading files, and what they print
        *("ls", "cat", "head", "tail", "wc", "nl", "tac", "rev", "od", "strings", "stat"),
        *("du", "df", "realpath", "readlink", "dirname", "basename", "pwd", "cd"),
        *("md5sum", "sha1sum", "sha256sum", "sha512sum", "cksum", "b2sum"),
        # Searching and comparing text
        *("grep", "egrep", "fgrep", "diff", "cmp", "comm", "cut", "tr", "fold", "column"),
        *("paste", "expand", "unexpand", "jq"),
        # Printing and testing
        *("echo", "printf", "true", "false", "test", "[", "seq", "sleep", "yes"),
        *("which", "whoami", "id", "uname", "nproc", "uptime", "groups", "ps"),
    ),
    _PLAIN,
) | {
    "sort": Program(
        short="o", long=("--output", "--compress-program"), acting=frozenset({"/o", "/output"})
    ),
    # find's actions that delete, run, or write what they find to a file.
    "find": Program(
        acting=frozenset({"-delete", "-exec", "-execdir", "-ok", "-okdir", "-fls"})
        | {"-fprint", "-fprint0", "-fprintf"}
    ),
    "uniq": Program(operands=1),  # uniq IN OUT
    "tree": Program(short="oR", long=("--output",)),  # -R with -H writes 00Tree.html files
    "rg": Program(long=("--pre",)),  # --pre CMD runs CMD on each file
    "file": Program(short="C", long=("--compile",)),  # writes magic.mgc
    "date": Program(short="s", long=("--set",)),
    "git": _GIT,
    # Building and testing the project
    **dict.fromkeys(("npm", "pnpm", "yarn", "bun"), _PACKAGES),
    # pytest empties --basetemp, and -o cache_dir=… with --cache-clear; --pastebin sends.
    "pytest": Program(short="po", long=("--basetemp", "--override-ini", "--pastebin"), builds=True),
    "cargo": Program(
        short="Z",
        long=("--config",),  # (settings that name programs: build.rustc-wrapper)
        subcommands=frozenset({"build", "b", "test", "t", "check", "c", "clippy", "fmt", "run"})
        | {"r", "bench", "doc", "tree", "update", "fetch", "metadata"},
        builds=True,
    ),
    "go": Program(
        acting=frozenset({"-exec", "-toolexec", "--exec", "--toolexec"}),  # run a program
        subcommands=frozenset({"test", "build", "vet", "run", "fmt", "mod", "list", "version"}),
        builds=True,
    ),
    "make": Program(long=("--eval",), builds=True),
    **dict.fromkeys(("mkdir", "touch", "tsc"), _BUILT),
}

_LONGEST = 1024  # a longer line is read in full: reading it costs more than this saves
# Words as the shell takes them as written (quoted: plain text), and what runs them apart.
_WORD = r"-A-Za-z0-9_./:,+@%=*?~\[\]"  # a class's characters, its - first
_TEXT = _WORD + " ()|#"
_UNQUOTED = re.compile(rf"[{_WORD} \t\n;|&]*")
_TOKEN = re.compile(
    rf"""[ \t]*(?:(&&|\|\||[|;\n])|((?:[{_WORD}]|"[{_TEXT}]*"|'[{_TEXT}]*')+)|(.))"""
)
# Quoted text that is more than a word: a command line, unless its program takes text.
_SENTENCE = re.compile(r"[ |()]")
# Redirects that write and read no file, after a blank and before a separator or the end.
_NO_FILE = re.compile(
    r"(?<=[ \t])(?:[0-9]?>&[0-9]-?|(?:[0-9]?>>?|&>>?|<)[ \t]*/dev/null)(?=[ \t;|&)\n]|$)"
)


def inert(line: str) -> bool:
    """Whether every command of ``line`` is a program of :data:`PROGRAMS` given plain words
    that make it do nothing a rule reads (``ls -la && git status``, ``npm test 2>&1 | tail``;
    not ``sort -o ~/.bashrc``, ``ls "$HOME"``, ``cat x > y`` or ``pytest --basetemp ~``).
    False when in doubt: the line is then read in full."""
    if len(line) > _LONGEST:
        return False
    if ">" in line or "<" in line:
        line = _NO_FILE.sub("", line)  # `ls -la dist 2>/dev/null`, `git status 2>&1 | head`
    quoted = "'" in line or '"' in line
    if quoted:
        commands = _quoted(line)
    elif _UNQUOTED.fullmatch(line) and "&" not in line.replace("&&", ""):
        # Most lines: split at once, at `&&`, `||`, `;` and newlines, then at `|`.
        parts = line.replace("&&", ";").replace("||", ";").replace("\n", ";").split(";")
        commands = [
            (words.split(), piped > 0)
            for part in parts
            for piped, words in enumerate(part.split("|"))
        ]
    else:
        return False
    if commands and not commands[-1][0]:
        commands.pop()  # `ls;` or a line's last newline
    # An empty command is the shell's syntax error (`&& ls`, `ls ;; ls`): read in full.
    return bool(commands) and all(
        words and _inert(words, quoted, piped) for words, piped in commands
    )


def _quoted(line: str) -> list[tuple[list[str], bool]]:
    """The words of ``line``'s commands, each quoted string in its word, and whether a pipe
    feeds the command; ``[]`` if the line holds anything but plain words."""
    commands: list[tuple[list[str], bool]] = [([], False)]
    for separator, word, other in _TOKEN.findall(line):
        if other:
            return []
        if separator:
            commands.append(([], separator == "|"))
        elif word:
            commands[-1][0].append(word)
    return commands


def _inert(words: list[str], quoted: bool, piped: bool) -> bool:
    """Whether the command ``words`` (``quoted``: some of them may be; ``piped``: a pipe
    feeds it) does nothing a rule reads."""
    if (reader := PROGRAMS.get(words[0])) is None:  # also `"ls"`, `\\ls`, `/bin/ls`
        return False
    if piped and reader.builds:
        return False  # `… | make -f -`: a script from its input
    arguments = words[1:]
    if quoted:
        if words[0] not in TEXT_PROGRAMS and any(map(_SENTENCE.search, arguments)):
            return False  # `ls 'rm -rf ~'`: the shell's reading takes it for a line it may run
        arguments = [word.replace('"', "").replace("'", "") for word in arguments]
    if reader is _PLAIN:
        return True  # nothing it is given makes it do more
    if reader.subcommands is not None:
        if not arguments or arguments[0] not in reader.subcommands:
            return False
        arguments = arguments[1:]
    operands, ended = 0, False  # ended: after `--`, every word is an operand
    for argument in arguments:
        if argument.lower().partition("=")[0] in reader.acting:
            return False
        if ended or argument == "-" or not argument.startswith("-"):
            operands += 1
        elif argument == "--":
            ended = True
        elif _does_more(argument, reader):
            return False
    return reader.operands is None or operands <= reader.operands


def _does_more(option: str, reader: Program) -> bool:
    """Whether ``option`` is one by which ``reader`` writes a file, runs a program or
    clears a folder."""
    if option.startswith("--"):
        name = option.partition("=")[0]
        return any(known.startswith(name) for known in reader.long)  # abbreviated too
    return any(letter in option for letter in reader.short)
