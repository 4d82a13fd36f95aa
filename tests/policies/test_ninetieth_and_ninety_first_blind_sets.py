"""Classes taught from the ninetieth blind set (cloud resources deleted, every cloud and
every kind of resource) and the ninety-first (platform engineers' everyday calls), next to
the everyday calls spelt the same way."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.verdicts import bash, rule_for


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # Any AWS resource deleted, as gcloud's are; not a part of one.
        ("aws route53 delete-hosted-zone --id Z0123456789ABCDEFGHIJ", "gcloud_delete"),
        (
            "aws sqs delete-queue --queue-url https://sqs.us-east-1.amazonaws.com/1/q",
            "gcloud_delete",
        ),
        ("aws ec2 delete-vpc --vpc-id vpc-0abc123def4567890", "gcloud_delete"),
        ("aws cloudfront delete-distribution --id E2QWRUHAPOMQZL --if-match E3A", "gcloud_delete"),
        ("aws kms schedule-key-deletion --key-id k --pending-window-in-days 7", "gcloud_delete"),
        ("aws iam delete-role --role-name ci-deployer", "gcloud_delete"),
        ("aws sqs delete-message --queue-url q --receipt-handle r", None),
        ("aws ec2 delete-snapshot --snapshot-id snap-0abc", None),
        ("aws rds delete-db-snapshot --db-snapshot-identifier pre-migration-2023", None),
        ("aws iam delete-access-key --user-name ci --access-key-id AKIAOLDKEY", None),
        ("aws ec2 delete-tags --resources i-1 --tags Key=owner", None),
        ('aws dynamodb delete-item --table-name sessions --key \'{"id": {"S": "x"}}\'', None),
        ("aws codecommit delete-branch --repository-name api --branch-name feature/x", None),
        ("aws lambda delete-function-concurrency --function-name api", None),
        ("aws ecr batch-delete-image --repository-name api --image-ids imageTag=pr-1", None),
        # gcloud's and Azure's copies: one snapshot, image or image tag.
        ("gcloud compute snapshots delete ci-cache-snap-20231101 --quiet", None),
        (
            "gcloud artifacts docker images delete "
            "europe-docker.pkg.dev/acme/apps/search-api:pr-211 --quiet",
            None,
        ),
        ("az snapshot delete -g rg-backups -n osdisk-snap-2023q4", None),
        ("az acr repository delete -n acmecr --image orders-api:pr-93 --yes", None),
        ("az acr repository delete -n acmecr --repository orders-api --yes", "gcloud_delete"),
        ("gcloud compute instances delete web-1 --zone europe-west1-b --quiet", "gcloud_delete"),
        # SQL Spanner runs; Google's SDK deleting a machine.
        (
            "gcloud spanner databases ddl update ledger --instance=prod --ddl='DROP TABLE entries'",
            "drop_database",
        ),
        ("gcloud spanner databases execute-sql ledger --instance=prod --sql='SELECT 1'", None),
        (
            'python3 -c "from google.cloud import compute_v1; compute_v1.InstancesClient()'
            ".delete(project='acme-dev', zone='us-central1-a', instance='worker-3').result()\"",
            "gcloud_delete",
        ),
    ],
)
def test_shell_calls(command: str, rule: str | None) -> None:
    assert bash(command) == rule


@pytest.mark.parametrize(
    ("arguments", "rule"),
    [
        (
            {"service_name": "sns", "operation_name": "delete-topic", "region": "us-east-1"}
            | {"parameters": {"topic-arn": "arn:aws:sns:us-east-1:1:billing-alerts"}},
            "gcloud_delete",
        ),
        (
            {"service_name": "sns", "operation_name": "list-topics", "region": "us-east-1"}
            | {"parameters": {}},
            None,
        ),
    ],
)
def test_amazon_q_use_aws(arguments: dict[str, Any], rule: str | None) -> None:
    assert rule_for("use_aws", arguments) == rule
