"""Server-Sent Events as the providers frame them.

An ``SseEvent`` is an optional ``event:`` name and one ``data:`` line. The providers never
send multi-line data, so neither does the fake; the line ending is a delivery choice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["SseEvent", "json_event"]


@dataclass(frozen=True, slots=True)
class SseEvent:
    """One event: ``event: {event}`` (when set), ``data: {data}``, then a blank line."""

    event: str | None
    data: str

    def encode(self, line_ending: str = "\n") -> bytes:
        lines = [] if self.event is None else [f"event: {self.event}"]
        lines.append(f"data: {self.data}")
        return (line_ending.join(lines) + line_ending * 2).encode("utf-8")

    def truncated(self) -> SseEvent:
        """The same event with its data cut in half: JSON no parser accepts."""
        return SseEvent(self.event, self.data[: len(self.data) // 2])


def json_event(event: str | None, payload: dict[str, Any]) -> SseEvent:
    """An event whose data is ``payload`` as compact JSON, non-ASCII kept as UTF-8."""
    return SseEvent(event, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
