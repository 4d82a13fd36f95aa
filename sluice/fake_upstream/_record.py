"""What the fake upstream received: the last requests, byte for byte.

Tests read them in-process from ``app[REQUEST_LOG]`` (or ``FakeUpstream.requests``), or
over HTTP: ``GET /_fake/requests`` lists them as JSON, oldest first, and
``DELETE /_fake/requests`` forgets them. Requests to ``/_fake/`` are not recorded.
"""

from __future__ import annotations

import base64
import json
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as it arrived. ``path`` keeps the raw query string (``?beta=true``)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or ``None``."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form. ``headers`` maps lower-case names to values (a repeated header's
        values joined by ``", "``, as HTTP allows); ``body`` is text (invalid UTF-8 replaced),
        ``body_base64`` the exact bytes."""
        headers: dict[str, str] = {}
        for name, value in self.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return {
            "method": self.method,
            "path": self.path,
            "headers": headers,
            "body": self.body.decode("utf-8", errors="replace"),
            "body_base64": base64.b64encode(self.body).decode("ascii"),
        }


class RequestLog:
    """The last ``capacity`` requests, oldest first.

    >>> log = RequestLog(capacity=2)
    >>> len(log)
    0
    """

    def __init__(self, capacity: int = 100) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._requests: deque[RecordedRequest] = deque(maxlen=capacity)

    def append(self, request: RecordedRequest) -> None:
        self._requests.append(request)

    def clear(self) -> None:
        self._requests.clear()

    @property
    def last(self) -> RecordedRequest:
        """The most recent request; ``LookupError`` when none was received."""
        if not self._requests:
            raise LookupError("the fake upstream has received no request")
        return self._requests[-1]

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(list(self._requests))

    def __len__(self) -> int:
        return len(self._requests)
