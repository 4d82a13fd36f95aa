"""Sluice keys in the store, on SQLite and Postgres: hashes only, revocation, the poll."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import String, Text, select, text
from sqlalchemy.engine import make_url

from sluice.auth import KEY_PREFIX, hash_key
from sluice.model import Format
from sluice.schema import metadata
from sluice.sidecar.recording import Capture, store_sink, to_record
from sluice.store import Store
from sluice.store.keys import (
    active_keys,
    create_key,
    get_key,
    keys_version,
    list_keys,
    revoke_key,
    touch_last_used,
)
from tests.store.factories import T0


async def test_a_created_key_is_listed_and_found_by_its_hash(store: Store) -> None:
    expires = datetime.now(UTC) + timedelta(days=90)
    made, secret = await create_key(store, "alice", "payments", ["claude-*"], expires, 50_000)
    assert secret.startswith(KEY_PREFIX)
    assert made.hash == hash_key(secret)
    [listed] = await list_keys(store)
    assert listed == made
    assert listed.expires_at == expires  # aware, UTC, on both backends
    assert [k.id for k in await active_keys(store)] == [made.id]
    assert await get_key(store, made.id) == made
    assert await get_key(store, "key_unknown") is None
    assert listed.allows_model("claude-opus-4")
    assert not listed.allows_model("gpt-5")


async def test_revoked_and_expired_keys_are_not_active(store: Store) -> None:
    live, _ = await create_key(store, "alice")
    revoked, _ = await create_key(store, "bob", "payments")
    past = datetime.now(UTC) - timedelta(seconds=1)
    await create_key(store, "carol", expires_at=past)
    assert await revoke_key(store, revoked.id)
    assert await revoke_key(store, revoked.id)  # again: still revoked, still known
    assert not await revoke_key(store, "key_unknown")
    assert [k.id for k in await active_keys(store)] == [live.id]
    listed = {k.user: k for k in await list_keys(store)}
    assert len(listed) == 3
    assert listed["bob"].revoked_at is not None
    assert not listed["bob"].usable(datetime.now(UTC))


async def test_the_version_changes_with_every_creation_and_revocation(store: Store) -> None:
    empty = await keys_version(store)
    made, _ = await create_key(store, "alice")
    created = await keys_version(store)
    assert created != empty
    await touch_last_used(store, {made.id: datetime.now(UTC)})
    assert await keys_version(store) == created  # usage is not a change workers reload for
    await revoke_key(store, made.id)
    assert await keys_version(store) not in {empty, created}


async def test_last_used_never_moves_backwards(store: Store) -> None:
    a, _ = await create_key(store, "alice")
    b, _ = await create_key(store, "bob")
    later, earlier = T0 + timedelta(hours=1), T0
    await touch_last_used(store, {a.id: later, b.id: earlier})
    await touch_last_used(store, {a.id: earlier})
    await touch_last_used(store, {})
    used = {k.id: k.last_used_at for k in await list_keys(store)}
    assert used == {a.id: later, b.id: earlier}


async def test_the_database_holds_no_key(store: Store, backend: str, migrated: str) -> None:
    """Grep the whole database for the key's secret part: in the SQLite file's bytes, in
    every text column of every table (Postgres, and SQLite too)."""
    made, secret = await create_key(store, "alice", "payments", ["claude-*"])
    random_part = secret[len(KEY_PREFIX) :]
    await touch_last_used(store, {made.id: datetime.now(UTC)})
    hits = 0
    async with store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    found = select(column).where(column.contains(random_part[:16]))
                    hits += len((await connection.execute(found)).all())
        if backend == "postgres":
            # Every table, every column, as text: nothing escapes a cast of the whole row.
            names = (await connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ))).scalars().all()  # fmt: skip
            for name in names:
                query = text(f'SELECT count(*) FROM "{name}" r WHERE r::text LIKE :part')
                hits += (await connection.execute(query, {"part": f"%{random_part}%"})).scalar_one()
    await store.engine.dispose()
    if backend == "sqlite":
        path = Path(make_url(migrated).database or "")
        data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert made.hash.encode() in data  # the file is the right one, and readable
        hits += data.count(random_part.encode())
    assert hits == 0


async def test_the_caller_s_identity_is_stored_with_the_exchange(store: Store) -> None:
    capture = Capture(
        id="ex-1",
        started_at=T0,
        format=Format.ANTHROPIC,
        route="/v1/messages",
        provider="anthropic",
        request_body=b'{"model": "claude-sonnet-4-5", "messages": []}',
        user="alice",
        team="payments",
        key_id="key_0123456789ab",
    )
    anonymous = dataclasses.replace(capture, id="ex-2", user=None, team=None, key_id=None)
    await store.write([to_record(capture), to_record(anonymous)])
    async with store.engine.connect() as connection:
        rows = (await connection.execute(text(
            'SELECT id, "user", team, key_id FROM exchanges ORDER BY id'
        ))).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        ("ex-1", "alice", "payments", "key_0123456789ab"),
        ("ex-2", None, None, None),
    ]
    read = await store.read_exchange("ex-1")
    assert read is not None
    assert (read[1].user, read[1].team, read[1].key_id) == ("alice", "payments", "key_0123456789ab")


async def test_the_event_log_writer_notes_when_a_key_was_last_used(store: Store) -> None:
    used, _ = await create_key(store, "alice")
    idle, _ = await create_key(store, "bob")

    def capture(n: int, key_id: str | None) -> Capture:
        return Capture(
            id=f"ex-{n}",
            started_at=T0 + timedelta(minutes=n),
            format=Format.ANTHROPIC,
            route="/v1/messages",
            provider="anthropic",
            request_body=b'{"model": "claude-sonnet-4-5", "messages": []}',
            key_id=key_id,
        )

    sink = store_sink(store)
    await sink([capture(5, used.id), capture(2, used.id), capture(9, None)])
    await sink([capture(1, used.id)])  # an older exchange recorded later moves nothing back
    last = {k.id: k.last_used_at for k in await list_keys(store)}
    assert last == {used.id: T0 + timedelta(minutes=5), idle.id: None}
