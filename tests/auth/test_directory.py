"""The keys a worker accepts: loaded from a real (SQLite) store, refreshed only when the
store's version changes, expiry checked on every lookup, kept while the store is down."""

from __future__ import annotations

import asyncio
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


async def test_a_key_created_since_the_last_poll_is_known_at_its_first_use(store: Store) -> None:
    directory = KeyDirectory(store)
    await directory.refresh()
    record, secret = await create_key(store, "carol", "payments")
    assert directory.lookup(secret) is None  # the poll has not seen it yet
    assert await directory.refresh_for(secret)
    assert directory.lookup(secret) == record


async def test_made_up_keys_share_one_refresh_and_cannot_flood_the_store(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = KeyDirectory(store)
    calls = 0
    real = directory.refresh

    async def counted() -> bool:
        nonlocal calls
        calls += 1
        return await real()

    monkeypatch.setattr(directory, "refresh", counted)
    made_up = [f"sk-sluice-{n:032d}" for n in range(200)]
    await asyncio.gather(*(directory.refresh_for(key) for key in made_up))
    assert calls == 1  # concurrent misses wait for the same refresh
    await asyncio.gather(*(directory.refresh_for(key) for key in made_up))
    assert calls == 2  # right after: they wait for the next slot, then share it
    assert not await directory.refresh_for("sk-ant-not-a-sluice-key")  # never other shapes
    assert calls == 2
