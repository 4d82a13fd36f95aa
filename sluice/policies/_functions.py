"""Shell functions and aliases a command line defines, and the line a call of one runs::

    >>> [(f.name, f.body) for f in definitions('cleanup() { rm -rf "$1"; }; cleanup ~')]
    [('cleanup', ' rm -rf "$1"; ')]
    >>> called(' rm -rf "$1"; ', ["~"])
    ' rm -rf ~; '
    >>> aliases(["alias", "nuke=rm -rf", "ll=ls -l"])
    {'nuke': 'rm -rf', 'll': 'ls -l'}

A function is ``name() { …; }``, ``function name { …; }`` or a body in a subshell, ``name()
( … )``; a call runs its body with the call's arguments for ``$1`` … ``$9``, ``$@`` and
``$*`` (not in single quotes, nor in a function the body defines in turn). An alias's
words replace the alias where it starts a command. Bodies are found by
matching braces and parentheses in one pass (quotes are not considered), so reading a line
takes time linear in its length, whatever the line.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sluice.policies._shell import here_document_spans

__all__ = [
    "Definition",
    "aliased",
    "aliases",
    "called",
    "defaulted",
    "definitions",
    "without_uncalled",
]

# A function's head, up to the brace or parenthesis that opens its body.
_HEAD = re.compile(
    r"(?:\bfunction\s+(?P<keyword>[^\s(){}|&;<>'\"]+)\s*(?:\(\s*\))?"
    r"|(?<![^\s;&|(){}'\"`])(?P<name>[^\s(){}|&;<>'\"$=`]+)\s*\(\s*\))"
    r"\s*(?=[{(])"
)
_BRACKETS = re.compile(r"[{}()]")
_PAIRS = {"}": "{", ")": "("}
_DEFINITIONS = 32  # the functions of a line read, at most
# A positional parameter, quoted or not: "$1", ${2}, $@, "$*".
_POSITIONAL = re.compile(r'"\$(?:\{([0-9@*])\}|([0-9@*]))"|\$(?:\{([0-9@*])\}|([0-9@*]))')
# A positional parameter given a default: ${1:-WORD}, ${2-WORD}, ${1:=WORD}.
_DEFAULTED = re.compile(r"\$\{([1-9])(:?)[-=]([^{}]*)\}")
# A body's parts as quoting makes them: text in single quotes (its `$1` is text, as in awk's
# '{print $1}'), in double quotes (read whole: a quote inside opens nothing), an escape, the
# rest.
_QUOTING = re.compile(r"""'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^'"\\]+|.""", re.DOTALL)
# What a command of its own follows: an operator, a line's end, a brace, a keyword (`time
# f() {…}` and `! f() {…}` define `f` too).
_COMMAND_STARTS = (";", "&", "|", "\n", "{", "then", "do", "else", "!", "time")
# A name standing as a word of its own (not part of a longer name or a path).
_OWN_WORD = r"(?<![\w./-]){}(?![\w./-])"
# A word that reads the same unquoted: no blank, quote or operator in it.
_PLAIN = re.compile(r"[\w~/.$:@%+=,{}-]+")


@dataclass(frozen=True, slots=True)
class Definition:
    """A function defined in a line: its name, its body's text, where the definition ends
    and where it starts."""

    name: str
    body: str
    end: int
    start: int = 0


def definitions(line: str) -> list[Definition]:
    """The functions ``line`` defines, in order (the first :data:`_DEFINITIONS`)."""
    heads = _HEAD.finditer(line)
    first = next(heads, None)
    if first is None:
        return []
    closing = _closing(line, first.end())
    found: list[Definition] = []
    for head in (first, *heads):
        opened = head.end()
        end = closing.get(opened)
        if end is not None:
            name = head["keyword"] or head["name"]
            found.append(Definition(name, line[opened + 1 : end], end + 1, head.start()))
            if len(found) == _DEFINITIONS:
                break
    return found


# A comment: `#` where a word starts, to the line's end (not `$#`, `${#a[@]}`, `a#b`).
_COMMENT = re.compile(r"(?m)(?:^|(?<=[ \t;&|]))#[^\n]*")


def without_uncalled(line: str) -> str:
    """``line`` without the functions it defines as a command of its own and never names
    again (a definition is not a call: ``teardown() { terraform destroy; }; terraform plan``
    destroys nothing). A function whose name appears anywhere else in the line (a call,
    ``trap``, another function's body, even a message; not a comment) is kept, and so is one
    defined inside an expression (a callback in a one-liner's code: ``setTimeout(function
    go() {…})``)."""
    found = definitions(line)
    data = here_document_spans(line) if "<<" in line else []
    kept, cut = [], 0
    for definition in found:
        start = definition.start
        if any(begin <= start < end for begin, end in data):
            continue  # a here-document's text: data (a file written), not the line's code
        before = line[max(0, start - 16) : start].rstrip(" \t")
        at_command = before.endswith(_COMMAND_STARTS) or (not before and start <= 16)
        if start < cut or not at_command:
            continue  # inside a definition already cut, or not a command of its own
        name = re.compile(_OWN_WORD.format(re.escape(definition.name)))
        outside = line[: definition.start] + " " + line[definition.end :]
        if "#" in outside:  # a comment calls nothing: `# run \`teardown\` by hand`
            outside = _COMMENT.sub("", outside)
        if name.search(outside) is None:
            kept.append(line[cut : definition.start])
            cut = definition.end
    return "".join(kept) + line[cut:] if cut else line


def _closing(line: str, start: int) -> dict[int, int]:
    """Where each brace and parenthesis from ``start`` on that is closed closes."""
    pairs: dict[int, int] = {}
    open_at: dict[str, list[int]] = {"{": [], "(": []}
    for bracket in _BRACKETS.finditer(line, start):
        char = bracket.group()
        if char in open_at:
            open_at[char].append(bracket.start())
        elif stack := open_at[_PAIRS[char]]:
            pairs[stack.pop()] = bracket.start()
    return pairs


def called(body: str, args: Sequence[str], zero: str | None = None) -> str:
    """What a call with ``args`` runs: ``body`` with each positional parameter replaced by
    its argument (``$@`` and ``$*`` by all of them, ``"$*"`` by all of them as one word);
    ``zero``: ``$0``'s, for a script ``sh -c SCRIPT NAME ARGS…`` runs."""

    def value(found: re.Match[str]) -> str:
        key = next(group for group in found.groups() if group)
        if key == "0":
            return found.group() if zero is None else _spelt(zero)
        if key == "*" and found.group().startswith('"'):  # "$*": the arguments as one word
            return _spelt(" ".join(args))
        given = args if key == "@" or key == "*" else args[int(key) - 1 : int(key)]
        return " ".join(map(_spelt, given))

    def expanded(text: str) -> str:
        return "".join(
            part if part[:1] == "'" else _POSITIONAL.sub(value, _with_defaults(part, args))
            for part in _QUOTING.findall(text)
        )

    return _outside_definitions(body, expanded)


def defaulted(body: str, args: Sequence[str]) -> str:
    """``body`` (a line, a script) run with ``args``: each positional parameter given a
    default (``${1:-$HOME}``) replaced by its argument, or by the default where ``args``
    give none (with ``:``, or an empty one); the rest as it is.

    >>> defaulted('rm -rf "${1:-$HOME}"/*', [])
    'rm -rf "$HOME"/*'
    """

    def expanded(text: str) -> str:
        return "".join(
            part if part[:1] == "'" else _with_defaults(part, args)
            for part in _QUOTING.findall(text)
        )

    return _outside_definitions(body, expanded) if "${" in body else body


def dispatched(body: str, args: Sequence[str]) -> str:
    """``body`` (a script) run with ``args``, its ``case "$1" in … esac`` on an argument
    given as plain words reduced to the branch that argument takes (``./manage.sh plan``
    runs the ``plan)`` branch, not ``destroy)``); unchanged where a branch cannot be told
    apart for certain (a pattern or an argument that expands, a ``;;`` quoted)."""
    if "case" not in body or "esac" not in body:
        return body

    def taken(found: re.Match[str]) -> str:
        at = int(found[1]) - 1
        given = args[at] if at < len(args) else ""
        clauses = found[2].split(";;")
        quoted = _QUOTED.findall(found[2])
        if "$" in given or ";&" in found[2] or any(";;" in q for q in quoted):
            return found[0]
        for clause in clauses:
            branch = _CLAUSE.match(clause)
            if branch is None:
                if clause.strip():
                    return found[0]  # not a clause read for certain: every branch stays
                continue
            if any(fnmatch.fnmatchcase(given, p.strip()) for p in branch[1].split("|")):
                return branch[2]
        return ""

    return _CASE.sub(taken, body)


# `case "$1" in … esac` (flat: no case inside); a clause `pat|pat) commands`.
_CASE = re.compile(r"\bcase\s+\"?\$\{?([1-9])\}?\"?\s+in\b((?:(?!\bcase\b)[\s\S])*?)\besac\b")
_CLAUSE = re.compile(r"\s*\(?([^()$\n]+)\)([\s\S]*)")
_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`")


def _with_defaults(text: str, args: Sequence[str]) -> str:
    """``text`` with its positional parameters given a default replaced (:func:`defaulted`)."""

    def value(found: re.Match[str]) -> str:
        at = int(found[1]) - 1
        given = args[at] if at < len(args) else None
        return found[3] if given is None or (found[2] and not given) else _spelt(given)

    return _DEFAULTED.sub(value, text) if "${" in text else text


def _outside_definitions(body: str, change: Callable[[str], str]) -> str:
    """``body`` changed by ``change`` but in the functions it defines, which keep their own
    parameters: their ``$1`` is their own call's."""
    inner = definitions(body) if "(" in body or "function" in body else []
    parts, at = [], 0
    for start, end in ((d.start, d.end) for d in inner):
        if start >= at:
            parts += [change(body[at:start]), body[start:end]]
            at = end
    return "".join([*parts, change(body[at:])])


def aliases(words: Sequence[str]) -> dict[str, str]:
    """The aliases ``alias NAME=VALUE …`` (``words``) defines."""
    found: dict[str, str] = {}
    if not words or words[0] != "alias":
        return found
    for word in words[1:]:
        name, equals, value = word.partition("=")
        if equals and name and not name.startswith("-"):
            found[name] = value
    return found


def aliased(value: str, args: Sequence[str]) -> str:
    """What a command run by an alias whose value is ``value`` runs, with ``args``."""
    return " ".join([value, *map(_spelt, args)])


def _spelt(word: str) -> str:
    """``word`` as the shell would read it back: as it is when plain, else quoted."""
    return word if _PLAIN.fullmatch(word) else shlex.quote(word)
