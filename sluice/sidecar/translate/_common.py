"""What every translation shares: the translated request and what it left behind, and the
shapes of streamed events.

Most events of a stream are one piece of text (or of thinking, or of tool arguments) each,
written by the server from one template: the same JSON around a string that changes. A
translator that has read one such event whole keeps its *shape*, the JSON before and after
that string (:func:`shape_of`); a later event with the same shape says the same with
another string, which :func:`string_in` finds (checked to be one complete, valid JSON
string, escapes and all) without parsing the event::

    shape = shape_of('{"delta":{"content":"Hi"}}', "content", "Hi")
    string_in('{"delta":{"content":"a \\"b\\""}}', shape)   # '"a \\"b\\""'
"""

from __future__ import annotations

import re
from _json import scanstring  # json's own C string scanner
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JSON", "Shape", "Translated", "piece_in", "shape_of", "string_in"]

JSON = dict[str, Any]


@dataclass(slots=True)
class Translated:
    """The request in the backend's format, and what could not be carried."""

    body: JSON
    dropped: list[str] = field(default_factory=list)

    def drop(self, what: str) -> None:
        """Name something the backend does not receive (once)."""
        if what not in self.dropped:
            self.dropped.append(what)


_COLON = re.compile(r"\s*:\s*")
# An event's text before and after the string of its one piece (see the module docstring).
Shape = tuple[str, str]


def shape_of(data: str, key: str, value: str) -> Shape | None:
    """``data`` around the string of its only ``key`` member, known to hold ``value``; ``None``
    when ``key`` appears more than once (a value could spell it too)."""
    quoted = f'"{key}"'
    at = data.find(quoted)
    if at < 0 or data.find(quoted, at + 1) >= 0:
        return None
    colon = _COLON.match(data, at + len(quoted))
    if colon is None or data[colon.end() : colon.end() + 1] != '"':
        return None
    start = colon.end()
    try:
        found, end = scanstring(data, start + 1)
    except ValueError:
        return None
    return (data[:start], data[end:]) if found == value else None


def string_in(data: str, shape: Shape) -> str | None:
    """The JSON string (quotes and escapes kept) that ``data`` holds in ``shape``'s place,
    when ``data`` is ``shape`` around one valid, non-empty JSON string; else ``None``."""
    before, after = shape
    start, end = len(before), len(data) - len(after)
    if end - start < 3 or not data.startswith(before) or not data.endswith(after):
        return None
    try:
        _, stop = scanstring(data, start + 1)  # the C scanner: checks escapes, no parse
    except ValueError:
        return None
    return data[start:end] if stop == end and data[start] == '"' else None


def piece_in(data: str, shape: Shape) -> tuple[str, str] | None:
    """As :func:`string_in`, with the string's value too: ``(JSON string, value)``."""
    before, after = shape
    start, end = len(before), len(data) - len(after)
    if end - start < 3 or not data.startswith(before) or not data.endswith(after):
        return None
    try:
        value, stop = scanstring(data, start + 1)
    except ValueError:
        return None
    return (data[start:end], value) if stop == end and data[start] == '"' and value else None
