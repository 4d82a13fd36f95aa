"""What an exchange costs in tokens, for the token budgets, and what the limits need.

Every provider reports usage in the response itself (Anthropic in ``message_start`` and
``message_delta``, Chat Completions in its last chunk when the client asked for it with
``stream_options.include_usage``, the Responses API in ``response.completed``, each
non-streaming body in its ``usage`` object). The exchange's
:class:`~sluice.sidecar.usage.ResponseMeter`, which already reads every response chunk for
the metrics and the access log, finds those numbers; :func:`charged_tokens` turns them into
the count a budget is charged. A response that reports no usage (a failed or cut-off
upstream, a Chat stream without ``include_usage``) is charged an estimate: four bytes of
request body a token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sluice.sidecar.budgets import Budgets

__all__ = ["BYTES_PER_TOKEN", "Metering", "charged_tokens"]

BYTES_PER_TOKEN = 4  # the usual rough measure of English text and JSON


@dataclass(frozen=True, slots=True)
class Metering:
    """What the sidecar does for the limits: tell Envoy's rate-limit filters who asks for
    which model (``describe``: dynamic metadata with the reply to the request body), and count
    tokens for the budgets (``budgets``, and whether a stream that would cross one is cut)."""

    describe: bool = False
    budgets: Budgets | None = None
    cut_streams: bool = True


def charged_tokens(usage: Mapping[str, int], request_bytes: int) -> int:
    """Input (cached or not) plus output tokens of a response's ``usage`` (as
    :meth:`ResponseMeter.usage` gives it); the estimate when it reported none."""
    if "input" not in usage and "output" not in usage:
        return request_bytes // BYTES_PER_TOKEN
    return usage.get("input", 0) + usage.get("output", 0)
