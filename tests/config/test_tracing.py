"""``tracing:``: off unless an endpoint is given; a mistake names its key."""

from __future__ import annotations

from typing import Any

import pytest

from sluice.config import GatewayConfig


def test_off_by_default() -> None:
    assert not GatewayConfig().tracing.enabled


def test_an_endpoint_turns_it_on() -> None:
    tracing = GatewayConfig.model_validate({"tracing": {"endpoint": "https://otlp:4317"}}).tracing
    assert (tracing.enabled, tracing.tls, tracing.host, tracing.port) == (True, True, "otlp", 4317)


@pytest.mark.parametrize(
    ("tracing", "error"),
    [
        ({"endpoint": "http://collector:4317/v1/traces"}, "no path"),
        ({"endpoint": "http://collector:4317", "sampling": 1.5}, "less than or equal to 1"),
        ({"endpoint": "grpc://collector:4317"}, "URL scheme"),
        ({"endpont": "http://collector:4317"}, "Extra inputs"),
    ],
)
def test_mistakes_are_refused(tracing: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        GatewayConfig.model_validate({"tracing": tracing})
