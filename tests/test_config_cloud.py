"""A Bedrock provider's settings: endpoint, model ids, region."""

from __future__ import annotations

import pydantic
import pytest

from sluice.config import GatewayConfig
from sluice.config.cloud import BedrockConfig


@pytest.mark.parametrize(
    ("region", "profile", "model", "expected"),
    [
        (
            "us-east-1",
            "auto",
            "claude-sonnet-4-5-20250929",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ),
        ("eu-central-1", "auto", "claude-haiku-4-5", "eu.anthropic.claude-haiku-4-5-20251001-v1:0"),
        (
            "ap-northeast-1",
            "auto",
            "claude-opus-4-5",
            "apac.anthropic.claude-opus-4-5-20251101-v1:0",
        ),
        ("me-south-1", "auto", "claude-opus-4-5", "anthropic.claude-opus-4-5-20251101-v1:0"),
        (
            "us-east-1",
            "global",
            "claude-sonnet-4-5",
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ),
        (
            "us-east-1",
            None,
            "claude-3-5-haiku-20241022",
            "anthropic.claude-3-5-haiku-20241022-v1:0",
        ),
        ("us-east-1", "auto", "anthropic.claude-v2:1", "anthropic.claude-v2:1"),  # already an id
    ],
)
def test_model_ids(region: str, profile: str | None, model: str, expected: str) -> None:
    assert BedrockConfig(region=region, inference_profile=profile).model_id(model) == expected


def test_configured_ids_win_over_the_built_in_map() -> None:
    config = BedrockConfig(region="us-east-1", models={"claude-sonnet-4-5": "my-profile"})
    assert config.model_id("claude-sonnet-4-5") == "my-profile"


def test_base_url_defaults_to_the_regions_runtime_endpoint() -> None:
    config = GatewayConfig.model_validate(
        {
            "auth": {"allow_anonymous": True},  # the cloud credentials are the gateway's
            "providers": {"bedrock": {"bedrock": {"region": "eu-west-3"}}},
            "routes": [{"path": "/v1/messages", "format": "anthropic", "provider": "bedrock"}],
            "passthrough": [],
        }
    )
    assert str(config.providers["bedrock"].base_url) == (
        "https://bedrock-runtime.eu-west-3.amazonaws.com/"
    )


def test_a_region_must_look_like_one() -> None:
    with pytest.raises(pydantic.ValidationError, match="not an AWS region"):
        BedrockConfig(region="https://bedrock")


def test_bedrock_serves_only_anthropic_routes() -> None:
    with pytest.raises(pydantic.ValidationError, match="serve only anthropic routes"):
        GatewayConfig.model_validate(
            {
                "auth": {"allow_anonymous": True},  # the cloud credentials are the gateway's
                "providers": {
                    "anthropic": {"base_url": "https://api.anthropic.com"},
                    "bedrock": {"bedrock": {"region": "us-east-1"}},
                },
                "routes": [
                    {"path": "/v1/chat/completions", "format": "openai_chat", "provider": "bedrock"}
                ],
                "passthrough": [],
            }
        )


def test_bedrock_takes_no_api_key() -> None:
    with pytest.raises(pydantic.ValidationError, match="credentials are its own"):
        GatewayConfig.model_validate(
            {
                "auth": {"allow_anonymous": True},  # the cloud credentials are the gateway's
                "providers": {
                    "anthropic": {"base_url": "https://api.anthropic.com"},
                    "openai": {"base_url": "https://api.openai.com"},
                    "bedrock": {
                        "bedrock": {"region": "us-east-1"},
                        "api_key": {"secret": {"env": "K"}},
                    },
                },
            }
        )


def test_a_bedrock_mode_route_needs_a_bedrock_provider() -> None:
    with pytest.raises(pydantic.ValidationError, match="Bedrock mode are served by Bedrock"):
        GatewayConfig.model_validate(
            {
                "routes": [
                    {
                        "path": "/model/{model}/{action}",
                        "format": "anthropic",
                        "provider": "anthropic",
                    }
                ]
            }
        )


def _failover(route: dict[str, object]) -> GatewayConfig:
    return GatewayConfig.model_validate(
        {
            "auth": {"allow_anonymous": True},
            "providers": {
                "anthropic": {"base_url": "https://api.anthropic.com"},
                "bedrock": {"bedrock": {"region": "us-east-1"}},
            },
            "routes": [route],
            "passthrough": [],
        }
    )


ANTHROPIC_ROUTE = {"path": "/v1/messages", "format": "anthropic", "provider": "anthropic"}


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (ANTHROPIC_ROUTE | {"failover": ["vertex"]}, "routes[0].failover: unknown provider"),
        (ANTHROPIC_ROUTE | {"failover": ["anthropic"]}, "not 'anthropic' itself"),
        (
            ANTHROPIC_ROUTE
            | {"models": [{"model": "claude-*", "provider": "bedrock", "failover": ["bedrock"]}]},
            "routes[0].models[0].failover: each provider once, and not 'bedrock' itself",
        ),
        (
            {
                "path": "/model/{model}/{action}",
                "format": "anthropic",
                "provider": "bedrock",
                "failover": ["anthropic"],
            },
            "not for clients in a cloud mode",
        ),
    ],
)
def test_a_failover_list_names_other_known_providers(
    route: dict[str, object], message: str
) -> None:
    with pytest.raises(
        pydantic.ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        _failover(route)


def test_a_route_may_fail_over_from_anthropic_to_bedrock() -> None:
    config = _failover(ANTHROPIC_ROUTE | {"failover": ["bedrock"]})
    assert config.routes[0].provider_names == ["anthropic", "bedrock"]
