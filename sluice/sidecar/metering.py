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

Built-in budgets (no ``limits.rate_limit_service``) are checked here, while the sidecar
handles the request body (:meth:`TokenAccount.spent`), and charged when the exchange ends
(:meth:`TokenAccount.settle`): no Envoy filter and no round trip of their own.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from sluice.auth.identity import Identity
from sluice.envoy.contract import CLIENT_KEY, MODEL_KEY, TEAM_KEY
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

    __slots__ = (
        "_caller",
        "_left",
        "_metering",
        "_sent_bytes",
        "_settled",
        "allowance",
        "meter",
    )

    def __init__(self, fmt: Format, metering: Metering | None, caller: Identity) -> None:
        """``caller``: who the budgets charge (the exchange's decided identity)."""
        self._metering = metering
        self._caller = caller
        self._settled = False
        self._left: int | None = None  # the caller's tokens left, as :meth:`spent` found
        self.meter = ResponseMeter(fmt, time.perf_counter())
        self._sent_bytes: int | None = None  # the request's size, when budgets are kept
        # Output tokens a budget leaves this stream, when it could cross it: the stream is
        # then read and cut there.
        self.allowance: int | None = None

    def spent(self) -> int | None:
        """Seconds until a spent budget of the caller renews; ``None`` while it may go on."""
        budgets = self._metering.budgets if self._metering is not None else None
        if budgets is None:
            return None
        caller = self._caller
        renews, self._left = budgets.standing(
            caller.client, caller.team, caller.key_id, caller.tokens_per_day
        )
        return renews

    def admit(self, sent: int, model: str | None, most: int | None) -> Mapping[str, str] | None:
        """The request (``sent`` bytes, asking for at most ``most`` output tokens) goes on
        (after :meth:`spent`): set its allowance; return what Envoy's rate-limit filters read
        (the client, the team, the model), ``None`` when they read nothing."""
        metering = self._metering
        if metering is None:
            return None
        budgets = metering.budgets
        caller = self._caller
        if budgets is not None:
            self._sent_bytes = sent
            left = self._left
            input_tokens = sent // BYTES_PER_TOKEN
            # Cut the stream only when it could cross the budget: else it is not parsed.
            could_cross = left is not None and (most is None or input_tokens + most > left)
            if metering.cut_streams and left is not None and could_cross:
                self.allowance = max(0, left - input_tokens)
        if not metering.describe:
            return None
        who = {CLIENT_KEY: caller.client or "anonymous", MODEL_KEY: model or ""}
        if caller.team:
            who[TEAM_KEY] = caller.team
        return who

    def feed(self, chunk: bytes) -> None:
        """A response chunk as the provider sent it."""
        self.meter.feed(chunk, time.perf_counter())

    def tokens_used(self) -> int | None:
        """The tokens the budgets charge for this exchange; ``None`` when none are kept."""
        if self._sent_bytes is None:
            return None
        return charged_tokens(self.meter.usage(), self._sent_bytes)

    def settle(self) -> None:
        """The exchange is over: charge what it used to the caller's budgets (once)."""
        budgets = self._metering.budgets if self._metering is not None else None
        tokens = self.tokens_used()
        if budgets is None or tokens is None or self._settled:
            return
        self._settled = True
        caller = self._caller
        budgets.charge_all(caller.client, caller.team, tokens, caller.key_id, caller.tokens_per_day)
