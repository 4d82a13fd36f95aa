"""What bash's parameter expansions give for a variable whose value the line set: ``${x:1:2}``,
``${x/a/r}``, ``${x%/*}``, ``${x^^}``, ``${x:-default}``.

Their patterns are globs, from the command (an agent's, or whoever wrote what it runs): a
glob is run by RE2, in time linear in the value, or tried at every length of the value
within a bound; a value beyond it is not read (the form stays as it is spelt).
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

import re2

__all__ = ["TRIMS", "operated", "replaced", "trimmed"]

TRIMS = frozenset({"%", "%%", "#", "##"})
"""The operators that take an end (``${x%/*}``, ``${x%%/*}``) or a start (``${x#*/}``) off."""
_WILDCARDS = "*?["
# How long a value whose ends a glob is tried against, at every length, may be: its length
# times the pattern's wildcards at most (a glob of many `*` costs more at each length).
_TRIMMED = 1024
_SUBSTRING = re.compile(r"\s*(\d+)\s*(?::\s*(\d+)\s*)?")
# The parts of a bracket expression: a character class by name (`[:alpha:]`), a range, one
# character.
_CLASS_PARTS = re.compile(r"\[:[a-z]+:\]|.-[^]]|.", re.DOTALL)


def operated(value: str, operator: str, rest: str) -> str | None:
    """What bash's ``${x<operator><rest>}`` gives for ``x`` set to ``value``; None for a form
    not read here."""
    if operator in ("", ":-", ":=", "-", "="):
        return value
    if operator == ":" and (found := _SUBSTRING.fullmatch(rest)):
        start = int(found[1])
        return value[start : start + int(found[2])] if found[2] else value[start:]
    if operator in ("/", "//"):
        pattern, _, replacement = rest.partition("/")
        return replaced(value, operator, pattern, replacement)
    if operator in ("^^", ",,"):
        return value.upper() if operator == "^^" else value.lower()
    if operator in TRIMS:
        return trimmed(value, operator, rest)
    return None


def trimmed(value: str, operator: str, pattern: str) -> str | None:
    """What bash's ``${x%pattern}`` gives for ``x`` set to ``value`` (``%``: the shortest end
    that the glob ``pattern`` matches taken off; ``%%``: the longest; ``#`` and ``##``: a
    start); None for a value too long to try a glob against."""
    from_end = operator[0] == "%"
    wildcards = sum(map(pattern.count, _WILDCARDS))
    if not wildcards:
        return value.removesuffix(pattern) if from_end else value.removeprefix(pattern)
    if len(value) * wildcards > _TRIMMED:
        return None
    lengths = range(len(value), -1, -1) if len(operator) == 2 else range(len(value) + 1)
    for length in lengths:  # of the part taken off
        cut = len(value) - length if from_end else length
        taken, left = (value[cut:], value[:cut]) if from_end else (value[:cut], value[cut:])
        if fnmatchcase(taken, pattern):
            return left
    return value


def replaced(value: str, operator: str, pattern: str, replacement: str) -> str | None:
    """What bash's ``${x/pattern/replacement}`` gives for ``x`` set to ``value``: the longest
    match of the glob ``pattern`` that starts first replaced (``//``: each, left to right;
    ``/#pattern``: one at the start; ``/%pattern``: one at the end); None for a glob that
    ``//`` could match empty (bash and a regular expression part ways there)."""
    anchor = pattern[:1] if operator == "/" and pattern[:1] in ("#", "%") else ""
    pattern = pattern[len(anchor) :]
    if not pattern:
        return value
    if not any(c in pattern for c in _WILDCARDS):
        if anchor:
            ends = value.startswith(pattern) if anchor == "#" else value.endswith(pattern)
            if not ends:
                return value
            kept = value[len(pattern) :] if anchor == "#" else value[: -len(pattern)]
            return replacement + kept if anchor == "#" else kept + replacement
        return value.replace(pattern, replacement, -1 if operator == "//" else 1)
    regex = _glob_regex(pattern)
    options = re2.Options()
    options.longest_match = True  # leftmost-longest, as bash matches
    options.dot_nl = True
    options.log_errors = False
    try:
        compiled = re2.compile(
            {"#": f"^(?:{regex})", "%": f"(?:{regex})$"}.get(anchor, regex), options
        )
    except re2.error:  # a class RE2 refuses (`[z-a]`): bash matches nothing with it either
        return value
    if operator == "//" and compiled.fullmatch("") is not None:
        return None
    return str(compiled.sub(lambda _: replacement, value, count=0 if operator == "//" else 1))


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
        elif char == "[" and (end := _class_end(pattern, at)) is not None:
            inside = pattern[at:end]
            negated = inside[:1] in ("!", "^")
            parts = _CLASS_PARTS.findall(inside[1:] if negated else inside)
            escaped = "".join(map(_class_part, parts))
            out.append(f"[{'^' if negated else ''}{escaped}]")
            at = end + 1
        else:
            out.append(re.escape(char))
    return "".join(out)


def _class_part(part: str) -> str:
    """A part of a bracket expression as a regular expression's: a named class as it is, a
    range's ends escaped, a character escaped."""
    if part.startswith("[:"):
        return part
    if len(part) == 3:
        return f"{re.escape(part[0])}-{re.escape(part[2])}"
    return re.escape(part)


def _class_end(pattern: str, start: int) -> int | None:
    """Where the bracket expression opened before ``start`` closes (a ``]`` first, or first
    after ``!``, is one of its characters; ``[:alpha:]`` is one part of it); None when it
    never does (``[`` is then itself)."""
    at = start + (1 if pattern[start : start + 1] in ("!", "^") else 0)
    at += 1 if pattern[at : at + 1] == "]" else 0
    for part in _CLASS_PARTS.finditer(pattern, at):
        if part[0] == "]":
            return part.start()
    return None
