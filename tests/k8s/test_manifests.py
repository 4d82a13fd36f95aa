"""Every rendered manifest is valid Kubernetes, and the pods are locked down.

Core kinds are validated against the Kubernetes API's JSON schemas bundled in
``kubernetes-validate`` (offline, strict: unknown fields are errors). The Prometheus
Operator and Gateway API kinds are custom resources whose schemas it does not bundle:
their structure is asserted here instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from sluice.config import load_config
from tests.k8s.chart import CASES, Manifest, Rendered, egress_admits, render, render_case

# The oldest release the chart supports (Chart.yaml's kubeVersion) and the newest bundled.
KUBERNETES_VERSIONS = ["1.27.0", "1.37.0"]
CUSTOM_KINDS = {"ServiceMonitor", "PrometheusRule", "HTTPRoute"}


def everything() -> Rendered:
    """A render that turns on every optional resource, so each one is validated."""
    return render(
        {
            "replicaCount": 2,
            "store": {"type": "postgres", "postgres": {"host": "db", "password": "pw"}},
            "adminKey": {"value": "admin", "viewerValue": "viewer", "reviewerValue": "reviewer"},
            "providerKeys": {"values": {"anthropic": "sk-ant-test"}},
            "ingress": {
                "enabled": True,
                "hosts": [{"host": "llm.example.com", "paths": [{"path": "/"}]}],
                "tls": [{"secretName": "tls", "hosts": ["llm.example.com"]}],
            },
            "httpRoute": {"enabled": True, "parentRefs": [{"name": "gw"}], "hostnames": ["x"]},
            "autoscaling": {"enabled": True},
            "metrics": {"serviceMonitor": {"enabled": True}, "prometheusRule": {"enabled": True}},
            "extraEnv": [{"name": "X", "value": "1"}],
        }
    )


RENDERS = {**{case: lambda case=case: render_case(case) for case in CASES}, "all": everything}


def pod_specs(rendered: Rendered) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for m in rendered.manifests:
        if m["kind"] in ("Deployment", "Job"):
            found.append((m["metadata"]["name"], m["spec"]["template"]["spec"]))
        elif m["kind"] == "CronJob":
            found.append(
                (m["metadata"]["name"], m["spec"]["jobTemplate"]["spec"]["template"]["spec"])
            )
    return found


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("case", RENDERS)
def test_core_manifests_validate_strictly(case: str, version: str) -> None:
    errors = []
    for manifest in RENDERS[case]().manifests:
        if manifest["kind"] in CUSTOM_KINDS:
            continue
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            errors.append(f"{manifest['kind']}/{manifest['metadata']['name']}: {path}: {exc}")
    assert not errors, "\n".join(errors)


def test_every_kind_is_checked_one_way_or_the_other() -> None:
    kinds = {m["kind"] for m in everything().manifests}
    # PrometheusRule appears once the chart holds rule files (see test_render).
    assert {"ServiceMonitor", "HTTPRoute"} <= kinds
    for kind in kinds - CUSTOM_KINDS:  # a schema exists for each core kind (none skipped)
        sample = next(m for m in everything().manifests if m["kind"] == kind)
        kubernetes_validate.validate(sample, KUBERNETES_VERSIONS[0], strict=True)


def test_custom_resources_are_well_formed() -> None:
    rendered = everything()
    service = rendered.one("Service")
    service_ports = {p["name"] for p in service["spec"]["ports"]}
    monitor = rendered.one("ServiceMonitor")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert set(monitor["spec"]) == {"selector", "endpoints"}
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    assert [(e["port"], e["path"]) for e in monitor["spec"]["endpoints"]] == [
        ("admin", "/metrics"),
        ("envoy-stats", "/stats/prometheus"),
    ]
    assert {e["port"] for e in monitor["spec"]["endpoints"]} <= service_ports
    route = rendered.one("HTTPRoute")
    assert route["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert set(route["spec"]) == {"parentRefs", "hostnames", "rules"}
    backend = route["spec"]["rules"][0]["backendRefs"][0]
    assert (backend["name"], backend["port"]) == (service["metadata"]["name"], 80)
    # No rule files in the chart yet: no PrometheusRule (test_render covers one with rules).
    assert not rendered.kind("PrometheusRule") or all(
        {"name", "rules"} <= set(g) for g in rendered.one("PrometheusRule")["spec"]["groups"]
    )


@pytest.mark.parametrize("case", RENDERS)
def test_pods_run_locked_down(case: str) -> None:
    rendered = RENDERS[case]()
    for account in rendered.kind("ServiceAccount"):
        assert account["automountServiceAccountToken"] is False
    specs = pod_specs(rendered)
    assert specs
    for name, spec in specs:
        assert spec["automountServiceAccountToken"] is False, name
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["runAsUser"] != 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        for container in spec.get("initContainers", []) + spec["containers"]:
            where = f"{name}/{container['name']}"
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            assert "add" not in context["capabilities"], where
            assert not context.get("privileged"), where
            resources = container["resources"]
            assert resources["requests"]["cpu"], where
            assert resources["requests"]["memory"], where
            assert resources["limits"]["memory"], where
        assert not spec.get("hostNetwork"), name
        assert not spec.get("hostPID"), name


@pytest.mark.parametrize("case", RENDERS)
def test_gateway_containers_have_every_probe(case: str) -> None:
    spec = RENDERS[case]().one("Deployment")["spec"]["template"]["spec"]
    containers = {c["name"]: c for c in spec["containers"]}
    assert set(containers) == {"envoy", "sidecar"}
    ports = {p["name"] for c in containers.values() for p in c["ports"]}
    expected = {
        "envoy": {"startupProbe": "/ready", "livenessProbe": "/ready", "readinessProbe": "/ready"},
        "sidecar": {
            "startupProbe": "/healthz",
            "livenessProbe": "/healthz",
            "readinessProbe": "/readyz",
        },
    }
    for name, probes in expected.items():
        for probe, path in probes.items():
            handler = containers[name][probe]["httpGet"]
            assert handler["path"] == path, (name, probe)
            assert handler["port"] in ports, (name, probe)
    assert containers["envoy"]["startupProbe"]["httpGet"]["port"] == "envoy-stats"


@pytest.mark.parametrize("case", RENDERS)
def test_termination_lets_streams_finish(case: str) -> None:
    rendered = RENDERS[case]()
    spec = rendered.one("Deployment")["spec"]["template"]["spec"]
    config = yaml.safe_load(rendered.gateway_config())
    grace = config["sidecar"]["grace_period_s"]
    for container in spec["containers"]:
        command = container["lifecycle"]["preStop"]["exec"]["command"]
        delay = int(command[-1].split("sleep ")[1].split(" ")[0])
        assert "exec sluice drain --config /etc/sluice/sluice.yaml" in command[-1]
        assert spec["terminationGracePeriodSeconds"] > delay + grace


def test_postgres_password_never_reaches_the_config() -> None:
    rendered = everything()
    config = rendered.gateway_config()
    assert "postgresql://sluice@db:5432/sluice" in config
    assert "pw" not in config
    for name, spec in pod_specs(rendered):
        for container in spec["containers"]:
            env = {e["name"]: e for e in container.get("env", [])}
            if container["name"] == "envoy":
                assert "PGPASSWORD" not in env  # Envoy never talks to the database
                continue
            ref = env["PGPASSWORD"]["valueFrom"]["secretKeyRef"]
            assert ref["key"] == "password", name
            secret = next(
                s for s in rendered.kind("Secret") if s["metadata"]["name"] == ref["name"]
            )
            assert "password" in secret["data"], name


def test_migration_runs_before_the_release_with_its_own_copies() -> None:
    rendered = everything()
    job = rendered.one("Job", "migrate")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    command = job["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command == ["sluice", "db", "upgrade", "--config", "/etc/sluice/sluice.yaml"]
    hook_weight = int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    for kind in ("ConfigMap", "Secret", "NetworkPolicy"):
        copy = next(m for m in rendered.kind(kind) if m["metadata"]["name"] == "sluice-migrate")
        assert int(copy["metadata"]["annotations"]["helm.sh/hook-weight"]) < hook_weight
    assert rendered.gateway_config("sluice-migrate") == rendered.gateway_config()
    prune = rendered.one("CronJob", "prune")
    prune_spec = prune["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert prune_spec["containers"][0]["command"][-2:] == ["--older-than", "30d"]


@pytest.mark.parametrize("case", ["default", "small-team"])
def test_sqlite_gets_no_database_jobs(case: str) -> None:
    rendered = render_case(case)
    assert not rendered.kind("Job")
    assert not rendered.kind("CronJob")
    assert "store_url: sqlite:////var/lib/sluice/sluice.db" in rendered.gateway_config()


def test_network_policy_allows_only_dns_providers_and_database() -> None:
    rendered = render_case("org-wide")
    policy = next(m for m in rendered.kind("NetworkPolicy") if m["metadata"]["name"] == "sluice")
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    egress = policy["spec"]["egress"]
    ports = [sorted((p["protocol"], p["port"]) for p in rule["ports"]) for rule in egress]
    assert ports == [[("TCP", 53), ("UDP", 53)], [("TCP", 5432)], [("TCP", 443)]]
    assert egress[1]["to"] == [{"ipBlock": {"cidr": "10.40.12.0/24"}}]
    assert all("to" in rule for rule in egress)  # no rule opens a port to everyone


@pytest.mark.parametrize("case", CASES)
def test_network_policy_admits_every_remote_the_config_names(case: str, tmp_path: Path) -> None:
    """The providers and a JWKS URL, on their ports, as public addresses (a NetworkPolicy
    cannot name hosts; the tests' example is one such address)."""
    rendered = render_case(case)
    path = tmp_path / "sluice.yaml"
    path.write_text(rendered.gateway_config())
    config = load_config(path)
    ports = {p.port for p in config.providers.values()}
    if config.auth.jwt is not None and config.auth.jwt.jwks_url is not None:
        ports.add(config.auth.jwt.jwks_url.port or 443)
    policy = next(m for m in rendered.kind("NetworkPolicy") if m["metadata"]["name"] == "sluice")
    for port in ports:
        assert egress_admits(policy, "52.94.0.10", port), port
        assert not egress_admits(policy, "10.1.2.3", port), port  # the cluster's own: not


def test_manifest_helpers_see_each_kind_once() -> None:
    seen: dict[str, int] = {}
    for m in render_case("org-wide").manifests:
        key = f"{m['kind']}/{m['metadata']['name']}"
        seen[key] = seen.get(key, 0) + 1
    assert all(n == 1 for n in seen.values()), seen


def _kinds(rendered: Rendered) -> set[str]:
    return {m["kind"] for m in rendered.manifests}


def test_examples_differ_where_they_should() -> None:
    assert "PersistentVolumeClaim" in _kinds(render_case("small-team"))
    assert {"HorizontalPodAutoscaler", "HTTPRoute", "ServiceMonitor"} <= _kinds(
        render_case("org-wide")
    )
    deployment: Manifest = render_case("org-wide").one("Deployment")
    assert "replicas" not in deployment["spec"]  # the autoscaler owns it


def test_a_reviewer_key_reaches_the_gateway_config_as_a_file() -> None:
    rendered = everything()
    [secret] = [m for m in rendered.manifests if m["kind"] == "Secret" and "admin-key" in m["data"]]
    assert set(secret["data"]) == {"admin-key", "viewer-key", "reviewer-key"}
    admin = yaml.safe_load(rendered.gateway_config())["admin"]
    assert admin["reviewer_key"] == {
        "file": admin["key"]["file"].replace("admin-key", "reviewer-key")
    }
