"""The keys API on both backends: issue (the key once), list (never the key), revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from sluice.auth import hash_key, looks_like_key
from sluice.store import Store
from sluice.store.keys import active_keys, list_keys
from tests.admin.conftest import VIEWER_KEY, auth

Client = TestClient[Any, Any]


async def issue(client: Client, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/keys", json=body, headers=auth())
    assert response.status == 201, await response.text()
    made: dict[str, Any] = await response.json()
    return made


async def test_an_issued_key_is_shown_once_and_stored_as_a_hash(client: Client, store: Store):
    made = await issue(
        client, user="alice", team="payments", models=["claude-*"], expires="90d",
        tokens_per_day=50000, usd_per_day=2.5, usd_per_month=40,
    )  # fmt: skip
    secret, key = made["secret"], made["key"]
    assert looks_like_key(secret)
    assert key["user"] == "alice"
    assert key["team"] == "payments"
    assert key["models"] == ["claude-*"]
    assert key["tokens_per_day"] == 50000
    assert (key["usd_per_day"], key["usd_per_month"]) == (2.5, 40.0)
    assert key["active"] is True
    expires = datetime.fromisoformat(key["expires_at"]) - datetime.now(UTC)
    assert timedelta(days=89) < expires <= timedelta(days=90)
    [stored] = await active_keys(store)
    assert (stored.id, stored.hash) == (key["id"], hash_key(secret))

    listed = await client.get("/api/keys", headers=auth())
    text = await listed.text()
    assert (await listed.json())["keys"] == [key]
    assert secret not in text
    assert secret[10:30] not in text
    assert hash_key(secret) not in text


async def test_a_revoked_key_is_inactive_at_once(client: Client, store: Store):
    key = (await issue(client, user="bob"))["key"]
    assert key["team"] is None
    assert (key["usd_per_day"], key["usd_per_month"]) == (None, None)
    assert key["models"] == []
    assert key["expires_at"] is None
    revoked = await client.post(f"/api/keys/{key['id']}/revoke", headers=auth())
    assert revoked.status == 200
    body = (await revoked.json())["key"]
    assert body["active"] is False
    assert body["revoked_at"] is not None
    assert await active_keys(store) == []
    again = await client.post(f"/api/keys/{key['id']}/revoke", headers=auth())
    assert (await again.json())["key"]["revoked_at"] == body["revoked_at"]
    unknown = await client.post("/api/keys/key_nope/revoke", headers=auth())
    assert unknown.status == 404
    assert (await unknown.json())["error"] == "no key 'key_nope'"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "user: expected a non-empty string"),
        ({"user": "  "}, "user: expected a non-empty string"),
        ({"user": "a", "team": 7}, "team: expected a non-empty string"),
        ({"user": "a", "models": "claude-*"}, "models: expected a list"),
        ({"user": "a", "expires": "soon"}, "expires: expected a duration like 90d"),
        ({"user": "a", "expires": "2020-01-01"}, "expires: '2020-01-01' is in the past"),
        ({"user": "a", "tokens_per_day": 0}, "tokens_per_day: expected a whole number above 0"),
        ({"user": "a", "tokens_per_day": True}, "tokens_per_day: expected a whole number"),
        ({"user": "a", "usd_per_day": 0}, "usd_per_day: expected an amount of dollars above 0"),
        ({"user": "a", "usd_per_month": "5"}, "usd_per_month: expected an amount of dollars"),
        ({"user": "a", "usd_per_month": True}, "usd_per_month: expected an amount of dollars"),
        ({"user": "a", "secret": "sk-sluice-mine"}, "secret: unknown field"),
    ],
)
async def test_a_bad_request_names_the_field_and_issues_nothing(
    client: Client, store: Store, body: dict[str, Any], message: str
):
    response = await client.post("/api/keys", json=body, headers=auth())
    assert response.status == 400
    assert (await response.json())["error"].startswith(message)
    assert await list_keys(store) == []


async def test_only_the_admin_key_sees_or_changes_keys(client: Client, store: Store):
    key = (await issue(client, user="carol"))["key"]
    viewer = auth(VIEWER_KEY)
    assert (await client.get("/api/keys", headers=viewer)).status == 403
    assert (await client.post("/api/keys", json={"user": "x"}, headers=viewer)).status == 403
    assert (await client.post(f"/api/keys/{key['id']}/revoke", headers=viewer)).status == 403
    assert (await client.get("/api/keys")).status == 401
    assert [k.id for k in await active_keys(store)] == [key["id"]]


async def test_without_a_store_keys_are_unavailable(make_client: Any):
    client = await make_client(None)
    response = await client.get("/api/keys", headers=auth())
    assert response.status == 503
    assert "store_url is null" in (await response.json())["error"]
