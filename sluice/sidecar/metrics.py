"""The sidecar's Prometheus metrics: one object holding every metric, made against a registry.

The data path calls this module only (docs/architecture.md, "Who may import whom": one
entry point for metrics). A worker uses :func:`worker_metrics`, the process's instance on
the default registry; tests make their own on a fresh registry and read the values back::

    registry = CollectorRegistry()
    metrics = SidecarMetrics(registry)
    server = ExtProcServer(routes, ChainSet(config, models, metrics=metrics))
    ...
    registry.get_sample_value("sluice_requests_total", {...})

In a gateway every worker process writes its values to files in ``PROMETHEUS_MULTIPROC_DIR``
(set by ``sluice run``) and the admin server sums them at scrape time; gauges say how
(``livesum``: the sum over live processes). Writing a value there costs 1-3 µs (a lock and
an mmap write), too much for every message: the data path adds to plain in-process counts,
which :meth:`SidecarMetrics.flush` moves into the metrics at most once a second (and at
exit), so a scrape sees values up to a second old. Label values are bounded (:class:`LabelBound`):
no user, session or key ever becomes a label. Every metric, its labels and its
OpenTelemetry GenAI counterpart are listed in docs/metrics.md.
"""

from __future__ import annotations

import asyncio
import atexit
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

from sluice.policy import ModelClient, ModelClientFactory, ModelEndpoint

__all__ = [
    "ERROR_KINDS",
    "LIMITS",
    "OTHER",
    "REVIEW_OUTCOMES",
    "EventLogMetrics",
    "ExchangeFacts",
    "LabelBound",
    "QueueMetrics",
    "SidecarMetrics",
    "event_log_metrics",
    "worker_metrics",
]

OTHER = "other"  # the label value every value beyond a bound becomes
NONE = "none"  # no value (no team header, no model in the request)
ERROR_KINDS = (
    "internal",  # the sidecar failed on an exchange (the client got an error: fail closed)
    "invalid_request",  # a request body the adapter could not read (refused with 400)
    "policy",  # a policy hook raised or timed out (its on_error decided)
    "judge",  # a model call made by a policy failed or timed out
    "abandoned",  # the stream ended before the response did (client gone, upstream cut)
    "unreadable_response",  # a response policies must read was neither JSON nor SSE
)
# The sidecar's memory bounds (``sidecar:`` config), each ending an exchange when crossed.
LIMITS = ("sse_event", "held_bytes", "response_bytes")
JUDGE_OUTCOMES = ("ok", "timeout", "connection_error", "status_error", "bad_answer", "no_key")

_SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160, 320, 640)
_TTFT = (0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 20, 40, 80)
_PER_TOKEN = (0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5)
_TOKENS = tuple(float(4**i) for i in range(12))  # 1 ... 4M
_MESSAGE = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5)
_MESSAGES = (1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 5000)
_JUDGE = (0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60)
# A person's review: seconds to minutes.
_REVIEW = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800)
REVIEW_OUTCOMES = ("approved", "denied", "expired_denied", "expired_allowed", "unavailable")
_WRITE = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class LabelBound:
    """Keeps a label's values few: an allow-list, or the first ``limit`` values seen in this
    process; any other value becomes ``other``, a missing one ``none``.

    >>> bound = LabelBound(limit=2)
    >>> [bound(v) for v in ["a", "b", "c", "a", None]]
    ['a', 'b', 'other', 'a', 'none']
    """

    __slots__ = ("_allowed", "_limit", "_seen")

    def __init__(self, limit: int, allowed: Iterable[str] = ()) -> None:
        self._limit = limit
        self._allowed = frozenset(allowed)
        self._seen: set[str] = set()

    def __call__(self, value: str | None) -> str:
        if not value:
            return NONE
        if self._allowed:
            return value if value in self._allowed else OTHER
        if value in self._seen:
            return value
        if len(self._seen) < self._limit:
            self._seen.add(value)
            return value
        return OTHER


@dataclass(slots=True)
class ExchangeFacts:
    """One finished exchange, as :meth:`SidecarMetrics.exchange` counts it (raw values:
    the labels are bounded there). Times in seconds; ``None`` where unknown."""

    provider: str | None
    model: str | None
    route: str
    team: str | None
    status: int
    streamed: bool
    duration: float
    usage: Mapping[str, int]
    ttft: float | None = None
    complete: bool = True
    cost: float | None = None  # US dollars; None: the model has no price
    priced_as: str | None = None  # the price table's name of the model (a bounded label)
    unpriced: bool = False  # it went to a provider, and its model has no price


_MAX_CACHED_SERIES = 10_000


class _ExchangeSeries:
    """The label children one kind of exchange counts into, token kinds made on first use."""

    __slots__ = ("_by_kind", "_kinds", "cost", "duration", "requests", "tpot", "ttft")

    def __init__(
        self,
        *,
        requests: Any,
        duration: Any,
        ttft: Any,
        tpot: Any,
        cost: Any,
        by_kind: Callable[[str], tuple[Any, Any]],
    ) -> None:
        self.requests, self.duration, self.ttft, self.tpot = requests, duration, ttft, tpot
        self.cost = cost  # sluice_cost_usd, or sluice_unpriced_requests when not priced
        self._by_kind = by_kind
        self._kinds: dict[str, tuple[Any, Any]] = {}

    def tokens(self, kind: str) -> tuple[Any, Any]:
        """The ``sluice_tokens`` counter and ``sluice_request_tokens`` histogram of ``kind``."""
        found = self._kinds.get(kind)
        if found is None:
            found = self._kinds[kind] = self._by_kind(kind)
        return found


class SidecarMetrics:
    """Every metric of a sidecar worker. Names, labels and units: docs/metrics.md."""

    def __init__(
        self,
        registry: CollectorRegistry | None = REGISTRY,
        *,
        label_limit: int = 50,
        teams: Iterable[str] = (),
        flush_interval_s: float = 1.0,
    ) -> None:
        r: dict[str, Any] = {"registry": registry}
        self.bound_labels(label_limit, teams)
        self.flush_interval_s = flush_interval_s
        self._counts: dict[Any, float] = {}  # counter child -> amount not yet flushed
        self._observed: dict[Any, list[float]] = {}  # histogram child -> bucket counts, sum
        self._active = 0
        self._armed = False
        self.requests = Counter(
            "sluice_requests",
            "LLM requests handled, by response status.",
            ["provider", "model", "route", "team", "status", "streamed"],
            **r,
        )
        self.duration = Histogram(
            "sluice_request_duration_seconds",
            "From the whole request body to the response's end.",
            ["provider", "model", "streamed"],
            buckets=_SECONDS,
            **r,
        )
        self.ttft = Histogram(
            "sluice_time_to_first_token_seconds",
            "From the request body to the first generated content of a streamed response.",
            ["provider", "model"],
            buckets=_TTFT,
            **r,
        )
        self.tpot = Histogram(
            "sluice_time_per_output_token_seconds",
            "Streamed responses: time after the first token, per output token after it.",
            ["provider", "model"],
            buckets=_PER_TOKEN,
            **r,
        )
        self.tokens = Counter(
            "sluice_tokens",
            "Tokens the providers reported (type: input, output, cache_read, "
            "cache_creation, reasoning; input includes the cache parts, output reasoning).",
            ["provider", "model", "team", "type"],
            **r,
        )
        self.request_tokens = Histogram(
            "sluice_request_tokens",
            "Tokens per request, by type (as sluice_tokens_total).",
            ["provider", "model", "type"],
            buckets=_TOKENS,
            **r,
        )
        self.cost = Counter(
            "sluice_cost_usd",
            "US dollars the exchanges cost at the configured prices (model: the price "
            "table's name for it).",
            ["provider", "model", "team"],
            **r,
        )
        self.unpriced = Counter(
            "sluice_unpriced_requests",
            "LLM requests whose model has no price (their cost is unknown, no dollar budget "
            "is charged).",
            ["provider"],
            **r,
        )
        self.budget_use = Gauge(
            "sluice_budget_used_ratio",
            "The largest share of a dollar budget anyone (of the scope: client, team or key) "
            "has spent in the current window (day or month).",
            ["scope", "window"],
            multiprocess_mode="livemax",
            **r,
        )
        self.budgets_alerting = Gauge(
            "sluice_budgets_over_alert",
            "How many clients, teams or keys have spent at least limits.alert_at of a dollar "
            "budget in the current window.",
            ["scope", "window"],
            multiprocess_mode="livemax",
            **r,
        )
        self.budget_alert = Gauge(
            "sluice_budget_alert_ratio",
            "limits.alert_at: the share of a dollar budget at which it is reported.",
            multiprocess_mode="livemax",
            **r,
        )
        self.active = Gauge(
            "sluice_active_streams",
            "ext_proc streams (HTTP requests) in progress.",
            multiprocess_mode="livesum",
            **r,
        )
        self.decisions = Counter(
            "sluice_policy_decisions",
            "Policy hook calls by outcome (action: pass, refuse, block, rewrite, error).",
            ["policy", "hook", "action"],
            **r,
        )
        self.judge_calls = Counter(
            "sluice_judge_requests",
            "Model calls made by policies (tool_judge), by outcome.",
            ["outcome"],
            **r,
        )
        self.judge_seconds = Histogram(
            "sluice_judge_duration_seconds",
            "Latency of model calls made by policies, by outcome.",
            ["outcome"],
            buckets=_JUDGE,
            **r,
        )
        self.message_seconds = Histogram(
            "sluice_extproc_message_duration_seconds",
            "Time the sidecar spends on one ext_proc message, until its replies are written.",
            ["kind"],
            buckets=_MESSAGE,
            **r,
        )
        self.messages = Histogram(
            "sluice_extproc_messages_per_request",
            "ext_proc messages Envoy sent for one request.",
            buckets=_MESSAGES,
            **r,
        )
        self.errors = Counter("sluice_errors", "Errors, by kind.", ["kind"], **r)
        self._errors = {kind: self.errors.labels(kind) for kind in ERROR_KINDS}
        self.limits = Counter(
            "sluice_limit_exceeded",
            "Exchanges ended because they crossed one of the sidecar's memory bounds.",
            ["limit"],
            **r,
        )
        self._limits = {limit: self.limits.labels(limit) for limit in LIMITS}
        self.failovers = Counter(
            "sluice_failovers",
            "Requests sent on to the next provider of their failover list, by the provider "
            "that failed, the one tried next, and the status that sent them on.",
            ["from_provider", "to_provider", "status"],
            **r,
        )
        self.escalations = Counter(
            "sluice_review_escalations",
            "Tool calls a policy escalated to a person (the review queue), by policy.",
            ["policy"],
            **r,
        )
        self.review_decisions = Counter(
            "sluice_review_decisions",
            "Escalated tool calls, by how the wait ended (approved, denied, expired_denied, "
            "expired_allowed: the deadline's default applied; unavailable: no queue or the "
            "store failed, so the call was blocked).",
            ["outcome"],
            **r,
        )
        self.review_wait = Histogram(
            "sluice_review_wait_seconds",
            "From an escalated call entering the queue to its decision, by outcome.",
            ["outcome"],
            buckets=_REVIEW,
            **r,
        )
        self.reviews_waiting = Gauge(
            "sluice_reviews_waiting",
            "Streams held while their tool call waits for a person's decision.",
            multiprocess_mode="livesum",
            **r,
        )
        self._waiting = 0
        self._reviews = {
            o: (self.review_decisions.labels(o), self.review_wait.labels(o))
            for o in REVIEW_OUTCOMES
        }
        self._judge = {
            o: (self.judge_calls.labels(o), self.judge_seconds.labels(o)) for o in JUDGE_OUTCOMES
        }
        self._message_kinds: dict[str, Any] = {}
        self._series: dict[tuple[object, ...], Any] = {}  # label children, looked up once
        # An exchange's children by its raw facts: one lookup per exchange on the data path.
        self._exchange_series: dict[tuple[object, ...], _ExchangeSeries] = {}

    def bound_labels(self, label_limit: int, teams: Iterable[str] = ()) -> None:
        """Set the label bounds (``sidecar.metrics_label_limit`` and ``metrics_teams``);
        values already admitted stay admitted, unless the bounds changed."""
        bounds = (label_limit, frozenset(teams))
        if getattr(self, "_bounds", None) != bounds:  # a reload keeps what was admitted
            self._bounds = bounds
            self.model = LabelBound(label_limit)
            self.team = LabelBound(label_limit, teams)
            self._exchange_series = {}  # their labels went through the old bounds

    def exchange(self, facts: ExchangeFacts) -> None:
        """Count a finished exchange: requests, duration, tokens, time to first token."""
        key = (
            facts.provider,
            facts.model,
            facts.route,
            facts.team,
            facts.status,
            facts.streamed,
            facts.priced_as,
            facts.unpriced,
        )
        series = self._exchange_series.get(key)
        if series is None:
            if len(self._exchange_series) >= _MAX_CACHED_SERIES:  # raw models are unbounded
                self._exchange_series.clear()
            series = self._exchange_series[key] = self._series_for(facts)
        self._inc(series.requests)
        self._observe(series.duration, facts.duration)
        if not facts.complete:
            self._inc(self._errors["abandoned"])
        if series.cost is not None:
            self._inc(series.cost, 1 if facts.cost is None else facts.cost)
        for kind, count in facts.usage.items():
            tokens, per_request = series.tokens(kind)
            self._inc(tokens, count)
            self._observe(per_request, count)
        if facts.ttft is not None:
            self._observe(series.ttft, facts.ttft)
            output = facts.usage.get("output", 0)
            if output > 1 and facts.duration > facts.ttft:
                self._observe(series.tpot, (facts.duration - facts.ttft) / (output - 1))

    def _series_for(self, facts: ExchangeFacts) -> _ExchangeSeries:
        """The label children an exchange with these facts counts into (bounded labels)."""
        model, provider = self.model(facts.model), facts.provider or NONE
        streamed = "true" if facts.streamed else "false"
        status = str(facts.status) if facts.status else NONE
        team = self.team(facts.team)
        child = self._child
        cost = None
        if facts.priced_as is not None:
            cost = child(self.cost, provider, facts.priced_as, team)
        elif facts.unpriced:  # counted once per request
            cost = child(self.unpriced, provider)
        return _ExchangeSeries(
            requests=child(self.requests, provider, model, facts.route, team, status, streamed),
            duration=child(self.duration, provider, model, streamed),
            ttft=child(self.ttft, provider, model),
            tpot=child(self.tpot, provider, model),
            cost=cost,
            by_kind=lambda kind: (
                child(self.tokens, provider, model, team, kind),
                child(self.request_tokens, provider, model, kind),
            ),
        )

    def dollar_budgets(
        self, use: Mapping[tuple[str, str], tuple[float, int]], alert_at: float
    ) -> None:
        """The dollar budgets' state after a sync (:meth:`Budgets.dollar_use`)."""
        self.budget_alert.set(alert_at)
        for (scope, window), (ratio, over) in use.items():
            self._child(self.budget_use, scope, window).set(ratio)
            self._child(self.budgets_alerting, scope, window).set(over)

    def stream_started(self) -> None:
        self._active += 1
        self._touch()

    def stream_ended(self, messages: int) -> None:
        """An ext_proc stream ended after ``messages`` messages from Envoy."""
        self._active -= 1
        self._observe(self._child(self.messages), messages)

    def message(self, kind: str, seconds: float) -> None:
        """One ext_proc message (``kind``: the ProcessingRequest's field) took ``seconds``."""
        child = self._message_kinds.get(kind)
        if child is None:
            child = self._message_kinds[kind] = self.message_seconds.labels(kind)
        self._observe(child, seconds)

    def decision(self, policy: str, hook: str, action: str) -> None:
        """A policy's hook ran; ``action`` is ``pass`` when it changed nothing."""
        self._inc(self._child(self.decisions, policy, hook, action))
        if action == "error":
            self._inc(self._errors["policy"])

    def error(self, kind: str) -> None:
        """Count an error of ``kind`` (one of :data:`ERROR_KINDS`)."""
        self._inc(self._errors[kind])

    def limit_exceeded(self, limit: str) -> None:
        """An exchange crossed ``limit`` (one of :data:`LIMITS`) and was ended."""
        self._inc(self._limits[limit])

    def failover(self, failed: str, provider: str, status: int) -> None:
        """A request went on to ``provider`` after ``failed`` answered ``status``."""
        self._inc(self._child(self.failovers, failed, provider, str(status)))

    def judge(self, outcome: str, seconds: float) -> None:
        """A policy's model call ended with ``outcome`` (see ``JUDGE_OUTCOMES``)."""
        calls, latency = self._judge[outcome]
        self._inc(calls)
        self._observe(latency, seconds)
        if outcome != "ok":
            self._inc(self._errors["judge"])

    def escalated(self, policy: str) -> None:
        """``policy`` escalated a tool call to a person."""
        self._inc(self._child(self.escalations, policy))

    def review_started(self) -> None:
        """A stream began to wait for a reviewer's decision."""
        self._waiting += 1
        self._touch()

    def review_ended(self, outcome: str | None, seconds: float) -> None:
        """The wait ended with ``outcome`` (see ``REVIEW_OUTCOMES``) after ``seconds``;
        ``None``: the stream was abandoned first (counted in neither)."""
        self._waiting -= 1
        self._touch()
        if outcome is None:
            return
        decisions, wait = self._reviews[outcome]
        self._inc(decisions)
        self._observe(wait, seconds)

    def flush(self) -> None:
        """Move the counts gathered since the last flush into the metrics."""
        self._armed = False
        counts, self._counts = self._counts, {}
        observed, self._observed = self._observed, {}
        for counter, amount in counts.items():
            counter.inc(amount)
        for histogram, pending in observed.items():
            # prometheus-client has no bulk observe: add to its bucket and sum values.
            for bucket, count in zip(histogram._buckets, pending, strict=False):
                if count:
                    bucket.inc(count)
            histogram._sum.inc(pending[-1])
        self.active.set(self._active)
        self.reviews_waiting.set(self._waiting)

    def _inc(self, counter: Any, amount: float = 1) -> None:
        self._counts[counter] = self._counts.get(counter, 0) + amount
        if not self._armed:
            self._touch()

    def _observe(self, histogram: Any, value: float) -> None:
        pending = self._observed.get(histogram)
        if pending is None:
            pending = self._observed[histogram] = [0.0] * (len(histogram._upper_bounds) + 1)
        pending[bisect_left(histogram._upper_bounds, value)] += 1
        pending[-1] += value
        if not self._armed:
            self._touch()

    def _touch(self) -> None:
        """Something changed: flush within ``flush_interval_s`` (now, outside an event loop
        or with an interval of 0)."""
        if self._armed:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self.flush_interval_s <= 0:
            self.flush()
            return
        self._armed = True
        loop.call_later(self.flush_interval_s, self.flush)

    def instrument(self, models: ModelClientFactory) -> ModelClientFactory:
        """``models`` with every call of the clients it makes timed and counted."""

        def factory(endpoint: ModelEndpoint) -> ModelClient:
            return _TimedClient(models(endpoint), self)

        return factory

    def _child(self, metric: Any, *labels: str) -> Any:
        if not labels:
            return metric
        key = (id(metric), *labels)
        child = self._series.get(key)
        if child is None:
            child = self._series[key] = metric.labels(*labels)
        return child


_MODEL_ERRORS = {
    "ModelConnectionError": "connection_error",
    "ModelStatusError": "status_error",
    "ModelAnswerError": "bad_answer",
    "ModelKeyError": "no_key",
}


def _model_error(exc: Exception) -> str:
    """The outcome label of a model call that raised (llm_client's exception classes)."""
    for cls in type(exc).__mro__:
        if cls.__name__ in _MODEL_ERRORS:
            return _MODEL_ERRORS[cls.__name__]
    return "bad_answer"


class _TimedClient:
    """A :class:`~sluice.policy.ModelClient` that reports each call to the metrics."""

    __slots__ = ("_client", "_metrics")

    def __init__(self, client: ModelClient, metrics: SidecarMetrics) -> None:
        self._client = client
        self._metrics = metrics

    async def complete(self, system: str, prompt: str) -> str:
        started = time.perf_counter()
        outcome = "bad_answer"
        try:
            answer = await self._client.complete(system, prompt)
            outcome = "ok"
            return answer
        except asyncio.CancelledError:  # the chain's deadline (or the stream went away)
            outcome = "timeout"
            raise
        except Exception as exc:
            outcome = _model_error(exc)
            raise
        finally:
            self._metrics.judge(outcome, time.perf_counter() - started)


class EventLogMetrics:
    """The event log's metrics. The recorder (and the writer) call them through
    :meth:`queue`, which names the queue: ``worker`` (a worker's captures waiting to be sent
    to the writer process) or ``writer`` (the writer's, waiting for the store). The writer's
    session titler counts titles with :meth:`title_written` and :meth:`title_failed`::

        log_metrics = event_log_metrics().queue("writer")
        log_metrics.queued(len(queue), size)     # the queue's length and bytes changed
        log_metrics.written(len(batch), seconds) # a batch was written (or sent) in seconds
        log_metrics.dropped(count)               # captures dropped: queue full, gave up
        log_metrics.failed()                     # a write (or send) raised
    """

    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        r: dict[str, Any] = {"registry": registry}
        self.queue_depth = Gauge(
            "sluice_event_log_queue_depth",
            "Exchanges waiting in the event log's queues.",
            ["queue"],
            multiprocess_mode="livesum",
            **r,
        )
        self.queue_bytes = Gauge(
            "sluice_event_log_queue_bytes",
            "Bytes of the exchanges waiting in the event log's queues.",
            ["queue"],
            multiprocess_mode="livesum",
            **r,
        )
        self.frames_refused = Counter(
            "sluice_event_log_frames_refused",
            "Captures refused for exceeding store_frame_bytes, never stored.",
            ["queue"],
            **r,
        )
        self.captures_truncated = Counter(
            "sluice_event_log_captures_truncated",
            "Exchanges whose capture was cut at store_capture_bytes (the client is unaffected).",
            **r,
        )
        self.write_seconds = Histogram(
            "sluice_event_log_write_duration_seconds",
            "Time to write (or send) one batch of exchanges.",
            ["queue"],
            buckets=_WRITE,
            **r,
        )
        self.written = Counter(
            "sluice_event_log_written", "Exchanges written (or sent on).", ["queue"], **r
        )
        self.dropped = Counter(
            "sluice_event_log_dropped", "Exchanges dropped, never stored.", ["queue"], **r
        )
        self.failures = Counter(
            "sluice_event_log_write_failures",
            "Batch writes (or sends) that failed.",
            ["queue"],
            **r,
        )
        self.titles = Counter(
            "sluice_session_titles",
            "Session titles written by the title model (session_titles).",
            **r,
        )
        self.title_failures = Counter(
            "sluice_session_title_failures",
            "Session titles the title model failed to write, by reason (the session keeps "
            "its title, or its first prompt).",
            ["reason"],
            **r,
        )
        self._queues: dict[str, QueueMetrics] = {}

    def title_written(self) -> None:
        """The title model named a session."""
        self.titles.inc()

    def title_failed(self, exc: Exception) -> None:
        """The title model failed (``exc``: a timeout, an unreachable endpoint, an error
        status, an answer without text)."""
        reason = "timeout" if isinstance(exc, TimeoutError) else _model_error(exc)
        self.title_failures.labels(reason).inc()

    def queue(self, name: str) -> QueueMetrics:
        """The metrics of queue ``name`` (``worker`` or ``writer``)."""
        if name not in self._queues:
            self._queues[name] = QueueMetrics(self, name)
        return self._queues[name]


class QueueMetrics:
    """One event-log queue's metrics (see :class:`EventLogMetrics`)."""

    __slots__ = (
        "_bytes",
        "_depth",
        "_dropped",
        "_failures",
        "_refused",
        "_seconds",
        "_truncated",
        "_written",
    )

    def __init__(self, family: EventLogMetrics, name: str) -> None:
        self._depth = family.queue_depth.labels(name)
        self._bytes = family.queue_bytes.labels(name)
        self._refused = family.frames_refused.labels(name)
        self._truncated = family.captures_truncated
        self._seconds = family.write_seconds.labels(name)
        self._written = family.written.labels(name)
        self._dropped = family.dropped.labels(name)
        self._failures = family.failures.labels(name)

    def queued(self, depth: int, size: int = 0) -> None:
        """The queue now holds ``depth`` captures of ``size`` bytes in all."""
        self._depth.set(depth)
        self._bytes.set(size)

    def truncated(self) -> None:
        """A capture arrived cut at ``store_capture_bytes``."""
        self._truncated.inc()

    def refused(self) -> None:
        """A capture's frame exceeded ``store_frame_bytes``: it is dropped, never stored."""
        self._refused.inc()

    def written(self, count: int, seconds: float) -> None:
        """A batch of ``count`` captures was written (or sent) in ``seconds``."""
        self._written.inc(count)
        self._seconds.observe(seconds)

    def dropped(self, count: int = 1) -> None:
        """``count`` captures were dropped and will never be stored."""
        self._dropped.inc(count)

    def failed(self) -> None:
        """A batch write (or send) raised; the batch may be retried."""
        self._failures.inc()


_worker: SidecarMetrics | None = None
_event_log: EventLogMetrics | None = None


def worker_metrics() -> SidecarMetrics:
    """This process's :class:`SidecarMetrics`, on the default registry (made once). The
    worker's event-log queue series are made with it, so they read 0 before any traffic."""
    global _worker
    if _worker is None:
        _worker = SidecarMetrics()
        atexit.register(_worker.flush)  # what the last second counted
        event_log_metrics().queue("worker")
    return _worker


def event_log_metrics() -> EventLogMetrics:
    """This process's :class:`EventLogMetrics`, on the default registry (made once)."""
    global _event_log
    if _event_log is None:
        _event_log = EventLogMetrics()
    return _event_log
