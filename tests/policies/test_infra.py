"""Cloud storage emptied by a wildcard that reaches every object, as by ``-r``; a wildcard
narrowed by a name, or one object, passes."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "gcloud storage rm 'gs://bucket/**'",
        "gcloud storage rm gs://bucket/*",
        "gcloud storage objects delete 'gs://bucket/**'",
        "gsutil -m rm -a 'gs://bucket/**'",
        "gsutil rm gs://bucket/*",
        'gsutil -m rm "gs://bucket/logs/**"',
        "gsutil rm 'gs://bucket/**/*'",
        "s3cmd del 's3://bucket/*'",
        "s3cmd rm s3://bucket/*",
        "azcopy rm 'https://acct.blob.core.windows.net/c/*' --recursive",
        "mc rm --recursive --force local/bucket",
    ],
)
def test_a_bucket_wide_wildcard_delete_is_a_storage_wipe(command: str) -> None:
    assert bash(command) == "cloud_storage_wipe"


@pytest.mark.parametrize(
    "command",
    [
        "gsutil rm gs://bucket/*.log",
        "gsutil rm gs://bucket/logs/app.log",
        "gcloud storage rm gs://bucket/logs/a.txt",
        "gsutil ls 'gs://bucket/**'",
        "gcloud storage ls gs://bucket/*",
        "gsutil cp 'gs://bucket/**' ./backup/",
    ],
)
def test_narrowed_deletes_and_listings_pass(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("aws s3 rb s3://my-bucket", None),  # fails unless the bucket is empty
        ("aws --profile prod s3 rb s3://my-bucket --region eu-west-1", None),
        ("aws s3 rb s3://my-bucket --force", "cloud_storage_wipe"),
        ("aws s3 rb --force s3://my-bucket", "cloud_storage_wipe"),
        ("aws --region us-east-1 s3 rb --force s3://b", "cloud_storage_wipe"),
    ],
)
def test_removing_a_bucket_is_a_wipe_only_with_force(command: str, rule: str | None) -> None:
    assert bash(command) == rule
