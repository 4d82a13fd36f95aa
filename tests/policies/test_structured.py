"""MCP tools that destroy with structured arguments, not a command line, meet the same rules
as the command they stand for; their everyday calls pass."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.verdicts import HOME, rule_for


@pytest.mark.parametrize(
    ("tool", "arguments", "rule"),
    [
        # Kubernetes servers: a namespace, everything of a kind, cluster-wide state.
        (
            "mcp__kubernetes__kubectl_delete",
            {"resourceType": "namespace", "name": "prod"},
            "kubectl_delete_all",
        ),
        ("mcp__k8s__delete_namespace", {"name": "prod"}, "kubectl_delete_all"),
        (
            "mcp__kubernetes__deleteResource",
            {"kind": "Namespace", "name": "prod"},
            "kubectl_delete_all",
        ),
        (
            "mcp__kubernetes__kubectl_generic",
            {"command": "delete", "resourceType": "ns", "name": "prod"},
            "kubectl_delete_all",
        ),
        (
            "mcp__kubernetes__kubectl_delete",
            {"resourceType": "deployments", "allNamespaces": True},
            "kubectl_delete_all",
        ),
        ("mcp__openshift__delete_resource", {"kind": "project", "name": "x"}, "kubectl_delete_all"),
        (
            "mcp__kubernetes__resources_delete",
            {"apiVersion": "v1", "kind": "Namespace", "name": "prod"},
            "kubectl_delete_all",
        ),
        ("mcp__k8s__delete_resource", {"resource": "namespaces/prod"}, "kubectl_delete_all"),
        (
            "mcp__kubernetes__kubectl",
            {"args": ["delete", "ns", "prod"]},
            "kubectl_delete_all",
        ),
        # Databases: SQL in any argument of a tool that runs it, or a drop by name.
        ("mcp__db__exec", {"sql": "DROP TABLE users"}, "drop_database"),
        (
            "mcp__supabase__execute_sql",
            {"project_id": "x", "query": "drop schema public cascade"},
            "drop_database",
        ),
        ("mcp__mysql__run", {"input": {"statement": "DROP DATABASE shop;"}}, "drop_database"),
        ("mcp__mongodb__drop-database", {"database": "prod"}, "drop_database"),
        (
            "mcp__mongodb__drop-collection",
            {"database": "prod", "collection": "users"},
            "drop_database",
        ),
        ("mcp__redis__flushall", {}, "drop_database"),
        ("mcp__neon__delete_project", {"projectId": "p"}, "drop_database"),
        ("mcp__bigquery__delete_dataset", {"datasetId": "events"}, "drop_database"),
        (
            "mcp__prisma__migrate-reset",
            {"databaseUrl": "postgresql://app@db.prod.example.com/app"},
            "drop_database",
        ),
        ("mcp__supabase__reset_database", {"project_id": "p"}, "drop_database"),  # hosted
        # Cloud storage: a bucket, every object under a prefix, a CLI's own arguments.
        ("mcp__s3__delete_bucket", {"bucket": "prod"}, "cloud_storage_wipe"),
        ("mcp__aws_s3__empty_bucket", {"bucket": "prod"}, "cloud_storage_wipe"),
        ("mcp__s3__delete_objects", {"bucket": "prod", "prefix": ""}, "cloud_storage_wipe"),
        ("mcp__gcs__delete_objects", {"bucket": "b", "pattern": "**"}, "cloud_storage_wipe"),
        (
            "mcp__minio__remove_objects",
            {"bucket": "b", "prefix": "logs/", "recursive": True},
            "cloud_storage_wipe",
        ),
        ("mcp__azure__storage_container_delete", {"container": "c"}, "cloud_storage_wipe"),
        ("mcp__azure__blob_container_delete", {"container": "c"}, "cloud_storage_wipe"),
        ("mcp__gcs__delete_folder", {"bucket": "b", "folder": "logs/"}, "cloud_storage_wipe"),
        ("mcp__aws__s3_delete_bucket", {"Bucket": "b"}, "cloud_storage_wipe"),
        ("mcp__cloudflare__r2_bucket_delete", {"name": "b"}, "cloud_storage_wipe"),
        (
            "mcp__aws__call_aws",
            {"cli_command": "aws s3 rm s3://b --recursive"},
            "cloud_storage_wipe",
        ),
        (
            "mcp__gcloud__run_gcloud_command",
            {"args": ["projects", "delete", "p"]},
            "gcloud_delete",
        ),
        ("mcp__gcp__delete_instance", {"name": "vm"}, "gcloud_delete"),
        # Stacks, volumes, default branches, the home folder.
        ("mcp__terraform__destroy", {"workspace": "prod"}, "terraform_destroy"),
        ("mcp__pulumi__destroy_stack", {"stack": "prod"}, "terraform_destroy"),
        ("mcp__aws__delete_stack", {"stackName": "prod"}, "terraform_destroy"),
        (
            "mcp__aws__call_aws",
            {"cli_command": "aws cloudformation delete-stack --stack-name prod"},
            "terraform_destroy",
        ),
        ("mcp__docker__prune", {"volumes": True}, "docker_prune"),
        (
            "mcp__github__delete_branch",
            {"owner": "o", "repo": "r", "branch": "main"},
            "force_push_default",
        ),
        (
            "mcp__git__git_push",
            {"remote": "origin", "branch": "main", "force": True},
            "force_push_default",
        ),
        (
            "mcp__github__update_ref",
            {"ref": "heads/main", "sha": "abc", "force": True},
            "force_push_default",
        ),
        ("mcp__filesystem__delete_directory", {"path": HOME}, "wipe_root_or_home"),
        (
            "mcp__filesystem__move_file",
            {"source": HOME, "destination": "/tmp/x"},
            "wipe_root_or_home",
        ),
        ("mcp__fs__remove", {"paths": ["/"]}, "wipe_root_or_home"),
    ],
)
def test_a_structured_destructive_call_meets_its_rule(
    tool: str, arguments: dict[str, Any], rule: str
) -> None:
    assert rule_for(tool, arguments) == rule


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        (
            "mcp__kubernetes__kubectl_delete",
            {"resourceType": "pod", "name": "web-1", "namespace": "prod"},
        ),
        ("mcp__kubernetes__kubectl_delete", {"resourceType": "namespace", "dryRun": True}),
        ("mcp__kubernetes__kubectl_get", {"resourceType": "namespaces"}),
        ("mcp__postgres__query", {"sql": "select * from users"}),
        ("mcp__db__delete_row", {"table": "users", "id": 3}),
        ("mcp__mongodb__delete-many", {"database": "d", "collection": "c", "filter": {"x": 1}}),
        ("mcp__github__search_code", {"query": "DROP TABLE"}),
        ("mcp__s3__delete_object", {"bucket": "prod", "key": "a.txt"}),
        ("mcp__minio__delete_bucket_object", {"bucket": "b", "key": "x"}),
        ("mcp__aws__s3_delete_object", {"Bucket": "b", "Key": "k"}),
        ("mcp__aws__delete_objects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "a"}]}}),
        ("mcp__azure__delete_blob", {"container": "c", "blob": "x"}),
        ("mcp__supabase__reset_password", {"email": "a@example.com"}),
        # A reset of the developer's own database, as `prisma migrate reset` on the command line.
        ("mcp__prisma__migrate-reset", {"projectCWD": "/home/dev/project"}),
        ("mcp__git__git_reset", {"path": "/home/dev", "mode": "hard"}),
        ("mcp__slack__delete_message", {"channel": "c", "ts": "1"}),
        ("mcp__github__update_ref", {"ref": "heads/feature", "sha": "abc", "force": True}),
        ("mcp__filesystem__move_file", {"source": "/home/dev/project/a", "destination": "b"}),
        ("mcp__s3__list_objects", {"bucket": "prod", "prefix": ""}),
        ("mcp__docker__remove_container", {"container": "c"}),
        ("mcp__github__delete_branch", {"owner": "o", "repo": "r", "branch": "feature/x"}),
        ("mcp__git__git_push", {"remote": "origin", "branch": "main"}),
        ("mcp__filesystem__delete_file", {"path": "/home/dev/project/x.txt"}),
        ("mcp__google_calendar__delete_event", {"id": "e"}),
        ("mcp__linear__delete_issue", {"id": "e"}),
        ("mcp__memory__delete_entities", {"entityNames": ["a"]}),
        ("mcp__gcloud__run_gcloud_command", {"args": ["compute", "instances", "list"]}),
    ],
)
def test_everyday_structured_calls_pass(tool: str, arguments: dict[str, Any]) -> None:
    assert rule_for(tool, arguments) is None
