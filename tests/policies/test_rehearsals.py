"""Help and dry runs show what a destructive command would do: they pass, while the same
command run for real is blocked."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import HOME, bash


@pytest.mark.parametrize(
    ("rehearsal", "real", "rule"),
    [
        # Help, however asked for.
        ("terraform destroy --help", "terraform destroy", "terraform_destroy"),
        ("terraform destroy -help", "terraform destroy", "terraform_destroy"),
        ("tofu destroy -h", "tofu destroy", "terraform_destroy"),
        ("kubectl delete --help", "kubectl delete ns prod", "kubectl_delete_all"),
        ("kubectl delete namespace -h", "kubectl delete namespace prod", "kubectl_delete_all"),
        ("kubectl help delete", "kubectl delete ns prod", "kubectl_delete_all"),
        ("aws s3 rm help", "aws s3 rm s3://b --recursive", "cloud_storage_wipe"),
        ("aws s3 rb help", "aws s3 rb s3://b --force", "cloud_storage_wipe"),
        ("gsutil help rm", "gsutil rm -r gs://b", "cloud_storage_wipe"),
        ("gcloud projects delete --help", "gcloud projects delete p", "gcloud_delete"),
        ("gcloud storage rm -h", "gcloud storage rm -r gs://b", "cloud_storage_wipe"),
        ("docker system prune --help", "docker system prune -a --volumes", "docker_prune"),
        ("git push --help", "git push -f origin main", "force_push_default"),
        ("pulumi destroy --help", "pulumi destroy --yes", "terraform_destroy"),
        ("sudo kubectl delete --help", "sudo kubectl delete ns x", "kubectl_delete_all"),
        # Dry runs, however spelled.
        (
            "kubectl delete ns prod --dry-run=client",
            "kubectl delete ns prod",
            "kubectl_delete_all",
        ),
        (
            "kubectl delete all --all --dry-run=server -o name",
            "kubectl delete all --all",
            "kubectl_delete_all",
        ),
        ("kubectl delete ns prod --dry-run", "kubectl delete ns prod", "kubectl_delete_all"),
        (
            "kubectl delete ns prod --server-dry-run",
            "kubectl delete ns prod",
            "kubectl_delete_all",
        ),
        (
            "aws s3 rm s3://b --recursive --dryrun",
            "aws s3 rm s3://b --recursive",
            "cloud_storage_wipe",
        ),
        (
            "aws s3 sync /tmp/empty s3://b --delete --dryrun",
            "aws s3 sync /tmp/empty s3://b --delete",
            "cloud_storage_wipe",
        ),
        (
            "gsutil -m rsync -r -d -n /tmp/empty gs://b",
            "gsutil -m rsync -r -d /tmp/empty gs://b",
            "cloud_storage_wipe",
        ),
        ("rclone purge remote:b --dry-run", "rclone purge remote:b", "cloud_storage_wipe"),
        ("rclone delete -n remote:b", "rclone delete remote:b", "cloud_storage_wipe"),
        (
            "rsync -n -a --delete /tmp/empty/ ~/",
            "rsync -a --delete /tmp/empty/ ~/",
            "wipe_root_or_home",
        ),
        (
            "rsync -avn --delete /tmp/empty/ ~/",
            "rsync -av --delete /tmp/empty/ ~/",
            "wipe_root_or_home",
        ),
        (
            "rsync -a --dry-run --delete-before /tmp/e/ /home/dev/",
            "rsync -a --delete-before /tmp/e/ /home/dev/",
            "wipe_root_or_home",
        ),
        ("cd ~ && git clean -n -d -x", "cd ~ && git clean -f -d -x", "wipe_root_or_home"),
        ("git -C ~ clean -ndx", "git -C ~ clean -fdx", "wipe_root_or_home"),
        ("cd ~ && git clean --dry-run -dx", "cd ~ && git clean -dx", "wipe_root_or_home"),
        (
            "git push --dry-run --force origin main",
            "git push --force origin main",
            "force_push_default",
        ),
        ("git push -n -f origin master", "git push -f origin master", "force_push_default"),
        ("git push -fn origin main", "git push -f origin main", "force_push_default"),
        (
            "Remove-Item -Recurse -Force $env:USERPROFILE -WhatIf",
            "Remove-Item -Recurse -Force $env:USERPROFILE",
            "wipe_root_or_home",
        ),
        # A plan, not a destroy.
        ("terraform plan -destroy", "terraform apply -destroy", "terraform_destroy"),
        (
            "terraform plan -destroy -out destroy",
            "terraform apply -destroy -auto-approve",
            "terraform_destroy",
        ),
        (
            "terragrunt run-all plan -destroy",
            "terragrunt run-all destroy",
            "terraform_destroy",
        ),
        ("pulumi destroy --preview-only", "pulumi destroy", "terraform_destroy"),
    ],
)
def test_a_rehearsal_passes_where_the_act_is_blocked(rehearsal: str, real: str, rule: str) -> None:
    assert bash(rehearsal, HOME) is None
    assert bash(real, HOME) == rule


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # Programs that delete files themselves have no dry run: the flag excuses nothing.
        ("rm -rf ~ --dry-run", "wipe_root_or_home"),
        ("rm -rf ~ --help", "wipe_root_or_home"),
        ("find ~ -delete --dry-run", "wipe_root_or_home"),
        ("sudo --help; rm -rf /", "wipe_root_or_home"),
        # kubectl's --dry-run=none acts; psql's -h names a host; rsync's -h is sizes.
        ("kubectl delete ns prod --dry-run=none", "kubectl_delete_all"),
        ("psql -h db.internal -c 'DROP DATABASE app'", "drop_database"),
        ("docker exec db psql -h localhost -c 'DROP DATABASE app'", "drop_database"),
        ("kubectl exec pg-0 psql -h 127.0.0.1 -c 'DROP TABLE users'", "drop_database"),
        ("rsync -ah --delete /tmp/empty/ ~/", "wipe_root_or_home"),
        # A rehearsal in one command of a line does not excuse the next.
        ("kubectl delete ns prod --dry-run=client && kubectl delete ns prod", "kubectl_delete_all"),
        ("terraform destroy --help; terraform destroy -auto-approve", "terraform_destroy"),
        ("bash -c 'rm -rf ~' --help", "wipe_root_or_home"),
    ],
)
def test_what_only_looks_like_a_rehearsal_is_still_blocked(command: str, rule: str) -> None:
    assert bash(command) == rule
