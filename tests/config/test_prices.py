"""Prices in the gateway config: the shipped list prices load, and a mistake is reported
with the key that holds it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sluice.config import ConfigError, load_config
from sluice.config.prices import list_prices


def test_the_list_prices_ship_with_a_date_and_price_both_providers() -> None:
    table = list_prices()
    assert table.as_of >= date(2026, 12, 1)
    assert {"claude-sonnet-4-5", "claude-opus-4-6", "gpt-5", "gpt-4o"} <= set(table.models)
    sonnet = table.models["claude-sonnet-4-5"]
    assert sonnet.long_context is not None
    assert sonnet.long_context.above_input_tokens == 200_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "costs: {prices: {my-model: {input: -1, output: 2}}}",
            "costs.prices.my-model.input: Input should be greater than or equal to 0",
        ),
        (
            "costs: {prices: {my-model: {input: 1, ouptut: 2}}}",
            "costs.prices.my-model.ouptut: Extra inputs are not permitted",
        ),
        ("costs: {prices: {my-model: {input: 1}}}", "costs.prices.my-model.output: Field required"),
        (
            "costs: {prices: {m: {input: 1, output: 1, long_context: {input: 2, output: 2}}}}",
            "costs.prices.m.long_context.above_input_tokens: Field required",
        ),
        (
            "costs: {prices: {'my model': {input: 1, output: 1}}}",
            "costs.prices: Value error, 'my model': not a model name",
        ),
        (
            "costs: {prices: {A: {input: 1, output: 1}, a: {input: 2, output: 2}}}",
            "'a': given twice (names ignore case)",
        ),
        (
            "costs: {providers: {bedrok: {m: {input: 1, output: 1}}}}",
            "costs.providers.bedrok: unknown provider (known: anthropic, openai)",
        ),
        ("costs: {list_prices: false}", "nothing is priced"),
        (
            "limits: {usd_per_client: [{usd: 0}]}",
            "limits.usd_per_client.0.usd: Input should be greater than 0",
        ),
        ("limits: {usd_per_client: [{usd: 5, per: week}]}", "Input should be 'day' or 'month'"),
        (
            "limits: {usd_per_client: [{usd: 5}, {usd: 9, per: day}]}",
            "usd_per_client: one budget per window",
        ),
        ("limits: {usd_per_team: [{usd: 5}]}", "a per-team limit needs `team_header`"),
        ("limits: {usd_per_key: [{usd: 5}]}", "limits.usd_per_key: needs an `auth.mode`"),
        ("limits: {alert_at: 1.5}", "limits.alert_at: Input should be less than or equal to 1"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sluice.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
