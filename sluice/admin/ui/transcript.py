"""A session shaped for its page: turns in order, each with the messages its request added,
the response as delivered, the tool calls a policy blocked, and the decisions with reasons.

Built from :func:`sluice.admin.views.session_json` in one pass, so a 500-turn session
renders in a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Turn", "turns"]

JSON = dict[str, Any]


@dataclass(slots=True)
class Turn:
    number: int
    exchange: JSON
    messages: list[JSON]  # the messages this turn's request added
    response: list[JSON]  # the response's blocks, as the client received them
    stop_reason: str | None
    blocked: list[JSON] = field(default_factory=list)  # tool calls the client never got
    modified: bool = False


def _tool_call_ids(response: JSON | None) -> set[str]:
    if response is None:
        return set()
    return {b["id"] for b in response["blocks"] if b["type"] == "tool_call"}


def turns(session: JSON) -> list[Turn]:
    """The turns of ``session`` (as :func:`~sluice.admin.views.session_json` returns it)."""
    messages = session["messages"]
    out = []
    for number, exchange in enumerate(session["exchanges"], 1):
        first, last = exchange["messages"]
        original, delivered = exchange["response"], exchange["response_delivered"]
        shown = delivered or original
        blocked = []
        if delivered is not None and original is not None:
            kept = _tool_call_ids(delivered)
            blocked = [
                b for b in original["blocks"] if b["type"] == "tool_call" and b["id"] not in kept
            ]
        out.append(
            Turn(
                number=number,
                exchange=exchange,
                messages=messages[first:last],
                response=shown["blocks"] if shown else [],
                stop_reason=shown["stop_reason"] if shown else None,
                blocked=blocked,
                modified=exchange["request_modified"] or exchange["response_modified"],
            )
        )
    return out
