"""The chart's ``tracing`` values: they reach the gateway config (and Envoy's bootstrap), and
the NetworkPolicy lets the pods reach the collector, and nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python as helm
import pytest

from sluice.config import load_config
from sluice.envoy import render_bootstrap
from tests.envoy.validate import validate
from tests.k8s.chart import Rendered, egress_admits, render, render_case

COLLECTOR = [
    {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}},
        "podSelector": {"matchLabels": {"app": "otel-collector"}},
    }
]
TRACED: dict[str, Any] = {
    "tracing": {"endpoint": "http://otel-collector.observability:4317", "sampling": 0.2},
    "networkPolicy": {"collector": {"to": COLLECTOR}},
}


def network_policy(rendered: Rendered) -> dict[str, Any]:
    return next(m for m in rendered.kind("NetworkPolicy") if m["metadata"]["name"] == "sluice")


def test_off_by_default(tmp_path: Path) -> None:
    rendered = render_case("default")
    (tmp_path / "sluice.yaml").write_text(rendered.gateway_config())
    assert not load_config(tmp_path / "sluice.yaml").tracing.enabled
    egress = network_policy(rendered)["spec"]["egress"]
    assert not any(egress_admits({"spec": {"egress": [r]}}, "10.1.2.3", 4317) for r in egress)


def test_the_values_reach_the_config_and_envoy(tmp_path: Path) -> None:
    rendered = render(TRACED)
    path = tmp_path / "sluice.yaml"
    path.write_text(rendered.gateway_config())
    config = load_config(path)
    assert str(config.tracing.endpoint) == "http://otel-collector.observability:4317/"
    assert config.tracing.sampling == 0.2
    assert config.tracing.service_name == "sluice"
    sidecar = config.sidecar.model_copy(update={"socket_dir": tmp_path / "sockets"})
    validate(render_bootstrap(config.model_copy(update={"sidecar": sidecar})), tmp_path)


def test_the_pods_may_reach_the_collector_only() -> None:
    egress = network_policy(render(TRACED))["spec"]["egress"]
    rules = [r for r in egress if r.get("ports") == [{"protocol": "TCP", "port": 4317}]]
    assert [r["to"] for r in rules] == [COLLECTOR]  # named pods, no address at all


def test_the_port_defaults_to_the_schemes() -> None:
    egress = network_policy(render({"tracing": {"endpoint": "https://otlp.example.com"}}))
    assert egress_admits(egress, "52.94.0.10", 443)


@pytest.mark.parametrize(
    "bad",
    [
        {"tracing": {"endpoint": "http://collector:4317/v1/traces"}},
        {"tracing": {"endpoint": "collector:4317"}},
        {"tracing": {"sampling": 2}},
        {"tracing": {"enabled": True}},
    ],
)
def test_schema_rejects_mistakes(bad: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmError):
        render(bad)


def test_config_tracing_belongs_to_the_chart() -> None:
    with pytest.raises(helm.HelmError, match=r"config\.tracing is set by the chart"):
        render({"config": {"tracing": {"endpoint": "http://c:4317"}}})
