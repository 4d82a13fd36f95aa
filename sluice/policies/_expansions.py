"""What bash's parameter expansions give for a variable whose value the line set: ``${x:1:2}``,
``${x/a/r}``, ``${x%/*}``, ``${x^^}``, ``${x:-default}``, ``${x:?}``.

Their patterns are globs from the command (an agent's, or whoever wrote what it runs), read
as bash reads them (``*``, ``?``, bracket expressions with named classes, ``\\`` escapes,
quoted parts taken literally) and run by RE2, in time linear in the value. A pattern longer
than :data:`_PATTERN` characters, or one that names a variable, is not read (the form stays
as it is spelt; ``LineState`` first gives a variable the line set its value, ``${d%$s}``
becoming ``${d%/tmp}``, as bash expands a pattern before matching it), and the caller
bounds how much it reads a line's values (see ``LineState``'s ``globbed``).
"""

from __future__ import annotations

import re
from typing import Any

import re2

__all__ = ["READ_BY_CHARACTER", "TRIMS", "expanded", "operated", "replaced", "trimmed"]

TRIMS = frozenset({"%", "%%", "#", "##"})
"""The operators that take an end (``${x%/*}``, ``${x%%/*}``) or a start (``${x#*/}``) off."""
READ_BY_CHARACTER = TRIMS | {"/", "//", ":"}
"""The operators whose result depends on the value's characters, not only on whether it is
set (``:-``)."""
_PATTERN = 256  # the longest pattern read
_SHORTEST = 1024  # the longest value whose shortest matching end is looked for, at each length
_SUBSTRING = re.compile(r"\s*(\d{1,9})\s*(?::\s*(\d{1,9})\s*)?")
_NAMES_VARIABLE = re.compile(r"[$`]")
_STARS = re.compile(r"(?<!\\)\*{2,}")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_GLOB_CHARACTERS = re.compile(r"[*?\[\\]")
_OPTIONS = re2.Options()
_OPTIONS.longest_match = True  # leftmost-longest, as bash matches
_OPTIONS.dot_nl = True
_OPTIONS.log_errors = False


def operated(value: str, operator: str, rest: str) -> str | None:
    """What bash's ``${x<operator><rest>}`` gives for ``x`` set to ``value``; None for a form
    not read here."""
    if operator in ("", "-", "=", "?"):  # set, even to nothing: its value
        return value
    if operator == ":?":  # its value, or bash stops there when it is empty: nothing runs
        return value or None
    if operator in (":-", ":="):  # empty: the default, when it names no variable
        return value or (None if _NAMES_VARIABLE.search(rest) else rest)
    if operator == ":":
        if not (found := _SUBSTRING.fullmatch(rest)):
            return None
        start = int(found[1])
        return value[start : start + int(found[2])] if found[2] else value[start:]
    if operator in ("^^", ",,"):
        if rest:  # only what a pattern matches (`${x^^[a-c]}`): not read here
            return None
        return value.upper() if operator == "^^" else value.lower()
    if operator not in TRIMS | {"/", "//"} or _NAMES_VARIABLE.search(rest):
        return None
    if operator in TRIMS:
        return trimmed(value, operator, rest)
    pattern, replacement = _split(rest)
    return replaced(value, operator, pattern, replacement)


def expanded(value: str, operator: str, rest: str, spelt: str) -> str:
    """What :func:`operated` gives (empty too: ``${p%%/*}`` may give nothing, as in bash),
    or the form as it is ``spelt`` when that is not read here."""
    made = operated(value, operator, rest)
    return made if made is not None else spelt


def trimmed(value: str, operator: str, pattern: str) -> str | None:
    """What bash's ``${x%pattern}`` gives for ``x`` set to ``value`` (``%``: the shortest end
    that the glob ``pattern`` matches taken off; ``%%``: the longest; ``#`` and ``##``: a
    start); None for a pattern not read."""
    from_end = operator[0] == "%"
    if _plain(pattern):
        return value.removesuffix(pattern) if from_end else value.removeprefix(pattern)
    if len(operator) == 2:  # the longest: one search
        frame = "(?:{})$" if from_end else "^(?:{})"
        if (regex := _matcher(pattern, frame, value)) is None:
            return None
        found = regex.search(value)
        if found is None:
            return value
        return value[: found.start()] if from_end else value[found.end() :]
    if len(value) > _SHORTEST or (whole := _matcher(pattern, "(?:{})", value)) is None:
        return None
    for length in range(len(value) + 1):  # the shortest: from nothing up
        cut = len(value) - length if from_end else length
        taken, left = (value[cut:], value[:cut]) if from_end else (value[:cut], value[cut:])
        if whole.fullmatch(taken) is not None:
            return left
    return value


def replaced(value: str, operator: str, pattern: str, replacement: str) -> str | None:
    """What bash's ``${x/pattern/replacement}`` gives for ``x`` set to ``value``: the longest
    match of the glob ``pattern`` that starts first replaced (``//``: each, left to right;
    ``/#pattern``: one at the start; ``/%pattern``: one at the end); None for a pattern not
    read, or one that ``//`` could match empty (bash and a regular expression part ways
    there)."""
    anchor = pattern[:1] if operator == "/" and pattern[:1] in ("#", "%") else ""
    pattern = pattern[len(anchor) :]
    if not pattern:  # `${a/#/--}`: the replacement before (or after) the value
        return {"#": replacement + value, "%": value + replacement}.get(anchor, value)
    if _plain(pattern) and not anchor:
        return value.replace(pattern, replacement, -1 if operator == "//" else 1)
    frame = {"#": "^(?:{})", "%": "(?:{})$"}.get(anchor, "(?:{})")
    if (compiled := _matcher(pattern, frame, value)) is None:
        return None
    if operator == "//" and compiled.fullmatch("") is not None:
        return None
    return str(compiled.sub(lambda _: replacement, value, count=0 if operator == "//" else 1))


def _plain(pattern: str) -> bool:
    """Whether ``pattern`` is plain text: no wildcard, escape or quote."""
    return _GLOB_CHARACTERS.search(pattern) is None and "'" not in pattern and '"' not in pattern


def _encodable(text: str) -> bool:
    """Whether RE2 can read ``text`` (as UTF-8: not a lone surrogate, which JSON can carry)."""
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _split(rest: str) -> tuple[str, str]:
    """``${x/pattern/replacement}``'s two parts, split at the first ``/`` not escaped."""
    at = 0
    while at < len(rest):
        if rest[at] == "\\":
            at += 2
        elif rest[at] == "/":
            return rest[:at], rest[at + 1 :]
        else:
            at += 1
    return rest, ""


def _matcher(pattern: str, frame: str, value: str) -> Any | None:
    """The glob ``pattern`` compiled by RE2 inside ``frame`` (``^(?:{})``: at the start), to
    run over ``value``; None when the pattern is too long, RE2 refuses it, or RE2 cannot
    read the value."""
    pattern = _STARS.sub("*", pattern)  # `**` matches what `*` matches
    if len(pattern) > _PATTERN or not _encodable(value):
        return None
    regex = _glob_regex(_QUOTED.sub(_literal, pattern))
    try:
        return re2.compile(frame.format(regex), _OPTIONS)
    except (re2.error, UnicodeEncodeError):  # a lone surrogate: no text RE2 can encode
        return None


def _literal(found: re.Match[str]) -> str:
    """A quoted part of a pattern, its wildcards escaped: quoted, they are text."""
    text = found[1] if found[1] is not None else found[2]
    return _GLOB_CHARACTERS.sub(lambda c: "\\" + c[0], text)


def _glob_regex(pattern: str) -> str:
    """The glob ``pattern`` (``*``, ``?``, ``[…]``, ``[!…]``, ``\\`` escapes) as a regular
    expression."""
    out: list[str] = []
    at = 0
    while at < len(pattern):
        char = pattern[at]
        at += 1
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "\\" and at < len(pattern):
            out.append(re.escape(pattern[at]))
            at += 1
        elif char == "[" and (bracket := _bracket(pattern, at)) is not None:
            regex, at = bracket
            out.append(regex)
        else:
            out.append(re.escape(char))
    return "".join(out)


def _bracket(pattern: str, start: int) -> tuple[str, int] | None:
    """The bracket expression opened before ``start`` as a regular expression's class, and
    where the pattern goes on after it; None when it never closes (``[`` is then itself).
    ``!`` or ``^`` first negates; a ``]`` first is a member; ``[:alpha:]`` names a class;
    a range whose end comes before its start holds nothing."""
    negated = pattern[start : start + 1] in ("!", "^")
    at, members = start + negated, []
    while at < len(pattern):
        close = pattern.find(":]", at + 2) if pattern.startswith("[:", at) else -1
        if close != -1 and pattern[at + 2 : close].isalpha():
            members.append(pattern[at : close + 2])
            at = close + 2
            continue
        char = pattern[at]
        if char == "]" and at > start + negated:
            body = "".join(members)
            if not body:  # nothing in it: it matches nothing, or negated, any character
                return ("." if negated else "[^\\x00-\\x{10FFFF}]"), at + 1
            return f"[{'^' if negated else ''}{body}]", at + 1
        if char == "\\" and at + 1 < len(pattern):
            at += 1
            char = pattern[at]
        at += 1
        if pattern[at : at + 1] == "-" and at + 1 < len(pattern) and pattern[at + 1] != "]":
            end, at = pattern[at + 1], at + 2
            if end >= char:
                members.append(f"{re.escape(char)}-{re.escape(end)}")
            continue
        members.append(re.escape(char))
    return None
