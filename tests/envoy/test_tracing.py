"""Envoy's tracer as rendered from ``tracing:``: absent when off, validated by Envoy when on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sluice.config import GatewayConfig
from sluice.envoy import render_bootstrap
from sluice.envoy.tracing import COLLECTOR_CLUSTER
from tests.envoy.validate import validate


def render(**tracing: Any) -> dict[str, Any]:
    raw = {"tracing": tracing} if tracing else {}
    config = GatewayConfig.model_validate(raw)
    return render_bootstrap(config.resolve_paths(Path("/srv/sluice")))


def managers(bootstrap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        listener["name"]: listener["filter_chains"][0]["filters"][0]["typed_config"]
        for listener in bootstrap["static_resources"]["listeners"]
        if "filter_chains" in listener
    }


def clusters(bootstrap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in bootstrap["static_resources"]["clusters"]}


def test_off_by_default_nothing_is_rendered() -> None:
    bootstrap = render()
    assert all("tracing" not in manager for manager in managers(bootstrap).values())
    assert COLLECTOR_CLUSTER not in clusters(bootstrap)
    log = managers(bootstrap)["llm_egress"]["access_log"][0]
    assert "trace_id" not in log["typed_config"]["log_format"]["json_format"]


def test_on_the_client_listener_traces_to_the_collector(tmp_path: Path) -> None:
    bootstrap = render(endpoint="http://otel-collector.monitoring:4317", sampling=0.25)
    tracing = managers(bootstrap)["llm_egress"]["tracing"]
    provider = tracing["provider"]["typed_config"]
    assert provider["grpc_service"]["envoy_grpc"]["cluster_name"] == COLLECTOR_CLUSTER
    assert provider["service_name"] == "sluice-envoy"
    # The client's traceparent decides; a quarter of the others are traced.
    sampler = provider["sampler"]["typed_config"]
    assert provider["sampler"]["name"].endswith(".parent_based")
    ratio = sampler["wrapped_sampler"]["typed_config"]["sampling_percentage"]
    assert ratio == {"numerator": 250_000, "denominator": "MILLION"}
    assert tracing["spawn_upstream_span"] is True
    collector = clusters(bootstrap)[COLLECTOR_CLUSTER]
    address = collector["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
    assert address["address"]["socket_address"] == {
        "address": "otel-collector.monitoring",
        "port_value": 4317,
    }
    assert "transport_socket" not in collector
    log = managers(bootstrap)["llm_egress"]["access_log"][0]
    assert log["typed_config"]["log_format"]["json_format"]["trace_id"] == "%TRACE_ID%"
    validate(bootstrap, tmp_path)


def test_https_collector_is_verified(tmp_path: Path) -> None:
    bootstrap = render(endpoint="https://otlp.example.com:4317", sampling=0)
    collector = clusters(bootstrap)[COLLECTOR_CLUSTER]
    tls = collector["transport_socket"]["typed_config"]
    assert tls["sni"] == "otlp.example.com"
    names = tls["common_tls_context"]["validation_context"]["match_typed_subject_alt_names"]
    assert names == [{"san_type": "DNS", "matcher": {"exact": "otlp.example.com"}}]
    provider = managers(bootstrap)["llm_egress"]["tracing"]["provider"]["typed_config"]
    ratio = provider["sampler"]["typed_config"]["wrapped_sampler"]["typed_config"]
    assert ratio["sampling_percentage"]["numerator"] == 0
    validate(bootstrap, tmp_path)


def test_the_failover_listener_only_continues_the_sidecars_trace(tmp_path: Path) -> None:
    config = GatewayConfig.model_validate(
        {
            "tracing": {"endpoint": "http://collector:4317", "sampling": 0.5},
            "providers": {
                "anthropic": {"base_url": "https://api.anthropic.com"},
                "openai": {"base_url": "https://api.openai.com"},
                "backup": {"base_url": "https://backup.example.com", "format": "anthropic"},
            },
            "routes": [
                {
                    "path": "/v1/messages",
                    "format": "anthropic",
                    "provider": "anthropic",
                    "failover": ["backup"],
                }
            ],
        }
    )
    bootstrap = render_bootstrap(config.resolve_paths(Path("/srv/sluice")))

    def ratio(listener: str) -> int:
        provider = managers(bootstrap)[listener]["tracing"]["provider"]["typed_config"]
        wrapped = provider["sampler"]["typed_config"]["wrapped_sampler"]["typed_config"]
        numerator: int = wrapped["sampling_percentage"]["numerator"]
        return numerator

    assert ratio("llm_egress") == 500_000
    assert ratio("llm_failover") == 0  # a trace of its own would be an orphan
    validate(bootstrap, tmp_path)
