"""Credentials inside tool and server definitions are removed; everything else is kept."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sluice.store.credentials import REMOVED, is_credential_key, without_credentials

TOKEN = "mcp-secret-0123456789"


def test_anthropic_mcp_server_tokens_are_removed() -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "mcp_servers": [
            {"type": "url", "url": "https://mcp.example/sse", "name": "x"},
            {"type": "url", "url": "https://b", "name": "b", "authorization_token": TOKEN},
        ],
    }
    before = copy.deepcopy(body)
    clean = without_credentials(body)
    assert clean["mcp_servers"][1] == {
        "type": "url",
        "url": "https://b",
        "name": "b",
        "authorization_token": REMOVED,
    }
    assert clean["mcp_servers"][0] is body["mcp_servers"][0]  # untouched parts are shared
    assert body == before  # the caller's body is not changed


def test_openai_mcp_tool_headers_and_authorization_are_removed() -> None:
    tool = {
        "type": "mcp",
        "server_label": "deepwiki",
        "server_url": "https://mcp.example",
        "headers": {"Authorization": f"Bearer {TOKEN}", "X-Trace": "t"},
        "authorization": TOKEN,
    }
    clean = without_credentials({"tools": [tool]})
    assert clean["tools"][0]["headers"] == {"Authorization": REMOVED, "X-Trace": REMOVED}
    assert clean["tools"][0]["authorization"] == REMOVED
    assert clean["tools"][0]["server_url"] == "https://mcp.example"


def test_a_tools_parameter_schema_is_left_readable() -> None:
    tool = {
        "name": "deploy",
        "input_schema": {
            "type": "object",
            "properties": {"api_key": {"type": "string"}, "token": {"type": "string"}},
        },
        "config": {"API-Key": TOKEN},
    }
    clean = without_credentials({"tools": [tool]})
    assert clean["tools"][0]["input_schema"] == tool["input_schema"]
    assert clean["tools"][0]["config"] == {"API-Key": REMOVED}


def test_a_body_without_credentials_is_returned_as_is() -> None:
    body: dict[str, Any] = {"tools": [{"name": "Bash"}], "max_tokens": 10, "token": "content"}
    assert without_credentials(body) is body  # only definitions are searched


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("authorization", True),
        ("Authorization_Token", True),
        ("api-key", True),
        ("x-api-key", True),
        ("access_token", True),
        ("client_secret", True),
        ("max_tokens", False),
        ("token_count", False),
        ("name", False),
    ],
)
def test_which_keys_hold_credentials(name: str, secret: bool) -> None:
    assert is_credential_key(name) is secret
