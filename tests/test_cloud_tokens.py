"""Vertex AI access tokens: written for Envoy, refreshed before they expire, never logged."""

from __future__ import annotations

import datetime
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from sluice.cloud_tokens import VertexTokens
from sluice.config import GatewayConfig
from sluice.envoy.keys import key_file


class FakeCredentials:
    """google-auth's credentials interface: ``refresh``, ``token``, ``expiry``."""

    def __init__(self, lifetime: datetime.timedelta, fail: bool = False) -> None:
        self.lifetime = lifetime
        self.fail = fail
        self.token: str | None = None
        self.expiry: datetime.datetime | None = None
        self.refreshed = 0

    def refresh(self, request: Any) -> None:
        if self.fail:
            raise RuntimeError("token endpoint refused the grant")
        self.refreshed += 1
        self.token = f"ya29.secret-{self.refreshed}"
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        self.expiry = now + self.lifetime


def config(tmp_path: Path) -> GatewayConfig:
    return GatewayConfig.model_validate(
        {
            "sidecar": {"socket_dir": str(tmp_path)},
            "auth": {"allow_anonymous": True},  # the cloud credentials are the gateway's
            "providers": {
                "anthropic": {"base_url": "https://api.anthropic.com"},
                "openai": {"base_url": "https://api.openai.com"},
                "vertex": {"vertex": {"project": "acme", "region": "us-east5"}},
            },
        }
    )


def secret_value(path: Path) -> str:
    resource = json.loads(path.read_text())["resources"][0]
    value: str = resource["generic_secret"]["secret"]["inline_string"]
    return value


async def test_first_token_is_written_for_envoy_and_refreshed_before_expiry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    credentials = FakeCredentials(datetime.timedelta(hours=1))
    monkeypatch.setattr("sluice.cloud_tokens._credentials", lambda vertex: credentials)
    gateway = config(tmp_path)
    tokens = VertexTokens(gateway)
    caplog.set_level(logging.DEBUG)
    await tokens.start()
    path = key_file(gateway, "vertex")
    assert secret_value(path) == "Bearer ya29.secret-1"
    assert path.stat().st_mode & 0o777 == 0o600
    delay = tokens._delay("vertex")
    assert 54 * 60 < delay <= 55 * 60  # five minutes before the hour is up
    assert "ya29.secret" not in caplog.text


async def test_a_failed_refresh_is_retried_soon_and_leaves_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    credentials = FakeCredentials(datetime.timedelta(hours=1), fail=True)
    monkeypatch.setattr("sluice.cloud_tokens._credentials", lambda vertex: credentials)
    gateway = config(tmp_path)
    tokens = VertexTokens(gateway)
    await tokens.start()
    assert secret_value(key_file(gateway, "vertex")).startswith("Bearer sluice-no-vertex-token")
    assert tokens._delay("vertex") == 10.0
    assert "no access token: RuntimeError" in caplog.text


def test_a_short_lived_token_is_refreshed_at_half_its_life(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = FakeCredentials(datetime.timedelta(minutes=8))
    credentials.refresh(None)
    tokens = VertexTokens(config(tmp_path))
    tokens._credentials["vertex"] = credentials
    assert 3 * 60 < tokens._delay("vertex") <= 4 * 60


def test_no_vertex_provider_no_tokens(tmp_path: Path) -> None:
    gateway = GatewayConfig.model_validate({"sidecar": {"socket_dir": str(tmp_path)}})
    assert not VertexTokens(gateway)
