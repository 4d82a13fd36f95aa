"""The keys a worker accepts: loaded from a real (SQLite) store, refreshed only when the
store's version changes, expiry checked on every lookup, kept while the store is down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sluice.auth.directory import KeyDirectory
from sluice.schema import upgrade
from sluice.store import Store
from sluice.store.keys import create_key, revoke_key


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}"
    await upgrade(url)
    async with Store(url) as opened:
        yield opened


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_a_key_is_found_after_a_refresh_and_gone_after_its_revocation(store: Store) -> None:
    directory = KeyDirectory(store)
    record, secret = await create_key(store, "alice", "payments")
    assert directory.lookup(secret) is None  # not loaded yet
    assert await directory.refresh()
    assert directory.lookup(secret) == record
    assert not await directory.refresh()  # nothing changed: nothing reloaded
    await revoke_key(store, record.id)
    assert await directory.refresh()
    assert directory.lookup(secret) is None


@pytest.mark.parametrize(
    "credential",
    ["", "sk-sluice-short", "sk-ant-api03-" + "x" * 40, "sk-sluice-" + "A" * 32],
)
async def test_malformed_and_unknown_keys_are_not_found(store: Store, credential: str) -> None:
    directory = KeyDirectory(store)
    await create_key(store, "alice")
    await directory.refresh()
    assert directory.lookup(credential) is None


async def test_expiry_needs_no_refresh(store: Store) -> None:
    clock = Clock()
    directory = KeyDirectory(store, clock)
    _, secret = await create_key(store, "bob", expires_at=clock.now + timedelta(hours=1))
    await directory.refresh()
    assert directory.lookup(secret) is not None
    clock.now += timedelta(hours=1, seconds=1)
    assert directory.lookup(secret) is None


async def test_the_loaded_keys_stay_while_the_store_is_down(store: Store) -> None:
    directory = KeyDirectory(store)
    _, secret = await create_key(store, "carol")
    await directory.refresh()
    await store.close()  # every later query fails
    broken = KeyDirectory(Store("sqlite+aiosqlite:////nonexistent/dir/keys.db"))
    assert not await broken.refresh()
    assert broken.unreadable
    assert broken.lookup(secret) is None  # never loaded: nobody is let in
    assert directory.lookup(secret) is not None
