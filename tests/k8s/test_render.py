"""The chart renders, lints and matches its committed golden output for each values case.

Regenerate the golden files after a deliberate change to the chart:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/k8s
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

from tests.k8s.chart import CASES, CHART, GOLDEN, render, render_case, values


@pytest.mark.parametrize("case", CASES)
def test_rendered_output_matches_golden(case: str) -> None:
    golden = GOLDEN / f"{case}.yaml"
    text = render_case(case).golden_text()
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert golden.exists(), f"{golden} missing: run with UPDATE_GOLDEN=1"
    assert text == golden.read_text(), (
        f"the chart's output for {case} drifted from {golden.name}; if intended, regenerate: "
        "UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/k8s"
    )


@pytest.mark.parametrize("case", CASES)
def test_helm_lint_is_clean(case: str) -> None:
    report = helm.lint(str(CHART), values(case), strict=True, namespace="sluice")
    problems = [m for m in report["messages"] if m["severity"] >= 2]  # warnings and errors
    assert not report["errors"], report
    assert not problems, report


def test_every_value_is_documented_beside_it() -> None:
    """Each leaf of values.yaml has a comment above or beside it, or sits in a documented key."""
    undocumented = []
    documented_parents: list[tuple[int, bool]] = []  # (indent, documented) of enclosing keys
    lines = (CHART / "values.yaml").read_text().splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "-")) or ":" not in stripped:
            continue
        indent = len(line) - len(line.lstrip())
        while documented_parents and documented_parents[-1][0] >= indent:
            documented_parents.pop()
        documented = lines[i - 1].strip().startswith("#") or "#" in line.split(":", 1)[1]
        inherited = any(doc for _, doc in documented_parents)
        if stripped.endswith(":"):  # a section: its children say what they are
            documented_parents.append((indent, documented))
        elif not (documented or inherited):
            undocumented.append(f"line {i + 1}: {stripped}")
    assert not undocumented, undocumented


@pytest.mark.parametrize(
    "bad",
    [
        {"replicaCount": "two"},
        {"store": {"type": "mysql"}},
        {"replicaCoutn": 2},  # a misspelt key is an error, not a silently ignored setting
        {"image": {"pullPolicy": "Sometimes"}},
        {"prune": {"olderThan": "a month"}},
        {"networkPolicy": {"credentialEndpoints": [{"cidr": "169.254.169.254", "port": 80}]}},
        {"networkPolicy": {"credentialEndpoints": [{"cidr": "169.254.169.254/32"}]}},
        {"vertexCredentials": {"existingSecret": "k", "values": {"key.json": "{}"}}},
    ],
)
def test_values_schema_rejects_mistakes(bad: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmError):
        render(bad)


VERTEX_KEY_WITHOUT_SECRET = {
    "config": {
        "auth": {"allow_anonymous": True},
        "providers": {
            "vertex": {
                "vertex": {
                    "project": "p",
                    "region": "us-east5",
                    "credentials_file": "/etc/sluice/secrets/vertex/key.json",
                }
            }
        },
    }
}
IRSA = {"serviceAccount": {"annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/r"}}}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"config": {"listener": {"port": 1}}}, "config.listener is set by the chart"),
        ({"config": {"sidecar": {"socket_dir": "/x"}}}, "config.sidecar.socket_dir"),
        ({"replicaCount": 2}, "store.type sqlite keeps one event log per pod"),
        ({"store": {"type": "postgres", "postgres": {"password": "p"}}}, "host is required"),
        ({"store": {"type": "postgres", "postgres": {"host": "db"}}}, "password or existingSecret"),
        ({"termination": {"gracePeriodSeconds": 20}}, "must exceed"),
        ({"httpRoute": {"enabled": True}}, "httpRoute.parentRefs"),
        (VERTEX_KEY_WITHOUT_SECRET, "vertexCredentials.existingSecret is mounted: set it"),
        (
            IRSA | {"extraEnv": [{"name": "AWS_ROLE_ARN", "value": "x"}]},
            "extraEnv sets AWS_ROLE_ARN",
        ),
        (
            IRSA | {"podAnnotations": {"eks.amazonaws.com/skip-containers": "sidecar, envoy"}},
            "skip-containers names envoy",
        ),
    ],
)
def test_misconfigurations_fail_with_a_precise_message(bad: dict[str, Any], message: str) -> None:
    with pytest.raises(helm.HelmError, match=message):
        render(bad)


def test_config_change_rolls_the_pods() -> None:
    def checksum(extra: dict[str, Any]) -> str:
        pod = render(extra).one("Deployment")["spec"]["template"]
        annotations: dict[str, str] = pod["metadata"]["annotations"]
        return annotations["checksum/config"]

    assert checksum({}) == checksum({})
    assert checksum({}) != checksum({"config": {"policies": [{"name": "tool_rules"}]}})


def test_dashboards_and_rules_come_from_the_chart_files() -> None:
    rendered = render({"metrics": {"prometheusRule": {"enabled": True}}})
    shipped = {path.name: path.read_text() for path in (CHART / "dashboards").glob("*.json")}
    assert len(shipped) == 4  # overview, policies, internals, spend
    maps = [m for m in rendered.kind("ConfigMap") if "dashboard" in m["metadata"]["name"]]
    assert all(m["metadata"]["labels"]["grafana_dashboard"] == "1" for m in maps)
    found = {name: text for m in maps for name, text in m["data"].items()}
    assert {name: json.loads(text) for name, text in found.items()} == {
        name: json.loads(text) for name, text in shipped.items()
    }
    groups = rendered.one("PrometheusRule")["spec"]["groups"]
    rules = [yaml.safe_load(p.read_text()) for p in sorted((CHART / "rules").glob("*.yaml"))]
    assert groups == [group for rule_file in rules for group in rule_file["groups"]]


def test_without_dashboard_or_rule_files_nothing_is_rendered_for_them(tmp_path: Path) -> None:
    chart = tmp_path / "sluice"
    shutil.copytree(CHART, chart)
    for folder in ("dashboards", "rules"):
        shutil.rmtree(chart / folder, ignore_errors=True)
    rendered = render({"metrics": {"prometheusRule": {"enabled": True}}}, chart)
    assert not rendered.kind("PrometheusRule")
    assert all("dashboard" not in m["metadata"]["name"] for m in rendered.kind("ConfigMap"))


def test_notes_tell_how_to_connect_and_warn_without_an_admin_key() -> None:
    notes = render_case("default").notes
    assert "ANTHROPIC_BASE_URL=http://sluice.sluice.svc:80" in notes
    assert "no admin key is set" in notes
    assert "no admin key" not in render_case("org-wide").notes
