"""Regular expressions written by users (the config, the admin API), run by RE2.

RE2 (``google-re2``) matches in time linear in the text whatever the pattern, so a pattern
such as ``(a+)+$`` cannot stall a worker the way it stalls Python's ``re`` on a long run of
``a``. The price is RE2's syntax: no look-around (``(?=``, ``(?<!``) and no back-references
(``\\1`` in the pattern; in a replacement template it is fine). :func:`compile_user` says so
in the error, for the config's error message.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol, cast

import re2

__all__ = ["UNBOUNDED", "UserMatch", "UserPattern", "compile_user", "longest_match"]

UNBOUNDED = None  # longest_match of a pattern with no upper bound (``+``, ``*``, ``{n,}``)


class UserMatch(Protocol):
    """What RE2's match objects offer (a subset of ``re.Match``)."""

    def start(self, group: int = 0) -> int: ...

    def end(self, group: int = 0) -> int: ...

    def span(self, group: int = 0) -> tuple[int, int]: ...

    def group(self, group: int = 0) -> str: ...

    def expand(self, template: str) -> str: ...


class UserPattern(Protocol):
    """What RE2's compiled patterns offer (a subset of ``re.Pattern``)."""

    pattern: str
    groups: int
    groupindex: dict[str, int]

    def search(self, text: str, pos: int = 0) -> UserMatch | None: ...

    def fullmatch(self, text: str) -> UserMatch | None: ...

    def finditer(self, text: str) -> Iterator[UserMatch]: ...

    def sub(self, repl: str | Callable[[Any], str], text: str) -> str: ...


def compile_user(pattern: str, *, ignore_case: bool = False) -> UserPattern:
    """``pattern`` compiled by RE2; ``ValueError`` saying why when RE2 cannot run it."""
    options = re2.Options()
    options.log_errors = False  # the error is raised, with its reason, instead
    options.case_sensitive = not ignore_case
    try:
        return cast(UserPattern, re2.compile(pattern, options))
    except re2.error as exc:
        raw = exc.args[0] if exc.args else exc
        reason = raw.decode() if isinstance(raw, bytes) else str(raw)
        if "perl operator" in reason or "escape sequence" in reason:
            reason += " (RE2 has no look-around, (?=...) (?<!...), and no back-references)"
        raise ValueError(f"RE2, the linear-time engine, cannot run {pattern!r}: {reason}") from None


def longest_match(pattern: str) -> int | None:
    """The most characters a match of ``pattern`` can span, or ``None`` when unbounded (or
    when Python's parser cannot read an RE2-only construct: then nothing is promised)."""
    try:
        parser: Any = importlib.import_module("re._parser")
        width = parser.parse(pattern).getwidth()[1]
    except Exception:  # RE2 syntax Python's parser does not know (\pL, \C...)
        return UNBOUNDED
    return int(width) if width < parser.MAXREPEAT else UNBOUNDED
