"""Command lines that only read, known from their text without reading them as the shell does.

Many of an agent's commands only read: ``ls -la && git status``, ``grep -rn TODO src/ | head``,
``cat package.json | jq .scripts``. Reading a line's commands as the rules do (the shell's
parse, its variables, functions and scripts, then every rule on every command) costs a
few hundred microseconds; for such a line it cannot find anything. :func:`inert` says
so in a few: a line made only of plain words, whose every command is run by a program
below that reads and prints, deletes, writes, sends and runs nothing, whatever its words.

Plain words are what the shell takes as they are written: no ``$``, backquote, backslash,
redirect, group, glob brace or comment, and quotes only around plain text. The redirects
that write and read no file are let be: a descriptor joined to another (``2>&1``) and
output thrown away or input from nothing (``2>/dev/null``, ``&>/dev/null``, ``</dev/null``).
A program is named as it is (``ls``, not ``/bin/ls``, ``\\ls`` or ``"ls"``), with no
variable set for it and nothing run before it (``nice``, ``sudo``, ``env``), so it is the
program that runs. Anything else is read in full, as is an option by which one of these
programs writes a file or runs another (``sort -o FILE``, ``rg --pre CMD``, ``git diff
--output=FILE``, find's ``-delete`` and ``-exec``), and any subcommand of ``git`` that is
not a reading one.

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
    """A program that reads and prints, and what would make it do more.

    ``short``: the letters of its short options that write a file or run a program (``o``:
    ``sort -o FILE``, also within ``-uo``); ``long``: the same long options (``--output``,
    also abbreviated, as GNU's parser takes ``--out``); ``subcommands``: the only ones it
    may be given as its first word (``git status``), None if it has none; ``operands``:
    how many operands it may have (``uniq IN OUT`` writes ``OUT``), None for any;
    ``acting``: other words by which it does more, in lower case (find's ``-delete`` and
    ``-exec``, cmd's ``sort /O FILE``).
    """

    short: str = ""
    long: tuple[str, ...] = ()
    acting: frozenset[str] = frozenset()
    subcommands: frozenset[str] | None = None
    operands: int | None = None


_PLAIN = Program()
_GIT_READS = frozenset(
    {"status", "diff", "log", "show", "blame", "ls-files", "ls-tree", "rev-parse"}
    | {"describe", "shortlog", "grep", "whatchanged", "cat-file", "count-objects"}
)
# ``git grep -O`` opens its matches in a program; ``git diff --output=F`` writes F.
_GIT = Program(short="O", long=("--output", "--open-files-in-pager"), subcommands=_GIT_READS)

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
    that make it do no more than read (``ls -la && git status``; not ``sort -o ~/.bashrc``,
    ``ls "$HOME"`` or ``cat x > y``). False when in doubt: the line is then read in full."""
    if len(line) > _LONGEST:
        return False
    if ">" in line or "<" in line:
        line = _NO_FILE.sub("", line)  # `ls -la dist 2>/dev/null`, `git status 2>&1 | head`
    quoted = "'" in line or '"' in line
    if quoted:
        commands = _quoted(line)
    elif _UNQUOTED.fullmatch(line) and "&" not in line.replace("&&", ""):
        # Most lines: split at once, at `&&`, `||`, `|`, `;` and newlines.
        parts = line.replace("&&", ";").replace("||", ";").replace("|", ";").replace("\n", ";")
        commands = [part.split() for part in parts.split(";")]
    else:
        return False
    if commands and not commands[-1]:
        commands.pop()  # `ls;` or a line's last newline
    # An empty command is the shell's syntax error (`&& ls`, `ls ;; ls`): read in full.
    return bool(commands) and all(words and _reads(words, quoted) for words in commands)


def _quoted(line: str) -> list[list[str]]:
    """The words of ``line``'s commands, each quoted string in its word; ``[]`` if the line
    holds anything but plain words."""
    commands: list[list[str]] = [[]]
    for separator, word, other in _TOKEN.findall(line):
        if other:
            return []
        if separator:
            commands.append([])
        elif word:
            commands[-1].append(word)
    return commands


def _reads(words: list[str], quoted: bool) -> bool:
    """Whether the command ``words`` (``quoted``: some of them may be) only reads."""
    if (reader := PROGRAMS.get(words[0])) is None:  # also `"ls"`, `\\ls`, `/bin/ls`
        return False
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
        if argument.lower() in reader.acting:
            return False
        if ended or argument == "-" or not argument.startswith("-"):
            operands += 1
        elif argument == "--":
            ended = True
        elif _does_more(argument, reader):
            return False
    return reader.operands is None or operands <= reader.operands


def _does_more(option: str, reader: Program) -> bool:
    """Whether ``option`` is one by which ``reader`` writes a file or runs a program."""
    if option.startswith("--"):
        name = option.partition("=")[0]
        return any(known.startswith(name) for known in reader.long)  # abbreviated too
    return any(letter in option for letter in reader.short)
