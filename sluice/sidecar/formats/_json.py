"""Reading JSON bodies with precise errors, and writing JSON the way the providers do.

Every reader takes the JSON path of the value it looks at, so a body of the wrong shape fails
with a message naming the place, e.g. ``messages[3].content[0].text: expected a string, got
null``. Paths are built with :func:`at`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from sluice.sidecar.formats._errors import MalformedJSON, WrongShape

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from sluice.model import Usage

__all__ = [
    "JSON",
    "LINE_BYTE",
    "PLAIN_STRING",
    "TEXT_COUNT",
    "TEXT_NAME",
    "TEXT_STRING",
    "VALID_STRING",
    "WIRE_COUNT",
    "WIRE_STRING",
    "at",
    "dump",
    "load_object",
    "need",
    "objects",
    "opt",
    "read_usage",
    "string_text",
    "wire_text",
    "wrong",
]

JSON = dict[str, Any]
T = TypeVar("T")

# Patterns of JSON as a stream writes it, for a reader that checks a spelling without parsing
# it. A byte on one line: any but LF and CR (which ends a line too); one that may stand in a
# JSON string unescaped: that, but a quote or a backslash. Spelt as the bytes they are, not
# as the ones they are not: Python's engine tests a negated set a third slower.
LINE_BYTE = rb"[\x00-\t\x0b\x0c\x0e-\xff]"
_PLAIN = rb"[\x00-\t\x0b\x0c\x0e-!#-\[\]-\xff]"
# One JSON string on one line: each escape is a backslash and the byte after it (unrolled
# and possessive: a run of plain bytes is matched at once, never retried).
WIRE_STRING = b'"' + _PLAIN + rb"*+(?:\\" + LINE_BYTE + _PLAIN + rb'*+)*+"'
# One without escapes or control bytes (an id, a model's name): as ``json`` reads it; a
# different one is simply not this spelling.
PLAIN_STRING = rb'"[ !#-\[\]-\xff]*+"'
# One JSON string on one line as ``json`` reads it (no control byte, the escapes that
# stand for one character, ``\u`` but of no surrogate: a pair is left to ``json``), for
# :func:`wire_text` to read; its bytes valid UTF-8 or not.
VALID_STRING = (
    rb'"[^"\\\x00-\x1f]*+(?:\\(?:["\\/bfnrt]|u(?![dD][89abAB])[0-9a-fA-F]{4})'
    rb'[^"\\\x00-\x1f]*+)*+"'
)
# A JSON number that is a count (no sign, no leading zero), as ``json`` reads it.
WIRE_COUNT = rb"(?:0|[1-9][0-9]{0,17})"
# One JSON string in text (an event's data, decoded), as ``json`` reads it: no control
# character, and only the escapes that stand for one character (``\u`` may make a lone
# surrogate, which a reader must refuse: a string that holds one is not this spelling).
TEXT_STRING = r'"[^"\\\x00-\x1f]*+(?:\\["\\/bfnrt][^"\\\x00-\x1f]*+)*+"'
TEXT_NAME = r'"[^"\\\x00-\x1f]*+"'  # one without escapes (an id, a model's name)
TEXT_COUNT = WIRE_COUNT.decode()  # a count, in text

_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "an object",
    type(None): "null",
}


def _name(value: object) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def at(path: str, key: str | int) -> str:
    """The path of ``key`` inside the value at ``path``: ``at("messages", 3) == "messages[3]"``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def wrong(path: str, expected: str, value: object) -> WrongShape:
    """The error for ``value`` found at ``path`` where ``expected`` was required."""
    return WrongShape(path, f"expected {expected}, got {_name(value)}")


def _check(value: object, kind: type[T], path: str) -> T:
    # bool is an int to Python but not to JSON Schema: a max_tokens of true is a client bug.
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return value  # type: ignore[return-value]  # JSON numbers: an integer is a number
    raise wrong(path, _NAMES[kind], value)


def need(obj: JSON, key: str, kind: type[T], path: str) -> T:
    """``obj[key]``, which must be present and of type ``kind``; ``path`` is ``obj``'s path."""
    if key not in obj:
        raise WrongShape(at(path, key), "missing")
    value = obj[key]
    if type(value) is kind:  # the usual case: no path to spell out
        return value
    return _check(value, kind, at(path, key))


def opt(obj: JSON, key: str, kind: type[T], path: str) -> T | None:
    """``obj[key]`` if present and not null (then it must be of type ``kind``), else ``None``."""
    value = obj.get(key)
    if value is None or type(value) is kind:  # the usual cases: no path to spell out
        return value
    return _check(value, kind, at(path, key))


def objects(items: list[Any], path: str) -> Iterator[tuple[str, JSON]]:
    """Each element of the array at ``path`` with its own path; every element must be an object."""
    for i, item in enumerate(items):
        item_path = at(path, i)
        yield item_path, _check(item, dict, item_path)


def _no_constant(name: str) -> object:
    raise MalformedJSON(f"body is not valid JSON: {name} is not a JSON number")


# One decoder for every body (json.loads with an option builds one per call).
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def string_text(quoted: str) -> str:
    """The text of one JSON string as :data:`TEXT_STRING` matches it."""
    return _DECODER.decode(quoted) if "\\" in quoted else quoted[1:-1]


def wire_text(quoted: bytes) -> str | None:
    """The text of one JSON string as :data:`WIRE_STRING` matches it, or ``None`` when it
    is not valid JSON text (a bad escape, invalid UTF-8, a lone surrogate escape)."""
    try:
        if b"\\" not in quoted:
            return quoted[1:-1].decode()
        text = _DECODER.decode(quoted.decode())
        text.encode()  # a lone surrogate escape is no text
    except ValueError:  # (UnicodeError and JSONDecodeError are ValueErrors)
        return None
    return text if isinstance(text, str) else None


def _encoding(body: bytes) -> tuple[str, str]:
    """How json.loads decodes ``body``: the encoding it detects, lone surrogates kept."""
    return json.detect_encoding(body), "surrogatepass"


def load_object(body: bytes | str) -> JSON:
    """Parse ``body``, which must be a JSON object of valid Unicode (no lone surrogate
    escape such as ``"\\ud800"``, which no provider accepts and UTF-8 cannot carry)."""
    try:
        text = body if isinstance(body, str) else body.decode(*_encoding(body))
        value = _DECODER.decode(text)
    except RecursionError:
        raise MalformedJSON("body is not valid JSON: nested too deeply (depth limit)") from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        if isinstance(exc, MalformedJSON):
            raise
        raise MalformedJSON(f"body is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise wrong("", "an object", value)
    # Only an escape can make a surrogate: skip the walk for the bodies that hold none.
    if isinstance(body, str):
        escaped = "\\ud" in body or "\\uD" in body
    else:
        escaped = b"\\ud" in body or b"\\uD" in body
    if escaped:
        _check_unicode(value, "")
    return value


def _check_unicode(value: object, path: str) -> None:
    """Raise :class:`MalformedJSON` naming the first string (or key) that is not valid
    Unicode."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, where)
                stack.append((child, at(where, key)))
        elif isinstance(item, list):
            stack.extend((child, at(where, i)) for i, child in enumerate(item))


def _check_text(text: str, path: str) -> None:
    try:
        text.encode()
    except UnicodeEncodeError:
        raise MalformedJSON(
            f"{path or 'body'}: invalid Unicode: a lone surrogate escape (\\ud800-\\udfff)",
        ) from None


def dump(value: Any) -> str:
    """Compact JSON, non-ASCII kept as is: the form the providers' own streams use."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def read_usage(usage: Usage, obj: JSON | None, path: str, fields: Mapping[str, str]) -> Usage:
    """Copy token counts from ``obj`` into ``usage``: ``fields`` maps a wire key (dotted for
    nested objects, e.g. ``"prompt_tokens_details.cached_tokens"``) to a :class:`Usage`
    attribute. Counts absent or null in ``obj`` leave ``usage`` as it was."""
    if obj is None:
        return usage
    for key, attr in fields.items():
        parent, _, leaf = key.rpartition(".")
        holder: JSON | None = opt(obj, parent, dict, path) if parent else obj
        if holder is not None:
            value = opt(holder, leaf, int, at(path, parent) if parent else path)
            if value is not None:
                setattr(usage, attr, value)
    return usage
