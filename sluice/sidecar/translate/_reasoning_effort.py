"""A Responses request's ``reasoning.effort`` as Anthropic extended thinking.

=========================  =============================================
``reasoning.effort``       Anthropic ``thinking``
=========================  =============================================
absent, ``none``,          none (``minimal`` is recorded: Anthropic has
``minimal``                no thinking that short)
``low``                    ``{"type": "enabled", "budget_tokens": 2048}``
``medium``                 ``8192``
``high``                   ``16384``
``xhigh``                  ``24576``
``max``                    ``31999``
=========================  =============================================

Anthropic counts thinking within ``max_tokens`` and requires ``budget_tokens`` of at least
1024 and below ``max_tokens``; OpenAI also counts reasoning within ``max_output_tokens``, so
a limit above the budget is sent as it is. A limit at or below the budget is raised to the
budget plus that limit (the limit left for the answer), and a request without a limit gets
the budget plus :data:`DEFAULT_MAX_TOKENS`; both are recorded. Extended thinking also
refuses a forced tool choice (``required``, a named tool): then no thinking is sent, and
that is recorded; a ``temperature`` other than 1, and a ``top_p`` below 0.95, are not sent.
"""

from __future__ import annotations

from sluice.sidecar.translate._anthropic_request import DEFAULT_MAX_TOKENS
from sluice.sidecar.translate._common import JSON, Translated

__all__ = ["BUDGETS", "effort_of", "think"]

BUDGETS = {"low": 2048, "medium": 8192, "high": 16384, "xhigh": 24576, "max": 31999}


def effort_of(request: JSON) -> str | None:
    """The ``reasoning.effort`` of a Responses ``request``, if any."""
    reasoning = request.get("reasoning")
    effort = reasoning.get("effort") if isinstance(reasoning, dict) else None
    return effort if isinstance(effort, str) else None


def think(request: JSON, body: JSON, out: Translated) -> None:
    """Give the Anthropic ``body`` the thinking that ``request``'s effort asks for."""
    effort = effort_of(request)
    if effort == "minimal":
        out.drop("reasoning.effort (minimal: sent without thinking)")
    budget = BUDGETS.get(effort or "")
    if budget is None:
        if effort not in (None, "none", "minimal"):
            out.drop(f"reasoning.effort ({effort})")
        return
    if (body.get("tool_choice") or {}).get("type") in ("any", "tool"):
        out.drop(f"reasoning.effort ({effort}: a forced tool choice allows no thinking)")
        return
    body["thinking"] = {"type": "enabled", "budget_tokens": budget}
    limit = request.get("max_output_tokens")
    if limit is None:
        out.dropped = [d for d in out.dropped if not d.startswith("max_tokens")]
        body["max_tokens"] = budget + DEFAULT_MAX_TOKENS
        out.drop(f"max_tokens (none given: {body['max_tokens']} sent, {budget} of them thinking)")
    elif limit <= budget:
        body["max_tokens"] = budget + limit
        out.drop(f"max_tokens ({limit} raised to {body['max_tokens']} for {budget} of thinking)")
    if body.get("temperature", 1) != 1:
        out.drop(f"temperature ({body.pop('temperature')}: thinking needs 1)")
    if body.get("top_p", 1) < 0.95:
        out.drop(f"top_p ({body.pop('top_p')}: thinking needs 0.95 or more)")
