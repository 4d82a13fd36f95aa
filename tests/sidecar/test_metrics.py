"""The sidecar's metrics, each test on a fresh registry, values read back."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from prometheus_client import CollectorRegistry

from sluice.policy import ModelEndpoint
from sluice.sidecar.chain import Chain
from sluice.sidecar.llm_client import ModelConnectionError
from sluice.sidecar.metrics import (
    EventLogMetrics,
    ExchangeFacts,
    LabelBound,
    SidecarMetrics,
)
from tests.policies.factories import tool_call_hook
from tests.sidecar.policies_for_tests import BlockTools, Explode


def facts(**changes: object) -> ExchangeFacts:
    values: dict[str, object] = {
        "provider": "anthropic",
        "model": "claude-x",
        "route": "/v1/messages",
        "team": None,
        "status": 200,
        "streamed": True,
        "duration": 2.0,
        "usage": {"input": 100, "output": 11},
        "ttft": 1.0,
    }
    return ExchangeFacts(**(values | changes))  # type: ignore[arg-type]


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


def value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_label_bound_allow_list_collapses_others() -> None:
    bound = LabelBound(limit=1, allowed=["red", "blue"])
    assert [bound(v) for v in ["red", "blue", "green", ""]] == ["red", "blue", "other", "none"]


def test_an_exchange_counts_requests_tokens_and_timings(registry: CollectorRegistry) -> None:
    metrics = SidecarMetrics(registry)
    metrics.exchange(facts())
    metrics.exchange(facts(status=429, usage={}, ttft=None, streamed=False))
    metrics.flush()
    common = {"provider": "anthropic", "model": "claude-x"}
    assert (
        value(
            registry,
            "sluice_requests_total",
            **common,
            route="/v1/messages",
            team="none",
            status="200",
            streamed="true",
        )
        == 1
    )
    assert value(registry, "sluice_tokens_total", **common, team="none", type="output") == 11
    assert value(registry, "sluice_request_tokens_sum", **common, type="input") == 100
    assert value(registry, "sluice_time_to_first_token_seconds_count", **common) == 1
    assert value(registry, "sluice_time_to_first_token_seconds_bucket", **common, le="1.0") == 1
    # (2 s - 1 s) over the 10 tokens after the first
    assert value(registry, "sluice_time_per_output_token_seconds_sum", **common) == 0.1
    assert value(registry, "sluice_request_duration_seconds_count", **common, streamed="false") == 1


def test_nothing_is_visible_before_a_flush_inside_an_event_loop(
    registry: CollectorRegistry,
) -> None:
    async def run() -> tuple[float | None, float | None]:
        metrics = SidecarMetrics(registry, flush_interval_s=0.05)
        metrics.exchange(facts())
        before = value(
            registry,
            "sluice_request_duration_seconds_count",
            provider="anthropic",
            model="claude-x",
            streamed="true",
        )
        await asyncio.sleep(0.2)
        after = value(
            registry,
            "sluice_request_duration_seconds_count",
            provider="anthropic",
            model="claude-x",
            streamed="true",
        )
        return before, after

    assert asyncio.run(run()) == (0, 1)


def test_models_and_teams_beyond_the_bound_are_other(registry: CollectorRegistry) -> None:
    metrics = SidecarMetrics(registry, label_limit=2, teams=["red"])
    for model, team in [("a", "red"), ("b", "blue"), ("c", "red"), ("d", None)]:
        metrics.exchange(facts(model=model, team=team))
    metrics.flush()
    samples = {
        (s.labels["model"], s.labels["team"])
        for m in registry.collect()
        if m.name == "sluice_requests"
        for s in m.samples
        if s.name == "sluice_requests_total"
    }
    assert samples == {("a", "red"), ("b", "other"), ("other", "red"), ("other", "none")}


def test_a_reload_with_the_same_bounds_keeps_the_admitted_values(
    registry: CollectorRegistry,
) -> None:
    metrics = SidecarMetrics(registry, label_limit=1)
    assert metrics.model("a") == "a"
    metrics.bound_labels(1)
    assert metrics.model("b") == "other"


def test_streams_messages_and_errors(registry: CollectorRegistry) -> None:
    metrics = SidecarMetrics(registry)
    metrics.stream_started()
    metrics.stream_started()
    metrics.message("response_body", 0.0002)
    metrics.stream_ended(messages=3)
    metrics.exchange(facts(complete=False))
    metrics.flush()
    assert value(registry, "sluice_active_streams") == 1
    assert value(registry, "sluice_extproc_messages_per_request_sum") == 3
    assert (
        value(
            registry,
            "sluice_extproc_message_duration_seconds_bucket",
            kind="response_body",
            le="0.00025",
        )
        == 1
    )
    assert value(registry, "sluice_errors_total", kind="abandoned") == 1
    assert value(registry, "sluice_errors_total", kind="internal") == 0  # there from the start


async def test_policy_decisions_by_policy_and_action(registry: CollectorRegistry) -> None:
    metrics = SidecarMetrics(registry)
    chain = Chain(
        [
            BlockTools.configure({"tools": ["Bash"]}, name="block"),
            Explode.configure({}, name="boom"),
        ],
        metrics=metrics,
    )
    await chain.run(tool_call_hook("Read", {}), [])
    await chain.run(tool_call_hook("Bash", {}), [])
    metrics.flush()
    decisions = "sluice_policy_decisions_total"
    assert value(registry, decisions, policy="block", hook="tool_call", action="pass") == 1
    assert value(registry, decisions, policy="block", hook="tool_call", action="block") == 1
    assert value(registry, decisions, policy="boom", hook="tool_call", action="error") == 1
    assert value(registry, "sluice_errors_total", kind="policy") == 1


class _Client:
    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour

    async def complete(self, system: str, prompt: str) -> str:
        if self.behaviour == "fail":
            raise ModelConnectionError("cannot reach http://judge")
        if self.behaviour == "slow":
            await asyncio.sleep(10)
        return '{"verdict": "allow"}'


async def test_judge_calls_are_timed_by_outcome(registry: CollectorRegistry) -> None:
    metrics = SidecarMetrics(registry)
    endpoint = ModelEndpoint(api="openai", base_url="http://judge", model="j")
    for behaviour in ["ok", "fail", "slow"]:
        client = metrics.instrument(lambda _, b=behaviour: _Client(b))(endpoint)
        with contextlib.suppress(ModelConnectionError, TimeoutError):
            await asyncio.wait_for(client.complete("s", "p"), 0.05)
    metrics.flush()
    for outcome in ["ok", "connection_error", "timeout"]:
        assert value(registry, "sluice_judge_requests_total", outcome=outcome) == 1, outcome
        assert value(registry, "sluice_judge_duration_seconds_count", outcome=outcome) == 1
    assert value(registry, "sluice_errors_total", kind="judge") == 2


def test_event_log_queue_metrics(registry: CollectorRegistry) -> None:
    queue = EventLogMetrics(registry).queue("writer")
    queue.queued(7, 3000)
    queue.written(5, 0.02)
    queue.dropped(2)
    queue.failed()
    queue.refused()
    queue.truncated()
    assert value(registry, "sluice_event_log_queue_depth", queue="writer") == 7
    assert value(registry, "sluice_event_log_queue_bytes", queue="writer") == 3000
    assert value(registry, "sluice_event_log_frames_refused_total", queue="writer") == 1
    assert value(registry, "sluice_event_log_captures_truncated_total") == 1
    assert value(registry, "sluice_event_log_written_total", queue="writer") == 5
    assert value(registry, "sluice_event_log_write_duration_seconds_count", queue="writer") == 1
    assert value(registry, "sluice_event_log_dropped_total", queue="writer") == 2
    assert value(registry, "sluice_event_log_write_failures_total", queue="writer") == 1
