"""Ansible's ad-hoc commands that remove what they manage: ``ansible HOSTS -m MODULE -a
"name=x state=absent"``. A module given ``state=absent`` deletes its resource, as the
cloud's own CLI would: a Terraform project's (``community.general.terraform``: a destroy),
a cloud's machine, cluster or network, a database, a bucket with its objects, a namespace.

The command and shell modules (``ansible all -a "rm -rf ~"``) run a command line, which the
rules read as any other line; this is only the modules that act without one.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence

from sluice.policies._shell import basename
from sluice.policies._wrappers import option_values

__all__ = ["removal"]

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
