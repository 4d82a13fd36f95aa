"""Pruning old exchanges and what only they used, on both backends."""

from __future__ import annotations

from datetime import timedelta

from sluice.schema import prune
from sluice.store import Decision, Store
from tests.store.factories import T0, claude_request, conversation, record, user
from tests.store.test_store import count


async def test_prune_removes_old_exchanges_and_what_only_they_used(
    store: Store, migrated: str
) -> None:
    old_request = claude_request(conversation(2)) | {"tools": [{"name": "Retired"}]}
    old = record(1, session_id="old", request=old_request, started_at=T0 - timedelta(days=40),
                 decisions=[Decision("redact", "request", "allow")])  # fmt: skip
    kept = record(2, started_at=T0, decisions=[Decision("redact", "request", "allow")])
    await store.write([old, kept])
    assert await count(store, "blobs") == 3

    deleted = await prune(migrated, timedelta(days=30), now=T0 + timedelta(days=1))

    assert deleted == {
        "events": 1,
        "exchange_blobs": 2,
        "exchanges": 1,
        "sessions": 1,
        "messages": 3,
        "blobs": 1,  # the retired tools list; the system prompt is still used
    }
    assert await store.read_session("old") is None
    assert await count(store, "exchanges") == await count(store, "events") == 1
    assert await count(store, "blobs") == 2
    kept_transcript = await store.read_session("s1")
    assert kept_transcript is not None
    assert kept_transcript.request(kept_transcript.exchanges[0]) == kept.request


async def test_prune_keeps_a_parent_while_a_child_shares_its_messages(
    store: Store, migrated: str
) -> None:
    await store.write([record(2, started_at=T0 - timedelta(days=40))])
    edited = claude_request([*conversation(2), user(7)])
    await store.write([record(3, request=edited)])

    await prune(migrated, timedelta(days=30), now=T0)

    assert await count(store, "sessions") == 2
    child = await store.read_session("s1/1")
    assert child is not None
    assert child.request(child.exchanges[0]) == edited
