"""The policy API's events: what a policy can do to a tool call."""

from __future__ import annotations

import pytest

from tests.policies.factories import tool_call_hook


def test_the_first_escalation_is_the_one_a_reviewer_reads() -> None:
    hook = tool_call_hook("Bash", {"command": "make deploy"})
    hook.escalate("deploys need a second look", deadline_s=60, on_deadline="allow")
    hook.escalate("and so does everything else")
    assert hook.escalated is not None
    assert hook.escalated.reason == "deploys need a second look"
    assert (hook.escalated.deadline_s, hook.escalated.on_deadline) == (60, "allow")
    assert hook.blocked is None  # an escalation is not a block: later policies still run


def test_an_escalation_without_time_to_decide_is_refused_at_once() -> None:
    hook = tool_call_hook("Bash", {"command": "make deploy"})
    with pytest.raises(ValueError, match="deadline_s must be positive"):
        hook.escalate("why", deadline_s=0)
