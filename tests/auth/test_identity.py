"""Who is calling, per mode: what the Gate decides from a request's credential and the
verified token's payload, and what a client's own headers cannot change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from sluice.auth.directory import KeyDirectory
from sluice.auth.identity import Gate, Identity, credential
from sluice.config import AuthConfig
from sluice.schema import upgrade
from sluice.store import Store
from sluice.store.keys import create_key
from sluice.store.records import client_fingerprint

JWT = {"issuer": "https://idp.test/", "jwks_file": "/tmp/jwks.json", "user_claim": "email"}


def auth(**raw: Any) -> AuthConfig:
    return AuthConfig.model_validate(raw)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}"
    await upgrade(url)
    async with Store(url) as opened:
        yield opened


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-api-key": "sk-a"}, "sk-a"),
        ({"api-key": "sk-b"}, "sk-b"),
        ({"authorization": "Bearer sk-c"}, "sk-c"),
        ({"authorization": "bearer  sk-d "}, "sk-d"),
        ({"authorization": "Basic abc"}, None),
        ({"authorization": "Bearer "}, None),
        ({}, None),
    ],
)
def test_the_credential_is_read_as_each_sdk_sends_it(
    headers: dict[str, str], expected: str | None
) -> None:
    assert credential(headers) == expected


def test_passthrough_knows_a_fingerprint_and_a_claimed_team() -> None:
    gate = Gate(auth(), team_header="X-Team")
    found = gate.identify({"x-api-key": "sk-ant-1", "x-team": "blue"})
    assert found == Identity(client=client_fingerprint("sk-ant-1"), team="blue")
    assert gate.identify({}) == Identity()  # anonymous, not refused


async def test_keys_mode_names_the_keys_holder_whatever_the_headers_say(store: Store) -> None:
    directory = KeyDirectory(store)
    record, secret = await create_key(store, "alice", "payments", ["claude-*"], None, 500)
    await directory.refresh()
    gate = Gate(auth(mode="keys"), directory, team_header="x-team")
    found = gate.identify({"authorization": f"Bearer {secret}", "x-team": "research"})
    assert found == Identity(
        client="alice",
        user="alice",
        team="payments",
        key_id=record.id,
        models=("claude-*",),
        tokens_per_day=500,
    )
    assert gate.identify({"x-api-key": "sk-sluice-" + "Z" * 32}) is None
    assert gate.identify({"x-team": "payments"}) is None


async def test_a_teams_models_narrow_its_keys(store: Store) -> None:
    directory = KeyDirectory(store)
    _, secret = await create_key(store, "bob", "interns")
    await directory.refresh()
    gate = Gate(auth(mode="keys", team_models={"interns": ["claude-haiku-*"]}), directory)
    found = gate.identify({"x-api-key": secret})
    assert found is not None
    assert found.allows_model("claude-haiku-4-5")
    assert not found.allows_model("claude-opus-4-1")
    assert not found.allows_model(None)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"email": "a@x.test", "groups": ["pay", "all"]}, Identity("a@x.test", "a@x.test", "pay")),
        ({"email": "a@x.test", "groups": "pay"}, Identity("a@x.test", "a@x.test", "pay")),
        ({"email": "a@x.test"}, Identity("a@x.test", "a@x.test", None)),
        ({"email": "a@x.test", "groups": []}, Identity("a@x.test", "a@x.test", None)),
        ({"sub": "123", "groups": ["pay"]}, None),  # the user claim is missing
    ],
)
def test_a_tokens_claims_are_the_user_and_team(
    payload: dict[str, Any], expected: Identity | None
) -> None:
    gate = Gate(auth(mode="jwt", jwt=JWT | {"team_claim": "groups"}))
    assert gate.identify({"x-team": "spoofed"}, payload) == expected
    assert gate.identify({"authorization": "Bearer whatever"}) is None  # no verified token


async def test_keys_and_jwt_take_a_token_first_then_a_key(store: Store) -> None:
    directory = KeyDirectory(store)
    _, secret = await create_key(store, "carol", "research")
    await directory.refresh()
    gate = Gate(auth(mode="keys+jwt", jwt=JWT), directory)
    assert gate.identify({}, {"email": "d@x.test"}) == Identity("d@x.test", "d@x.test")
    found = gate.identify({"authorization": f"Bearer {secret}"})
    assert found is not None
    assert (found.user, found.team) == ("carol", "research")


def test_keys_mode_needs_a_directory() -> None:
    with pytest.raises(ValueError, match="needs a key directory"):
        Gate(auth(mode="keys"))
