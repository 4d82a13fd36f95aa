"""Why a request fails, independent of the wire format that reports it.

``ErrorKind`` names the failures the fake upstream can produce; each wire format maps a kind
to the status code and error body its provider uses. ``InvalidRequest`` is the one exception
raised inside the package: validation and header parsing raise it, the app turns it into a
400 in the caller's format.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ErrorKind", "InvalidRequest"]


class ErrorKind(StrEnum):
    """A provider-neutral failure; the wire format chooses status and error type."""

    INVALID_REQUEST = "invalid_request"  # 400 everywhere
    RATE_LIMIT = "rate_limit"  # 429 with retry-after
    SERVER = "server"  # 500
    OVERLOADED = "overloaded"  # Anthropic 529, OpenAI 503
    NOT_FOUND = "not_found"  # 404: no such endpoint


class InvalidRequest(Exception):
    """The request is one the real API would refuse with a 400.

    ``message`` is worded like the provider's own; ``param`` and ``code`` fill the OpenAI
    error fields of the same names (Anthropic has no such fields and ignores them).
    """

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
