"""Where a request goes: the route's provider, or a model rule's, and the format it speaks."""

from __future__ import annotations

from pydantic import HttpUrl

from sluice.config import ModelRule, ProviderConfig, Route
from sluice.model import Format
from sluice.sidecar.routes import RouteTable, Target

RULE = ModelRule(model="claude-*", provider="local", upstream_model="qwen3-coder")
ROUTE = Route(path="/v1/messages", format=Format.ANTHROPIC, provider="anthropic", models=[RULE])
PROVIDERS = {
    "anthropic": ProviderConfig(base_url=HttpUrl("https://api.anthropic.com")),
    "local": ProviderConfig(base_url=HttpUrl("http://vllm:8000"), format=Format.OPENAI_CHAT),
}


def test_a_model_rule_names_the_provider_its_format_and_the_model_it_receives() -> None:
    table = RouteTable([ROUTE], PROVIDERS)
    assert table.target("/v1/messages?beta=true", "claude-sonnet-4-6") == Target(
        "local", Format.OPENAI_CHAT, "qwen3-coder"
    )


def test_other_models_go_to_the_route_s_provider_in_the_route_s_format() -> None:
    table = RouteTable([ROUTE], PROVIDERS)
    assert table.target("/v1/messages", "opus") == Target("anthropic", Format.ANTHROPIC)
    assert table.target("/v1/messages", None) == Target("anthropic", Format.ANTHROPIC)
    assert table.target("/v1/models", "claude-x") is None
