"""The policies API on both backends: chains in force, validation, apply, audit, revert."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from sluice.config import GatewayConfig
from sluice.policyset import MASK
from sluice.store import Store, client_fingerprint
from tests.admin.conftest import ADMIN_KEY, VIEWER_KEY, auth, start_client

Client = TestClient[Any, Any]

JUDGE_KEY = "sk-judge-" + "s" * 24
JUDGE = {"judge": {"base_url": "http://127.0.0.1:9", "api_key": JUDGE_KEY, "model": "judge"}}
FILE_POLICIES: dict[str, Any] = {
    "policies": [{"name": "redact"}],
    "chains": {
        "judged": [{"name": "tool_judge", "config": JUDGE}, {"name": "tool_rules"}],
    },
    "select": [{"chain": "judged", "team": "ops"}],
    "team_header": "x-team",
}
REPLACE = {"name": "replace", "config": {"rules": [{"find": "acme", "replace": "globex"}]}}


def gateway_config(**overrides: Any) -> GatewayConfig:
    keys = {
        "key": {"env": "TEST_ADMIN_KEY"},
        "viewer_key": {"env": "TEST_VIEWER_KEY"},
        "reviewer_key": {"env": "TEST_REVIEWER_KEY"},
    }
    raw = {"admin": keys, "store_url": None, **FILE_POLICIES, **overrides}
    return GatewayConfig.model_validate(raw)


MakeClient = Callable[..., Any]


async def start_policy_client(store: Store | None, **overrides: Any) -> Client:
    """An admin server over the config with ``overrides`` (needs ``admin_env``); close it."""
    return await start_client(store, gateway_config(**overrides))


@pytest.fixture
async def make_policy_client(admin_env: None) -> AsyncIterator[MakeClient]:
    """``await make_policy_client(store, **config)``: an admin server over the config."""
    clients: list[Client] = []

    async def make(store: Store | None, **overrides: Any) -> Client:
        client = await start_policy_client(store, **overrides)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def pclient(make_policy_client: MakeClient, store: Store) -> Client:
    made: Client = await make_policy_client(store)
    return made


def proposal(**changes: Any) -> dict[str, Any]:
    """The file's policies with ``changes``, secrets masked as the API shows them."""
    judged = [{"name": "tool_judge", "config": {"judge": {**JUDGE["judge"], "api_key": MASK}}}]
    base = {"policies": [{"name": "redact"}], "chains": {"judged": judged}, "select": []}
    return base | changes


async def ok(client: Client, method: str, path: str, key: str = ADMIN_KEY, **kw: Any) -> Any:
    response = await client.request(method, path, headers=auth(key), **kw)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_the_file_chains_are_shown_with_schemas_and_secrets_masked(pclient: Client) -> None:
    body = await ok(pclient, "GET", "/api/policies", VIEWER_KEY)
    assert body["source"]["kind"] == "file"
    assert [p["name"] for p in body["policies"]] == ["redact"]
    judge = body["chains"]["judged"][0]
    assert judge["config"]["judge"]["api_key"] == MASK
    assert JUDGE_KEY not in str(body)
    assert judge["schema"]["title"] == "ToolJudgeConfig"
    assert "tool_call" in judge["hooks"]
    assert body["select"][0]["chain"] == "judged"
    assert {r["path"]: r["chain"] for r in body["routes"]}["/v1/messages"] == "default"


async def test_which_chain_a_request_gets(pclient: Client) -> None:
    path = "/api/policies/select?route=/v1/messages"
    assert (await ok(pclient, "GET", path))["chain"] == "default"
    assert (await ok(pclient, "GET", path + "&team=ops"))["chain"] == "judged"
    response = await pclient.get("/api/policies/select?route=nope", headers=auth())
    assert response.status == 400


async def test_available_policies_are_the_builtins_with_schemas(pclient: Client) -> None:
    body = await ok(pclient, "GET", "/api/policies/available", VIEWER_KEY)
    assert {"replace", "tool_rules", "tool_judge"} <= set(body["policies"])
    assert body["policies"]["replace"]["schema"]["type"] == "object"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"policies": [{"name": "nope"}]}, "policies[0].name: unknown policy 'nope'"),
        (
            {"chains": {"x": [{"name": "replace", "config": {"rules": [{"find": ""}]}}]}},
            "chains.x[0].config.rules.0.find: String should have at least 1 character",
        ),
        (
            {"policies": [{"name": "tool_rules", "config": {"allow_users": []}}]},
            "policies[0].config.allow_users: Extra inputs are not permitted",
        ),
        ({"select": [{"chain": "missing"}]}, "select[0].chain: unknown chain 'missing'"),
        (
            {"policies": [{"name": "os:system"}]},
            "policies[0].name: 'os:system' is not named in the config file",
        ),
        (
            {"chains": {"judged": [{"name": "tool_judge", "config": JUDGE}]}},
            "chains.judged[0].config.judge.api_key: secrets cannot be set through the API",
        ),
        ({"policies": "redact"}, "policies: Input should be a valid list"),
    ],
)
async def test_validation_names_the_key(
    pclient: Client, change: dict[str, Any], error: str
) -> None:
    body = await ok(pclient, "POST", "/api/policies/validate", VIEWER_KEY, json=proposal(**change))
    assert body["valid"] is False
    assert any(e.startswith(error) for e in body["errors"]), body["errors"]
    response = await pclient.put("/api/policies", headers=auth(), json=proposal(**change))
    assert response.status == 422
    assert any(e.startswith(error) for e in (await response.json())["errors"])
    assert (await ok(pclient, "GET", "/api/policies/versions"))["versions"] == []


async def test_a_valid_proposal_validates(pclient: Client) -> None:
    body = await ok(pclient, "POST", "/api/policies/validate", json=proposal())
    assert body == {"valid": True, "errors": [], "chains": ["default", "judged"]}


async def test_apply_makes_a_version_with_its_audit_entry(pclient: Client) -> None:
    change = proposal(policies=[REPLACE], comment="globex rename")
    version = (await ok(pclient, "PUT", "/api/policies", json=change))["version"]
    assert version["action"] == "apply"
    assert version["author"] == {"role": "admin", "key": client_fingerprint(ADMIN_KEY)}
    assert version["comment"] == "globex rename"
    assert '+      "name": "replace"' in version["diff"]
    assert '-      "name": "redact"' in version["diff"]
    assert JUDGE_KEY not in version["diff"]
    body = await ok(pclient, "GET", "/api/policies", VIEWER_KEY)
    assert body["source"]["kind"] == "version"
    assert body["source"]["version"]["id"] == version["id"]
    assert [p["name"] for p in body["policies"]] == ["replace"]
    assert body["chains"]["judged"][0]["config"]["judge"]["api_key"] == MASK
    stored = await ok(pclient, "GET", f"/api/policies/versions/{version['id']}")
    assert stored["config"]["policies"][0]["name"] == "replace"
    assert JUDGE_KEY not in str(stored)


async def test_a_masked_secret_keeps_the_file_value(pclient: Client) -> None:
    await ok(pclient, "PUT", "/api/policies", json=proposal(policies=[REPLACE]))
    active = pclient.app[_policies_key()]
    config = (await active.active()).config
    assert config.chains["judged"][0].config["judge"]["api_key"] == JUDGE_KEY
    # A masked secret with nothing in the file to keep is refused.
    moved = proposal(policies=[{"name": "tool_judge", "config": {"judge": {"api_key": MASK}}}])
    body = await ok(pclient, "POST", "/api/policies/validate", json=moved)
    assert body["errors"] == [
        "policies[0].config.judge.api_key: masked, but the config file has no value to keep"
    ]


def _policies_key() -> Any:
    from sluice.admin.policies import POLICIES

    return POLICIES


async def test_revert_to_a_version_and_to_the_file(pclient: Client) -> None:
    first = await ok(pclient, "PUT", "/api/policies", json=proposal(policies=[REPLACE]))
    await ok(pclient, "PUT", "/api/policies", json=proposal(policies=[{"name": "noop"}]))
    back = await ok(
        pclient, "POST", "/api/policies/revert", json={"version": first["version"]["id"]}
    )
    assert back["version"]["action"] == "revert"
    assert back["version"]["reverted_to"] == first["version"]["id"]
    names = [p["name"] for p in (await ok(pclient, "GET", "/api/policies"))["policies"]]
    assert names == ["replace"]
    home = await ok(pclient, "POST", "/api/policies/revert", json={"to": "file"})
    assert home["version"]["action"] == "file"
    body = await ok(pclient, "GET", "/api/policies")
    assert body["source"]["kind"] == "file"
    assert [p["name"] for p in body["policies"]] == ["redact"]
    missing = await pclient.post("/api/policies/revert", headers=auth(), json={"version": 999})
    assert missing.status == 404
    bad = await pclient.post("/api/policies/revert", headers=auth(), json={"version": "x"})
    assert bad.status == 400


async def test_the_audit_log_pages_newest_first(pclient: Client) -> None:
    for i in range(5):
        await ok(pclient, "PUT", "/api/policies", json=proposal(comment=f"change {i}"))
    page = await ok(pclient, "GET", "/api/policies/versions?limit=2", VIEWER_KEY)
    assert [v["comment"] for v in page["versions"]] == ["change 4", "change 3"]
    seen = [v["comment"] for v in page["versions"]]
    while page["next_before"] is not None:
        page = await ok(
            pclient, "GET", f"/api/policies/versions?limit=2&before={page['next_before']}"
        )
        seen += [v["comment"] for v in page["versions"]]
    assert seen == [f"change {i}" for i in reversed(range(5))]
    for query in ("limit=0", "limit=x", "before=x"):
        response = await pclient.get(f"/api/policies/versions?{query}", headers=auth())
        assert response.status == 400
    assert (await pclient.get("/api/policies/versions/77", headers=auth())).status == 404


CHANGES = [
    ("PUT", "/api/policies"),
    ("POST", "/api/policies/revert"),
    ("POST", "/api/policies/try"),
]
READS = [
    ("GET", "/api/policies"),
    ("GET", "/api/policies/available"),
    ("GET", "/api/policies/select?route=/v1/messages"),
    ("GET", "/api/policies/versions"),
    ("GET", "/api/policies/versions/1"),
    ("POST", "/api/policies/validate"),
    ("GET", "/api/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), CHANGES + READS)
async def test_every_endpoint_needs_a_key(pclient: Client, method: str, path: str) -> None:
    response = await pclient.request(method, path, json={})
    assert response.status == 401
    wrong = await pclient.request(method, path, json={}, headers=auth("nope"))
    assert wrong.status == 401


@pytest.mark.parametrize(("method", "path"), CHANGES)
async def test_a_viewer_cannot_change(pclient: Client, method: str, path: str) -> None:
    response = await pclient.request(method, path, json=proposal(), headers=auth(VIEWER_KEY))
    assert response.status == 403
    assert (await ok(pclient, "GET", "/api/policies/versions"))["versions"] == []


async def test_bodies_must_be_json_objects(pclient: Client) -> None:
    form = await pclient.put("/api/policies", headers=auth(), data="policies=x")
    assert form.status == 415
    listed = await pclient.put("/api/policies", headers=auth(), json=[])
    assert listed.status == 400
    unknown = await pclient.put("/api/policies", headers=auth(), json={"polices": []})
    assert unknown.status == 400
    assert "polices: unknown key" in (await unknown.json())["error"]


async def test_without_a_store_the_file_is_shown_and_nothing_applies(
    make_policy_client: MakeClient,
) -> None:
    client = await make_policy_client(None)
    assert (await ok(client, "GET", "/api/policies"))["source"]["kind"] == "file"
    response = await client.put("/api/policies", headers=auth(), json=proposal())
    assert response.status == 503
