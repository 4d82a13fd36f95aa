"""A shell command line read roughly as a shell would, for policies that judge commands.

:func:`parse` splits a line into simple commands at ``; & | && ||``, newlines, parentheses,
``$(``, ``<(`` and backquotes, unquotes their words and sets their redirections apart. A
quoted string is read as a line of its own as well, since it may well be run (``bash -c
"…"``, ``ssh host '…'``, ``eval``)::

    >>> [c.words for c in parse("curl -s https://x.sh | sudo bash")]
    [('curl', '-s', 'https://x.sh'), ('sudo', 'bash')]
    >>> parse("echo key >> ~/.ssh/authorized_keys")[0].redirects
    ('~/.ssh/authorized_keys',)

It expands nothing (variables, globs, aliases) and knows no keywords: what a line sets up
for its later commands (``x=rm; $x -rf /``, a function, an alias) is put in by the rules
that read its commands in order (:class:`~sluice.policies._line.LineState`). Parsing takes
time linear in the line's length, whatever the line: it runs on text a model wrote.
"""

from __future__ import annotations

import ast
import operator
import re
import shlex
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from sluice.policies._filters import filtered
from sluice.policies._prefixes import WRAPPERS, after_options
from sluice.policies._quoted import Doubled, Singled
from sluice.policies._tool_runners import TOOL_RUNNERS, ran_by_tool

__all__ = [
    "COMMAND_OPTION",
    "REDIS_CLIENTS",
    "SHELLS",
    "SHELL_VARIABLES",
    "TEXT_PROGRAMS",
    "Command",
    "Prefiltered",
    "after_wrappers",
    "basename",
    "echo_output",
    "here_document_spans",
    "joined",
    "parse",
    "printf_arguments",
    "printf_output",
    "program",
    "quoted_text",
    "reserved",
    "shell_script",
    "short_option",
    "stated",
    "stdin_script",
    "unescaped",
    "unknown_output",
    "with_next",
]

# The tokens of a line: redirections, operators that start a new simple command, quoted
# strings, blanks (a backslash-newline is one), and word text.
_TOKEN = re.compile(
    r"(?P<redirect>[0-9]*(?:&>>?|>>?\|?)(?:&[0-9-])?)"
    r"|(?P<operator>\|\||&&|<\(|\$\(|[;&|\n()`])"
    r"|(?P<input>(?<!<)[0-9]*<(?![<(&]))"
    r'|"(?P<double>(?:[^"\\]|\\.)*)"|' + r"'(?P<single>[^']*)'"
    r"|\$'(?P<ansi>(?:[^'\\]|\\.)*)'"  # ANSI-C quoting: $'\x72m' is rm
    r"|(?P<blank>[ \t\r]+|\\\n)"
    r"|(?P<comment>(?<![^\s;&|()])#[^\n]*)"  # a word that starts with `#`: to the line's end
    r"|(?P<text>\\.|[^\s;&|()`\"'\\<>$]+|.)",
    re.DOTALL,
)
_ONE_WORD = re.compile(r"[^\s;&|()`$<>]*")
_UNESCAPE = re.compile(r"\\([\"\\$`])")  # what a backslash escapes inside double quotes
_OPENERS = frozenset({"$(", "<("})  # and an opening backquote
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish", "csh", "tcsh", "ash", "nu"})
"""The POSIX shells and their kin, by the name they run as."""
SHELL_VARIABLES = frozenset({"$SHELL", "${SHELL}", "$BASH", "${BASH}"})
"""The variables that name the user's shell, run as a program: ``"${SHELL}" <(curl …)``."""
COMMAND_OPTION = re.compile(r"-[a-z]*c")
"""A shell's option whose value is the script it runs: ``-c``, and clusters ending in it
(``bash -lc``)."""
_RUNS_PRINTED = SHELLS | {"source", "."}  # what runs a script a process substitution gives it
_QUOTING_DEPTH = 4  # bash -c "ssh host 'sudo sh -c \"…\"'" is three levels
# The shell's reserved words before a command: `if`, `then`, `do`, `!`, a group's `{`.
_KEYWORDS = frozenset({"if", "elif", "then", "else", "while", "until", "do", "!", "{"})
# Redis's command-line clients, and those of the stores that speak its protocol (Valkey,
# KeyDB, Memurai): a command given as their words is the store's (`valkey-cli FLUSHALL`).
REDIS_CLIENTS = frozenset(
    {"redis-cli", "valkey-cli", "keydb-cli", "memurai-cli", "iredis", "redli"}
)
TEXT_PROGRAMS = frozenset(
    {"echo", "printf", "git", "grep", "egrep", "fgrep", "rg", "ag", "ack", "sed", "awk", "gawk"}
    | {"jq", "yq", "gh", "tr", "test", "[", "[[", "export", "alias", "logger", "curl", "http"}
    | {"python", "python3", "node", "perl", "ruby", "php", "deno", "bun", "psql", "mysql"}
    | {"sqlite3", "mongosh", "mongo", "wc", "cut", "sort", "uniq", "diff", "say"}
    | REDIS_CLIENTS
    | {"expect", "vim", "vi", "nvim", "ex", "view"}
    | {"Set-Content", "Add-Content", "Out-File", "Write-Output", "Write-Host"}  # PowerShell's
)
"""Programs whose quoted arguments are text (a message, a pattern, code in another language),
not a shell command line."""


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command: its words, unquoted, the files its output is redirected to and
    those its input is read from (``< file``)."""

    after: str  # the operator before it: "" for the first, "|", ";", "&&", "$(", "(", ...
    feeds: str  # the program its output is an argument of (inside `$(`, `<(`, backquotes)
    words: tuple[str, ...]
    redirects: tuple[str, ...]
    inputs: tuple[str, ...] = ()
    # The programs the quoted strings holding it were given to, the outermost first
    # (`kubectl exec pod -- sh -c 'psql …'`: kubectl, then sh).
    inside: tuple[str, ...] = ()
    heredoc: str = ""  # the text of its here-documents (``<<EOF``)
    # Its input is what a process substitution prints (`mysql < <(echo …)`), as from a pipe.
    reads_substitution: bool = False
    # How many substitutions it is inside (`$(…)`, `<(…)`, backquotes): a pipeline of its
    # own, between the commands of the line around it.
    level: int = 0
    # It is in a shell's script (`bash -c '…'`, at any depth of quoting within it), which
    # the rules read as a line of its own: with its variables, functions and arrays.
    script: bool = False

    @property
    def name(self) -> str:
        """The program it runs (see :func:`program`)."""
        return program(self.words)

    @property
    def quoted_by(self) -> str:
        """The program the quoted string holding it was given to (``""``: none)."""
        return self.inside[-1] if self.inside else ""

    def args_of(self, is_program: Callable[[str], bool]) -> list[str] | None:
        """The words after the first word naming a program for which ``is_program`` holds,
        wherever it stands (``xargs rm``, ``find … -exec rm``); None if there is none."""
        for i, word in enumerate(self.words):
            if is_program(basename(word)):
                return list(self.words[i + 1 :])
        return None


@dataclass(slots=True)
class _Suspended:
    """A command whose word a substitution (``$(…)``, ``<(…)``, backquotes) interrupted."""

    opener: str
    after: str
    feeds: str
    words: list[str]
    redirects: list[str]
    inputs: list[str]
    word: list[str] | None
    quoting: str
    target: list[str] | None
    parens: int
    reads_substitution: bool
    spliced: bool  # the word holds a substitution's known output, to split at its blanks


def parse(
    line: str,
    depth: int = 0,
    inside: tuple[str, ...] = (),
    literal: bool = False,
    script: bool = False,
) -> list[Command]:
    """The simple commands of ``line``, then those of each quoted string in it (up to four
    levels of quoting). ``inside``: the programs whose quoted arguments held ``line``, the
    outermost first (its commands' :attr:`Command.inside`). A quoted
    string given to a program that takes text (``echo``, ``git commit -m``, ``grep``, an
    interpreter's code: see :data:`TEXT_PROGRAMS`) is not a command line, but what it
    substitutes is run: only its ``$(…)`` and backquotes are read (``literal``). The commands
    of a shell's script (``bash -c '…'``) are marked :attr:`Command.script` (``script``).

    A substitution's commands come before the command it is part of, whose word holds what
    it prints when that is plain (``$(echo ~)`` is ``~``, ``$(pwd)`` is ``.``, ``$(echo
    ZHJvcA== | base64 -d)`` is ``drop``), else ``$(…)``.
    """
    if "$((" in line:  # chmod -R 0$((0)) ~: a constant's value
        line = _ARITHMETIC.sub(_evaluated, line)
    outer = inside[-1] if inside else ""
    commands: list[Command] = []
    # Each quoted string, its program, whether single-quoted, whether a shell's script.
    quoted: list[tuple[str, str, bool, bool]] = []
    after, feeds, words, redirects, inputs = "", "", list[str](), list[str](), list[str]()
    word: list[str] | None = None  # the parts of the word being read; None between words
    # How the word's quoted parts were quoted: "" (none), "'" (single only), '"' (double
    # only) or "'\"" (both).
    quoting = ""
    target: list[str] | None = None  # where the word goes if not to `words` (a redirect's)
    suspended: list[_Suspended] = []  # the commands the substitutions we are in interrupted
    parens = 0  # subshells open in the current command list
    pending: list[str] = []  # delimiters of the here-documents of the current line
    heredoc: tuple[int, str] | None = None  # the command that reads one, its delimiter
    reads_substitution = False  # the current command's input is a `<(…)` (`< <(…)`)
    spliced = False  # the word holds an unquoted substitution's output with blanks in it
    # The newline ends the last command; after a trailing backslash, which would join it
    # to the next line, a second one does (bash runs `ls -la \` as `ls -la`).
    trailing = len(line) - len(line.rstrip("\\"))
    text, pos = line + ("\n\n" if trailing % 2 else "\n"), 0
    while pos < len(text):
        token = _TOKEN.match(text, pos)
        assert token is not None  # the last alternative matches any character
        pos = token.end()
        kind, value = token.lastgroup, token.group()
        in_backquotes = bool(suspended) and suspended[-1].opener == "`"
        opens = kind == "operator" and (value in _OPENERS or (value == "`" and not in_backquotes))
        closes = kind == "operator" and (
            (value == ")" and bool(suspended) and not in_backquotes and parens == 0)
            or (value == "`" and in_backquotes)
        )
        if opens:
            stdin = value == "<(" and target is inputs and word is None  # `cmd < <(…)`
            suspended.append(
                _Suspended(
                    value,
                    after,
                    feeds,
                    words,
                    redirects,
                    inputs,
                    word,
                    quoting,
                    target,
                    parens,
                    reads_substitution or stdin,
                    spliced,
                )
            )
            feeds = outer if literal else (program(words) or outer)
            after, words, redirects, inputs = value, [], [], []
            word, quoting, target, parens = None, "", None, 0
            reads_substitution = spliced = False
            continue
        if kind in ("operator", "redirect", "input", "blank", "comment") and word is not None:
            whole = "".join(word)
            if quoting:  # `'a'"'"'b'` is one string: read whole, not piece by piece
                # Text's quotes (`-d "{\"text\": \"$(cat .env)\"}"`) are the same text's.
                given_to = outer if literal else (program(words) or outer)
                # (Not in another's quoted string: `ssh db1 "sh -c '…'"` runs on db1.)
                script_of = not (literal or inside) and target is None
                script_of = script_of and _is_script(words, given_to, whole)
                # "$(echo ~)", "`echo ~`"; a script's single-quoted ones are its own (its
                # line sets its variables from them: bash -c 'sql=$(printf …); psql …').
                own = script_of and quoting != '"'
                if not own and ("$(" in whole or "`" in whole) and quoting != "'":
                    # (Not in single quotes, where bash replaces nothing: echo '…$(…)…' | bash
                    # prints the substitution for bash to run.)
                    whole = (
                        _known_substitutions(whole)
                        if quoting == '"'
                        else "".join(
                            _known_substitutions(p) if type(p) is Doubled else p for p in word
                        )
                    )
                quoted.append((whole, given_to, quoting == "'", script_of))
            if whole.startswith("<<") and not whole.startswith("<<<"):
                pending.append(whole[2:].lstrip("-"))  # `<< EOF`: the next word names it
            elif pending and not pending[-1] and target is None:
                pending[-1] = whole
            elif "{" in whole and "," in whole and _expands_braces(whole, word, quoting):
                (words if target is None else target).extend(_braced(whole))  # {rm,-rf,~}
            elif spliced and not (quoting or target or program(words) or _ASSIGNS.match(whole)):
                # The command itself, spelt out: `$(echo dGVy… | base64 -d) -auto-approve`
                # runs `terraform destroy` (an argument, or a variable's value, is kept whole:
                # the text it gives).
                (words if target is None else target).extend(whole.split())
            else:
                (words if target is None else target).append(whole)
            word, target, quoting, spliced = None, None, "", False
        if kind == "operator":
            if suspended or not literal:
                command = Command(
                    after,
                    feeds,
                    tuple(words),
                    tuple(redirects),
                    tuple(inputs),
                    reads_substitution=reads_substitution,
                    level=len(suspended),
                )
                if inside:
                    command = replace(command, inside=inside, script=script)
                commands.append(command)
                if pending and heredoc is None:
                    heredoc = (len(commands) - 1, pending[0])
            if value == "\n" and pending:
                # The here-documents' text follows this line: data, not commands.
                body, pos = _here_documents(text, pos, pending)
                if heredoc is not None:
                    index, _ = heredoc
                    commands[index] = replace(commands[index], heredoc=body)
                pending, heredoc = [], None
            if closes:
                start = len(commands) - 1  # the pipe that ends here: echo … | base64 -d | cut
                while start > 0 and commands[start].after == "|":
                    start -= 1
                printed = _printed(words, [c.words for c in commands[start:-1]])
                frame = suspended.pop()
                runs = program(frame.words)  # bash <(echo 'rm -rf ~'): what it prints runs
                if frame.opener == "<(" and runs in _RUNS_PRINTED and not printed.startswith("$("):
                    quoted.append((printed, runs, False, False))
                after, feeds, words = frame.after, frame.feeds, frame.words
                redirects, inputs, word = frame.redirects, frame.inputs, frame.word
                quoting, target, parens = frame.quoting, frame.target, frame.parens
                reads_substitution = frame.reads_substitution
                word = [*(word or []), printed]
                split = frame.opener != "<(" and not quoting  # (a `<(…)` is a file's name)
                spliced = frame.spliced or (split and any(map(str.isspace, printed)))
                continue
            parens = parens + 1 if value == "(" else max(0, parens - (value == ")"))
            after, feeds = value, ""
            words, redirects, inputs = [], [], []
            reads_substitution = False
        elif kind == "redirect":  # `2>&1` names no file
            target = redirects if not value[-1].isdigit() and value[-1] != "-" else None
        elif kind == "input":
            target = inputs
        elif kind not in ("blank", "comment"):
            if kind == "double":
                value = Doubled(_UNESCAPE.sub(r"\1", token.group(kind)))
                quoting = '"' if quoting in ("", '"') else "'\""
            elif kind in ("single", "ansi"):
                value = token.group(kind)
                if kind == "ansi":
                    value = _PRINTF_ESCAPE.sub(_escaped, value)
                value = Singled(value)
                quoting = "'" if quoting in ("", "'") else "'\""
            elif value[0] == "\\":
                value = value[1:]
            word = word or []
            word.append(value)
    if depth < _QUOTING_DEPTH:
        for text, given_to, single, script_of in quoted:
            if _ONE_WORD.fullmatch(text):
                continue  # `"main.py"`, `'*.py'`: a lone word runs nothing worth reading
            if given_to not in TEXT_PROGRAMS:
                commands += parse(text, depth + 1, (*inside, given_to), script=script or script_of)
            elif not single and ("$(" in text or "`" in text):
                commands += parse(text, depth + 1, (*inside, given_to), literal=True, script=script)
    return commands


_ARITHMETIC = re.compile(r"\$\(\(([\d\s+*/%()-]{1,64})\)\)")
_OPERATIONS: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.floordiv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


def _evaluated(found: re.Match[str]) -> str:
    """The value of a constant arithmetic expansion (``$((7 * 3))`` is ``21``), or the
    expansion as it is when it is no constant sum, product or remainder of integers."""

    def value(node: ast.expr) -> int:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return -value(node.operand) if isinstance(node.op, ast.USub) else value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATIONS:
            return _OPERATIONS[type(node.op)](value(node.left), value(node.right))
        raise ValueError(node)

    try:
        return str(value(ast.parse(found[1].strip(), mode="eval").body))
    except (SyntaxError, ValueError, ZeroDivisionError, RecursionError):
        return found[0]


_ASSIGNS = re.compile(r"[A-Za-z_]\w*\+?=")
_BRACES = re.compile(r"\{([^{}\s]*,[^{}\s]*)\}")
_BRACED_WORDS = 16  # what one word's brace expansions make, at most


def _braced(word: str) -> list[str]:
    """The words bash's brace expansion makes of ``word`` (``{rm,-rf,~}`` is ``rm -rf ~``,
    ``src/{a,b}`` is ``src/a src/b``), at most :data:`_BRACED_WORDS`."""
    words, done = [word], list[str]()
    while words and len(done) + len(words) <= _BRACED_WORDS:
        current = words.pop(0)
        found = _BRACES.search(current)
        if found is None:
            done.append(current)
            continue
        head, tail = current[: found.start()], current[found.end() :]
        words.extend(head + alternative + tail for alternative in found[1].split(","))
    return done + words


def unknown_output(name: str) -> str:
    """How a word holds what ``$(name …)`` prints when it is not known: ``$(curl…)``."""
    return f"$({name}…)"


def _printed(words: Sequence[str], piped_from: Sequence[Sequence[str]] = ()) -> str:
    """What a substituted command prints, when it is plain (``echo``'s operands, ``printf``'s
    format filled, ``.`` for ``pwd``, ``eval echo ~$USER``'s ``~``, ``base64 -d`` of what
    the plain commands ``piped_from`` print through one another); else ``$(…)``
    (unknown)."""
    name = program(words)
    if piped_from and (text := _piped_output([*map(list, piped_from), list(words)])):
        return text
    if name == "cut" and _PASSWD_HOME.fullmatch(" | ".join(map(" ".join, [*piped_from, words]))):
        return "~"  # "$(printf 'rm -rf %s/' "$(getent passwd $USER | cut -d: -f6)")"
    if "<<<" in words and (text := _piped_output([list(words)])):  # $(rev <<< yortsed)
        return text
    if name in ("echo", "printf", "pwd", "eval", "dirname", "realpath", "readlink"):
        known = _output(list(words[words.index(name) :]) if name in words else list(words))
        if known is not None:
            return known
    if prints_home(words):
        return "~"
    return unknown_output(name)


def prints_home(words: Sequence[str]) -> bool:
    """Whether ``words`` are an interpreter's one-liner that prints the home folder and
    nothing else: ``python3 -c 'import os; print(os.path.expanduser("~"))'``, ``node -p
    "require('os').homedir()"``, ``ruby -e 'puts Dir.home'``, ``perl -e 'print $ENV{HOME}'``."""
    return (
        len(words) == 3
        and words[1] in _CODE_SWITCHES
        and _PRINTING_INTERPRETER.fullmatch(basename(words[0])) is not None
        and _PRINTS_HOME.fullmatch(words[2]) is not None
    )


_CODE_SWITCHES = frozenset({"-c", "-e", "-p", "-E", "--eval", "--print"})
_PRINTING_INTERPRETER = re.compile(r"python[0-9.]*|node|nodejs|bun|ruby|perl")
# The home folder as the languages name it (its quotes maybe taken by a double-quoted
# string around the substitution: `"$(python3 -c '…expanduser("~")…')"`).
_HOME_EXPRESSION = (
    r"(?:os\.path\.expanduser\(\s*(['\"]?)~/?\1\s*\)|(?:pathlib\.)?Path\.home\(\s*\)"
    r"|os\.environ(?:\.get\(|\[)\s*(['\"]?)HOME\2\s*[)\]]|os\.getenv\(\s*(['\"]?)HOME\3\s*\)"
    r"|(?:require\(\s*(['\"]?)os\4\s*\)|os)\.homedir\(\s*\)|process\.env\.HOME\b"
    r"|process\.env\[\s*(['\"]?)HOME\5\s*\]|Dir\.home\b|ENV\[\s*(['\"]?)HOME\6\s*\]"
    r"|\$ENV\{\s*HOME\s*\}|File\.expand_path\(\s*(['\"]?)~\7\s*\))"
)
# A one-liner whose only work is printing it (after its imports).
_PRINTS_HOME = re.compile(
    r"\s*(?:(?:import\s+[\w., ]+|from\s+[\w.]+\s+import\s+[\w, ]+"
    r"|(?:const|let|var)\s+os\s*=\s*require\(\s*['\"]os['\"]\s*\)|require\s+['\"]\w+['\"]"
    r"|use\s+[\w:]+)\s*[;\n]\s*)*"
    r"(?:(?:print|puts|console\.log|process\.stdout\.write|sys\.stdout\.write|say)\s*\(?\s*)?"
    + _HOME_EXPRESSION
    + r"\s*\)?\s*;?\s*"
)


def _expands_braces(word: str, parts: list[str], quoting: str) -> bool:
    """Whether bash expands the braces of ``word``, made of ``parts``: no variable's braces
    in it, and none of it quoted, or the braces outside its quotes (``"$HOME/"{.cache,.npm,}``),
    none inside."""
    if "${" in word:
        return False
    if not quoting:
        return True
    bare = [p for p in parts if type(p) is str]
    quoted = [p for p in parts if type(p) is not str]
    return any("{" in p and "," in p for p in bare) and not any("{" in p for p in quoted)


# A substitution inside quotes whose output is known without running anything: echo,
# printf, `eval echo` of a home spelling, pwd, dirname, realpath, a decoder's here-string.
_PLAIN = (
    r"((?:eval\s+)?(?:echo|printf|pwd|dirname|realpath|readlink|cd|getent|rev|base64|base32"
    r"|git\s+rev-parse\s+--show-toplevel|go\s+env\s+GOPATH)"
    r"\b(?:[^()`]|\$\([^()`]*\))*)"  # (one in it: $(getent passwd $(id -un) | cut …))
)
_UNKNOWN_OUTPUT = re.compile(r"\$\([\w.-]+…+\)")
_KNOWN_SUBSTITUTION = re.compile(r"\$\(\s*" + _PLAIN + r"\)|`\s*" + _PLAIN + "`")
_USER_HOME = re.compile(r"~(?:\$\{?(?:USER|LOGNAME)\}?|\$\(whoami\))")
_PASSWD_HOME = re.compile(
    r"getent\s+passwd\s+(?:\S*(?:USER|LOGNAME|whoami|id\s+-un|id\s+-nu|\$\(id…+\))\S*|\w+)"
    r"\s*\|\s*cut\s+-d\s*['\"]?:['\"]?"
    r"\s*-f\s*6"
)

# `cd` with no folder (or the home folder), then `pwd`: the home folder.
_HOME_CD = re.compile(r"cd(?:\s+(?:~/?|\$\{?HOME\}?|\"\$HOME\"))?\s*(?:;|&&)\s*pwd(?:\s+-[LP])?")


def _known_substitutions(word: str) -> str:
    """``word`` with each plain substitution in it replaced by what it prints, the innermost
    first (``"$(dirname "$(dirname $PWD)")"`` is ``$PWD/../..``), up to four levels deep."""
    if "-" in word and _INTERPRETER_SUBSTITUTION.search(word):  # "$(node -p 'os.homedir()')"
        word = _INTERPRETER_SUBSTITUTION.sub(_home_printed, word)
    for _ in range(_QUOTING_DEPTH):
        known = _KNOWN_SUBSTITUTION.sub(_known_output, word)
        if known == word:
            break
        word = known
    return word


_STAGE_WORDS = 64  # a longer pipe in a substitution is not read for what it prints
# An interpreter's one-liner substituted: `$(python3 -c '…')`, its code in one quoted string.
_INTERPRETER_SUBSTITUTION = re.compile(
    r"\$\(\s*([\w./-]+\s+-[-\w]+\s+(?:'[^']{0,400}'|\"[^\"\\]{0,400}\"))\s*\)"
)


def _home_printed(found: re.Match[str]) -> str:
    """``~`` for a substituted one-liner that prints the home folder; else the substitution."""
    try:
        words = shlex.split(found[1])
    except ValueError:
        return found.group()
    return "~" if prints_home(words) else found.group()


def _known_output(found: re.Match[str]) -> str:
    """What a plain substitution prints (``$(echo ~)`` is ``~``, ``$(eval echo ~$USER)``
    ``~``, ``$(printf 'rm -rf %s' "$HOME")`` ``rm -rf $HOME``, ``$(dirname ~/x)`` ``~``), or
    the substitution itself when it is not plain."""
    inner = found.group(1) or found.group(2)
    if _PASSWD_HOME.fullmatch(inner.strip()) or _HOME_CD.fullmatch(inner.strip()):
        return "~"  # $(getent passwd "$USER" | cut -d: -f6), $(cd; pwd)
    if "$(" in _UNKNOWN_OUTPUT.sub("", inner):
        return found.group()  # what a substitution in it prints is not read here
    try:
        words = shlex.split(inner)
    except ValueError:
        return found.group()
    if "|" in words or "<<<" in words:  # "$(echo ZHJvcA== | base64 -d)", $(rev <<< niam)
        stages: list[list[str]] = [[]]
        for word in words[:_STAGE_WORDS]:
            if word == "|":
                stages.append([])
            else:
                stages[-1].append(word)
        known = _piped_output(stages) if len(words) <= _STAGE_WORDS else None
        return found.group() if known is None else known
    known = _output(words)
    return found.group() if known is None else known


def _output(words: list[str]) -> str | None:
    """What ``words`` (``echo …``, ``printf FORMAT …``, ``eval echo ~$USER``, ``pwd``,
    ``dirname P`` (see :func:`_parent`), ``realpath P``, ``cd P && pwd``) print, or None if
    not plain."""
    evaluated = words[:1] == ["eval"]
    words = words[1:] if evaluated else words
    if not words or any(w in ("|", ";", ">", "<", "||", "&") for w in words):
        return None
    name, args = words[0], words[1:]
    if name == "cd" and args[1:] == ["&&", "pwd"]:  # $(cd ~ && pwd)
        name, args = "realpath", args[:1]
    if "&&" in args:
        return None
    if name == "echo":
        text = echo_output(args)
    elif name == "printf" and args:
        text = printf_output(printf_arguments(args))
    elif name == "pwd" and not args:
        text = "."
    elif name == "git" and args == ["rev-parse", "--show-toplevel"]:
        text = "."  # the repository's top: the working directory, as far as the line shows
    elif name == "go" and args == ["env", "GOPATH"]:
        text = "~/go"  # its default, where no GOPATH is set
    elif (
        name in ("dirname", "realpath", "readlink")
        and len(operands := [a for a in args if not a.startswith("-")]) == 1
    ):
        text = operands[0].rstrip("/") or "/"
        if name == "dirname":
            text = _parent(text)
    else:
        return None
    return _USER_HOME.sub("~", text) if evaluated else text


# A folder spelled without its own name, whose parent its text does not show: the working
# directory (`$PWD`; `.` is how `$(pwd)` reads), a home folder (`~`, `~bob`, `$HOME`), or a
# parent of one already taken (`$PWD/..`, which `$(dirname $(dirname $PWD))` takes again).
# A literal path keeps dirname's own reading: `dirname /a/b/..` is `/a/b`.
_NAMELESS_FOLDER = re.compile(r"(?:\$\{?(?:PWD|HOME)\}?|~[^/]*|\.)(?:/\.\.)*")


def _parent(path: str) -> str:
    """What ``dirname PATH`` prints, as a path: its text up to the last ``/`` (``~/x`` is
    ``~``, ``/home/dev`` ``/home``, ``x`` ``.``), or ``PATH/..`` for a folder whose spelling
    hides its name (``$PWD`` is ``$PWD/..``, ``~`` ``~/..``)."""
    if _NAMELESS_FOLDER.fullmatch(path):
        return path + "/.."
    head, slash, _ = path.rpartition("/")
    return (head or "/") if slash else "."


_CONVERSION = re.compile(r"%[-+ #0-9.]*[sbqdi]")
_PRINTF_VALUES = 64  # a printf given 10,000 values is read for its first ones


# The escapes printf's format, `echo -e` and `$'…'` print as what they stand for: a line end,
# a tab, a backslash, a quote, a byte in hexadecimal (\x72) or octal (\162, echo's \0162).
_PRINTF_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|0?[0-7]{1,3}|[nt\\'\"])")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}
_ECHO_OPTION = re.compile(r"-[neE]+")


def _escaped(found: re.Match[str]) -> str:
    code = found[1]
    if code[0] == "x":
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8) % 256)
    return _ESCAPES[code]


def echo_output(args: Sequence[str]) -> str:
    """What ``echo ARGS`` prints: its own options (``-n``, ``-e``, ``-E``, before any other
    word) are not printed, every other word is (``echo rm -rf ~`` prints ``rm -rf ~``); with
    ``-e``, its escapes are what they stand for."""
    at, escapes = 0, False
    while at < len(args) and _ECHO_OPTION.fullmatch(args[at]):
        escapes = args[at].rfind("e") > args[at].rfind("E")
        at += 1
    text = " ".join(args[at:])
    return _PRINTF_ESCAPE.sub(_escaped, text) if escapes else text


def printf_arguments(args: Sequence[str]) -> list[str]:
    """``printf``'s format and values (``args``: its arguments), without its own ``-v NAME``
    and ``--``: ``printf '%s ' rm -rf ~`` formats ``rm``, ``-rf`` and ``~``."""
    at = 0
    while at < len(args) and args[at] in ("-v", "--"):
        at += 2 if args[at] == "-v" else 1
    return list(args[at:])


def printf_output(args: Sequence[str]) -> str:
    """What ``printf FORMAT VALUES…`` prints, roughly: each conversion takes the next value
    (an empty one when they run out), the format printed again while values remain; the
    format's escapes for a line end, a tab and a backslash made what they print (a script
    written by ``printf '#!/bin/sh\\nrm -rf ~\\n'`` has two lines), the others kept as
    written. ``printf 'put %s\\n' a b`` prints ``put a``, ``put b``, each on its line."""
    if not args:
        return ""
    form, values = _PRINTF_ESCAPE.sub(_escaped, args[0]), args[1:_PRINTF_VALUES]
    slots = len(_CONVERSION.findall(form))
    if not slots:
        return form
    given = iter(values)
    rounds = max(1, -(-len(values) // slots))  # printed again for values left over
    return "".join(_CONVERSION.sub(lambda _: next(given, ""), form) for _ in range(rounds))


def _delimiter_line(delimiter: str) -> re.Pattern[str]:
    """The line that ends a here-document (``<<-`` lets it be indented with tabs)."""
    return re.compile(r"^\t*" + re.escape(delimiter) + r"[ \t]*$", re.MULTILINE)


_HERE_MARKER = re.compile(r"(?<!<)<<-?[ \t]*(['\"]?)([A-Za-z_][\w.-]*)\1")


def here_document_spans(line: str) -> list[tuple[int, int]]:
    """Where the text of each here-document of ``line`` begins and ends (what the command
    reads: data, not the line's code)."""
    spans: list[tuple[int, int]] = []
    for marker in _HERE_MARKER.finditer(line):
        if any(begin <= marker.start() < end for begin, end in spans):
            continue  # `<<` inside a here-document's text
        body = line.find("\n", marker.end())
        if body == -1:
            break
        end = _delimiter_line(marker[2]).search(line, body)
        spans.append((body + 1, end.start() if end else len(line)))
    return spans


def _here_documents(text: str, pos: int, delimiters: list[str]) -> tuple[str, int]:
    """The text of the here-documents starting at ``pos``, without their delimiter lines
    (what the commands read), and where the line after the last one's delimiter starts (the
    end of ``text`` if a delimiter is missing)."""
    bodies = []
    for delimiter in delimiters:
        found = _delimiter_line(delimiter).search(text, pos)
        if found is None:
            bodies.append(text[pos:])
            return "".join(bodies), len(text)
        bodies.append(text[pos : found.start()])
        pos = found.end() + 1
    return "".join(bodies), pos


def shell_script(words: Sequence[str]) -> str | None:
    """The script a shell is given to run (``sh -c SCRIPT``, ``bash -lc SCRIPT``), or None."""
    if not words or basename(words[0]) not in SHELLS:
        return None
    at = next((i for i, w in enumerate(words[1:-1], 1) if COMMAND_OPTION.fullmatch(w)), None)
    return None if at is None else words[at + 1]


def stdin_script(words: Sequence[str]) -> str | None:
    """The here-string a shell reads as its script (``bash <<< 'rm -rf ~'``, ``sh -s <<<
    …``: its options only before it, no script of its own), or None."""
    if not words or basename(words[0]) not in SHELLS or "<<<" not in words:
        return None
    at = words.index("<<<")
    given = words[1:at]
    if at + 1 == len(words) or any(w[:1] != "-" or COMMAND_OPTION.fullmatch(w) for w in given):
        return None
    return words[at + 1]


def _is_script(words: Sequence[str], runs: str, text: str) -> bool:
    """Whether the quoted ``text``, after ``words``, is a script that ``runs`` (a shell, or
    ``eval``) runs: ``sudo bash -c 'TEXT'``, ``bash <<< 'TEXT'``, ``eval 'TEXT'``. The rules
    read such a script as a line of its own."""
    if runs == "eval":
        return True
    if runs not in SHELLS:
        return False
    at = next((i for i, word in enumerate(words) if basename(word) == runs), None)
    given = [*words[at:], text] if at is not None else []
    return bool(given) and text in (shell_script(given), stdin_script(given))


def after_wrappers(words: Sequence[str], at: int = 0, keep: frozenset[str] = frozenset()) -> int:
    """Where the command that the programs running another, from ``words[at]`` on, run
    starts (``sudo -u deploy env A=1 rm …``: at ``rm``); one named in ``keep`` is where it
    stops (``sudo xargs …``: at ``xargs``)."""
    while at < len(words) and (name := basename(words[at])) in WRAPPERS and name not in keep:
        at = after_options(words, at, name)
    return at


def program(words: Sequence[str]) -> str:
    """The program ``words`` run: the first word after the programs that run another
    (``sudo -u deploy``, ``nice -n 10``, ``timeout 5``, …: :data:`~sluice.policies._prefixes.
    WRAPPERS`) with their options, the tools that run one in a project's or an environment's
    setting (``uv run``, ``op run --``: :mod:`~sluice.policies._tool_runners`), the shell's
    keywords (``if [ "$x" = y ]`` runs ``[``), options and ``VAR=value`` assignments,
    without its directory. A wrapper given a whole line (``watch 'kubectl get pods'``) is
    the program that runs it."""
    at, wrapper = 0, ""
    while at < len(words):
        word, name = words[at], basename(words[at])
        if name in WRAPPERS:
            at, wrapper = after_options(words, at, name), name
        elif name in TOOL_RUNNERS and (ran := ran_by_tool(name, words[at + 1 :])) is not None:
            words, at = ran, 0  # uv run pytest, op run -- curl …
        elif word.startswith("-") or "=" in word:
            at += 1
        elif wrapper and any(c.isspace() for c in word):
            return wrapper
        else:
            return "sh" if name in SHELL_VARIABLES else name
    return ""


_CONTINUATION = re.compile(r"(?<!\\)((?:\\\\)*)\\\n")


def joined(line: str) -> str:
    """``line`` with each backslash-newline taken out, as bash does before it reads words
    (``terraform \\<newline>destroy`` is ``terraform destroy``, ``r\\<newline>m`` is
    ``rm``); an escaped backslash before a newline (``\\\\``) ends its line."""
    return _CONTINUATION.sub(r"\1", line) if "\\\n" in line else line


@dataclass(frozen=True, slots=True)
class Prefiltered:
    """A pattern searched only in a text that holds one of ``words``, which it cannot match
    without (in lower case: the pattern is case-insensitive, or they are its own literals
    lowered). Looking for a word is a fast scan, where a pattern is tried at every place of
    the text, so most lines are ruled out at once. A text that is not ASCII is always
    searched, as the pattern's case-folding is not ``str.lower``'s there.
    ``tests/policies/test_prefiltered.py`` holds every one of them to its pattern."""

    pattern: re.Pattern[str]
    words: tuple[str, ...]

    def may_match(self, text: str) -> bool:
        if not text.isascii():
            return True
        lowered = text.lower()
        for word in self.words:  # noqa: SIM110 - a loop: any() costs more than the scans
            if word in lowered:
                return True
        return False

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.may_match(text) else iter(())


def reserved(words: tuple[str, ...]) -> tuple[str, ...]:
    """The reserved words ``words`` start with, before the command itself: the shell's
    keywords (``if``, ``then``, ``do``, ``!``, a group's ``{``), ``time`` and its ``-p``."""
    at = 0
    while at < len(words):
        if words[at] in _KEYWORDS:
            at += 1
        elif words[at] == "time":
            at += 2 if words[at + 1 : at + 2] == ("-p",) else 1
        else:
            break
    return words[:at]


def stated(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` after their :func:`reserved` words: what the command itself states (``do
    d=~`` sets ``d``, ``{ env`` prints the environment, ``time for f in ~/*`` loops)."""
    return words[len(reserved(words)) :]


_BACKSLASHED = re.compile(r"\\(.)", re.DOTALL)


def unescaped(text: str) -> str:
    """``text`` with each backslash's escape undone (``\\"`` is ``"``), as a quoted
    string in most languages reads."""
    return _BACKSLASHED.sub(r"\1", text) if "\\" in text else text


def quoted_text(found: re.Match[str]) -> str:
    """The text a pattern of alternative quotings found: its first group that matched,
    its escapes undone."""
    return unescaped(next((group for group in found.groups() if group is not None), ""))


def with_next(words: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Each of ``words`` with the word after it (``""`` after the last): an option and its
    value."""
    return zip(words, [*words[1:], ""][: len(words)], strict=True)


def short_option(args: Sequence[str], letters: str, *long: str) -> bool:
    """Whether ``args`` hold one of the ``long`` options or a short cluster with a letter."""
    return any(
        arg in long
        or (arg[:1] == "-" and arg[1:2] not in ("-", "") and any(c in arg for c in letters))
        for arg in args
        if arg != "--"
    )


def _piped_output(stages: list[list[str]]) -> str | None:
    """What a pipe of plain stages prints: the first's output (``echo``, ``printf``, or a
    filter's here-string: ``rev <<< yortsed``) through each filter after it (``| base64
    -d``, ``| tr a-z n-za-m``, ``| rev``); None if a stage is not plain."""
    first, *filters = stages
    if "<<<" in first and first.index("<<<") + 1 < len(first):  # rev <<< 'sredro ELBAT PORD'
        at = first.index("<<<")
        text = filtered(program(first), first[1:at], first[at + 1])
    else:
        text = _output(first)
    for stage in filters:
        if text is None or not stage:
            return None
        text = filtered(program(stage), stage[1:], text)
    return text


def basename(word: str) -> str:
    """``word`` without its directory or Windows' ``.exe``: ``/usr/bin/rm`` is ``rm``,
    ``curl.exe`` ``curl``."""
    return word.rpartition("/")[2].removesuffix(".exe")
