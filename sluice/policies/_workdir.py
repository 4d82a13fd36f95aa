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

_REPORTED = re.compile(  # linear: no lazy group before a trailing pattern
    r"(?i:working directory): *([^\n<]+)|<cwd>([^<\n]+)</cwd>"
    r"|absolute path of the user's workspace is (\S+?)\.?(?:\s|$)",
    re.MULTILINE,
)
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
        if found := _last(body.get(key)):
            return found
    for key in ("messages", "input"):
        items = body.get(key)
        if isinstance(items, list):
            for item in reversed(items):
                if found := _last(item):
                    return found
        elif found := _last(items):
            return found
    return None


def _last(value: Any) -> str | None:
    """The last working directory reported in the strings of ``value``."""
    found = None
    for text in _texts(value):
        for match in _REPORTED.finditer(text):
            found = match.group(1) or match.group(2) or match.group(3)
    return found.strip() if found else None


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if ("irectory" in value or "cwd>" in value or "workspace" in value) else []
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []
