"""A policy chain: policies in order, what they need to see, and every hook call guarded.

A failing or slow hook never reaches the stream: :meth:`Chain.run` turns an exception or a
timeout into the decision the policy's ``on_error`` asks for (fail-closed by default), and
records it. That is the only place where a policy's failure is decided.

It is also where an escalated tool call goes to a person: once every policy ran and none
blocked the call, :meth:`Chain.run` waits for the review desk's decision (a block without
one), and records the escalation and the decision.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sluice.config import PolicyRef, StandingApproval
from sluice.hooks import (
    Escalation,
    ExchangeContext,
    Hook,
    RequestHook,
    ResponseHook,
    TextDeltaHook,
    TextHook,
    ToolCallHook,
)
from sluice.policies import BUILTINS
from sluice.policy import ModelClientFactory, Policy, PolicyError, load_policy_class
from sluice.sidecar.eager import bounded

if TYPE_CHECKING:
    from sluice.sidecar.metrics import SidecarMetrics
    from sluice.sidecar.reviews import ReviewDesk
    from sluice.sidecar.tracing import ExchangeTrace

__all__ = ["Chain", "Decision", "build_chain"]

_Handler = Callable[[Hook], Coroutine[Any, Any, None]]  # a hook handler, as called
log = logging.getLogger(__name__)

_REVIEW = "sluice.review"  # the event log's name for a person's decision (or its deadline's)


@dataclass(frozen=True, slots=True)
class Decision:
    """What one policy did to one event: ``action`` is ``refuse``, ``block``, ``rewrite``,
    ``escalate`` (to a person), ``approve`` (a person's review, or its deadline, let the
    call through; ``policy`` is ``sluice.review``), ``error`` (the hook failed; ``reason``
    says how and what ``on_error`` decided)."""

    policy: str
    hook: str
    action: str
    reason: str
    seconds: float
    data: dict[str, Any] | None = None  # the facts behind it (a review's reviewer, note, ...)


class Chain:
    """An ordered list of configured policies."""

    def __init__(
        self,
        policies: Sequence[Policy[Any]],
        name: str = "default",
        metrics: SidecarMetrics | None = None,
        reviews: ReviewDesk | None = None,
        approvals: Sequence[StandingApproval] = (),
    ) -> None:
        self.name = name
        self.approvals = tuple(approvals)  # calls reviewers approved for good
        self.metrics = metrics  # counts every hook call's action (``pass`` when none)
        self.reviews = reviews  # where escalated calls wait; None: an escalation blocks
        self.policies = tuple(policies)
        self._by_hook = {
            hook: tuple(p for p in self.policies if hook in p.hooks())
            for hook in ("request", "text", "text_delta", "tool_call", "end", "response")
        }
        self._text_readers = tuple(p for p in self.policies if {"text", "text_delta"} & p.hooks())
        self.reads_request = bool(self._by_hook["request"])
        self.reads_text = bool(self._text_readers)
        # One whole-block reader makes the gateway hold each text block until its end.
        self.holds_text_blocks = bool(self._by_hook["text"])
        self.streams_text = self.reads_text and not self.holds_text_blocks
        # The most streamed text the chain may hold back: the largest declared lookback.
        self.hold = max((p.lookback for p in self._by_hook["text_delta"]), default=0)
        # The longest the request hooks may take together, each within its timeout_s.
        self.request_seconds = sum(p.config.timeout_s for p in self._by_hook["request"])
        self.reads_tool_calls = bool(self._by_hook["tool_call"])
        self.adds_at_end = bool(self._by_hook["end"])
        self.sanitizes_records = any(p.sanitizes_records for p in self.policies)
        self.observes_response = bool(self._by_hook["response"])
        # Tool calls must stay last: held while something may still come before them.
        self.holds_tool_calls = self.reads_tool_calls or self.adds_at_end
        # With nothing to read in the response, its bytes pass through unparsed.
        self.reads_response = self.reads_text or self.holds_tool_calls or self.observes_response

    async def run(
        self, hook: Hook, decisions: list[Decision], trace: ExchangeTrace | None = None
    ) -> None:
        """Call every policy that handles ``hook``, in order, until one refuses or blocks
        (``trace``: the exchange's, when it is traced)."""
        for policy in self._by_hook[hook.name]:
            await self._guarded(policy, hook, decisions, trace)
            if _stopped(hook):
                return
        if isinstance(hook, ToolCallHook) and hook.escalated is not None:
            await self._review(hook, hook.escalated, decisions)

    async def _review(
        self, hook: ToolCallHook, escalation: Escalation, decisions: list[Decision]
    ) -> None:
        """A person decides on the call (or the deadline does); without a review queue it
        is blocked. A call a reviewer approved for good (a standing approval) goes on."""
        context, call = hook.exchange, hook.call
        for approval in self.approvals:
            if approval.covers(call.name, call.arguments, context.team, context.session):
                scope = f"team {approval.team}" if approval.team else f"session {approval.session}"
                reason = f"standing approval by {approval.approved_by} for {scope}"
                if approval.review:
                    reason += f" (review {approval.review})"
                facts = {"outcome": "allow", "standing": True, "review": approval.review}
                facts["reviewer"] = approval.approved_by
                decisions.append(Decision(_REVIEW, hook.name, "approve", reason, 0.0, facts))
                return
        if self.reviews is None:
            reason = f"{escalation.reason} (it needs a person's review; no review queue is set up)"
            hook.block(reason)
            decisions.append(Decision(_REVIEW, hook.name, "block", "no review queue", 0.0))
            return
        verdict = await self.reviews.review(hook, escalation)
        action = "approve" if verdict.allowed else "block"
        decisions.append(
            Decision(_REVIEW, hook.name, action, verdict.reason, verdict.seconds, verdict.facts())
        )
        if not verdict.allowed:
            hook.block(verdict.message)

    async def run_text(
        self,
        context: ExchangeContext,
        text: str,
        decisions: list[Decision],
        trace: ExchangeTrace | None = None,
    ) -> str:
        """A whole text block through every policy that reads text, in order: its
        ``text`` hook, or its ``text_delta`` hook once with the whole block (``final``)."""
        for policy in self._text_readers:
            hook: TextHook | TextDeltaHook
            if "text" in policy.hooks():
                hook = TextHook(context, text)
            else:
                hook = TextDeltaHook(context, text, final=True)
            await self._guarded(policy, hook, decisions, trace)
            text = hook.text
        return text

    async def _traced(
        self, policy: Policy[Any], hook: Hook, decisions: list[Decision], trace: ExchangeTrace
    ) -> Decision | None:
        """:meth:`_guarded`, untraced, in a span of ``trace``."""
        if hook.name == "text_delta":  # one per window of streamed text: counted only
            decision = await self._guarded(policy, hook, decisions)
            trace.text_delta(decision)
            return decision
        with trace.hook(policy.name, hook.name) as span:
            decision = await self._guarded(policy, hook, decisions)
            span.decided(decision)
        return decision

    async def _guarded(
        self,
        policy: Policy[Any],
        hook: Hook,
        decisions: list[Decision],
        trace: ExchangeTrace | None = None,
    ) -> Decision | None:
        """Call ``policy``'s handler of ``hook``; what it decided (``None``: it let the
        event pass), recorded in ``decisions`` and counted; in a span of ``trace`` when the
        exchange is traced (untraced, no coroutine more: a tool call's rules take
        microseconds)."""
        if trace is not None:
            return await self._traced(policy, hook, decisions, trace)
        handler: _Handler = getattr(policy, hook.name)
        before = _snapshot(hook)
        started = time.perf_counter()
        try:  # no task, unlike wait_for; none of its own either, when it need not wait
            if (rest := bounded(handler(hook), policy.config.timeout_s)) is not None:
                await rest
        except Exception as exc:  # a policy's bug or timeout must not reach the stream
            elapsed = time.perf_counter() - started
            timed_out = isinstance(exc, TimeoutError)
            # The client reads what happened; the exception (internals) stays with the
            # operator: in the log and the event log's decision.
            why = "timed out" if timed_out else "failed"
            detail = why if timed_out else f"failed: {type(exc).__name__}: {exc}"
            log.warning("policy %s %s hook %s", policy.name, hook.name, detail)
            fail_closed = policy.config.on_error == "block"
            _apply_failure(hook, policy.name, "timed out" if timed_out else "failed", fail_closed)
            outcome = "failed closed" if fail_closed else "failed open"
            failure = Decision(policy.name, hook.name, "error", f"{detail}; {outcome}", elapsed)
            decisions.append(failure)
            if self.metrics is not None:
                self.metrics.decision(policy.name, hook.name, "error")
            return failure
        elapsed = time.perf_counter() - started
        escalated = (
            isinstance(hook, ToolCallHook)
            and hook.escalated is not None  # (rarely: most calls are not escalated)
            and self._escalated_by(policy, hook, decisions, elapsed)
        )
        action = _action(hook, before)
        decision = None
        if action is not None:
            decision = Decision(policy.name, hook.name, action[0], action[1], elapsed)
            decisions.append(decision)
        if self.metrics is not None:
            counted = action[0] if action is not None else "escalate" if escalated else "pass"
            self.metrics.decision(policy.name, hook.name, counted)
        return decision

    def _escalated_by(
        self, policy: Policy[Any], hook: ToolCallHook, decisions: list[Decision], elapsed: float
    ) -> bool:
        """Record an escalation ``policy`` just made (one it did not block as well); whether
        there was one."""
        escalation = hook.escalated
        if escalation is None or escalation.policy:  # none, or an earlier policy's
            return False
        hook.escalated = dataclasses.replace(escalation, policy=policy.name)
        if hook.blocked is not None:
            return False
        reason = escalation.reason
        decisions.append(Decision(policy.name, hook.name, "escalate", reason, elapsed))
        if self.metrics is not None:
            self.metrics.escalated(policy.name)
        return True


def _stopped(hook: Hook) -> bool:
    if isinstance(hook, RequestHook):
        return hook.refused is not None
    if isinstance(hook, ToolCallHook):
        return hook.blocked is not None
    return False


def _snapshot(hook: Hook) -> object:
    if isinstance(hook, ToolCallHook):
        return hook.call.arguments
    if isinstance(hook, TextHook | TextDeltaHook):
        return hook.text
    if isinstance(hook, RequestHook):
        return hook.edits.revision
    return None


def _action(hook: Hook, before: object) -> tuple[str, str] | None:
    if isinstance(hook, RequestHook):
        if hook.refused is not None:
            return "refuse", hook.refused
        if _snapshot(hook) != before:
            return "rewrite", "request changed"
    elif isinstance(hook, ToolCallHook):
        if hook.blocked is not None:
            return "block", hook.blocked
        if hook.call.arguments != before:
            return "rewrite", "tool call arguments changed"
    elif isinstance(hook, TextHook | TextDeltaHook) and hook.text != before:
        return "rewrite", "text changed"
    return None


def _apply_failure(hook: Hook, policy: str, why: str, fail_closed: bool) -> None:
    if not fail_closed or isinstance(hook, ResponseHook):
        return
    if isinstance(hook, RequestHook):
        hook.refuse(f"policy {policy} could not check this request ({why})")
    elif isinstance(hook, ToolCallHook):
        hook.block(f"policy {policy} could not check this tool call ({why})")
    elif isinstance(hook, TextHook):
        hook.text = f"[text withheld: policy {policy} could not check it ({why})]"
    elif isinstance(hook, TextDeltaHook):  # this window is withheld, and released at once
        hook.text = f"[text withheld: policy {policy} could not check it ({why})]"
        hook.settled = hook.floor = len(hook.text)


def build_chain(
    refs: Sequence[PolicyRef],
    models: ModelClientFactory,
    name: str = "default",
    metrics: SidecarMetrics | None = None,
    reviews: ReviewDesk | None = None,
    approvals: Sequence[StandingApproval] = (),
) -> Chain:
    """Load and configure the policies ``refs`` name; raises ``PolicyError`` on a bad entry.

    ``models`` gives policies that consult an LLM their client (see ``ModelClients``).
    """
    policies = []
    for i, ref in enumerate(refs):
        try:
            cls = load_policy_class(ref.name, BUILTINS)
            policies.append(cls.configure(ref.config, name=ref.name, models=models))
        except PolicyError as exc:
            raise PolicyError(f"{name} chain, entry {i}: {exc}") from None
    return Chain(policies, name, metrics, reviews, approvals)
