"""The infrastructure rules read the act, whichever cloud or tool does it: machines and
clusters deleted through AWS's, DigitalOcean's, Hetzner's, Fly's, Oracle's or Heroku's CLI as
through gcloud's; a hosted database reset; every object deleted by another S3 client; a disk
formatted by another formatter. Their everyday neighbours (reads, stops, deploys, the CLI's
own settings, a local reset, one object) pass."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("aws ec2 terminate-instances --instance-ids i-0123456789abcdef0", "gcloud_delete"),
        ("aws --profile prod eks delete-cluster --name main", "gcloud_delete"),
        ("aws ecs delete-service --cluster web --service api --force", "gcloud_delete"),
        ("aws lambda delete-function --function-name ingest", "gcloud_delete"),
        ("doctl compute droplet delete web-2 --force", "gcloud_delete"),
        ("doctl kubernetes cluster delete staging -f", "gcloud_delete"),
        ("hcloud server delete builder", "gcloud_delete"),
        ("flyctl apps destroy api-prod --yes", "gcloud_delete"),
        (
            "oci compute instance terminate --instance-id ocid1.instance.oc1..x --force",
            "gcloud_delete",
        ),
        ("linode-cli linodes delete 4242", "gcloud_delete"),
        ("heroku apps:destroy --app shop --confirm shop", "gcloud_delete"),
        ("heroku pg:reset DATABASE --app shop --confirm shop", "drop_database"),
        ("supabase db reset --linked", "drop_database"),
        ("npx supabase db reset --linked", "drop_database"),  # through a package runner
        ("pnpm dlx supabase db reset --linked --yes", "drop_database"),
        (
            "supabase db reset --db-url postgres://u:p@db.example.supabase.co/postgres",
            "drop_database",
        ),
        ("gcloud sql databases delete orders --instance=main", "drop_database"),
        ("npx dotenv -e .env.production -- npx prisma migrate reset --force", "drop_database"),
        ("npx cross-env NODE_ENV=production prisma migrate reset --force", "drop_database"),
        ("s5cmd rm 's3://assets/*'", "cloud_storage_wipe"),
        ("s5cmd --numworkers 64 rm 's3://assets/**'", "cloud_storage_wipe"),
        (
            "python3 -c \"import boto3; boto3.resource('s3').Bucket('logs').objects.delete()\"",
            "cloud_storage_wipe",
        ),
        (
            "python3 -c \"import boto3; v = boto3.resource('s3').Bucket('logs'); v.delete()\"",
            "cloud_storage_wipe",
        ),
        ("sudo mke2fs -t ext4 /dev/sdc1", "disk_wipe"),
        ("mkswap /dev/nvme1n1p2", "disk_wipe"),
        ("sudo newfs_apfs /dev/disk4s1", "disk_wipe"),
    ],
)
def test_the_act_is_caught_whichever_cloud_or_tool_does_it(command: str, rule: str) -> None:
    assert bash(command) == rule


@pytest.mark.parametrize(
    "command",
    [
        "aws ec2 describe-instances --filters Name=tag:env,Values=dev",
        "aws ec2 stop-instances --instance-ids i-0123456789abcdef0",
        "aws sqs delete-message --queue-url https://sqs/q --receipt-handle h",
        "aws eks update-kubeconfig --name main",
        "doctl compute droplet list",
        "doctl auth remove --context old",
        "hcloud context delete old-project",
        "fly deploy --remote-only",
        "fly auth logout",
        "heroku logs --tail --app shop",
        "heroku pg:info --app shop",
        "supabase db reset",
        "npx supabase db reset",
        "supabase db reset --db-url postgresql://postgres:postgres@localhost:54322/postgres",
        "supabase db reset --db-url=postgresql://postgres:postgres@127.0.0.1:54322/postgres",
        "gcloud sql databases list --instance=main",
        "npx dotenv -e .env.test -- npx prisma migrate reset --force",
        "s5cmd rm s3://assets/build/old.js",
        "s5cmd ls 's3://assets/*'",
        "python3 -c \"import boto3; b = boto3.resource('s3').Bucket('x'); b.Object('k').delete()\"",
        "mke2fs -F rootfs.img",
        "kubectl delete all -l app=demo -n dev",  # `all` names kinds; the selector picks
        "docker volume rm $(docker volume ls -q --filter name=myapp_)",
        "docker volume ls -q | grep myapp_ | xargs docker volume rm",
    ],
)
def test_their_everyday_neighbours_pass(command: str) -> None:
    assert bash(command) is None, command
