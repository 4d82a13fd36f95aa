"""Destructive acts of tools that take structured arguments rather than a command line: an
MCP server's ``kubectl_delete`` with ``{"resourceType": "namespace", "name": "prod"}``,
``drop-database``, ``delete_bucket``, ``delete_branch`` of ``main``, ``delete_directory`` of
the home folder.

:func:`structured_acts` reads the words of the tool's name (its server's too: Claude Code
names MCP tools ``mcp__<server>__<tool>``; ``deleteNamespace``, ``drop-database`` and
``s3_delete_bucket`` are all split into words) and the arguments that name a kind of
resource, and says which built-in rule the act falls under. A truthy ``dry_run`` argument
makes it a rehearsal; one object, one pod, one file of a project pass as they do on the
command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from sluice.policies._infra import CLUSTER_WIDE_KINDS, other_database
from sluice.policies._targets import resolve, vital

__all__ = ["SINKS", "strings", "structured_acts", "tool_words"]

_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])")
_VERBS = frozenset(
    {"delete", "remove", "destroy", "drop", "purge", "wipe", "empty", "rm", "del", "erase"}
    | {"truncate", "flush", "flushall", "flushdb", "teardown", "nuke", "prune"}
)
_LONGEST_VERB = max(map(len, _VERBS))
_OTHER_ACTS = frozenset({"push", "update", "move", "rename"})  # destructive with `force`, a path
_VERB_KEYS = ("action", "operation", "verb", "op", "method", "subcommand", "command")
_KIND_KEYS = (
    "resourceType", "resource_type", "kind", "type", "resource", "objectType", "object_type",
    "resourceKind", "resource_kind", "target", "targetType", "target_type", "entity",
)  # fmt: skip
_ALL_KEYS = (
    "all", "allNamespaces", "all_namespaces", "all-namespaces", "A", "deleteAll", "delete_all",
    "everything",
)  # fmt: skip
# Where a tool takes a command's options as a map: {"flags": {"all": true}}.
_OPTION_MAPS = ("flags", "options", "opts", "params", "parameters")
_DRY_KEYS = ("dry_run", "dryRun", "dryrun", "preview", "whatIf", "what_if")

_KUBE = frozenset({"kubernetes", "k8s", "kubectl", "kube", "openshift", "oc", "helm"})
# What a Kubernetes tool deletes whole: a namespace (an OpenShift project) and all in it,
# every resource, the cluster, and the kinds whose deletion takes cluster-wide state.
_KUBE_WHOLE = CLUSTER_WIDE_KINDS | frozenset(
    {"namespace", "namespaces", "ns", "all", "project", "projects", "cluster"}
)
_TABLES = frozenset(
    {"database", "databases", "db", "schema", "schemas", "table", "tables", "keyspace"}
    | {"collection", "collections", "dataset", "datasets"}
)
_DATABASES = frozenset(
    {"postgres", "postgresql", "mysql", "mariadb", "sqlite", "mongo", "mongodb", "redis"}
    | {"supabase", "neon", "planetscale", "turso", "database", "db", "sql", "atlas"}
    | {"bigquery", "snowflake", "clickhouse", "cockroach", "cockroachdb", "dynamodb", "d1"}
    | {"prisma", "drizzle"}
)
_DATABASE_WHOLE = frozenset({"project", "projects", "cluster", "clusters", "instance"})
# Services a tool sends what it is given to, for others to read.
SINKS = frozenset(
    {"github", "gitlab", "gitea", "bitbucket", "gist", "gists", "slack", "discord", "notion"}
    | {"jira", "linear", "confluence", "pastebin", "paste", "gmail", "email", "mail"}
    | {"sendgrid", "telegram", "teams", "webhook", "twitter", "sentry", "trello", "asana"}
)
# What a credential file holds: a private key, a cloud secret with its label, a kubeconfig's
# client key.
_SECRET_CONTENT = re.compile(
    r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----|(?i:aws_secret_access_key)\s*[=:]\s*\S"
    r"|client-key-data:\s*\S"  # a kubeconfig's client key
)
_HOSTED = frozenset({"supabase", "neon", "planetscale", "turso", "atlas", "d1"})  # not local
# The arguments that name an environment, a database's URL or its host.
_ENVIRONMENT_KEY = re.compile(r"(?i)^(?:env|environment|stage|rails_?env|node_?env|mix_?env)$")
_URL_KEY = re.compile(r"(?i)url|dsn|connection")
_HOST_KEY = re.compile(r"(?i)^(?:host|hostname|server|db_?host)$")
_STORAGE = frozenset({"s3", "gcs", "storage", "bucket", "buckets", "blob", "blobs", "minio", "r2"})
_BUCKETS = frozenset({"bucket", "buckets", "container", "containers"})
# Arguments that name one object in a bucket: its deletion is not the bucket's.
_ONE_OBJECT = frozenset(
    {"key", "object", "objectKey", "object_key", "objectName", "object_name", "blob"}
    | {"blobName", "blob_name", "file", "filename", "file_name"}
)
_OBJECTS = frozenset({"objects", "prefix", "folder", "directory", "dir", "path"})
_EVERY_KEY = re.compile(r"[*/]*")  # "", "/", "*", "**", "/**"
_STACKS = frozenset({"terraform", "tofu", "pulumi", "cdk", "cloudformation", "stack", "stacks"})
_GCLOUD = frozenset({"gcloud", "gcp"})
_DOCKER = frozenset({"docker", "podman"})
_FILES = frozenset({"file", "files", "directory", "dir", "folder", "path", "tree", "paths"})
_PATH_KEYS = (
    "path", "paths", "file_path", "target_file", "directory", "dir", "folder", "file_paths",
    "filePaths", "target_paths",
)  # fmt: skip
_MOVED_KEYS = ("source", "src", "from", "old_path", "oldPath", "source_path", "sourcePath")
_DEFAULT_BRANCHES = frozenset(
    {"main", "master", "trunk", "develop", "production", "prod", "release"}
)
_CODE_HOSTS = frozenset({"github", "gitlab", "gitea", "bitbucket", "forgejo", "codeberg"})
_REPOSITORIES = frozenset({"repository", "repositories", "repo", "repos", "project"})
_BRANCH_KEYS = ("branch", "ref", "branch_name", "branchName", "name", "target_branch")


def structured_acts(
    tool: str, arguments: dict[str, Any], cwd: str | None
) -> Iterator[tuple[str, str]]:
    """The (rule, reason) of each destructive act a call of ``tool`` with the structured
    ``arguments`` does, in a session working in ``cwd``."""
    own, named = tool_words(tool)
    if named & SINKS and any(map(_SECRET_CONTENT.search, strings(arguments))):
        # A private key or a cloud secret given to a service: a file, a gist, a message.
        yield "credential_exfiltration", f"{tool} sends a private key or a cloud secret"
    verbs = set(own & _VERBS)
    if "reset" in own and own & {"migrate", "migration", "migrations", "database", "db"}:
        verbs.add("reset")  # prisma's migrate-reset drops the database; a password reset not
    for key in _VERB_KEYS:
        value = arguments.get(key)
        if isinstance(value, str) and len(value) <= _LONGEST_VERB and value.lower() in _VERBS:
            verbs.add(value.lower())
    if not (verbs or own & _OTHER_ACTS) or any(_truthy(arguments.get(k)) for k in _DRY_KEYS):
        return
    # A forced push or ref update (GitHub's update_ref with force) rewrites the branch.
    forced = bool(own & {"push", "update"}) and _truthy(arguments.get("force"))
    if forced and (branch := _default_branch(arguments)):
        yield "force_push_default", f"{tool} force-pushes to {branch}, rewriting its history"
    if own & {"move", "rename"}:  # moving the home folder away (to /dev/null, the trash)
        for path in _paths(arguments, moved=True):
            if what := vital(resolve(path, cwd)):
                yield "wipe_root_or_home", f"{tool} of {path} moves away {what}"
    if not verbs:
        return
    given = [value for key in _KIND_KEYS if isinstance(value := arguments.get(key), str)]
    # its words, and the kind whole (`CustomResourceDefinition`, not `custom`, `resource`)
    kinds = own | {word for value in given for word in _words(value)}
    kinds |= {value.lower() for value in given}
    options = [arguments, *(m for k in _OPTION_MAPS if isinstance(m := arguments.get(k), dict))]
    everything = any(_truthy(given.get(key)) for given in options for key in _ALL_KEYS)
    if kinds & _KUBE_WHOLE and (named & _KUBE or kinds & {"namespace", "namespaces", "ns"}):
        yield "kubectl_delete_all", f"{tool} deletes a {_first(kinds & _KUBE_WHOLE)} and all in it"
    elif named & _KUBE and everything:
        yield "kubectl_delete_all", f"{tool} deletes every resource of the kind"
    if kinds & _TABLES or (named & _DATABASES and kinds & _DATABASE_WHOLE):
        yield "drop_database", f"{tool} deletes a {_first(kinds & (_TABLES | _DATABASE_WHOLE))}"
    elif (named & _DATABASES and verbs & {"flush", "flushall", "flushdb"}) or (
        "reset" in verbs and (named & _HOSTED or _other_environment(arguments))
    ):  # a reset of the developer's own database (prisma's migrate-reset) is everyday
        yield "drop_database", f"{tool} deletes every row or key"
    bucket = kinds & _BUCKETS and _ONE_OBJECT.isdisjoint(arguments)
    if named & _STORAGE and (bucket or _every_object(kinds, arguments, everything)):
        yield "cloud_storage_wipe", f"{tool} deletes stored objects wholesale"
    if named & _STACKS and (verbs & {"destroy", "teardown", "nuke"} or kinds & {"stack", "stacks"}):
        yield "terraform_destroy", f"{tool} deletes the managed infrastructure"
    if (named & _GCLOUD or {"google", "cloud"} <= named) and not named & _STORAGE:
        yield "gcloud_delete", f"{tool} deletes cloud resources"
    if named & _CODE_HOSTS and kinds & _REPOSITORIES and verbs & {"delete", "remove", "destroy"}:
        yield "gcloud_delete", f"{tool} deletes the hosted repository"
    if (
        named & _DOCKER
        and "prune" in verbs
        and (kinds & {"volume", "volumes"} or _truthy(arguments.get("volumes")))
    ):
        yield "docker_prune", f"{tool} deletes the data in unused volumes"
    if kinds & {"branch", "branches", "ref"} and (branch := _default_branch(arguments)):
        yield "force_push_default", f"{tool} deletes the branch {branch}"
    if kinds & _FILES or not kinds - own:
        for path in _paths(arguments, moved=False):
            if what := vital(resolve(path, cwd)):
                yield "wipe_root_or_home", f"{tool} of {path} destroys {what}"


@lru_cache(maxsize=512)
def tool_words(tool: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words of the tool's own name, and those with its server's: the server's words say
    what is acted on (kubernetes, s3); the tool's own, also how."""
    server, _, own_name = tool[5:].partition("__") if tool.startswith("mcp__") else ("", "", tool)
    own = frozenset(_words(own_name or tool))
    return own, own | _words(server)


def _words(name: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(name)}


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "yes", "1"))


def _first(found: AbstractSet[str]) -> str:
    return min(found) if found else "resource"


def _every_object(kinds: AbstractSet[str], arguments: dict[str, Any], everything: bool) -> bool:
    """Whether a storage delete takes every object under a prefix, not one object."""
    if not kinds & _OBJECTS and "recursive" not in arguments:
        return False
    keys = [
        v for k in ("prefix", "key", "path", "pattern") if isinstance(v := arguments.get(k), str)
    ]
    return (
        everything
        or bool(kinds & {"folder", "directory", "dir", "prefix"})  # what is under it goes too
        or _truthy(arguments.get("recursive"))
        or "prefix" in arguments
        or any(_EVERY_KEY.fullmatch(key) or key.endswith("**") for key in keys)
    )


def _other_environment(arguments: dict[str, Any]) -> bool:
    """Whether the arguments name an environment other than the developer's own, or a
    database on another host, as :func:`~sluice.policies._infra.other_database` reads a
    command's (``{"environment": "production"}``, ``{"databaseUrl": "postgres://db.prod…"}``)."""
    words = []
    for key, value in arguments.items():
        if not isinstance(value, str):
            continue
        if _ENVIRONMENT_KEY.match(key):
            words.append(f"--env={value}")
        elif _URL_KEY.search(key):
            words.append(f"DATABASE_URL={value}")
        elif _HOST_KEY.match(key):
            words.append(f"PGHOST={value}")
    return bool(words) and other_database(words, {})


def strings(value: Any) -> Iterator[str]:
    """Every string in ``value``, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def _default_branch(arguments: dict[str, Any]) -> str | None:
    for key in _BRANCH_KEYS:
        if isinstance(value := arguments.get(key), str):
            name = value.rpartition(":")[2].removeprefix("refs/").removeprefix("heads/")
            if name in _DEFAULT_BRANCHES:
                return name
    return None


def _paths(arguments: dict[str, Any], moved: bool) -> Iterator[str]:
    """The paths a file tool deletes; for a move, the paths it moves away."""
    for key in _MOVED_KEYS if moved else _PATH_KEYS:
        value = arguments.get(key)
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, str))
