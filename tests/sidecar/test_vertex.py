"""The Vertex AI adapters: the request as Vertex takes it, Google's errors as Anthropic's."""

from __future__ import annotations

import json

import pytest

from sluice.config.cloud import VertexConfig
from sluice.sidecar.vertex import VertexError, adapt_vertex_request

CONFIG = VertexConfig(project="acme", region="europe-west1")


def test_request_moves_model_to_the_path_and_keeps_stream() -> None:
    body = {"model": "claude-opus-4-1-20250805", "stream": True, "max_tokens": 5}
    adapted = adapt_vertex_request(CONFIG, json.dumps(body).encode())
    assert adapted.path == (
        "/v1/projects/acme/locations/europe-west1/publishers/anthropic/models/"
        "claude-opus-4-1@20250805:streamRawPredict"
    )
    assert json.loads(adapted.body) == {
        "stream": True,
        "max_tokens": 5,
        "anthropic_version": "vertex-2023-10-16",
    }


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5@20250929"),
        ("claude-haiku-4-5", "claude-haiku-4-5"),
        ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-v2@20241022"),
        ("custom", "mine"),
    ],
)
def test_model_ids(model: str, expected: str) -> None:
    config = VertexConfig(project="acme", region="global", models={"custom": "mine"})
    assert config.model_id(model) == expected


def test_base_urls() -> None:
    assert (
        VertexConfig(project="p", region="global").base_url == "https://aiplatform.googleapis.com"
    )
    assert VertexConfig(project="p", region="us-east5").base_url == (
        "https://us-east5-aiplatform.googleapis.com"
    )


@pytest.mark.parametrize(
    ("status", "google_status", "kind"),
    [
        (401, "UNAUTHENTICATED", "authentication_error"),
        (403, "PERMISSION_DENIED", "permission_error"),
        (429, "RESOURCE_EXHAUSTED", "rate_limit_error"),
        (404, "NOT_FOUND", "not_found_error"),
        (500, "INTERNAL", "api_error"),
    ],
)
def test_googles_errors_become_anthropics(status: int, google_status: str, kind: str) -> None:
    error = VertexError(status)
    raw = {"error": {"code": status, "message": "nope", "status": google_status}}
    encoded = json.dumps(raw).encode()
    assert error.feed(encoded[:10]) + error.feed(encoded[10:]) == b""
    body = json.loads(error.close())
    assert body == {
        "type": "error",
        "error": {"type": kind, "message": f"Vertex AI {google_status}: nope"},
    }


def test_an_anthropic_error_passes_unchanged() -> None:
    raw = b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
    error = VertexError(529)
    error.feed(raw)
    assert error.close() == raw
