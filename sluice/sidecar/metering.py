"""What an exchange costs in tokens and dollars, for the budgets, and what the limits need.

Every provider reports usage in the response itself (Anthropic in ``message_start`` and
``message_delta``, Chat Completions in its last chunk when the client asked for it with
``stream_options.include_usage``, the Responses API in ``response.completed``, each
non-streaming body in its ``usage`` object). The exchange's
:class:`~sluice.sidecar.usage.ResponseMeter`, which already reads every response chunk for
the metrics and the access log, finds those numbers; :func:`charged_tokens` turns them into
the count a budget is charged. A response that reports no usage (a failed or cut-off
upstream, a Chat stream without ``include_usage``) is charged an estimate: four bytes of
request body a token.

Its cost in dollars is that usage at the model's price (:mod:`sluice.sidecar.pricing`),
or, when no usage was reported, the estimated input tokens at the input price; a model
without a price costs nothing known (``None``) and is charged to no dollar budget.

Built-in budgets (no ``limits.rate_limit_service``) are checked here, while the sidecar
handles the request body (:meth:`TokenAccount.spent`), and charged when the exchange ends
(:meth:`TokenAccount.settle`): no Envoy filter and no round trip of their own. A stream
that could cross a token or dollar budget gets an :attr:`TokenAccount.allowance` of output
tokens; a dollar budget's is what its dollars left buy at the model's output price, once
the input is paid for.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from sluice.auth.identity import Identity
from sluice.config.limits import MONTH, Period
from sluice.envoy.contract import CLIENT_KEY, MODEL_KEY, TEAM_KEY
from sluice.model import Format
from sluice.sidecar.budgets import Budgets
from sluice.sidecar.pricing import PriceBook, Priced, cost_usd
from sluice.sidecar.usage import ResponseMeter

__all__ = ["BYTES_PER_TOKEN", "Metering", "TokenAccount", "charged_tokens"]

BYTES_PER_TOKEN = 4  # the usual rough measure of English text and JSON
_DAY_S = Period.DAY.seconds


@dataclass(frozen=True, slots=True)
class Metering:
    """What the sidecar does for the limits and the costs: tell Envoy's rate-limit filters
    who asks for which model (``describe``: dynamic metadata with the reply to the request
    body), count tokens and dollars for the budgets (``budgets``, and whether a stream that
    would cross one is cut), price each exchange (``prices``)."""

    describe: bool = False
    budgets: Budgets | None = None
    cut_streams: bool = True
    prices: PriceBook | None = None


def charged_tokens(usage: Mapping[str, int], request_bytes: int) -> int:
    """Input (cached or not) plus output tokens of a response's ``usage`` (as
    :meth:`ResponseMeter.usage` gives it); the estimate when it reported none."""
    if "input" not in usage and "output" not in usage:
        return request_bytes // BYTES_PER_TOKEN
    return usage.get("input", 0) + usage.get("output", 0)


class TokenAccount:
    """What one LLM exchange uses: its response's :class:`ResponseMeter` (usage and time to
    first token, for the metrics and the access log), the output tokens a budget leaves it
    (:attr:`allowance`), the tokens the budgets charge for it (:meth:`tokens_used`) and
    what it cost (:attr:`cost`, :attr:`priced`, known once it is settled).

    ``metering`` is ``None`` when no limits are kept and nothing is priced: the meter still
    runs.
    """

    __slots__ = (
        "_caller",
        "_left",
        "_metering",
        "_model",
        "_sent_bytes",
        "_settled",
        "_usd_left",
        "allowance",
        "cost",
        "dollars_spent",
        "meter",
        "priced",
    )

    def __init__(self, fmt: Format, metering: Metering | None, caller: Identity) -> None:
        """``caller``: who the budgets charge (the exchange's decided identity)."""
        self._metering = metering
        self._caller = caller
        self._settled = False
        self._left: int | None = None  # the caller's tokens left, as :meth:`spent` found
        self._usd_left: float | None = None  # ... and dollars left
        self._model: str | None = None  # the model the provider is asked for
        self.meter = ResponseMeter(fmt, time.perf_counter())
        self._sent_bytes: int | None = None  # the request's size, once it went on
        # Output tokens a budget leaves this stream, when it could cross it: the stream is
        # then read and cut there.
        self.allowance: int | None = None
        self.cost: float | None = None  # dollars, once settled (None: not priced)
        self.priced: Priced | None = None  # the price it was priced at
        self.dollars_spent = False  # :meth:`spent` found a dollar budget spent

    def spent(self) -> int | None:
        """Seconds until a spent budget of the caller renews; ``None`` while it may go on."""
        budgets = self._metering.budgets if self._metering is not None else None
        if budgets is None:
            return None
        caller = self._caller
        standing = budgets.standing_all(
            caller.client, caller.team, caller.key_id, caller.tokens_per_day, _key_usd(caller)
        )
        self._left, self._usd_left = standing.tokens_left, standing.usd_left
        self.dollars_spent = standing.dollars_spent
        return standing.renews_s

    def admit(
        self,
        sent: int,
        model: str | None,
        most: int | None,
        *,
        provider: str | None = None,
        priced_as: str | None = None,
    ) -> Mapping[str, str] | None:
        """The request (``sent`` bytes, asking for at most ``most`` output tokens) goes on
        (after :meth:`spent`) to ``provider``, which is asked for ``priced_as`` (default:
        ``model``): set its allowance; return what Envoy's rate-limit filters read (the
        client, the team, the model), ``None`` when they read nothing."""
        metering = self._metering
        if metering is None:
            return None
        self._sent_bytes = sent
        self._model = priced_as or model
        budgets = metering.budgets
        caller = self._caller
        if budgets is not None and metering.cut_streams:
            input_tokens = sent // BYTES_PER_TOKEN
            allowances = []
            if (left := self._left) is not None:
                allowances.append(left - input_tokens)
            if self._usd_left is not None and metering.prices is not None:
                priced = metering.prices.lookup(provider, self._model)
                if priced is not None:
                    allowances.append(_affordable(priced, self._usd_left, input_tokens))
            # Cut the stream only when it could cross a budget: else it is not parsed.
            if allowances and (most is None or most > min(allowances)):
                self.allowance = max(0, min(allowances))
        if not metering.describe:
            return None
        who = {CLIENT_KEY: caller.client or "anonymous", MODEL_KEY: model or ""}
        if caller.team:
            who[TEAM_KEY] = caller.team
        return who

    @property
    def sent(self) -> bool:
        """Whether the request went on to a provider (:meth:`admit`)."""
        return self._sent_bytes is not None

    def feed(self, chunk: bytes) -> None:
        """A response chunk as the provider sent it."""
        self.meter.feed(chunk, time.perf_counter())

    def tokens_used(self) -> int | None:
        """The tokens the budgets charge for this exchange; ``None`` when none are kept."""
        if self._sent_bytes is None or self._metering is None or self._metering.budgets is None:
            return None
        return charged_tokens(self.meter.usage(), self._sent_bytes)

    def settle(self, provider: str | None = None) -> None:
        """The exchange (last sent to ``provider``) is over: price it, and charge what it
        used to the caller's budgets (once)."""
        if self._settled:
            return
        self._settled = True
        metering = self._metering
        prices = metering.prices if metering is not None else None
        if prices is not None and self._sent_bytes is not None:
            self.priced = prices.lookup(provider, self._model)
            if self.priced is not None:
                usage = self.meter.usage()
                if "input" not in usage and "output" not in usage:  # none reported: estimate
                    usage = {"input": self._sent_bytes // BYTES_PER_TOKEN}
                self.cost = cost_usd(self.priced.price, usage, self.meter.cache_write_1h())
        budgets = metering.budgets if metering is not None else None
        tokens = self.tokens_used()
        if budgets is None or tokens is None:
            return
        caller = self._caller
        budgets.charge_all(
            caller.client,
            caller.team,
            tokens,
            caller.key_id,
            caller.tokens_per_day,
            usd=self.cost or 0.0,
            key_usd=_key_usd(caller),
        )


def _key_usd(caller: Identity) -> dict[int, float] | None:
    """The caller's key's own dollar budgets, by period; ``None`` without any."""
    if caller.usd_per_day is None and caller.usd_per_month is None:
        return None
    own = {_DAY_S: caller.usd_per_day, MONTH: caller.usd_per_month}
    return {period: usd for period, usd in own.items() if usd is not None}


def _affordable(priced: Priced, usd: float, input_tokens: int) -> int:
    """The output tokens ``usd`` buys at ``priced`` once ``input_tokens`` are paid for
    (input at the fresh price: an estimate on the safe side)."""
    tier = priced.price.long_context
    long = tier is not None and input_tokens > tier.above_input_tokens
    rates = (tier if long and tier is not None else priced.price).rates()
    output_rate = max(rates[4], rates[5]) * 1e-6
    left = usd - input_tokens * rates[0] * 1e-6
    if output_rate <= 0:
        return 1 << 62 if left > 0 else 0
    return max(0, int(left / output_rate))
