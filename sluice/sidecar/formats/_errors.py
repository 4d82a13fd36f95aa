"""The errors a format adapter raises when a body does not fit its wire format.

::

    FormatError (ValueError)   the body cannot be read as this format; the sidecar answers 400
    ├── MalformedJSON          not JSON at all
    └── WrongShape             JSON, but the value at ``path`` is missing or of the wrong type

Streams never raise these: a stream event that cannot be read becomes an ``ERROR`` part and its
bytes flow on. Misusing an adapter (rendering a block a format cannot carry) raises a plain
``ValueError`` instead, since it is a bug in the caller, not in the client's request.
"""

from __future__ import annotations

__all__ = ["FormatError", "MalformedJSON", "WrongShape"]


class FormatError(ValueError):
    """A body that cannot be read as the expected wire format; ``str()`` says where and why."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class MalformedJSON(FormatError):
    """The body is not JSON (or not UTF-8)."""


class WrongShape(FormatError):
    """The body is JSON, but the value at ``path`` is missing or of the wrong type."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path or 'body'}: {problem}", path)
