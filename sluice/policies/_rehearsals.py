"""Commands that only show what they would do: a request for help (``terraform destroy
--help``, ``kubectl delete -h``, ``aws s3 rm help``) or a dry run (``kubectl delete …
--dry-run=server``, ``aws s3 rm … --dryrun``, ``rsync -n``, ``git clean -n``, ``git push
--dry-run``, ``Remove-Item -WhatIf``). The rules that judge acts let them through.

Programs that delete files themselves (``rm``, ``find``, ``dd``, ...) never count as
rehearsing: they have no dry run, and a flag they do not know must not excuse them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sluice.policies._shell import basename
from sluice.policies._wrappers import operands

__all__ = ["REHEARSING_TOO", "rehearses"]

REHEARSING_TOO = frozenset(
    {"rsync", "rclone", "Remove-Item", "remove-item", "ri", "rmdir", "rd", "del"}
)
REHEARSING_TOO |= {"make", "gmake", "just", "task", "git"}  # (git clean -n)
"""Programs with a dry run that destroy paths or run the recipes the rules read; the others
a rule judges are infrastructure tools
(:func:`sluice.policies._infra.may_destroy_infrastructure`)."""

# Programs whose `-h` asks for help (for database clients it names the host, for rsync it
# means human-readable sizes, for gsutil it sets a header, for chmod it spares symlinks).
_H_IS_HELP = frozenset(
    {"kubectl", "oc", "kubecolor", "helm", "terraform", "tofu", "terragrunt", "pulumi", "cdk"}
    | {"cdktf", "gcloud", "az", "docker", "podman", "nerdctl", "git", "rclone", "mc", "s3cmd"}
    | {"sls", "serverless", "sst", "gh", "flyctl", "fly", "heroku", "vercel", "firebase"}
)
_RUNS_ANOTHER = frozenset({"exec", "run", "create", "debug", "ssh", "attach", "compose"})
# Programs with a `help` subcommand: `kubectl help delete`, `gsutil help rm`; aws reads it
# last: `aws s3 rm help`.
_HELP_COMMAND = _H_IS_HELP | {"aws", "gsutil", "azcopy"}
# Programs whose `-n` (alone or in a cluster) is a dry run, with the subcommand it needs.
_N_IS_DRY: dict[str, frozenset[str] | None] = {
    "rsync": None,
    "rclone": None,
    "s3cmd": None,
    "git": frozenset({"clean", "push", "rm", "add", "mv"}),
    "gsutil": frozenset({"rsync"}),
    **dict.fromkeys(("make", "gmake", "just")),  # make -n prints its recipes
}
_DRY_FLAGS = frozenset(
    {"--dry-run", "--dryrun", "--dry_run", "--preview-only", "--what-if", "--server-dry-run"}
    | {"--just-print", "--recon"}  # make's names for its -n
)
# Options that make a task runner list or show its recipes, running none.
_LISTS = {
    "just": {"--list", "-l", "--summary", "--show", "-s", "--dump", "--evaluate", "--fmt"},
    "task": {"--list", "-l", "--list-all", "-a", "--summary", "--dry", "-n", "--status"},
    "make": {"-p", "--print-data-base", "-q", "--question"},
    "gmake": {"-p", "--print-data-base", "-q", "--question"},
}
_NOT_DRY = frozenset({"none", "false", "0", "no"})  # kubectl --dry-run=none acts
# Programs that act on files directly: no flag of theirs makes them rehearse.
_ACT_DIRECTLY = frozenset(
    {"rm", "srm", "unlink", "shred", "wipe", "truncate", "find", "fd", "fdfind", "dd", "mv"}
    | {"cp", "chmod", "chown", "mkfs", "wipefs", "blkdiscard", "tee", "install", "ln", "sh"}
    | {"bash", "zsh", "dash", "ksh", "xargs", "sudo", "env", "eval"}
)


def rehearses(words: Sequence[str]) -> bool:
    """Whether the command ``words`` (unwrapped) only shows its help or what it would do."""
    if not words:
        return False
    name = basename(words[0])
    if name in _ACT_DIRECTLY or name.startswith("mkfs"):
        return False
    args = list(words[1:])
    if "--" in args:
        args = args[: args.index("--")]
    return (
        _asks_help(name, args) or _dry_run(name, args) or bool(_LISTS.get(name, set()) & set(args))
    )


def _asks_help(name: str, args: list[str]) -> bool:
    if any(a in ("--help", "-help") for a in args):
        return True
    # `docker exec db psql -h host …`: the program run there has its own -h.
    runs_another = not _RUNS_ANOTHER.isdisjoint(args)
    if name in _H_IS_HELP and "-h" in args and not runs_another:
        return True
    if name not in _HELP_COMMAND:
        return False
    positional = operands(args)
    return positional[:1] == ["help"] or (name == "aws" and positional[-1:] == ["help"])


def _dry_run(name: str, args: list[str]) -> bool:
    for arg in args:
        flag, equals, value = arg.partition("=")
        if flag.lower() in _DRY_FLAGS or flag in ("-WhatIf", "-whatif"):
            return not equals or value.lower() not in _NOT_DRY
    if name not in _N_IS_DRY:
        return False
    needs = _N_IS_DRY[name]
    if needs is not None and not needs & set(args):
        return False
    return any(a[:1] == "-" and a[1:2] not in ("-", "") and "n" in a[1:] for a in args)
