"""Classes taught from a ninth blind set, aimed at the infrastructure rules: SQL run by a
cloud CLI, launchers of a bundled tool, eksctl, Backblaze's b2, every volume removed, a
default branch updated through GitHub's API; each next to the everyday call it resembles,
so that a test fails if either verdict changes."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        (
            "aws rds-data execute-statement --resource-arn arn:x --secret-arn arn:y"
            ' --database app --sql "DROP TABLE orders"',
            "drop_database",
        ),
        ('npx wrangler d1 execute prod-db --remote --command "DROP TABLE users"', "drop_database"),
        ("atmos terraform destroy vpc -s prod", "terraform_destroy"),
        ("microk8s kubectl delete namespace monitoring", "kubectl_delete_all"),
        ("sudo k3s kubectl delete ns longhorn-system", "kubectl_delete_all"),
        ("b2 rm --recursive --versions b2://acme-backups", "cloud_storage_wipe"),
        ("eksctl delete cluster --name prod --region us-east-1", "gcloud_delete"),
        ("podman volume rm --all", "docker_prune"),
        ("lima nerdctl volume prune -f", "docker_prune"),
        (
            "gh api -X PATCH repos/acme/web/git/refs/heads/main -f sha=3f1c2b7 -F force=true",
            "force_push_default",
        ),
        ("gh api -X DELETE repos/acme/web/git/refs/heads/master", "force_push_default"),
        # Everyday: the same tools reading, planning, deleting one thing, another branch.
        ('aws rds-data execute-statement --sql "SELECT 1" --database app', None),
        ('npx wrangler d1 execute prod-db --command "SELECT count(*) FROM users"', None),
        ("atmos terraform plan vpc -s prod", None),
        ("microk8s kubectl get pods -A", None),
        ("b2 rm b2://acme-backups/old.tgz", None),
        ("eksctl get cluster", None),
        ("podman volume rm data", None),
        ("gh api -X PATCH repos/acme/web/git/refs/heads/feature -F force=true", None),
        ("gh api repos/acme/web/git/refs/heads/main", None),
        ("k3s server", None),
    ],
)
def test_infrastructure_by_other_tools(command: str, rule: str | None) -> None:
    assert bash(command) == rule


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        (
            "curl -fsSLO https://releases.hashicorp.com/terraform/1.8.5/terraform_1.8.5_linux_amd64.zip"
            " && unzip terraform_1.8.5_linux_amd64.zip -d ~/.local/bin && terraform version",
            "download_exec",
        ),
        (
            "bin/rails runner 'ActiveRecord::Base.connection.execute(\"DROP TABLE users\")'",
            "drop_database",
        ),
        (
            'python3 -c "from kubernetes import client, config; config.load_kube_config();'
            " client.CoreV1Api().delete_namespace('staging')\"",
            "kubectl_delete_all",
        ),
        # Everyday: the unpacked folder listed, a query counted, namespaces listed.
        (
            "curl -fsSLO https://releases.hashicorp.com/terraform/1.8.5/terraform_1.8.5_linux_amd64.zip"
            " && unzip terraform_1.8.5_linux_amd64.zip -d ~/.local/bin && ls ~/.local/bin",
            None,
        ),
        ("bin/rails runner 'puts User.count'", None),
        (
            'python3 -c "from kubernetes import client, config; config.load_kube_config();'
            ' print(client.CoreV1Api().list_namespace())"',
            None,
        ),
    ],
)
def test_one_liners_and_unpacked_programs(command: str, rule: str | None) -> None:
    assert bash(command) == rule
