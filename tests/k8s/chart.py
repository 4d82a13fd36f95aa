"""Rendering the Helm chart offline, for the tests: the Helm v4 engine from the
``helm-python-sdk`` wheel (no helm binary, no cluster), one render per values case."""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

__all__ = [
    "CASES",
    "CHART",
    "GOLDEN",
    "RELEASE",
    "Rendered",
    "egress_admits",
    "render",
    "render_case",
]

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "k8s" / "sluice"
GOLDEN = Path(__file__).resolve().parent / "golden"
RELEASE, NAMESPACE = "sluice", "sluice"

# Case name -> values file (None: the chart's defaults).
CASES: dict[str, Path | None] = {
    "default": None,
    "small-team": ROOT / "k8s" / "examples" / "small-team.yaml",
    "org-wide": ROOT / "k8s" / "examples" / "org-wide.yaml",
    "bedrock-irsa": ROOT / "k8s" / "examples" / "bedrock-irsa.yaml",
    "vertex-key": ROOT / "k8s" / "examples" / "vertex-key.yaml",
    "vertex-workload-identity": ROOT / "k8s" / "examples" / "vertex-workload-identity.yaml",
}

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Rendered:
    """One render: the text of each template and the manifests parsed from them."""

    templates: dict[str, str]

    @functools.cached_property
    def manifests(self) -> list[Manifest]:
        return [doc for _, doc in self.sources()]

    def sources(self) -> list[tuple[str, Manifest]]:
        """(template path, manifest) in template order, NOTES.txt left out."""
        found = []
        for path in sorted(self.templates):
            if path.endswith("NOTES.txt"):
                continue
            found += [(path, doc) for doc in yaml.safe_load_all(self.templates[path]) if doc]
        return found

    @property
    def notes(self) -> str:
        return self.templates.get(f"{CHART.name}/templates/NOTES.txt", "")

    def kind(self, kind: str) -> list[Manifest]:
        return [m for m in self.manifests if m["kind"] == kind]

    def one(self, kind: str, component: str | None = None) -> Manifest:
        found = [
            m
            for m in self.kind(kind)
            if component is None
            or m["metadata"]["labels"].get("app.kubernetes.io/component") == component
        ]
        assert len(found) == 1, f"expected one {kind} ({component}), found {len(found)}"
        return found[0]

    def golden_text(self) -> str:
        """The render as ``helm template`` prints it: each document under its source."""
        parts = []
        for path in sorted(self.templates):
            if path.endswith("NOTES.txt"):
                continue
            for doc in re.split(r"(?m)^---\s*$", self.templates[path]):
                if doc.strip():
                    parts.append(f"---\n# Source: {path}\n{doc.strip()}\n")
        return "".join(parts)

    def gateway_config(self, configmap: str = RELEASE) -> str:
        """The sluice.yaml a ConfigMap of the render holds."""
        for manifest in self.kind("ConfigMap"):
            if manifest["metadata"]["name"] == configmap:
                text: str = manifest["data"]["sluice.yaml"]
                return text
        raise AssertionError(f"no ConfigMap {configmap}")


def values(case: str) -> dict[str, Any] | None:
    path = CASES[case]
    return yaml.safe_load(path.read_text()) if path else None


def render(
    values: dict[str, Any] | None = None, chart: Path = CHART, *, upgrade: bool = False
) -> Rendered:
    """Render ``chart`` with ``values`` (checked against values.schema.json first)."""
    with helm.Chart.load(str(chart)) as loaded:
        loaded.validate_schema(values)
        templates = loaded.render(
            values, name=RELEASE, namespace=NAMESPACE, is_install=not upgrade, is_upgrade=upgrade
        )
    return Rendered(templates)


@functools.cache
def render_case(case: str) -> Rendered:
    return render(values(case))


def egress_admits(policy: Manifest, address: str, port: int) -> bool:
    """Whether ``policy``'s egress rules let its pods open a TCP connection to ``address``
    on ``port``, judged by the rules' ``ipBlock`` peers (a rule naming only pods or
    namespaces admits no outside address). A rule without ``to`` admits every address, one
    without ``ports`` every port, as Kubernetes reads them.
    """
    ip = ipaddress.ip_address(address)
    for rule in policy["spec"].get("egress", []):
        ports = rule.get("ports")
        if ports is not None and not any(
            p.get("protocol", "TCP") == "TCP" and p.get("port") == port for p in ports
        ):
            continue
        for peer in rule.get("to", [{"ipBlock": {"cidr": "0.0.0.0/0"}}]):
            block = peer.get("ipBlock")
            if block is None or ip not in ipaddress.ip_network(block["cidr"]):
                continue
            if not any(ip in ipaddress.ip_network(cidr) for cidr in block.get("except", [])):
                return True
    return False
