"""Sluice's Grafana dashboards as code: shared panel and query definitions, compiled to JSON.

    python k8s/dashboards/build.py          # writes k8s/sluice/dashboards/*.json

The Helm chart ships the compiled files (one ConfigMap, see templates/dashboards-configmap
.yaml); tests/k8s/test_dashboards.py fails when they drift from this source, and the
metrics test checks that every metric named here exists on a running gateway. Plain Python,
no dependency: a panel is a dict, a dashboard a list of rows of panels.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "sluice" / "dashboards"
JSON = dict[str, Any]

RATE = "$__rate_interval"
SIDECAR = 'team=~"$team", model=~"$model"'  # the template variables every query filters by
WORKERS = 'process=~"worker-.*"'


def rate(metric: str, labels: str = "", by: str = "") -> str:
    """``sum [by (...)] (rate(metric{labels}[interval]))``."""
    group = f" by ({by})" if by else ""
    return f"sum{group}(rate({metric}{{{labels}}}[{RATE}]))"


def quantile(q: float, histogram: str, labels: str = "", by: str = "") -> str:
    """The ``q`` quantile of a histogram's buckets, over ``by``."""
    keys = ", ".join(["le", *([by] if by else [])])
    return (
        f"histogram_quantile({q}, sum by ({keys}) (rate({histogram}_bucket{{{labels}}}[{RATE}])))"
    )


def target(expr: str, legend: str = "") -> JSON:
    return {"expr": expr, "legendFormat": legend, "datasource": {"uid": "${datasource}"}}


def timeseries(title: str, unit: str, *targets: JSON, description: str = "") -> JSON:
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": list(targets),
    }


def stat(title: str, unit: str, expr: str, description: str = "") -> JSON:
    return {
        "type": "stat",
        "title": title,
        "description": description,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [target(expr)],
    }


def variable(name: str, metric: str, label: str) -> JSON:
    return {
        "name": name,
        "type": "query",
        "datasource": {"uid": "${datasource}"},
        "query": {"query": f"label_values({metric}, {label})", "refId": name},
        "includeAll": True,
        "multi": True,
        "allValue": ".*",
        "current": {"text": "All", "value": "$__all"},
        "refresh": 2,
    }


DATASOURCE = {"name": "datasource", "type": "datasource", "query": "prometheus"}
TEAM = variable("team", "sluice_requests_total", "team")
MODEL = variable("model", "sluice_requests_total", "model")


def dashboard(uid: str, title: str, rows: list[list[JSON]], variables: list[JSON]) -> JSON:
    """Panels laid out in rows, each row's panels side by side, 8 units high."""
    panels = []
    for y, row in enumerate(rows):
        width = 24 // len(row)
        for x, panel in enumerate(row):
            grid = {"x": x * width, "y": y * 8, "w": width, "h": 8}
            panels.append({**panel, "id": len(panels) + 1, "gridPos": grid})
    return {
        "uid": uid,
        "title": title,
        "tags": ["sluice"],
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "1m",
        "templating": {"list": [DATASOURCE, *variables]},
        "panels": panels,
    }


# --- the shared queries -------------------------------------------------------------------

REQUESTS = rate("sluice_requests_total", SIDECAR, "provider")
_FAILED = SIDECAR + ', status!~"2.."'
ERROR_RATIO = f"{rate('sluice_requests_total', _FAILED)} / {rate('sluice_requests_total', SIDECAR)}"
TTFT = "sluice_time_to_first_token_seconds"
SIDECAR_CPU = rate("process_cpu_seconds_total", WORKERS)


def overview() -> JSON:
    return dashboard(
        "sluice-overview",
        "Sluice / Overview",
        [
            [
                timeseries("Requests by provider", "reqps", target(REQUESTS, "{{provider}}")),
                timeseries(
                    "Error ratio (non-2xx)",
                    "percentunit",
                    target(ERROR_RATIO, "errors"),
                    description="Refusals (400) count here too.",
                ),
                timeseries(
                    "Responses by status",
                    "reqps",
                    target(rate("sluice_requests_total", SIDECAR, "status"), "{{status}}"),
                ),
            ],
            [
                timeseries(
                    "Tokens by type",
                    "short",
                    target(rate("sluice_tokens_total", SIDECAR, "type"), "{{type}}"),
                    description="Per second. input includes cache_read and cache_creation.",
                ),
                timeseries(
                    "Tokens by team",
                    "short",
                    target(
                        rate("sluice_tokens_total", SIDECAR + ', type=~"input|output"', "team"),
                        "{{team}}",
                    ),
                ),
                timeseries(
                    "Tokens by model",
                    "short",
                    target(
                        rate("sluice_tokens_total", SIDECAR + ', type=~"input|output"', "model"),
                        "{{model}}",
                    ),
                ),
            ],
            [
                timeseries(
                    "Time to first token",
                    "s",
                    target(quantile(0.5, TTFT, 'model=~"$model"'), "p50"),
                    target(quantile(0.95, TTFT, 'model=~"$model"'), "p95"),
                    description="To the first generated content, not the first byte.",
                ),
                timeseries(
                    "Time per output token (p50)",
                    "s",
                    target(
                        quantile(
                            0.5, "sluice_time_per_output_token_seconds", 'model=~"$model"', "model"
                        ),
                        "{{model}}",
                    ),
                ),
                timeseries(
                    "Request duration",
                    "s",
                    target(
                        quantile(
                            0.95, "sluice_request_duration_seconds", 'model=~"$model"', "streamed"
                        ),
                        "p95 streamed={{streamed}}",
                    ),
                ),
            ],
            [
                stat("Active streams", "short", "sum(sluice_active_streams)"),
                stat(
                    "Gateway cost: sidecar CPU cores",
                    "short",
                    SIDECAR_CPU,
                    description="CPU seconds per second used by every sidecar worker.",
                ),
                stat(
                    "Gateway cost: sidecar CPU per request",
                    "s",
                    f"{SIDECAR_CPU} / {rate('sluice_requests_total')}",
                ),
                stat(
                    "Sidecar time per message (p99)",
                    "s",
                    quantile(0.99, "sluice_extproc_message_duration_seconds"),
                ),
            ],
        ],
        [TEAM, MODEL],
    )


def policies() -> JSON:
    judge = "sluice_judge_duration_seconds"
    return dashboard(
        "sluice-policies",
        "Sluice / Policies",
        [
            [
                timeseries(
                    "Decisions by policy and action",
                    "ops",
                    target(
                        rate("sluice_policy_decisions_total", 'action!="pass"', "policy, action"),
                        "{{policy}} {{action}}",
                    ),
                ),
                timeseries(
                    "Blocked tool calls",
                    "ops",
                    target(
                        rate(
                            "sluice_policy_decisions_total",
                            'hook="tool_call", action="block"',
                            "policy",
                        ),
                        "{{policy}}",
                    ),
                ),
                timeseries(
                    "Refused requests",
                    "reqps",
                    target(
                        rate("sluice_requests_total", SIDECAR + ', status="400"', "route"),
                        "{{route}}",
                    ),
                ),
            ],
            [
                timeseries(
                    "Policy failures (on_error decided)",
                    "ops",
                    target(
                        rate("sluice_policy_decisions_total", 'action="error"', "policy, hook"),
                        "{{policy}} {{hook}}",
                    ),
                ),
                timeseries(
                    "Judge latency",
                    "s",
                    target(quantile(0.5, judge, 'outcome="ok"'), "p50"),
                    target(quantile(0.95, judge, 'outcome="ok"'), "p95"),
                ),
                timeseries(
                    "Judge calls by outcome",
                    "ops",
                    target(rate("sluice_judge_requests_total", "", "outcome"), "{{outcome}}"),
                ),
            ],
            [
                timeseries(
                    "Calls waiting for a person",
                    "short",
                    target("sum(sluice_reviews_waiting)", "waiting"),
                    description="Streams held while their tool call is in the review queue.",
                ),
                timeseries(
                    "Reviews by outcome",
                    "ops",
                    target(rate("sluice_review_decisions_total", "", "outcome"), "{{outcome}}"),
                    target(
                        rate("sluice_policy_decisions_total", 'action="escalate"', "policy"),
                        "escalated by {{policy}}",
                    ),
                    description="Escalations by policy, and how each wait ended (expired_*: "
                    "nobody decided by the deadline).",
                ),
                timeseries(
                    "Review wait",
                    "s",
                    target(quantile(0.5, "sluice_review_wait_seconds"), "p50"),
                    target(quantile(0.95, "sluice_review_wait_seconds"), "p95"),
                ),
            ],
        ],
        [TEAM, MODEL],
    )


def internals() -> JSON:
    message = "sluice_extproc_message_duration_seconds"
    cluster = 'envoy_cluster_name!~"sluice_sidecar|envoy_admin"'
    return dashboard(
        "sluice-internals",
        "Sluice / Internals",
        [
            [
                timeseries(
                    "CPU by process",
                    "percentunit",
                    target(
                        "sum by (process) (rate(process_cpu_seconds_total{}[$__rate_interval]))",
                        "{{process}}",
                    ),
                ),
                timeseries(
                    "Memory by process",
                    "bytes",
                    target("sum by (process) (process_resident_memory_bytes)", "{{process}}"),
                ),
                timeseries(
                    "ext_proc message time (p99) by kind",
                    "s",
                    target(quantile(0.99, message, "", "kind"), "{{kind}}"),
                ),
                timeseries(
                    "ext_proc messages per request",
                    "short",
                    target(
                        f"{rate('sluice_extproc_messages_per_request_sum')} / "
                        f"{rate('sluice_extproc_messages_per_request_count')}",
                        "mean",
                    ),
                ),
            ],
            [
                timeseries(
                    "Event log queue depth",
                    "short",
                    target("sum by (queue) (sluice_event_log_queue_depth)", "{{queue}}"),
                ),
                timeseries(
                    "Event log: written, dropped, failed",
                    "ops",
                    target(
                        rate("sluice_event_log_written_total", "", "queue"), "written {{queue}}"
                    ),
                    target(
                        rate("sluice_event_log_dropped_total", "", "queue"), "dropped {{queue}}"
                    ),
                    target(
                        rate("sluice_event_log_write_failures_total", "", "queue"),
                        "failed {{queue}}",
                    ),
                ),
                timeseries(
                    "Event log write time (p95)",
                    "s",
                    target(
                        quantile(0.95, "sluice_event_log_write_duration_seconds", "", "queue"),
                        "{{queue}}",
                    ),
                ),
                timeseries(
                    "Sidecar errors by kind",
                    "ops",
                    target(rate("sluice_errors_total", "", "kind"), "{{kind}}"),
                ),
            ],
            [
                timeseries(
                    "Upstream requests by cluster and class",
                    "reqps",
                    target(
                        rate(
                            "envoy_cluster_upstream_rq_xx",
                            cluster,
                            "envoy_cluster_name, envoy_response_code_class",
                        ),
                        "{{envoy_cluster_name}} {{envoy_response_code_class}}xx",
                    ),
                ),
                timeseries(
                    "Upstream healthy hosts",
                    "short",
                    target(
                        "sum by (envoy_cluster_name) (envoy_cluster_membership_healthy)",
                        "{{envoy_cluster_name}}",
                    ),
                ),
                timeseries(
                    "Retries and pending overflow",
                    "ops",
                    target(
                        rate("envoy_cluster_upstream_rq_retry", "", "envoy_cluster_name"),
                        "retry {{envoy_cluster_name}}",
                    ),
                    target(
                        rate(
                            "envoy_cluster_upstream_rq_pending_overflow", "", "envoy_cluster_name"
                        ),
                        "overflow {{envoy_cluster_name}}",
                    ),
                ),
            ],
            [
                timeseries(
                    "Circuit breakers open",
                    "short",
                    target(
                        "max by (envoy_cluster_name) "
                        "(envoy_cluster_circuit_breakers_default_rq_open)",
                        "requests {{envoy_cluster_name}}",
                    ),
                    target(
                        "max by (envoy_cluster_name) "
                        "(envoy_cluster_circuit_breakers_default_rq_pending_open)",
                        "pending {{envoy_cluster_name}}",
                    ),
                ),
                timeseries(
                    "Local rate limits",
                    "reqps",
                    target(
                        rate(
                            "envoy_http_local_rate_limit_rate_limited",
                            "",
                            "envoy_local_http_ratelimit_prefix",
                        ),
                        "limited {{envoy_local_http_ratelimit_prefix}}",
                    ),
                    target(
                        rate(
                            "envoy_http_local_rate_limit_ok",
                            "",
                            "envoy_local_http_ratelimit_prefix",
                        ),
                        "ok {{envoy_local_http_ratelimit_prefix}}",
                    ),
                ),
                timeseries(
                    "Sidecar reachability (ext_proc)",
                    "ops",
                    target(rate("envoy_http_ext_proc_streams_failed"), "streams failed"),
                    target(rate("envoy_http_ext_proc_message_timeouts"), "message timeouts"),
                    target(rate("envoy_http_ext_proc_failure_mode_allowed"), "forwarded unchecked"),
                ),
            ],
        ],
        [],
    )


def table(title: str, *targets: JSON, unit: str = "short", description: str = "") -> JSON:
    return {
        "type": "table",
        "title": title,
        "description": description,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"showHeader": True},
        "targets": list(targets),
    }


# The event log (Postgres), for what Prometheus must not hold: sessions are never labels.
EVENT_LOG = {"name": "eventlog", "type": "datasource", "query": "grafana-postgresql-datasource"}
TOP_SESSIONS = (
    'SELECT session_id AS session, max(team) AS team, max(coalesce("user", client)) AS who, '
    "count(*) AS exchanges, sum(input_tokens) AS input_tokens, "
    "sum(output_tokens) AS output_tokens, round(sum(cost_usd)::numeric, 4) AS usd "
    "FROM exchanges WHERE $__timeFilter(started_at) AND session_id IS NOT NULL "
    "GROUP BY session_id ORDER BY usd DESC NULLS LAST LIMIT 20"
)


def spend() -> JSON:
    cost = "sluice_cost_usd_total"

    def hourly(by: str) -> str:
        return f"sum by ({by}) (increase({cost}{{{SIDECAR}}}[1h]))"

    return dashboard(
        "sluice-spend",
        "Sluice / Spend",
        [
            [
                timeseries(
                    "Spend per hour by team",
                    "currencyUSD",
                    target(hourly("team"), "{{team}}"),
                    description="US dollars at the configured prices (list prices by default), "
                    "over the hour before each point.",
                ),
                timeseries(
                    "Spend per hour by model",
                    "currencyUSD",
                    target(hourly("model"), "{{model}}"),
                    description="model: the price table's name for it.",
                ),
                timeseries(
                    "Spend per hour by provider",
                    "currencyUSD",
                    target(hourly("provider"), "{{provider}}"),
                ),
            ],
            [
                stat(
                    "Spend over the last 24 hours",
                    "currencyUSD",
                    f"sum(increase({cost}{{{SIDECAR}}}[24h]))",
                ),
                table(
                    "Top teams, last 24 hours",
                    {
                        **target(f"topk(10, sum by (team) (increase({cost}{{{SIDECAR}}}[24h])))"),
                        "format": "table",
                        "instant": True,
                    },
                    unit="currencyUSD",
                ),
                timeseries(
                    "Requests without a price",
                    "reqps",
                    target(rate("sluice_unpriced_requests_total", "", "provider"), "{{provider}}"),
                    description="Their cost is unknown and no dollar budget is charged: add "
                    "their models to costs.prices.",
                ),
            ],
            [
                timeseries(
                    "Dollar budgets: largest share spent",
                    "percentunit",
                    target(
                        "max by (scope, window) (sluice_budget_used_ratio)",
                        "{{scope}} per {{window}}",
                    ),
                    target("max(sluice_budget_alert_ratio)", "alert at"),
                    description="Of each kind of dollar budget (limits.usd_per_*), the share "
                    "spent by whoever spent most of theirs in the current window.",
                ),
                timeseries(
                    "Dollar budgets at or over the alert share",
                    "short",
                    target(
                        "max by (scope, window) (sluice_budgets_over_alert)",
                        "{{scope}} per {{window}}",
                    ),
                ),
            ],
            [
                table(
                    "Top sessions by spend (event log)",
                    {
                        "datasource": {"uid": "${eventlog}"},
                        "format": "table",
                        "rawQuery": True,
                        "rawSql": TOP_SESSIONS,
                        "refId": "A",
                    },
                    description="From the event log's Postgres (the eventlog data source), "
                    "in the dashboard's time range; the admin UI's /api/spend?by=session "
                    "answers the same.",
                ),
            ],
        ],
        # The cost counter's model is the price table's name: its own values to choose from.
        [TEAM, variable("model", "sluice_cost_usd_total", "model"), EVENT_LOG],
    )


DASHBOARDS = {
    "overview": overview,
    "policies": policies,
    "internals": internals,
    "spend": spend,
}


def build() -> dict[str, str]:
    """Each dashboard's file name and compiled JSON text."""
    return {
        f"{name}.json": json.dumps(make(), indent=2, sort_keys=True) + "\n"
        for name, make in DASHBOARDS.items()
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in build().items():
        (OUT / name).write_text(text)
        print(f"wrote {OUT / name}", file=sys.stderr)


if __name__ == "__main__":
    main()
