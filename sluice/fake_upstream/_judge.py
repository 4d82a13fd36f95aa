"""The fake as a judge model: a verdict on the prompt it was sent, for tool-judging policies.

A judge script answers with one JSON object, worked out from the text of the request's last
user message: ``block`` with a high risk when the text holds a dangerous marker (``rm -rf``
or ``DANGER``), else ``allow`` with a low risk::

    {"verdict": "block", "risk": 0.9, "reason": "The call contains 'rm -rf', ..."}

A policy configured with ``model: judge`` and the fake's URL thus judges every call the way
a test expects, through the real gateway.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._wire import JSON

__all__ = ["DANGER_MARKERS", "JUDGE_SLOW_DELAY_MS", "judge_answer", "last_user_text"]

DANGER_MARKERS = ("rm -rf", "DANGER")
JUDGE_SLOW_DELAY_MS = 30_000  # longer than any judge timeout a test configures


def judge_answer(prompt: str) -> str:
    """The judge's verdict on ``prompt``, as compact JSON text."""
    marker = next((m for m in DANGER_MARKERS if m in prompt), None)
    if marker is None:
        verdict: JSON = {
            "verdict": "allow",
            "risk": 0.1,
            "reason": "Nothing dangerous found in the call.",
        }
    else:
        verdict = {
            "verdict": "block",
            "risk": 0.9,
            "reason": f"The call contains {marker!r}, which could destroy data.",
        }
    return json.dumps(verdict)


def last_user_text(body: JSON) -> str:
    """The text of the last user message of an Anthropic, Chat Completions or Responses body."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        messages = body.get("input")  # Responses: a string, or a list of items
        if isinstance(messages, str):
            return messages
    if not isinstance(messages, list):
        return ""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return _text(message.get("content"))
    return ""


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    return "\n".join(
        part["text"]
        for part in content
        if isinstance(part, dict) and isinstance(part.get("text"), str)
    )
