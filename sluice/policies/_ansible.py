"""Ansible's ad-hoc commands that remove what they manage: ``ansible HOSTS -m MODULE -a
"name=x state=absent"``. A module given ``state=absent`` deletes its resource, as the
cloud's own CLI would: a Terraform project's (``community.general.terraform``: a destroy),
a cloud's machine, cluster or network, a database, a bucket with its objects, a namespace.

The command and shell modules (``ansible all -a "rm -rf ~"``) run a command line, which the
rules read as any other line; this is only the modules that act without one. A playbook's
tasks are read as the same ad-hoc commands (:func:`playbook_lines`), and the modules that
act on files, disks and the network as the command lines they amount to.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Sequence
from typing import Any

import yaml

from sluice.policies._shell import basename
from sluice.policies._wrappers import option_values

__all__ = ["playbook_lines", "removal"]

_MODULE = frozenset({"-m", "--module-name"})
_ARGS = frozenset({"-a", "--args"})

# The collections and the module-name prefixes of clouds' modules (a module may be named
# short: `-m ec2_instance`).
_CLOUD_COLLECTIONS = (
    "amazon.aws.",
    "community.aws.",
    "google.cloud.",
    "azure.azcollection.",
    "openstack.cloud.",
    "community.digitalocean.",
    "hetzner.hcloud.",
    "linode.cloud.",
    "vultr.cloud.",
    "oracle.oci.",
    "ibm.cloudcollection.",
    "cloudscale_ch.cloud.",
)
_CLOUD_MODULE = re.compile(
    r"(?:ec2|ecs|eks|elb|lambda|rds|gcp|azure_rm|os|openstack|digital_ocean|hcloud|linode"
    r"|vultr|oci|ibm|cloudformation|lightsail|elasticache|redshift|efs|kms|sqs|sns)(?:_|$)"
)
# Modules whose resource is a part of another or a copy: a snapshot, an image, a tag, a
# key pair, a DNS record, a policy, a rule, a version; their removal is everyday cleanup, as
# the clouds' CLIs' are.
_PART = re.compile(
    r"snapshot|image|ami|tag|_key$|keypair|key_pair|record|route53|polic|rule|version"
    r"|alias|member|attachment|_info$|_facts?$|secret|parameter|lifecycle"
)
_DATABASES = re.compile(
    r"^(?:rds_instance|rds_cluster|dynamodb_table|redshift|elasticache|postgresql_db"
    r"|mysql_db|mongodb_database|mssql_db|gcp_sql_(?:instance|database)"
    r"|azure_rm_(?:sql|postgresql|mysql|mariadb|cosmosdb)\w*(?:database|server|account))"
)
_BUCKETS = re.compile(r"^(?:s3_bucket|gcp_storage_bucket|azure_rm_storageaccount)$")
_STACKS = frozenset({"terraform", "cloudformation", "cloudformation_stack_set"})
_KUBERNETES = frozenset({"k8s", "kubernetes.core.k8s", "community.kubernetes.k8s"})
_CLUSTER_KINDS = re.compile(r"(?i)^(?:namespace|customresourcedefinition|persistentvolume|node)$")
_TRUE = frozenset({"yes", "true", "1", "on"})


def removal(words: Sequence[str]) -> tuple[str, str] | None:
    """The rule an ``ansible`` ad-hoc command's removal falls under, and why, or None."""
    if basename(words[0]) != "ansible":
        return None
    modules = option_values(words[1:], _MODULE)
    if not modules:
        return None  # the command module: a command line, read as one
    full = modules[-1]
    module = full.rpartition(".")[2]
    values = _arguments(" ".join(option_values(words[1:], _ARGS)))
    if values.get("state") != "absent":
        return None
    if module in _STACKS:
        return (
            "terraform_destroy",
            f"ansible's {module} module with state=absent destroys what it manages",
        )
    if full in _KUBERNETES or module == "k8s":
        if _CLUSTER_KINDS.match(values.get("kind", "")):
            kind = values["kind"]
            return "kubectl_delete_all", f"ansible's k8s module deletes a {kind}: all in it"
        return None
    cloud = full.startswith(_CLOUD_COLLECTIONS) or _CLOUD_MODULE.match(module) is not None
    if _DATABASES.match(module):
        return "drop_database", f"ansible's {module} module with state=absent drops it"
    if not cloud:
        return None
    if _BUCKETS.match(module):
        forced = any(values.get(key, "").lower() in _TRUE for key in _FORCES)
        if not forced:
            return None
        return "cloud_storage_wipe", f"ansible's {module} module deletes it, objects and all"
    if _PART.search(module):
        return None
    return "gcloud_delete", f"ansible's {module} module with state=absent deletes cloud resources"


_FORCES = ("force", "force_delete_nonempty")


def _arguments(text: str) -> dict[str, str]:
    """A module's arguments: ``k=v`` words, or a JSON object (``-a '{"state": "absent"}'``)."""
    text = text.strip()
    if text.startswith("{"):
        try:
            given = json.loads(text)
        except ValueError:
            given = None
        if isinstance(given, dict):
            return {str(k): str(v) for k, v in given.items()}
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    values = {}
    for word in words:
        key, equals, value = word.partition("=")
        if equals:
            values[key] = value
    return values


def playbook_lines(text: str) -> list[str]:
    """A playbook's tasks as command lines: each module's task as ``ansible`` would run it
    ad hoc (``ansible localhost -m MODULE -a JSON``, for :func:`removal`), and the file,
    filesystem and uri modules as what they do (``file`` with ``state: absent``: ``rm -rf
    PATH``; with ``mode`` and ``recurse``: ``chmod -R MODE PATH``; ``filesystem``: ``mkfs``
    of its device; ``uri`` sending ``src``: ``curl --data-binary @SRC URL``)."""
    try:
        plays = yaml.safe_load(_HOME_TEMPLATE.sub("~", text))
    except yaml.YAMLError:
        return []
    lines = []
    for module, given in _tasks(plays):
        short = module.rpartition(".")[2]
        if short == "file" and given.get("state") == "absent" and given.get("path"):
            lines.append(f"rm -rf {shlex.quote(str(given['path']))}")
        elif short == "file" and given.get("recurse") and given.get("mode") and given.get("path"):
            lines.append(f"chmod -R {given['mode']} {shlex.quote(str(given['path']))}")
        elif short == "filesystem" and given.get("dev"):
            lines.append(f"mkfs -t {given.get('fstype', 'ext4')} {given['dev']}")
        elif short == "uri" and given.get("src") and given.get("url"):
            src, url = shlex.quote(f"@{given['src']}"), shlex.quote(str(given["url"]))
            lines.append(f"curl -X {given.get('method', 'POST')} --data-binary {src} {url}")
        else:
            arguments = json.dumps({str(k): str(v) for k, v in given.items()})
            lines.append(f"ansible localhost -m {module} -a {shlex.quote(arguments)}")
    return lines


# The home folder as a playbook names it: `{{ lookup('env', 'HOME') }}`, `{{ ansible_env.HOME }}`.
_HOME_TEMPLATE = re.compile(
    r"\{\{\s*(?:lookup\(\s*['\"]env['\"]\s*,\s*['\"]HOME['\"]\s*\)|ansible_env\.HOME"
    r"|ansible_user_dir)\s*\}\}"
)
# A task's own keys, not its module's.
_TASK_KEYS = frozenset(
    {"name", "when", "become", "become_user", "register", "loop", "with_items", "tags"}
    | {"vars", "notify", "ignore_errors", "changed_when", "failed_when", "delegate_to"}
    | {"args", "environment", "no_log", "retries", "delay", "until", "run_once", "check_mode"}
)
_TASK_LISTS = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")


def _tasks(node: Any, depth: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each module a playbook's plays, tasks and blocks call, with its arguments."""
    if depth > 8:
        return
    for item in node if isinstance(node, list) else [node]:
        if not isinstance(item, dict):
            continue
        for key in _TASK_LISTS:
            yield from _tasks(item.get(key), depth + 1)
        modules = [k for k in item if isinstance(k, str) and k not in _TASK_KEYS]
        modules = [k for k in modules if k not in _TASK_LISTS and k not in _PLAY_KEYS]
        for module in modules[:1]:
            given = item[module]
            if isinstance(given, dict):
                yield module, given


_PLAY_KEYS = frozenset({"hosts", "connection", "gather_facts", "roles", "remote_user"})
