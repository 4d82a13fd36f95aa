"""The working directory a coding agent reports in its request, where its relative paths
start: Claude Code in its system prompt's environment section (``Working directory: …``),
Codex in an ``<environment_context>`` (``<cwd>…</cwd>``), Cursor in its user info (``The
absolute path of the user's workspace is …``).
"""

from __future__ import annotations

import re
from typing import Any

from sluice.model import Request

__all__ = ["reported_cwd"]

# Each way of reporting it, found from a word it must hold (``at`` characters in): a search
# for a word is a fast scan, where one pattern tried at every place of a long system prompt
# cost a third of a millisecond a request.
_REPORTS = (
    ("irectory", 9, re.compile(r"(?i:working directory): *([^\n<]+)")),
    ("<cwd>", 0, re.compile(r"<cwd>([^<\n]+)</cwd>")),
    (
        "workspace is ",
        28,
        re.compile(r"absolute path of the user's workspace is (\S+?)\.?(?:\s|$)", re.MULTILINE),
    ),
)
_WORDS = tuple(word for word, _, _ in _REPORTS)
# The last requests read (a tool call's hook runs once per call, several calls per response).
_recent: dict[int, tuple[Request, str | None]] = {}
_RECENT = 16


def reported_cwd(request: Request) -> str | None:
    """The working directory ``request`` reports, or None. The system prompt first, then the
    conversation's messages from the latest (Codex repeats its context when it changes)."""
    key = id(request)
    if (seen := _recent.get(key)) is not None and seen[0] is request:
        return seen[1]
    found = _search(request.body)
    if len(_recent) >= _RECENT:
        _recent.pop(next(iter(_recent)))
    _recent[key] = (request, found)
    return found


def _search(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    for key in ("system", "instructions"):
        if (value := body.get(key)) is not None and (found := _last(value)):
            return found
    for key in ("messages", "input"):
        items = body.get(key)
        if isinstance(items, list):
            for item in reversed(items):
                if found := _last(item):
                    return found
        elif items is not None and (found := _last(items)):
            return found
    return None


def _last(value: Any) -> str | None:
    """The last working directory reported in the strings of ``value``."""
    found = None
    for text in _texts(value):
        found = _last_in(text) or found
    return found.strip() if found else None


def _last_in(text: str) -> str | None:
    """The working directory reported last in ``text``, or None."""
    start, found = -1, None
    for word, at, pattern in _REPORTS:
        end = len(text)
        while (place := text.rfind(word, 0, end)) >= at:
            if (match := pattern.match(text, place - at)) is not None:
                if place - at > start:
                    start, found = place - at, match[1]
                break
            end = place + len(word) - 1
    return found


def _texts(value: Any) -> list[str]:
    """The strings in ``value`` that may report one."""
    texts: list[str] = []
    values = [value]
    while values:
        value = values.pop()
        if isinstance(value, str):
            for word in _WORDS:  # (a loop, not any(): no generator made for every string)
                if word in value:
                    texts.append(value)
                    break
        elif isinstance(value, dict):
            values.extend(reversed(value.values()))
        elif isinstance(value, list):
            values.extend(reversed(value))
    return texts
