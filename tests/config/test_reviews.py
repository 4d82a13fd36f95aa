"""The review queue's settings: what the config refuses at load time."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from sluice.config import GatewayConfig


def gateway(**reviews: Any) -> GatewayConfig:
    return GatewayConfig.model_validate({"reviews": {"enabled": True, **reviews}})


def test_the_queue_needs_a_store() -> None:
    with pytest.raises(ValidationError, match="review queue lives in the store"):
        GatewayConfig.model_validate({"reviews": {"enabled": True}, "store_url": None})


@pytest.mark.parametrize("key", ["deadline_s", "max_deadline_s"])
def test_a_wait_must_end_before_envoy_cuts_a_silent_response(key: str) -> None:
    with pytest.raises(ValidationError, match=rf"reviews.{key} \(600\) must be below"):
        gateway(**{key: 600})


def test_poll_interval_is_at_most_a_quarter_second() -> None:
    with pytest.raises(ValidationError, match="poll_ms"):
        gateway(poll_ms=500)
    assert gateway().reviews.poll_ms == 200
