"""Which chain a request gets: rules by route, client, user and team; the test header only
if on."""

from __future__ import annotations

from typing import Any

import pytest

from sluice.config import GatewayConfig
from sluice.sidecar.chains import ChainSet, Selection
from sluice.sidecar.llm_client import ModelClients


def chains(**raw: Any) -> ChainSet:
    named = {"strict": [{"name": "noop"}], "audit": [{"name": "noop"}]}
    return ChainSet(GatewayConfig.model_validate({"chains": named} | raw), ModelClients())


RULES = [
    {"user": "mallory@example.test", "chain": "audit"},
    {"team": "security", "chain": "strict"},
    {"route": "/v1/responses", "client": "abc123", "chain": "audit"},
    {"route": "/v1/responses", "chain": "strict"},
]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection("/v1/messages"), "default"),
        (Selection("/v1/messages", team="security"), "strict"),
        (Selection("/v1/messages", team="web"), "default"),
        (Selection("/v1/responses", client="abc123"), "audit"),
        (Selection("/v1/responses", client="other"), "strict"),
        (Selection("/v1/responses", client="abc123", team="security"), "strict"),  # first wins
        (Selection("/v1/messages", user="mallory@example.test", team="security"), "audit"),
        (Selection("/v1/messages", user="alice@example.test", team="security"), "strict"),
    ],
)
def test_first_matching_rule_wins(selection: Selection, expected: str) -> None:
    assert chains(select=RULES).select(selection).name == expected


def test_the_chain_header_is_ignored_unless_enabled() -> None:
    off = chains()
    assert off.chain_header is None
    on = chains(chain_header={"enabled": True})
    assert on.chain_header == "x-sluice-chain"
    assert on.select(Selection("/v1/messages", requested="audit")).name == "audit"
    assert on.select(Selection("/v1/messages", requested="nope")).name == "default"


def test_a_rule_naming_an_unknown_chain_is_a_config_error() -> None:
    with pytest.raises(ValueError, match=r"select\[0\].chain: unknown chain 'nope'"):
        chains(select=[{"chain": "nope"}])
