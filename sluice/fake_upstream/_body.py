"""Reading a request body as the providers' JSON parsers do.

Python's ``json`` accepts a lone UTF-16 surrogate escape (``"\\ud83d"`` without its pair);
the providers refuse it. A gateway that cuts a string between the two halves of an escaped
emoji produces exactly that, so it is refused here too.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._wire import JSON

__all__ = ["NotJson", "parse_object"]

# A \uD800-\uDBFF escape (not an escaped backslash followed by "u") with no \uDC00-\uDFFF
# escape after it.
_LONE_SURROGATE = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)


class NotJson(ValueError):
    """The body is not a JSON object; the message says why, in Python's json wording."""


def parse_object(raw: bytes) -> JSON:
    """The request body as a JSON object, or ``NotJson``."""
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotJson(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise NotJson(f"invalid UTF-8: {exc.reason} (byte {exc.start})") from None
    if not isinstance(body, dict):
        raise NotJson("expected a JSON object")
    lone = _LONE_SURROGATE.search(raw)
    if lone is not None:
        at = lone.end() - len(b"\\ud800")
        line = raw.count(b"\n", 0, at) + 1
        column = at - (raw.rfind(b"\n", 0, at) + 1) + 1
        raise NotJson(f"no low surrogate in string: line {line} column {column} (char {at})")
    return body
