"""The review desk: where a worker's escalated tool calls wait for a person's decision.

When a policy escalates a tool call (:meth:`sluice.hooks.ToolCallHook.escalate`), the chain
hands it to :meth:`ReviewDesk.review`, which puts it in the shared review queue (the store,
so every replica's admin server sees it) and waits. One task per worker reads the queue
for every call the worker holds, every ``reviews.poll_ms`` (at most 250 ms), in one query:
a decision taken on any replica reaches the stream within a poll. On Postgres the store
also announces each decision (``LISTEN``/``NOTIFY``), which wakes the poll at once.
Meanwhile the stream's keepalives flow as for any slow hook (the enforcer sends them while
the chain runs), and the rest of the response stays held behind the call.

The deadline ends the wait with ``on_deadline`` (deny unless configured), written to the
queue with the same conditional update as a decision, so whichever comes first wins
everywhere. An identical call (same caller, session, tool and arguments) waits for the
same review, or reuses its decision within ``reviews.reuse_s``: Claude Code retries a
failed stream without ``stream`` and must meet the same decision. When the queue cannot
be reached the call is blocked (fail closed).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sluice.config import ReviewsConfig, StandingApproval
from sluice.hooks import Escalation, ToolCallHook
from sluice.model import Message, Text
from sluice.store.reviews import Ruling, StoredReview, Ticket

if TYPE_CHECKING:
    from sluice.sidecar.metrics import SidecarMetrics

__all__ = ["Queue", "ReviewDesk", "ReviewVerdict", "call_key"]

log = logging.getLogger(__name__)

_CONTEXT_CHARS = 2000  # of the user's last request, shown to the reviewer
_ARGUMENTS_CHARS = 64_000  # of the call's arguments stored for the reviewer


class Queue(Protocol):
    """The shared queue (:class:`sluice.store.reviews.ReviewQueue`), as the desk uses it."""

    async def open(self, ticket: Ticket, reuse_s: float) -> tuple[StoredReview, bool]: ...

    async def rulings(self, ids: Collection[str]) -> dict[str, Ruling]: ...

    async def expire(self, review_id: str, outcome: Literal["allow", "deny"]) -> Ruling: ...

    async def listen(self, wake: Callable[[str], None]) -> Callable[[], Awaitable[None]] | None: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ReviewVerdict:
    """How a review ended for one call: ``allowed`` or not, ``outcome`` as counted in the
    metrics, ``reason`` for the event log, ``message`` for the user when blocked."""

    allowed: bool
    outcome: str
    reason: str
    message: str
    seconds: float
    review_id: str | None = None
    reviewer: str | None = None
    note: str = ""

    def facts(self) -> dict[str, Any]:
        """What the event log keeps of the review beside the decision's reason."""
        return {
            "review": self.review_id,
            "outcome": self.outcome,
            "reviewer": self.reviewer,
            "note": self.note,
            "waited_s": round(self.seconds, 3),
        }


def call_key(hook: ToolCallHook) -> str:
    """The call's name within its session: caller, session, tool, canonical arguments (the
    call's own id when there is no session: nothing else ties two calls together)."""
    exchange = hook.exchange
    arguments = StandingApproval.canonical(hook.call.arguments)
    scope = exchange.session if exchange.session is not None else f"call:{hook.call.id}"
    parts = [exchange.client or "", scope, hook.call.name, arguments]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class ReviewDesk:
    """Puts escalated calls in ``queue`` and waits for their decisions; ``announce`` is told
    of each new review (the webhook)."""

    def __init__(
        self,
        queue: Queue,
        config: ReviewsConfig,
        metrics: SidecarMetrics | None = None,
        announce: Callable[[StoredReview], None] | None = None,
        closing: Sequence[Callable[[], Awaitable[None]]] = (),
    ) -> None:
        """``closing``: what :meth:`aclose` closes besides the queue (the webhook's client)."""
        self._closing = tuple(closing)
        self.queue = queue
        self.config = config
        self.metrics = metrics
        self.announce = announce
        self._waiting: dict[str, list[asyncio.Future[Ruling]]] = {}
        self._poller: asyncio.Task[None] | None = None
        self._unreadable = False
        self._wake = asyncio.Event()  # a decision was announced: poll now
        self._unlisten: Callable[[], Awaitable[None]] | None = None
        self._listening = False

    async def aclose(self) -> None:
        """Stop reading the queue and close it (at the worker's exit)."""
        if self._poller is not None:
            self._poller.cancel()
        if self._unlisten is not None:
            await self._unlisten()
        for close in self._closing:
            await close()
        await self.queue.aclose()

    @property
    def waiting(self) -> int:
        """Calls this worker holds for a decision."""
        return sum(len(futures) for futures in self._waiting.values())

    async def review(self, hook: ToolCallHook, escalation: Escalation) -> ReviewVerdict:
        """Queue the call and wait for its decision (or its deadline). Never raises but on
        cancellation (the client went away)."""
        started = time.monotonic()
        metrics = self.metrics
        if metrics is not None:
            metrics.review_started()
        outcome: str | None = None
        try:
            verdict = await self._review(hook, escalation, started)
            outcome = verdict.outcome
            return verdict
        finally:
            if metrics is not None:
                metrics.review_ended(outcome, time.monotonic() - started)

    async def _review(
        self, hook: ToolCallHook, escalation: Escalation, started: float
    ) -> ReviewVerdict:
        config = self.config
        on_deadline = escalation.on_deadline or config.on_deadline
        ticket = Ticket(
            key=call_key(hook),
            tool=hook.call.name,
            arguments=_pretty(hook)[:_ARGUMENTS_CHARS],
            reason=escalation.reason,
            policy=escalation.policy,
            deadline_s=min(escalation.deadline_s or config.deadline_s, config.max_deadline_s),
            on_deadline=on_deadline,
            session=hook.exchange.session,
            user=hook.exchange.user,
            team=hook.exchange.team,
            client=hook.exchange.client,
            context=_last_user_text(hook.exchange.request.messages)[:_CONTEXT_CHARS],
        )
        try:
            stored, created = await self.queue.open(ticket, config.reuse_s)
        except Exception as exc:  # any driver error: nobody can review, so fail closed
            log.warning("review queue unreachable; blocking the escalated call: %r", exc)
            return ReviewVerdict(
                False,
                "unavailable",
                f"review queue unreachable: {type(exc).__name__}",
                f"{escalation.reason} (it needs a person's review, and the review queue "
                "cannot be reached)",
                time.monotonic() - started,
            )
        if created and self.announce is not None:
            self.announce(stored)
        ruling = stored.ruling
        reused = ruling.status != "pending"  # decided on the identical call before
        if not reused:  # the review's own deadline and default, also for a call joining it
            remaining = (stored.deadline_at - datetime.now(UTC)).total_seconds()
            default: Literal["allow", "deny"] = "allow" if stored.on_deadline == "allow" else "deny"
            ruling = await self._wait(stored.id, remaining, default)
        return _verdict(stored, ruling, time.monotonic() - started, reused=reused)

    async def _wait(
        self, review_id: str, remaining: float, on_deadline: Literal["allow", "deny"]
    ) -> Ruling:
        future: asyncio.Future[Ruling] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(review_id, []).append(future)
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll())
        try:
            async with asyncio.timeout(max(remaining, 0.0)):
                return await future
        except TimeoutError:
            try:
                return await self.queue.expire(review_id, on_deadline)
            except Exception as exc:
                log.warning("review %s: could not record its deadline: %r", review_id, exc)
                return Ruling("expired", on_deadline)
        finally:
            futures = self._waiting.get(review_id, [])
            if future in futures:
                futures.remove(future)
            if not futures:
                self._waiting.pop(review_id, None)

    def _woken(self, review_id: str) -> None:
        if review_id in self._waiting:
            self._wake.set()

    async def _listen(self) -> None:
        """Where the store announces decisions (Postgres), poll as soon as one is committed;
        the poll stays the fallback (and SQLite's way)."""
        self._listening = True
        try:
            self._unlisten = await self.queue.listen(self._woken)
        except Exception as exc:
            log.warning("review decisions not announced (polling only): %r", exc)

    async def _poll(self) -> None:
        """Read the decisions of every held call, one query a poll (or as soon as the store
        announces one), while calls wait."""
        interval = self.config.poll_ms / 1000
        if not self._listening:
            await self._listen()
        try:
            while self._waiting:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), interval)
                self._wake.clear()  # one announced during the query below wakes the next
                try:
                    rulings = await self.queue.rulings(list(self._waiting))
                except Exception as exc:  # the deadline still ends every wait
                    if not self._unreadable:
                        log.warning("review queue unreadable: %r", exc)
                    self._unreadable = True
                    continue
                self._unreadable = False
                for review_id, ruling in rulings.items():
                    for future in self._waiting.pop(review_id, []):
                        if not future.done():
                            future.set_result(ruling)
        finally:
            self._poller = None


def _verdict(
    stored: StoredReview, ruling: Ruling, seconds: float, *, reused: bool
) -> ReviewVerdict:
    waited = f"after {seconds:.1f} s"
    if reused:
        waited += " (a decision on the identical call earlier in this session)"
    note = f": {ruling.note}" if ruling.note else ""
    who = ruling.reviewer or "a reviewer"
    if ruling.status == "approved":
        reason = f"review {stored.id} approved by {who} {waited}{note}"
        return ReviewVerdict(
            True, "approved", reason, "", seconds, stored.id, ruling.reviewer, ruling.note
        )
    if ruling.status == "denied":
        reason = f"review {stored.id} denied by {who} {waited}{note}"
        message = f"a reviewer denied this call{note}" if note else "a reviewer denied this call"
        return ReviewVerdict(
            False, "denied", reason, message, seconds, stored.id, ruling.reviewer, ruling.note
        )
    allowed = ruling.outcome == "allow"
    reason = (
        f"review {stored.id}: nobody decided by the deadline {waited}; "
        f"{'allowed' if allowed else 'denied'} by default"
    )
    message = f"{stored.reason} (nobody reviewed this call in time)"
    outcome = "expired_allowed" if allowed else "expired_denied"
    return ReviewVerdict(allowed, outcome, reason, "" if allowed else message, seconds, stored.id)


def _pretty(hook: ToolCallHook) -> str:
    arguments = hook.arguments()
    if isinstance(arguments, str):
        return arguments
    return json.dumps(arguments, indent=2, ensure_ascii=False)


_REMINDER = "<system-reminder>"  # context Claude Code adds to a user message: not the request


def _last_user_text(messages: list[Message]) -> str:
    """The text of the latest user message that has text (tool results alone are skipped),
    without the context blocks a client adds to it (Claude Code's system reminders)."""
    for message in reversed(messages):
        if message.role != "user":
            continue
        texts = [block.text for block in message.blocks if isinstance(block, Text)]
        typed = [text for text in texts if not text.lstrip().startswith(_REMINDER)]
        if typed or texts:
            return "\n".join(typed or texts).strip()
    return ""
