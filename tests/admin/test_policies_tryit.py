"""Try a prompt through a chain: the real Exchange, the fake upstream as the provider."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from sluice.fake_upstream._app import create_app as fake_upstream_app
from sluice.store import Store
from tests.admin.conftest import VIEWER_KEY, auth
from tests.admin.test_policies_api import (
    REPLACE,
    Client,
    ok,
    proposal,
    start_policy_client,
)


@pytest.fixture
async def upstream() -> AsyncIterator[str]:
    server = TestServer(fake_upstream_app(), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.fixture
async def tclient(admin_env: None, store: Store, upstream: str) -> AsyncIterator[Client]:
    providers = {"anthropic": {"base_url": upstream}, "openai": {"base_url": upstream}}
    client = await start_policy_client(store, providers=providers)
    yield client
    await client.close()


async def tried(client: Client, **body: Any) -> dict[str, Any]:
    result: dict[str, Any] = await ok(client, "POST", "/api/policies/try", json=body)
    return result


@pytest.mark.parametrize("route", ["/v1/messages", "/v1/chat/completions", "/v1/responses"])
@pytest.mark.parametrize("stream", [True, False])
async def test_a_try_shows_text_decisions_and_timings(
    tclient: Client, route: str, stream: bool
) -> None:
    chains = {
        "renamed": [
            {
                "name": "replace",
                "config": {
                    "rules": [{"find": "sure", "replace": "SURELY", "directions": ["response"]}]
                },
            }
        ]
    }
    await ok(tclient, "PUT", "/api/policies", json=proposal(chains=chains | proposal()["chains"]))
    result = await tried(tclient, prompt="hello", route=route, chain="renamed", stream=stream)
    assert result["status"] == 200
    assert result["chain"] == "renamed"
    assert result["text"]
    assert set(result["timings_ms"]) == {"request_policies", "first_byte", "total"}
    if "SURELY" in result["text"]:
        assert result["decisions"][0]["policy"] == "replace"


async def test_a_blocked_tool_call_is_shown_as_the_client_gets_it(tclient: Client) -> None:
    # The fake upstream's "tools" script calls Bash (ls -la) and Read (/etc/hosts).
    draft = proposal(policies=[{"name": "tool_rules", "config": {"deny_tools": ["Bash"]}}])
    result = await tried(tclient, prompt="list files", model="tools", proposal=draft)
    assert [call["name"] for call in result["tool_calls"]] == ["Read"]
    assert result["decisions"][0]["action"] == "block"
    assert "Bash" in result["text"]
    plain = await tried(tclient, prompt="list files", model="tools")
    assert len(plain["tool_calls"]) == 2
    assert plain["decisions"] == []


async def test_a_refused_request_never_reaches_the_provider(tclient: Client) -> None:
    limits = {"name": "request_limits", "config": {"denied_models": ["claude-*"]}}
    result = await tried(tclient, prompt="hello", proposal=proposal(policies=[limits]))
    assert result["refused"] is True
    assert result["status"] == 400
    assert result["decisions"][0]["action"] == "refuse"
    assert result["error"]


async def test_try_errors(tclient: Client) -> None:
    for body, status in [
        ({}, 400),
        ({"prompt": "x", "chain": "nope"}, 400),
        ({"prompt": "x", "route": "/v2/x"}, 400),
        ({"prompt": "x", "stream": "yes"}, 400),
        ({"prompt": "x", "proposal": {"policies": [{"name": "nope"}]}}, 422),
    ]:
        response = await tclient.post("/api/policies/try", headers=auth(), json=body)
        assert response.status == status, (body, await response.text())
    viewer = await tclient.post("/api/policies/try", headers=auth(VIEWER_KEY), json={"prompt": "x"})
    assert viewer.status == 403


async def test_a_try_with_the_applied_replace(tclient: Client) -> None:
    await ok(tclient, "PUT", "/api/policies", json=proposal(policies=[REPLACE]))
    result = await tried(tclient, prompt="tell me about acme")
    assert result["chain"] == "default"
    assert result["request_modified"] is True
    assert result["decisions"][0]["policy"] == "replace"
