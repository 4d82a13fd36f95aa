"""One exchange's account: what a dollar budget leaves a stream, what the exchange cost,
and what is charged for it."""

from __future__ import annotations

import pytest

from sluice.auth.identity import Identity
from sluice.config import LimitsConfig
from sluice.config.prices import CostsConfig
from sluice.model import Format
from sluice.sidecar.budgets import Budgets
from sluice.sidecar.metering import Metering, TokenAccount
from sluice.sidecar.pricing import PriceBook

ALICE = Identity(client="alice", team="pay", key_id="key_1")
# $3 and $15 per million input and output tokens.
PRICES = PriceBook(
    CostsConfig.model_validate({"list_prices": False, "prices": {"m": {"input": 3, "output": 15}}})
)


def account(usd: float, budgets: Budgets | None = None) -> tuple[TokenAccount, Budgets]:
    limits = LimitsConfig.model_validate({"usd_per_client": [{"usd": usd}]})
    budgets = budgets or Budgets(limits)
    return TokenAccount(Format.ANTHROPIC, Metering(budgets=budgets, prices=PRICES), ALICE), budgets


def test_a_dollar_budget_leaves_a_stream_what_its_dollars_buy() -> None:
    taken, _ = account(0.015)
    assert taken.spent() is None
    # 4000 bytes: about 1000 input tokens, $0.003; $0.012 left buys 800 output tokens.
    taken.admit(4000, "m", 8000)
    assert taken.allowance == 800
    short, _ = account(0.015)
    short.spent()
    short.admit(4000, "m", 800)  # cannot cross the budget: not read, not cut
    assert short.allowance is None


def test_a_model_without_a_price_is_not_cut_for_dollars() -> None:
    taken, _ = account(0.015)
    taken.spent()
    taken.admit(4000, "unknown-model", 8000)
    assert taken.allowance is None


def test_the_exchange_is_priced_and_charged_when_it_ends() -> None:
    taken, budgets = account(0.01)
    taken.spent()
    taken.admit(4000, "m", 8000)
    taken.feed(b'data: {"usage":{"input_tokens":1000,"output_tokens":200}}\n\n')
    taken.settle("anthropic")
    assert taken.cost == pytest.approx((1000 * 3 + 200 * 15) / 1e6)
    assert taken.priced is not None
    assert taken.priced.name == "m"
    assert budgets.standing_all("alice", None).usd_left == pytest.approx(0.01 - 0.006)
    taken.settle("anthropic")  # once only
    assert budgets.standing_all("alice", None).usd_left == pytest.approx(0.004)


def test_no_usage_reported_costs_the_estimated_input() -> None:
    taken, _ = account(1.0)
    taken.spent()
    taken.admit(4000, "m", 10)
    taken.settle(None)
    assert taken.cost == pytest.approx(1000 * 3 / 1e6)


def test_a_refused_request_costs_nothing_known() -> None:
    taken, _ = account(1.0)
    taken.spent()
    taken.settle(None)  # never admitted: it reached no provider
    assert taken.cost is None
    assert not taken.sent
