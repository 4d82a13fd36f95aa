"""``auth:`` in the gateway config: the modes, and no open relay by accident."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sluice.config import AuthMode, ConfigError, GatewayConfig, load_config

KEY = {"secret": {"env": "ANTHROPIC_API_KEY"}}
JWT = {"issuer": "https://idp.test/", "jwks_file": "jwks.json"}


def gateway(**raw: Any) -> GatewayConfig:
    return GatewayConfig.model_validate(raw)


def keyed(**raw: Any) -> GatewayConfig:
    return gateway(
        providers={"anthropic": {"base_url": "https://a.test", "api_key": KEY}},
        routes=[{"path": "/v1/messages", "format": "anthropic", "provider": "anthropic"}],
        passthrough=[],
        **raw,
    )


def test_passthrough_is_the_default() -> None:
    assert gateway().auth.mode is AuthMode.PASSTHROUGH
    assert not gateway().auth.authenticates


def test_a_provider_key_without_authentication_is_refused_at_start(tmp_path: Path) -> None:
    config = tmp_path / "sluice.yaml"
    config.write_text(
        "providers:\n  anthropic:\n    base_url: https://a.test\n"
        "    api_key: {secret: {env: K}}\n"
        "routes: [{path: /v1/messages, format: anthropic, provider: anthropic}]\n"
        "passthrough: []\n"
    )
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    message = str(refused.value)
    assert "auth.mode is 'passthrough' but providers.anthropic.api_key is set" in message
    assert "auth.allow_anonymous: true" in message


@pytest.mark.parametrize(
    "auth",
    [{"allow_anonymous": True}, {"mode": "keys"}, {"mode": "jwt", "jwt": JWT}],
)
def test_a_provider_key_is_accepted_with_authentication_or_consent(auth: dict[str, Any]) -> None:
    assert keyed(auth=auth).auth.mode.value == auth.get("mode", "passthrough")


@pytest.mark.parametrize(
    ("auth", "problem"),
    [
        ({"mode": "jwt"}, "mode 'jwt' needs `jwt`"),
        ({"mode": "keys+jwt"}, "mode 'keys+jwt' needs `jwt`"),
        ({"mode": "keys", "jwt": JWT}, "`jwt` is set but mode 'keys' does not use it"),
        ({"mode": "jwt", "jwt": {"issuer": "x"}}, "exactly one of `jwks_file` or `jwks_url`"),
        ({"mode": "sso"}, "'passthrough', 'keys', 'jwt' or 'keys+jwt'"),
    ],
)
def test_misconfigured_auth_says_what_is_wrong(auth: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        gateway(auth=auth)
    assert problem in str(refused.value)


def test_keys_live_in_the_store() -> None:
    with pytest.raises(ValidationError, match="keys live in the store"):
        gateway(auth={"mode": "keys"}, store_url=None)


def test_a_per_team_limit_needs_a_team_source() -> None:
    per_team = {"tokens_per_team": [{"tokens": 1000}]}
    with pytest.raises(ValidationError, match="per-team limit needs `team_header`"):
        gateway(limits=per_team)
    assert gateway(limits=per_team, auth={"mode": "keys"}).limits.budgets


def test_a_relative_jwks_file_is_taken_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "sluice.yaml"
    config.write_text("auth: {mode: jwt, jwt: {issuer: x, jwks_file: keys/jwks.json}}\n")
    jwt = load_config(config).auth.jwt
    assert jwt is not None
    assert jwt.jwks_file == tmp_path / "keys" / "jwks.json"
