"""The gateway config the chart ships is one Sluice accepts, and Envoy accepts the bootstrap
Sluice renders from it: the same path the pod's init container takes
(``sluice envoy-config --config /etc/sluice/sluice.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sluice.cli import _parser
from sluice.config import load_config
from sluice.envoy import render_bootstrap
from sluice.envoy.keys import write_key_files
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.llm_client import ModelClients
from tests.envoy.validate import validate
from tests.k8s.chart import CASES, Rendered, render_case, values

RUN_DIR = "/var/run/sluice"


def write_config(rendered: Rendered, tmp_path: Path) -> Path:
    # The pod mounts it at /etc/sluice/sluice.yaml; every path in it is absolute, so the
    # directory it is read from here changes nothing.
    path = tmp_path / "sluice.yaml"
    path.write_text(rendered.gateway_config())
    return path


@pytest.mark.parametrize("case", CASES)
def test_bootstrap_from_the_chart_passes_envoy_validate(case: str, tmp_path: Path) -> None:
    config = load_config(write_config(render_case(case), tmp_path))
    ChainSet(config, ModelClients())  # every policy of every chain loads with its config
    # As in the pod, with a temporary directory for the shared emptyDir: the init container
    # renders the bootstrap; Envoy's container (`sluice envoy`) writes the files it names
    # (provider keys, a placeholder for a Vertex AI token the sidecar has not written yet),
    # then runs Envoy.
    sidecar = config.sidecar.model_copy(update={"socket_dir": tmp_path / "sockets"})
    config = config.model_copy(update={"sidecar": sidecar})
    write_key_files(config)
    validate(render_bootstrap(config), tmp_path)


@pytest.mark.parametrize("case", CASES)
def test_the_pod_layout_matches_the_config(case: str, tmp_path: Path) -> None:
    rendered = render_case(case)
    config = load_config(write_config(rendered, tmp_path))
    assert config.listener.address == "0.0.0.0"
    assert config.admin.address == "0.0.0.0"
    assert config.envoy.admin_address == "127.0.0.1"  # Envoy's admin API stays private
    assert config.envoy.stats_address == "0.0.0.0"
    assert str(config.sidecar.socket_dir).startswith(RUN_DIR + "/")
    spec = rendered.one("Deployment")["spec"]["template"]["spec"]
    containers = {c["name"]: c for c in spec["initContainers"] + spec["containers"]}
    for name in ("envoy-config", "envoy", "sidecar"):  # the shared emptyDir, in every one
        mounts = {m["mountPath"]: m["name"] for m in containers[name]["volumeMounts"]}
        assert mounts[RUN_DIR] == "run", name
        assert mounts["/etc/sluice/sluice.yaml"] == "config", name
    ports = {p["name"]: p["containerPort"] for c in containers.values() for p in c.get("ports", [])}
    assert ports == {
        "http": config.listener.port,
        "envoy-stats": config.envoy.stats_port,
        "admin": config.admin.port,
    }
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert "emptyDir" in volumes["run"]
    grace = config.sidecar.grace_period_s
    assert spec["terminationGracePeriodSeconds"] > grace


def commands(rendered: Rendered) -> list[list[str]]:
    found = []
    for manifest in rendered.manifests:
        template: dict[str, Any] | None = None
        if manifest["kind"] in ("Deployment", "Job"):
            template = manifest["spec"]["template"]
        elif manifest["kind"] == "CronJob":
            template = manifest["spec"]["jobTemplate"]["spec"]["template"]
        if template is None:
            continue
        spec = template["spec"]
        for container in spec.get("initContainers", []) + spec["containers"]:
            found.append(container["command"])
            pre_stop = container.get("lifecycle", {}).get("preStop")
            if pre_stop:
                found.append(pre_stop["exec"]["command"][-1].split("exec ", 1)[1].split())
    return found


@pytest.mark.parametrize("case", CASES)
def test_every_command_is_one_the_sluice_cli_accepts(case: str) -> None:
    seen = set()
    for command in commands(render_case(case)):
        assert command[0] == "sluice", command
        args = _parser().parse_args(command[1:])  # exits (SystemExit) on a bad command line
        assert str(args.config) == "/etc/sluice/sluice.yaml"
        seen.add(args.command if args.command != "db" else f"db {args.db_command}")
    expected = {"envoy-config", "envoy", "run", "drain"}
    if (values(case) or {}).get("store", {}).get("type") == "postgres":
        expected |= {"db upgrade", "db prune"}
    assert seen == expected


def test_the_init_container_renders_the_bootstrap_where_envoy_reads_it() -> None:
    spec = render_case("default").one("Deployment")["spec"]["template"]["spec"]
    (init,) = spec["initContainers"]
    assert init["command"] == [
        "sluice",
        "envoy-config",
        "--config",
        "/etc/sluice/sluice.yaml",
        "--output",
        f"{RUN_DIR}/envoy.json",
    ]
    envoy = next(c for c in spec["containers"] if c["name"] == "envoy")
    assert envoy["command"][-2:] == ["--bootstrap", f"{RUN_DIR}/envoy.json"]
    sidecar = next(c for c in spec["containers"] if c["name"] == "sidecar")
    assert sidecar["command"][-1] == "--without-envoy"
