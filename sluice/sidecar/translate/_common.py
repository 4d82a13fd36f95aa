"""What every translation shares: the translated request and what it left behind, and the
shapes of streamed events.

Most events of a stream are one piece of text (or of thinking, or of tool arguments) each,
written by the server from one template: the same JSON around a string that changes. A
translator that has read one such event whole keeps its *shape*, the JSON before and after
that string (:func:`shape_of`); a later event with the same shape says the same with
another string, which :func:`piece_in` finds (checked to be one complete, valid JSON
string, escapes and all) without parsing the event::

    shape = shape_of('{"delta":{"content":"Hi"}}', "content", "Hi")
    piece_in('{"delta":{"content":"a \\"b\\""}}', shape)   # ('"a \\"b\\""', 'a "b"')

OpenAI's own Chat Completions stream ends every chunk with ``"obfuscation":"<padding>"``, a
random string of random length that hides the length of each piece from whoever watches
the encrypted traffic. A shape leaves that member out and accepts any padding that is one
plain JSON string (checked by the same scanner) as the chunk's last member, so the padding
costs the fast path nothing::

    shape = shape_of('{"content":"Hi","obfuscation":"x1"}', "content", "Hi")
    piece_in('{"content":"Yo","obfuscation":"Qz9k"}', shape)   # ('"Yo"', 'Yo')
"""

from __future__ import annotations

import re
from _json import scanstring  # json's own C string scanner
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JSON", "Shape", "Translated", "piece_in", "shape_of"]

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
# An event's text before and after the string of its one piece, and whether the event ends
# in OpenAI's padding member, left out of the text after (see the module docstring).
Shape = tuple[str, str, bool]
# Why tolerate the padding rather than ask for none (``stream_options.include_obfuscation:
# false``): OpenAI-compatible servers (vLLM, Ollama...) may refuse a key they do not know,
# and a base URL does not say reliably which server answers (a proxy may front OpenAI);
# and the padding protects the gateway's leg to the provider, over the internet, from
# length side channels: saving CPU is no reason to take that away.
_PADDING = ',"obfuscation":"'
_PADDED = len(_PADDING)


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
    if found != value:
        return None
    padding = data.rfind(_PADDING, end)
    if padding >= 0 and _padding_ends(data, padding):
        return (data[:start], data[end:padding], True)
    return (data[:start], data[end:], False)


def piece_in(data: str, shape: Shape) -> tuple[str, str] | None:
    """``(JSON string, value)`` for the string that ``data`` holds in ``shape``'s place (the
    JSON string as written, quotes and escapes kept), when ``data`` is ``shape`` around one
    valid, non-empty JSON string; else ``None``."""
    before, after, padded = shape
    stop_at = len(data)  # where ``after`` ends
    if padded:  # (inlined :func:`_padding_ends`: this runs for most events)
        stop_at = data.rfind(_PADDING)
        if stop_at < 0 or data[-1] != "}":
            return None
        try:
            _, stop = scanstring(data, stop_at + _PADDED)
        except ValueError:
            return None
        if stop != len(data) - 1:
            return None
    start, end = len(before), stop_at - len(after)
    if end - start < 3 or not data.startswith(before) or not data.endswith(after, 0, stop_at):
        return None
    try:
        value, stop = scanstring(data, start + 1)  # the C scanner: checks escapes, no parse
    except ValueError:
        return None
    return (data[start:end], value) if stop == end and data[start] == '"' else None


def _padding_ends(data: str, at: int) -> bool:
    """Whether ``data`` ends, from ``at``, in the padding member, one plain JSON string,
    and the object's ``}``."""
    if not data.endswith("}"):
        return False
    try:
        _, stop = scanstring(data, at + _PADDED)
    except ValueError:
        return False
    return stop == len(data) - 1
