"""The words of a stored message, whatever its wire shape, without what the client added.

Claude Code wraps context it attaches to a prompt (the git status, reminders) in
``<system-reminder>`` text blocks; they are not what the person typed, so a title or a
summary leaves them out.

>>> prompt_text('{"role": "user", "content": [{"type": "text", "text": "<system-reminder>'
...             'x</system-reminder>"}, {"type": "text", "text": "fix the  login bug"}]}')
'fix the login bug'
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["message_words", "prompt_text", "shorten"]

_ADDED = "<system-reminder>"


_TOOL_OUTPUT = frozenset({"tool_result", "function_call_output"})


def message_words(message: Any) -> str:
    """The texts of a parsed message (strings, text blocks), spaces collapsed, tool output
    and client-added context left out."""
    texts: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            if not value.lstrip().startswith(_ADDED):
                texts.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict) and value.get("type") not in _TOOL_OUTPUT:
            for key in ("text", "content", "input_text"):
                if key in value:
                    collect(value[key])

    collect(message.get("content") if isinstance(message, dict) else message)
    return " ".join(" ".join(texts).split())


def prompt_text(content: str, width: int = 120) -> str:
    """The first ``width`` characters of a stored message's words (``content`` is its JSON
    text), cut with an ellipsis."""
    try:
        message = json.loads(content)
    except ValueError:
        return ""
    return shorten(message_words(message), width)


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one an ellipsis if it was cut."""
    return text if len(text) <= width else text[: width - 1] + "…"
