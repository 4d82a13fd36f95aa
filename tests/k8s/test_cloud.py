"""The cloud set-ups of the examples: Claude through AWS Bedrock with EKS IRSA, and through
Google Vertex AI with a key from a Secret or with GKE workload identity.

Without a cluster, what EKS's pod identity webhook and GKE's metadata server then do is not
exercised here: these tests check that the chart gives them what they need, and that the
pod's own parts (the mounts, the config, the NetworkPolicy) fit together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sluice.config import GatewayConfig, load_config
from sluice.envoy.keys import key_file
from tests.k8s.chart import Manifest, Rendered, egress_admits, render, render_case, values

# Public addresses of the kind the clouds' endpoints resolve to (bedrock-runtime, STS,
# *-aiplatform.googleapis.com, oauth2.googleapis.com): a NetworkPolicy cannot name hosts.
PUBLIC = ("52.94.0.10", "142.250.0.10")
METADATA = ("169.254.169.254", 80)  # GKE's metadata server, EC2's instance metadata
GKE_REDIRECT = ("169.254.169.252", 988)  # where GKE's iptables dataplane sends it
POD_IDENTITY = ("169.254.170.23", 80)  # EKS Pod Identity's agent
IRSA_MOUNT = "/var/run/secrets/eks.amazonaws.com/serviceaccount"


def gateway_config(rendered: Rendered, tmp_path: Path) -> GatewayConfig:
    path = tmp_path / "sluice.yaml"  # every path in it is absolute: where it is read is moot
    path.write_text(rendered.gateway_config())
    return load_config(path)


def pod(rendered: Rendered) -> dict[str, Any]:
    spec: dict[str, Any] = rendered.one("Deployment")["spec"]["template"]["spec"]
    return spec


def pod_annotations(rendered: Rendered) -> dict[str, str]:
    template = rendered.one("Deployment")["spec"]["template"]
    annotations: dict[str, str] = template["metadata"]["annotations"]
    return annotations


def containers(rendered: Rendered) -> dict[str, dict[str, Any]]:
    spec = pod(rendered)
    return {c["name"]: c for c in spec["initContainers"] + spec["containers"]}


def mounts(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in container.get("volumeMounts", [])}


def network_policy(rendered: Rendered) -> Manifest:
    return next(m for m in rendered.kind("NetworkPolicy") if m["metadata"]["name"] == "sluice")


def test_bedrock_with_irsa_leaves_envoy_to_the_webhook(tmp_path: Path) -> None:
    rendered = render_case("bedrock-irsa")
    account = rendered.one("ServiceAccount")
    role = account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert role.startswith("arn:aws:iam::")
    spec = pod(rendered)
    assert spec["serviceAccountName"] == account["metadata"]["name"]
    # The webhook adds its own projected token (audience sts.amazonaws.com), whatever
    # automountServiceAccountToken says: the Kubernetes API token stays out.
    assert spec["automountServiceAccountToken"] is False
    assert "aws-iam-token" not in {v["name"] for v in spec["volumes"]}  # else it adds none
    # That token file is root's, readable by the pod's fsGroup (0640): the containers' group.
    security = spec["securityContext"]
    assert security["fsGroup"] == security["runAsGroup"]
    by_name = containers(rendered)
    for container in by_name.values():
        # A container that sets either variable gets neither from the webhook.
        env = {e["name"] for e in container.get("env", [])}
        assert not env & {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"}, container["name"]
        assert IRSA_MOUNT not in {m["mountPath"] for m in container["volumeMounts"]}
    annotations = pod_annotations(rendered)
    skipped = set(annotations["eks.amazonaws.com/skip-containers"].split(","))
    assert skipped == set(by_name) - {"envoy"}  # only Envoy, which signs, gets the role
    config = gateway_config(rendered, tmp_path)
    assert set(config.providers) == {"bedrock"}
    bedrock = config.providers["bedrock"]
    assert bedrock.bedrock is not None
    assert bedrock.bedrock.region == "eu-west-1"
    assert (bedrock.host, bedrock.port) == ("bedrock-runtime.eu-west-1.amazonaws.com", 443)
    assert config.auth.authenticates  # the gateway's AWS role is not for anyone who calls
    policy = network_policy(rendered)
    assert all(egress_admits(policy, address, 443) for address in PUBLIC)  # Bedrock, STS
    for address, port in (METADATA, GKE_REDIRECT, POD_IDENTITY):
        assert not egress_admits(policy, address, port)  # IRSA needs none of them


def test_vertex_key_is_read_only_in_the_sidecar_and_its_token_reaches_envoy(
    tmp_path: Path,
) -> None:
    rendered = render_case("vertex-key")
    volumes = {v["name"]: v for v in pod(rendered)["volumes"]}
    assert volumes["vertex-credentials"]["secret"]["secretName"] == "sluice-vertex"
    by_name = containers(rendered)
    mount = mounts(by_name["sidecar"])["vertex-credentials"]
    assert mount["readOnly"] is True
    for name in ("envoy-config", "envoy"):  # Envoy gets the token, never the key
        assert "vertex-credentials" not in mounts(by_name[name]), name
    config = gateway_config(rendered, tmp_path)
    vertex = config.providers["vertex"].vertex
    assert vertex is not None
    assert vertex.credentials_file is not None
    assert vertex.credentials_file.parent == Path(mount["mountPath"])
    assert config.auth.authenticates
    # The sidecar's supervisor writes the token file, Envoy reads it: both see it in the
    # same volume, and the sidecar may write there.
    token = key_file(config, "vertex")
    for name in ("envoy", "sidecar"):
        run = mounts(by_name[name])["run"]
        assert token.is_relative_to(run["mountPath"]), name
        assert not run.get("readOnly"), name
    assert "emptyDir" in volumes["run"]
    policy = network_policy(rendered)
    assert all(egress_admits(policy, address, 443) for address in PUBLIC)  # Vertex, OAuth
    assert not egress_admits(policy, *METADATA)  # a key needs no metadata server
    assert "WARNING: the Vertex AI provider" not in rendered.notes


def test_vertex_with_workload_identity_reaches_the_metadata_server_only(tmp_path: Path) -> None:
    rendered = render_case("vertex-workload-identity")
    account = rendered.one("ServiceAccount")
    google = account["metadata"]["annotations"]["iam.gke.io/gcp-service-account"]
    assert google.endswith(".iam.gserviceaccount.com")
    assert pod(rendered)["serviceAccountName"] == account["metadata"]["name"]
    assert "vertex-credentials" not in {v["name"] for v in pod(rendered)["volumes"]}
    config = gateway_config(rendered, tmp_path)
    vertex = config.providers["vertex"].vertex
    assert vertex is not None
    assert vertex.credentials_file is None  # Google's default credentials
    policy = network_policy(rendered)
    assert all(egress_admits(policy, address, 443) for address in PUBLIC)
    assert egress_admits(policy, *METADATA)
    assert egress_admits(policy, *GKE_REDIRECT)
    assert not egress_admits(policy, METADATA[0], 443)  # those ports, nothing else
    assert not egress_admits(policy, *POD_IDENTITY)
    assert "WARNING: the Vertex AI provider" not in rendered.notes


def test_notes_warn_when_workload_identity_cannot_reach_the_metadata_server() -> None:
    example = values("vertex-workload-identity")
    assert example is not None
    example["networkPolicy"] = {"credentialEndpoints": []}
    notes = render(example).notes
    assert "WARNING: the Vertex AI provider(s) vertex take their access token" in notes
    assert "networkPolicy.credentialEndpoints" in notes
    example["extraEnv"] = [{"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/keys/k.json"}]
    assert "WARNING: the Vertex AI provider" not in render(example).notes


@pytest.mark.parametrize("case", ["default", "small-team", "org-wide"])
def test_without_a_cloud_set_up_nothing_of_it_is_rendered(case: str) -> None:
    rendered = render_case(case)
    assert "vertex-credentials" not in {v["name"] for v in pod(rendered)["volumes"]}
    assert not egress_admits(network_policy(rendered), *METADATA)
    assert "WARNING: the Vertex AI provider" not in rendered.notes
