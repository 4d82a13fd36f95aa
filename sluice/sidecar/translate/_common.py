"""What every translation shares: the translated request and what it left behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["JSON", "Translated"]

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
