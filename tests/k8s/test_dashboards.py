"""The Grafana dashboards: the committed JSON is what the builder makes of its source."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPILED = ROOT / "k8s" / "sluice" / "dashboards"
RULES = ROOT / "k8s" / "sluice" / "rules"
_NAME = re.compile(r"\b((?:sluice|envoy|process)_[a-z0-9_]+)\b")


def builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build", ROOT / "k8s/dashboards/build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compiled_dashboards_match_their_source() -> None:
    built: dict[str, str] = builder().build()
    committed = {path.name: path.read_text() for path in COMPILED.glob("*.json")}
    assert committed == built, "run: python k8s/dashboards/build.py"


def test_dashboards_have_unique_panel_ids_and_the_template_variables() -> None:
    for name, text in builder().build().items():
        board = json.loads(text)
        ids = [panel["id"] for panel in board["panels"]]
        assert len(ids) == len(set(ids)), name
        variables = {v["name"] for v in board["templating"]["list"]}
        if name != "internals.json":
            assert {"team", "model"} <= variables, name


def metric_names() -> set[str]:
    """Every metric the dashboards and the alert rules query (histogram series as their
    ``_bucket``/``_sum``/``_count`` names)."""
    exprs = [
        target["expr"]
        for text in builder().build().values()
        for panel in json.loads(text)["panels"]
        for target in panel["targets"]
        if "expr" in target  # not an SQL query of the event log
    ]
    exprs += [
        variable["query"]["query"]
        for text in builder().build().values()
        for variable in json.loads(text)["templating"]["list"]
        if variable.get("type") == "query"
    ]
    exprs += [
        rule["expr"]
        for path in RULES.glob("*.yaml")
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
    ]
    return {name for expr in exprs for name in _NAME.findall(_without_labels(expr))}


def _without_labels(expr: str) -> str:
    """``expr`` without strings, label selectors and grouping clauses: metric names remain."""
    expr = re.sub(r'"[^"]*"', "", expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    return re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", expr)
