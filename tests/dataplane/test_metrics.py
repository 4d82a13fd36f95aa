"""Metrics and the access log after scripted traffic through Envoy, two sidecar workers and
the fake upstream (the judge too)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.dataplane.conftest import track
from tests.harness import (
    FakeUpstream,
    Gateway,
    free_port,
    gateway_config,
    short_tempdir,
    start_gateway,
)
from tests.k8s.test_dashboards import metric_names

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")


def tool(command: str) -> dict[str, str]:
    return {"x-fake-tool": json.dumps([{"name": "Bash", "arguments": {"command": command}}])}


@pytest.fixture(scope="module")
def metered(upstream: FakeUpstream) -> Iterator[Gateway]:
    """Two workers; team red is judged by tool_judge, everyone else passes through."""
    endpoint = {"api": "openai", "base_url": upstream.url, "api_key": "k", "model": "judge"}
    with short_tempdir() as base:
        config = gateway_config(
            upstream.url,
            base / "run",
            workers=2,
            sidecar={"metrics_teams": ["red"]},
            team_header="x-team",
            chains={"judged": [{"name": "tool_judge", "config": {"judge": endpoint}}]},
            select=[{"team": "red", "chain": "judged"}],
            # A local rate limit, so that its statistics exist (the dashboards show them);
            # a dollar budget, so that its gauges do.
            limits={
                "requests": {"global": {"requests": 100000, "per": "minute"}},
                "usd_per_team": [{"usd": 1000, "per": "month"}],
                "sync_interval_s": 0.2,
            },
            # $1 per million tokens of any kind: a cost is the tokens reported / 1e6.
            # gpt-5 has no price here: its requests are counted as unpriced.
            costs={
                "list_prices": False,
                "prices": {"claude-sonnet-4-6": {"input": 1, "output": 1}},
            },
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


async def _send(url: str) -> None:
    for _ in range(4):
        await ask(url, Format.ANTHROPIC, stream=True, script="text", headers={"x-team": "blue"})
    await ask(url, Format.OPENAI_CHAT, stream=False, script="text")
    red = {"x-team": "red"} | tool("rm -rf /")
    await ask(url, Format.ANTHROPIC, stream=True, script="tools", headers=red)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/v1/messages", data=b'{"model": 1') as response,
    ):
        assert response.status == 400


@pytest.fixture(scope="module")
def traffic(metered: Gateway) -> Gateway:
    """The scripted traffic, sent once for the module's tests: 7 requests."""
    asyncio.run(_send(metered.url))
    time.sleep(1.5)  # the workers flush their counts (and Envoy its access log) each second
    return metered


def scrape(url: str) -> dict[str, float]:
    """``name{labels}`` -> value, from a Prometheus text page."""
    with urllib.request.urlopen(url) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if (match := _SAMPLE.match(line)) is not None:
            samples[match[1] + (match[2] or "")] = float(match[3])
    return samples


def total(samples: dict[str, float], name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    return sum(
        value
        for key, value in samples.items()
        if key.partition("{")[0] == name and all(w in key for w in wanted)
    )


def admin_metrics(gateway: Gateway) -> dict[str, float]:
    return scrape(f"http://127.0.0.1:{gateway.config['admin']['port']}/metrics")


async def test_requests_tokens_and_timings_summed_over_the_workers(traffic: Gateway) -> None:
    m = admin_metrics(traffic)
    assert sum(traffic.sidecar_streams_per_worker().values()) >= 7
    assert total(m, "sluice_requests_total") == 7
    assert total(m, "sluice_requests_total", status="200", streamed="true", team="other") == 4
    assert total(m, "sluice_requests_total", provider="openai", streamed="false") == 1
    assert total(m, "sluice_requests_total", status="400", model="none") == 1
    assert total(m, "sluice_tokens_total", type="output") > 0
    assert total(m, "sluice_tokens_total", type="input") > 0
    assert total(m, "sluice_request_tokens_count", type="output") == 6
    assert total(m, "sluice_time_to_first_token_seconds_count") == 5
    assert total(m, "sluice_time_per_output_token_seconds_count") >= 4
    assert total(m, "sluice_request_duration_seconds_count") == 7
    assert total(m, "sluice_active_streams") == 0
    assert total(m, "sluice_extproc_messages_per_request_count") == 7
    assert total(m, "sluice_extproc_message_duration_seconds_count", kind="request_body") == 7
    assert total(m, "sluice_errors_total", kind="invalid_request") == 1
    assert total(m, "sluice_errors_total", kind="abandoned") == 0
    # Team blue's four Anthropic streams (label "other": only red is a known team).
    tokens = sum(
        total(m, "sluice_tokens_total", team="other", model="claude-sonnet-4-6", type=kind)
        for kind in ("input", "output")
    )
    assert tokens > 0
    cost = total(m, "sluice_cost_usd_total", team="other", model="claude-sonnet-4-6")
    assert cost == pytest.approx(tokens / 1e6)
    assert total(m, "sluice_unpriced_requests_total", provider="openai") == 1
    assert total(m, "sluice_budget_alert_ratio") == 0.8
    assert 0 < total(m, "sluice_budget_used_ratio", scope="team", window="month") < 0.01
    assert total(m, "sluice_budgets_over_alert", scope="team", window="month") == 0


async def test_policy_decisions_and_the_judge(traffic: Gateway) -> None:
    m = admin_metrics(traffic)
    assert total(m, "sluice_policy_decisions_total", policy="tool_judge", action="block") == 1
    assert total(m, "sluice_judge_requests_total", outcome="ok") == 1
    assert total(m, "sluice_judge_duration_seconds_count", outcome="ok") == 1


async def test_sidecar_processes_report_their_cpu(traffic: Gateway) -> None:
    m = admin_metrics(traffic)
    for process in ["worker-0", "worker-1", "supervisor"]:
        assert total(m, "process_cpu_seconds_total", process=process) > 0, process
        assert total(m, "process_resident_memory_bytes", process=process) > 0


async def test_the_access_log_carries_the_sidecars_metadata(traffic: Gateway) -> None:
    deadline = time.monotonic() + 5
    while True:
        lines = [
            json.loads(line)
            for line in traffic.log.read_text().splitlines()
            if line.startswith("{") and '"outcome"' in line
        ]
        if len(lines) >= 7 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    outcomes = sorted(line["outcome"] for line in lines)
    assert outcomes == ["blocked", "ok", "ok", "ok", "ok", "ok", "refused"]
    blocked = next(line for line in lines if line["outcome"] == "blocked")
    assert blocked["model"]
    assert blocked["path"] == "/v1/messages"
    assert blocked["input_tokens"] > 0
    assert blocked["output_tokens"] > 0
    # $1 per million tokens of any kind at this gateway (see `metered`).
    tokens = blocked["input_tokens"] + blocked["output_tokens"]
    assert blocked["cost_usd"] == pytest.approx(tokens / 1e6)
    assert blocked["status"] == 200


def envoy_metrics(gateway: Gateway) -> dict[str, float]:
    return scrape(f"http://127.0.0.1:{gateway.config['envoy']['stats_port']}/stats/prometheus")


def test_every_metric_the_dashboards_and_alerts_use_exists(traffic: Gateway) -> None:
    exposed = {key.partition("{")[0] for key in [*admin_metrics(traffic), *envoy_metrics(traffic)]}
    missing = metric_names() - exposed
    assert not missing, f"queried but not exposed: {sorted(missing)}"


def test_a_real_prometheus_scrapes_the_gateway(traffic: Gateway, tmp_path: Path) -> None:
    if shutil.which("prometheus") is None:
        pytest.fail("no prometheus: run scripts/system-deps (as root)")
    port = free_port()
    admin, stats = traffic.config["admin"]["port"], traffic.config["envoy"]["stats_port"]
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [
            {"job_name": "sluice", "static_configs": [{"targets": [f"127.0.0.1:{admin}"]}]},
            {
                "job_name": "sluice-envoy",
                "metrics_path": "/stats/prometheus",
                "static_configs": [{"targets": [f"127.0.0.1:{stats}"]}],
            },
        ],
    }
    (tmp_path / "prometheus.yml").write_text(json.dumps(config))
    log = (tmp_path / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    traffic.extra_logs.append(tmp_path / "prometheus.log")
    try:
        queries = {
            'sum(sluice_requests_total{job="sluice"})': 7.0,
            'sum(sluice_tokens_total{type="output", team="red"}) > bool 0': 1.0,
            'sum(envoy_cluster_upstream_rq_total{envoy_cluster_name="provider_openai"})': 1.0,
        }
        deadline = time.monotonic() + 30
        results: dict[str, float | None] = {}
        while time.monotonic() < deadline:
            results = {q: _query(port, q) for q in queries}
            if results == queries:
                break
            time.sleep(0.5)
        assert results == queries
    finally:
        process.terminate()
        process.wait(10)


def _query(port: int, query: str) -> float | None:
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            result = json.load(response)["data"]["result"]
    except OSError:
        return None  # not up yet
    return float(result[0]["value"][1]) if result else None
