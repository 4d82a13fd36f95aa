"""The text a user reads in place of a tool call a policy blocked."""

from __future__ import annotations

import json

from sluice.model import ToolCall

__all__ = ["refusal_text"]


def refusal_text(call: ToolCall, reason: str) -> str:
    """A readable notice naming the tool, its arguments (pretty-printed) and the reason.

    >>> print(refusal_text(ToolCall("t1", "Bash", '{"command": "rm -rf /"}'), "destructive"))
    Sluice blocked a tool call.
    <BLANKLINE>
    Tool: Bash
    Arguments:
    {
      "command": "rm -rf /"
    }
    <BLANKLINE>
    Reason: destructive
    """
    try:
        arguments = json.dumps(call.parsed_arguments(), indent=2, ensure_ascii=False)
    except json.JSONDecodeError:
        arguments = call.arguments
    return (
        f"Sluice blocked a tool call.\n\nTool: {call.name}\nArguments:\n{arguments}\n\n"
        f"Reason: {reason}"
    )
