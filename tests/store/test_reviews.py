"""The review queue in the store, on SQLite and Postgres: what replicas share."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from sluice.store.reviews import AlreadyDecided, ReviewQueue, Ticket


def ticket(key: str = "k1", **changes: object) -> Ticket:
    fields: dict[str, object] = {
        "key": key,
        "tool": "Bash",
        "arguments": '{\n  "command": "kubectl apply -f prod.yaml"\n}',
        "reason": "Applying to a cluster needs a second pair of eyes",
        "policy": "tool_rules",
        "deadline_s": 60.0,
        "on_deadline": "deny",
        "session": "s1",
        "user": "alice",
        "team": "infra",
        "context": "deploy the fix",
    }
    return Ticket(**(fields | changes))  # type: ignore[arg-type]


@pytest.fixture
async def queue(migrated: str) -> AsyncIterator[ReviewQueue]:
    opened = ReviewQueue.open_store(migrated)
    yield opened
    await opened.aclose()


async def test_an_identical_call_joins_the_pending_review(queue: ReviewQueue) -> None:
    first, created = await queue.open(ticket(), reuse_s=600)
    again, created_again = await queue.open(ticket(), reuse_s=600)
    other, created_other = await queue.open(ticket("k2"), reuse_s=600)
    assert (created, created_again, created_other) == (True, False, True)
    assert again.id == first.id != other.id
    assert [r.id for r in await queue.listing()] == [first.id, other.id]  # oldest first
    assert first.ruling.status == "pending"
    assert first.user == "alice"
    assert first.context == "deploy the fix"


async def test_a_decision_is_read_by_another_replica_and_taken_once(migrated: str) -> None:
    one, two = ReviewQueue.open_store(migrated), ReviewQueue.open_store(migrated)
    try:
        review, _ = await one.open(ticket(), reuse_s=600)
        assert await one.rulings([review.id]) == {}  # pending: nothing to act on
        decided = await two.decide(review.id, approve=True, reviewer="admin", note="ok, hotfix")
        assert decided is not None
        assert decided.ruling.status == "approved"
        ruling = (await one.rulings([review.id]))[review.id]
        assert (ruling.status, ruling.outcome, ruling.reviewer, ruling.note) == (
            "approved",
            "allow",
            "admin",
            "ok, hotfix",
        )
        with pytest.raises(AlreadyDecided):
            await two.decide(review.id, approve=False, reviewer="admin")
        late = await one.expire(review.id, "deny")  # the deadline came second: it loses
        assert late.status == "approved"
        assert await two.decide("nope", approve=True, reviewer="admin") is None
    finally:
        await one.aclose()
        await two.aclose()


async def test_the_deadline_decides_a_review_nobody_took(queue: ReviewQueue) -> None:
    review, _ = await queue.open(ticket(), reuse_s=600)
    ruling = await queue.expire(review.id, "allow")
    assert (ruling.status, ruling.outcome) == ("expired", "allow")
    with pytest.raises(AlreadyDecided):
        await queue.decide(review.id, approve=False, reviewer="admin")
    # Nobody decided: an identical call later asks again.
    again, created = await queue.open(ticket(), reuse_s=600)
    assert created
    assert again.id != review.id


async def test_a_decision_is_reused_within_the_window_only(queue: ReviewQueue) -> None:
    review, _ = await queue.open(ticket(), reuse_s=600)
    await queue.decide(review.id, approve=False, reviewer="admin", note="not today")
    reused, created = await queue.open(ticket(), reuse_s=600)
    assert not created
    assert reused.id == review.id
    assert reused.ruling.status == "denied"
    assert reused.ruling.note == "not today"
    await asyncio.sleep(0.05)
    fresh, created = await queue.open(ticket(), reuse_s=0.01)
    assert created
    assert fresh.id != review.id
    decided = await queue.listing(pending=False)
    assert [r.id for r in decided] == [review.id]


async def test_two_replicas_opening_one_call_at_once_share_one_review(migrated: str) -> None:
    queues = [ReviewQueue.open_store(migrated) for _ in range(4)]
    try:
        opened = await asyncio.gather(*(q.open(ticket(), reuse_s=600) for q in queues))
    finally:
        for queue in queues:
            await queue.aclose()
    assert len({review.id for review, _ in opened}) == 1
    assert sorted(created for _, created in opened) == [False, False, False, True]


async def test_a_review_nobody_waits_for_expires_past_its_deadline(queue: ReviewQueue) -> None:
    """The client went away: the review leaves the queue at its deadline, and the same call
    later is a new review, not the stale one's default."""
    gone, _ = await queue.open(ticket(deadline_s=0.05), reuse_s=600)
    await asyncio.sleep(0.1)
    assert await queue.listing() == []
    stale = await queue.get(gone.id)
    assert stale is not None
    assert (stale.ruling.status, stale.ruling.outcome) == ("expired", "deny")
    again, created = await queue.open(ticket(deadline_s=0.05), reuse_s=600)
    assert created
    await asyncio.sleep(0.1)
    fresh, created = await queue.open(ticket(), reuse_s=600)  # expires the stale one first
    assert created
    assert fresh.id != again.id


async def test_postgres_announces_each_decision_to_every_listener(
    migrated: str, backend: str
) -> None:
    one, two = ReviewQueue.open_store(migrated), ReviewQueue.open_store(migrated)
    heard: asyncio.Queue[str] = asyncio.Queue()
    stop = await one.listen(heard.put_nowait)
    try:
        if backend == "sqlite":
            assert stop is None  # SQLite: the poll alone
            return
        assert stop is not None
        review, _ = await one.open(ticket(), reuse_s=600)
        await two.decide(review.id, approve=True, reviewer="admin")
        assert await asyncio.wait_for(heard.get(), 5) == review.id
    finally:
        if stop is not None:
            await stop()
        await one.aclose()
        await two.aclose()
