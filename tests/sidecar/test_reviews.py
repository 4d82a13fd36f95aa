"""The review desk: escalated calls wait in the shared queue for a person's decision."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Collection
from pathlib import Path
from typing import Literal

import pytest
from prometheus_client import CollectorRegistry

from sluice.config import ReviewsConfig, StandingApproval
from sluice.schema import upgrade
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.metrics import SidecarMetrics
from sluice.sidecar.reviews import ReviewDesk
from sluice.store.reviews import ReviewQueue, Ruling, StoredReview, Ticket
from tests.policies.factories import tool_call_hook
from tests.sidecar.policies_for_tests import BlockTools, EscalateTools, chain


@pytest.fixture
async def store_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'sluice.db'}"
    await upgrade(url)
    return url


@pytest.fixture
async def reviewer(store_url: str) -> AsyncIterator[ReviewQueue]:
    """The admin server's side of the queue (another replica's, for all the desk knows)."""
    queue = ReviewQueue.open_store(store_url)
    yield queue
    await queue.aclose()


@pytest.fixture
async def desk(store_url: str) -> AsyncIterator[ReviewDesk]:
    opened = ReviewDesk(
        ReviewQueue.open_store(store_url), ReviewsConfig(enabled=True, deadline_s=5, poll_ms=50)
    )
    yield opened
    await opened.aclose()


def reviewed(desk: ReviewDesk | None, **config: object) -> Chain:
    escalating = chain((EscalateTools, {"tools": ["Bash"], **config}))
    return Chain(escalating.policies, reviews=desk)


async def pending(queue: ReviewQueue, count: int = 1) -> list[StoredReview]:
    for _ in range(200):
        found = await queue.listing()
        if len(found) >= count:
            return found
        await asyncio.sleep(0.01)
    raise AssertionError("no review appeared in the queue")


async def test_an_approved_call_goes_on_unchanged(desk: ReviewDesk, reviewer: ReviewQueue) -> None:
    hook = tool_call_hook("Bash", {"command": "kubectl apply -f prod.yaml"})
    decisions: list[Decision] = []
    waiting = asyncio.create_task(reviewed(desk).run(hook, decisions))
    [review] = await pending(reviewer)
    assert review.tool == "Bash"
    assert '"command": "kubectl apply -f prod.yaml"' in review.arguments
    assert review.reason == "Bash needs a second look"
    assert review.policy == "EscalateTools"
    assert not waiting.done()  # held until somebody decides
    await reviewer.decide(review.id, approve=True, reviewer="admin", note="hotfix")
    await asyncio.wait_for(waiting, 2)
    assert hook.blocked is None
    assert [(d.policy, d.action) for d in decisions] == [
        ("EscalateTools", "escalate"),
        ("sluice.review", "approve"),
    ]
    assert "approved by admin" in decisions[1].reason
    assert "hotfix" in decisions[1].reason


async def test_a_denied_call_is_blocked_with_the_note(
    desk: ReviewDesk, reviewer: ReviewQueue
) -> None:
    hook = tool_call_hook("Bash", {"command": "kubectl apply -f prod.yaml"})
    decisions: list[Decision] = []
    waiting = asyncio.create_task(reviewed(desk).run(hook, decisions))
    [review] = await pending(reviewer)
    await reviewer.decide(review.id, approve=False, reviewer="admin", note="use staging first")
    await asyncio.wait_for(waiting, 2)
    assert hook.blocked == "a reviewer denied this call: use staging first"
    assert decisions[-1].action == "block"
    assert "denied by admin" in decisions[-1].reason


@pytest.mark.parametrize(
    ("on_deadline", "allowed"), [(None, False), ("allow", True)], ids=["default", "allow"]
)
async def test_the_deadline_applies_its_default(
    desk: ReviewDesk, reviewer: ReviewQueue, on_deadline: str | None, allowed: bool
) -> None:
    hook = tool_call_hook("Bash", {"command": "kubectl apply -f prod.yaml"})
    decisions: list[Decision] = []
    config = {"deadline_s": 0.3, "on_deadline": on_deadline}
    await reviewed(desk, **config).run(hook, decisions)
    assert (hook.blocked is None) == allowed
    if not allowed:
        assert hook.blocked == "Bash needs a second look (nobody reviewed this call in time)"
    assert "nobody decided by the deadline" in decisions[-1].reason
    assert (await reviewer.listing(pending=False))[0].ruling.status == "expired"


async def test_identical_calls_wait_for_one_decision(
    desk: ReviewDesk, reviewer: ReviewQueue
) -> None:
    """Claude Code's retry without ``stream`` meets the review its stream started."""
    streamed = tool_call_hook("Bash", {"command": "make deploy"}, call_id="toolu_1")
    retried = tool_call_hook("Bash", {"command": "make deploy"}, call_id="toolu_2")
    other = tool_call_hook("Bash", {"command": "make clean"}, call_id="toolu_3")
    runs = [asyncio.create_task(reviewed(desk).run(h, [])) for h in (streamed, retried, other)]
    reviews = await pending(reviewer, 2)
    await asyncio.sleep(0.1)
    assert len(await reviewer.listing()) == 2  # the retry joined the first review
    assert desk.waiting == 3
    [deploy] = [r for r in reviews if "deploy" in r.arguments]
    await reviewer.decide(deploy.id, approve=True, reviewer="admin")
    await asyncio.wait_for(asyncio.gather(runs[0], runs[1]), 2)
    assert streamed.blocked is None
    assert retried.blocked is None
    assert not runs[2].done()
    runs[2].cancel()
    # Decided: the same call again in the session gets the decision at once.
    again = tool_call_hook("Bash", {"command": "make deploy"}, call_id="toolu_4")
    decisions: list[Decision] = []
    await asyncio.wait_for(reviewed(desk).run(again, decisions), 1)
    assert again.blocked is None
    assert "earlier in this session" in decisions[-1].reason


async def test_a_standing_approval_lets_the_identical_call_through_without_asking() -> None:
    approval = StandingApproval(
        tool="Bash",
        arguments='{"command":"make deploy"}',
        team="infra",
        approved_by="reviewer key:abc",
        review="r1",
    )
    escalating = chain((EscalateTools, {"tools": ["Bash"]}))
    approved = Chain(escalating.policies, approvals=[approval])  # no queue: it would block
    same = tool_call_hook("Bash", '{ "command": "make deploy" }')
    same.exchange.team = "infra"
    decisions: list[Decision] = []
    await approved.run(same, decisions)
    assert same.blocked is None
    assert decisions[-1].action == "approve"
    assert (
        decisions[-1].reason == "standing approval by reviewer key:abc for team infra (review r1)"
    )
    other_team = tool_call_hook("Bash", {"command": "make deploy"})
    other_team.exchange.team = "web"
    other_call = tool_call_hook("Bash", {"command": "make deploy --force"})
    other_call.exchange.team = "infra"
    for hook in (other_team, other_call):
        await approved.run(hook, [])
        assert hook.blocked is not None


def test_a_standing_approval_names_one_scope() -> None:
    with pytest.raises(ValueError, match="exactly one of `team` or `session`"):
        StandingApproval(tool="Bash", arguments="{}", approved_by="x")


async def test_without_a_queue_an_escalation_blocks() -> None:
    hook = tool_call_hook("Bash", {"command": "kubectl apply -f prod.yaml"})
    decisions: list[Decision] = []
    await reviewed(None).run(hook, decisions)
    assert hook.blocked is not None
    assert hook.blocked.startswith("Bash needs a second look")
    assert "no review queue" in hook.blocked


async def test_a_later_block_wins_and_nobody_is_asked(desk: ReviewDesk) -> None:
    both = chain((EscalateTools, {"tools": ["Bash"]}), (BlockTools, {"tools": ["Bash"]}))
    hook = tool_call_hook("Bash", {"command": "ls"})
    decisions: list[Decision] = []
    await asyncio.wait_for(Chain(both.policies, reviews=desk).run(hook, decisions), 1)
    assert hook.blocked == "Bash is not allowed"
    assert [d.action for d in decisions] == ["escalate", "block"]
    assert desk.waiting == 0


class Unreachable:
    async def open(self, ticket: Ticket, reuse_s: float) -> tuple[StoredReview, bool]:
        raise ConnectionRefusedError("store down")

    async def rulings(self, ids: Collection[str]) -> dict[str, Ruling]:
        raise ConnectionRefusedError("store down")

    async def expire(self, review_id: str, outcome: Literal["allow", "deny"]) -> Ruling:
        raise ConnectionRefusedError("store down")

    async def listen(self, wake: Callable[[str], None]) -> None:
        return None

    async def aclose(self) -> None:
        pass


async def test_an_unreachable_queue_fails_closed_and_is_counted() -> None:
    registry = CollectorRegistry()
    metrics = SidecarMetrics(registry, flush_interval_s=0)
    desk = ReviewDesk(Unreachable(), ReviewsConfig(enabled=True), metrics)
    hook = tool_call_hook("Bash", {"command": "kubectl apply -f prod.yaml"})
    await Chain(reviewed(None).policies, metrics=metrics, reviews=desk).run(hook, [])
    assert hook.blocked is not None
    assert "review queue cannot be reached" in hook.blocked
    metrics.flush()
    sample = registry.get_sample_value
    assert sample("sluice_review_escalations_total", {"policy": "EscalateTools"}) == 1
    decided = {"policy": "EscalateTools", "hook": "tool_call", "action": "escalate"}
    assert sample("sluice_policy_decisions_total", decided) == 1
    assert sample("sluice_review_decisions_total", {"outcome": "unavailable"}) == 1
    assert sample("sluice_reviews_waiting") == 0


async def test_waiting_and_decisions_are_counted(store_url: str, reviewer: ReviewQueue) -> None:
    registry = CollectorRegistry()
    metrics = SidecarMetrics(registry, flush_interval_s=0)
    config = ReviewsConfig(enabled=True, deadline_s=5, poll_ms=50)
    desk = ReviewDesk(ReviewQueue.open_store(store_url), config, metrics)
    try:
        hook = tool_call_hook("Bash", {"command": "kubectl apply -f prod.yaml"})
        waiting = asyncio.create_task(reviewed(desk).run(hook, []))
        [review] = await pending(reviewer)
        metrics.flush()
        assert registry.get_sample_value("sluice_reviews_waiting") == 1
        await reviewer.decide(review.id, approve=True, reviewer="admin")
        await asyncio.wait_for(waiting, 2)
        metrics.flush()
        sample = registry.get_sample_value
        assert sample("sluice_reviews_waiting") == 0
        assert sample("sluice_review_decisions_total", {"outcome": "approved"}) == 1
        assert sample("sluice_review_wait_seconds_count", {"outcome": "approved"}) == 1
    finally:
        await desk.aclose()
