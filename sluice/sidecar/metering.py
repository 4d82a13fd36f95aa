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

import time
from collections.abc import Mapping
from dataclasses import dataclass

from sluice.envoy.contract import CLIENT_KEY, MODEL_KEY
from sluice.model import Format
from sluice.sidecar.budgets import Budgets
from sluice.sidecar.usage import ResponseMeter

__all__ = ["BYTES_PER_TOKEN", "Metering", "TokenAccount", "charged_tokens"]

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


class TokenAccount:
    """What one LLM exchange uses: its response's :class:`ResponseMeter` (usage and time to
    first token, for the metrics and the access log), the output tokens a budget leaves it
    (:attr:`allowance`), and the tokens the budgets charge for it (:meth:`tokens_used`).

    ``metering`` is ``None`` when no limits are kept: the meter still runs.
    """

    __slots__ = ("_metering", "_sent_bytes", "allowance", "meter")

    def __init__(self, fmt: Format, metering: Metering | None) -> None:
        self._metering = metering
        self.meter = ResponseMeter(fmt, time.perf_counter())
        self._sent_bytes: int | None = None  # the request's size, when budgets are kept
        # Output tokens a budget leaves this stream, when it could cross it: the stream is
        # then read and cut there.
        self.allowance: int | None = None

    def admit(
        self, sent: int, model: str | None, most: int | None, client: str | None, team: str | None
    ) -> Mapping[str, str] | None:
        """The request (``sent`` bytes, asking for at most ``most`` output tokens) goes on:
        set its allowance; return what Envoy's rate-limit filters read (the key's
        fingerprint, the model), ``None`` when they read nothing."""
        metering = self._metering
        if metering is None:
            return None
        budgets = metering.budgets
        if budgets is not None:
            self._sent_bytes = sent
            left = budgets.remaining(client, team)
            input_tokens = sent // BYTES_PER_TOKEN
            # Cut the stream only when it could cross the budget: else it is not parsed.
            could_cross = left is not None and (most is None or input_tokens + most > left)
            if metering.cut_streams and left is not None and could_cross:
                self.allowance = max(0, left - input_tokens)
        if not metering.describe:
            return None
        return {CLIENT_KEY: client or "anonymous", MODEL_KEY: model or ""}

    def feed(self, chunk: bytes) -> None:
        """A response chunk as the provider sent it."""
        self.meter.feed(chunk, time.perf_counter())

    def tokens_used(self) -> int | None:
        """The tokens the budgets charge for this exchange; ``None`` when none are kept."""
        if self._sent_bytes is None:
            return None
        return charged_tokens(self.meter.usage(), self._sent_bytes)
