"""An OpenAI Responses request body as an OpenAI Chat Completions request body, through
Anthropic's: Responses -> Messages (:mod:`._request_responses_to_anthropic`), then
Messages -> Chat (:mod:`._request_anthropic_to_chat`). One mapping of each format is kept
that way; what either step drops is recorded. Chat needs no token limit, so the default
the first step adds for Anthropic is not sent, and takes OpenAI's temperatures as they are.
``reasoning.effort`` needs no thinking budget either: it is sent as Chat's own
``reasoning_effort``. Custom tools arrive as function tools taking ``{"input": string}``
(see :mod:`._custom_tools`).
"""

from __future__ import annotations

from sluice.sidecar.translate._common import JSON, Translated
from sluice.sidecar.translate._reasoning_effort import effort_of
from sluice.sidecar.translate._request_anthropic_to_chat import chat_request
from sluice.sidecar.translate._request_responses_to_anthropic import responses_anthropic_request

__all__ = ["responses_chat_request"]


def responses_chat_request(obj: JSON, model: str | None = None) -> Translated:
    """The Chat Completions body for the Responses request ``obj``; ``model`` replaces the
    client's model name. Raises ``FormatError`` for what OpenAI itself would refuse."""
    first = responses_anthropic_request({k: v for k, v in obj.items() if k != "reasoning"}, model)
    if obj.get("max_output_tokens") is None:
        del first.body["max_tokens"]
        first.dropped = [d for d in first.dropped if not d.startswith("max_tokens")]
    if (temperature := obj.get("temperature")) is not None:
        first.body["temperature"] = temperature
        first.dropped = [d for d in first.dropped if not d.startswith("temperature")]
    second = chat_request(first.body, model)
    if (effort := effort_of(obj)) is not None:
        second.body["reasoning_effort"] = effort
    for what in second.dropped:
        first.drop(what)
    return Translated(second.body, first.dropped)
