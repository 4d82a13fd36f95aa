"""What the translation tests share: a gateway whose routes send some models to providers
of another format, the fake upstream's OpenAI-compatible personality, and the requests the
upstream received."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openai

from tests.dataplane.conftest import track
from tests.harness import ROOT, FakeUpstream, Gateway, gateway_config, start_gateway

__all__ = ["COMPATIBLE", "OPENAI_ERRORS", "SUDO", "sent", "translating_gateway"]

COMPATIBLE = {"x-fake-personality": "compatible"}  # Chat as vLLM, Ollama... send it
SUDO = {"name": "Bash", "arguments": {"command": "sudo rm -rf /var/lib/app"}}
# A provider's error script -> the exception the openai SDK raises for the translated error.
OPENAI_ERRORS = [
    ("error_400", openai.BadRequestError),
    ("error_429", openai.RateLimitError),
    ("error_500", openai.InternalServerError),
    ("error_529", openai.InternalServerError),
]


@contextmanager
def translating_gateway(
    directory: Path,
    upstream: FakeUpstream,
    routes: list[dict[str, Any]],
    policies: list[dict[str, Any]],
) -> Iterator[Gateway]:
    """A gateway in ``directory`` (created) with ``routes`` and ``policies``, whose
    providers ``local`` (``openai_chat``) and ``claude`` (``anthropic``) are ``upstream``."""
    directory.mkdir()
    config = gateway_config(
        upstream.url,
        directory / "run",
        providers={
            "local": {"base_url": upstream.url, "format": "openai_chat"},
            "claude": {"base_url": upstream.url, "format": "anthropic"},
        },
        routes=routes,
        policy_paths=[str(ROOT / "examples" / "policies")],
        policies=policies,
    )
    with track(start_gateway(directory, config)) as started:
        yield started


def sent(upstream: FakeUpstream, marker: str) -> list[dict[str, Any]]:
    """The requests ``upstream`` received with ``x-test-id: marker``."""
    return [r for r in upstream.requests() if r["headers"].get("x-test-id") == marker]
