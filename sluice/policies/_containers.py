"""What a container started in a command line does to the host: the command ``docker run``
(``podman``, ``nerdctl``) runs in it, with the paths under a writable bind mount read as the
host paths they are::

    >>> inside = container_run(["docker", "run", "-v", "/:/host", "alpine", "rm", "-rf",
    ...                         "/host/etc"], "/home/dev/project")
    >>> inside.line, inside.cwd
    ('rm -rf /etc', '/var/lib/containers/rootfs')

A path the container sees outside its mounts, or under a read-only one (``-v /:/host:ro``),
is the container's own: it is read as a folder of the runtime's storage, which deleting
harms no host folder. A command run after ``chroot`` into a mount has its paths read under
it; one run by ``nsenter -t 1 -m`` (a container sharing the host's processes) in the host's
own files. Everything here takes time linear in the command's length.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sluice.policies._container_files import Image, Mount, Run, image_name
from sluice.policies._prefixes import NSENTER_VALUES
from sluice.policies._shell import basename, short_option, with_next
from sluice.policies._targets import is_credential, resolve, vital

__all__ = ["RUNTIMES", "Inside", "container_exec", "container_run", "run_inside", "subcommand"]

RUNTIMES = frozenset({"docker", "podman", "nerdctl"})
# Where a container's own filesystem lives on the host, as far as the rules are concerned: a
# folder of the runtime's storage, which no rule counts as the host's root or home.
_CONTAINER_ROOT = "/var/lib/containers/rootfs"
_HOME = "/root"  # the home folder inside the container: images run as root by default
# Options of `docker run` that take a value (`-v SRC:DST`, `-w /app`, `-e K=V`); the others
# are switches (`--rm`, `-it`), and the first word that is neither is the image.
_RUN_VALUES = frozenset(
    {"-v", "--volume", "--mount", "-w", "--workdir", "-e", "--env", "--env-file", "--name"}
    | {"-p", "--publish", "-u", "--user", "--entrypoint", "--network", "--net", "-l"}
    | {"--label", "-h", "--hostname", "--platform", "-m", "--memory", "--cpus", "--add-host"}
    | {"--device", "--tmpfs", "--pull", "--restart", "--cap-add", "--cap-drop", "--ulimit"}
    | {"--security-opt", "--log-driver", "--log-opt", "--dns", "--ipc", "--pid", "--gpus"}
    | {"--shm-size", "--stop-signal", "--stop-timeout", "--runtime", "--volumes-from"}
    | {"--link", "--group-add", "--cidfile", "--expose", "--label-file", "--userns", "--uts"}
    | {"--cgroupns", "--health-cmd", "--ip", "--mac-address", "--cpuset-cpus", "--annotation"}
    | {"-a", "--attach", "-c", "--cpu-shares", "--memory-swap", "--sysctl", "--secret", "--pod"}
)
_MOUNTS = 32  # the mounts of a run read, at most
# The program that well-known tools' official images run, their entrypoint: their words
# after the image are its arguments (`docker run hashicorp/terraform destroy`).
_ENTRYPOINTS = {
    "hashicorp/terraform": "terraform",
    "opentofu/opentofu": "tofu",
    "amazon/aws-cli": "aws",
    "aws-cli/aws-cli": "aws",
    "bitnami/kubectl": "kubectl",
    "rancher/kubectl": "kubectl",
    "alpine/helm": "helm",
    "alpine/git": "git",
    "docker": "docker",  # docker:cli, given the host's socket: `… docker:cli volume prune`
    "minio/mc": "mc",
    "rclone/rclone": "rclone",
    "curlimages/curl": "curl",
    "appropriate/curl": "curl",
}
# The registry host an image's name starts with: its first part when that has a dot or a
# port, or is localhost (read from the name's start only: searched anywhere, a run of dots
# took time growing as the cube of its length).
_REGISTRY = re.compile(r"^(?:[^/.:]*[.:][^/]*|localhost)/")
# Options of the runtime itself, before its subcommand, that take a value.
_GLOBAL_VALUES = frozenset(
    {"-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert"}
    | {"--tlscert", "--tlskey", "--url", "--connection", "--remote", "--root", "--runroot"}
)
_EVERY_NAME = re.compile(r"\.?\*")  # a glob of every name in a folder: `*`, `.*`
_READ_ONLY = frozenset({"ro", "readonly", "ro=true", "readonly=true", "ro=1", "readonly=1"})
# A bind mount's source is a host path; a bare name (`-v data:/data`) is a named volume.
_HOST_SOURCE = re.compile(r"[/~.$]")
# A path the container sees: absolute, or from its home or working directory (`~/x`,
# `$HOME`, `${PWD}/x`); not a relative one, nor a URL's.
_PATH_TAIL = r"/[^\s'\"`;|&<>()]*"
_SEEN_PATH = re.compile(
    r"(?<![\w.:/$~}-])(?:(?:~(?![\w.-])|\$\{?(?:HOME|PWD)\}?(?!\w))(?:" + _PATH_TAIL + ")?"
    r"|" + _PATH_TAIL + ")"
)


@dataclass(frozen=True, slots=True)
class Inside:
    """The command line a container runs, its paths made host paths, and the host folder its
    working directory is."""

    line: str
    cwd: str


def container_run(
    words: Sequence[str], cwd: str | None, images: Mapping[str, Image] | None = None
) -> Inside | None:
    """What ``docker run … IMAGE COMMAND…`` (``words``, unwrapped; ``cwd``: the host's
    working directory) runs in its container, or None when ``words`` start no container
    or give it no command (the image's own is unknown). ``images``: those the line built
    from a Dockerfile it wrote, by name: what they run is known."""
    if not words or basename(words[0]) not in RUNTIMES:
        return None
    args = _run_arguments(words[1:])
    if args is None:
        return None
    mounts: list[Mount] = []
    workdir, entrypoint = "/", ""
    at = 0
    while at < len(args) and args[at].startswith("-") and args[at] != "--":
        option, equals, value = args[at].partition("=")
        if not equals and option in _RUN_VALUES:
            value, at = (args[at + 1] if at + 1 < len(args) else ""), at + 1
        if option in ("-v", "--volume"):
            mounts += _volume(value)
        elif option == "--mount":
            mounts += _mount(value)
        elif option == "--privileged" or option == "--device":  # the host's disks
            mounts.append(Mount("/dev", "/dev"))
        elif option in ("-w", "--workdir"):
            workdir = value
        elif option == "--entrypoint":
            entrypoint = value
        at += 1
    image = args[at] if at < len(args) else ""
    command = tuple(args[at + 1 :])  # after the image
    built = images.get(image_name(image)) if images else None
    if built is not None and not entrypoint:  # an image the line built: its ENTRYPOINT, CMD
        workdir = workdir if workdir != "/" else built.workdir  # its WORKDIR, unless -w
        run = Run(command or built.command, built.base, tuple(mounts), workdir, built.entrypoint)
    else:
        run = Run(command, image, tuple(mounts), workdir, (entrypoint,) if entrypoint else ())
    return run_inside(run, cwd)


def container_exec(words: Sequence[str]) -> list[str]:
    """The command ``docker exec C CMD…``, ``docker compose exec SERVICE CMD…`` or ``kubectl
    exec POD -- CMD…`` (``words``, unwrapped) runs in a running container or pod, or ``[]``.
    Its files are the container's own, not this machine's; the services it reaches (a
    database, a cloud, the environment it was given) are the same."""
    if "exec" not in words[1:3]:  # (most commands: one test)
        return []
    name, args = basename(words[0]), list(words[1:])
    if name in ("kubectl", "oc") and args[:1] == ["exec"] and "--" in args:
        return args[args.index("--") + 1 :]
    if name in RUNTIMES and args[:1] == ["compose"]:  # docker compose exec -T db psql …
        name, args = "docker-compose", args[1:]
    if name == "docker-compose" and args[:1] == ["exec"]:
        return _after_first_operand(args[1:], _EXEC_VALUES)
    if name in RUNTIMES and args[:1] == ["exec"]:
        return _after_first_operand(args[1:], _EXEC_VALUES)
    return []


def _after_first_operand(args: Sequence[str], takes_value: frozenset[str]) -> list[str]:
    at = _first_operand(args, takes_value)
    return list(args[at + 1 :]) if at < len(args) else []


# Options of `docker exec` and `docker compose exec` that take a value.
_EXEC_VALUES = frozenset(
    {"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--index", "--detach-keys"}
)


def run_inside(run: Run, cwd: str | None) -> Inside | None:
    """What a container runs (``run``: its command, image, mounts), its paths made the
    host's (``cwd``: the host's working directory, for relative mounts); None when what it
    runs is unknown (no command, and an image whose entrypoint is not known)."""
    known = _ENTRYPOINTS.get(_repository(run.image), "")
    if run.command[:1] and basename(run.command[0]) == known:
        known = ""  # docker:cli docker volume prune: its entrypoint runs the command given
    command = [*(run.entrypoint or ((known,) if known else ())), *run.command]
    if not command:
        return None
    workdir = run.workdir
    if (on_host := _entered_host(command)) is not None:
        return Inside(shlex.join(on_host), workdir)
    # The deepest mount decides; a run with 10,000 mounts is read for its first ones.
    mounts = [
        Mount(posixpath.normpath(m.target), _resolved(m.source, cwd), m.read_only)
        for m in run.mounts[:_MOUNTS]
    ]
    mounts.sort(key=lambda m: len(m.target), reverse=True)
    root, command = _chroot(command)

    def host(path: str, whole: bool = True) -> str:
        return _host_path(path, workdir, mounts, root, whole)

    seen = [_SEEN_PATH.sub(lambda m: host(m.group()), word) for word in command]
    if host("/") == _CONTAINER_ROOT:  # its own root: rm's guard of it guards no host folder
        seen = [word for word in seen if word != "--no-preserve-root"]
    return Inside(shlex.join(seen), host(workdir if root == "/" else "/", whole=False))


def _repository(image: str) -> str:
    """An image's repository, without its registry, tag or digest (``docker.io/
    hashicorp/terraform:1.8`` is ``hashicorp/terraform``)."""
    return _REGISTRY.sub("", image_name(image), count=1).removeprefix("library/")


def _entered_host(command: Sequence[str]) -> list[str] | None:
    """The command ``nsenter`` runs in the host's mount namespace (``nsenter -t 1 -m sh -c
    …`` from a container sharing the host's processes), whose paths are the host's own; None
    when the container's command is no such escape."""
    if basename(command[0]) != "nsenter":
        return None
    args = command[1:]
    pid_one = any(
        a in ("-t1", "--target=1") or (a in ("-t", "--target") and b == "1")
        for a, b in with_next(args)
    )
    mount = short_option(args, "ma", "--mount", "--all") or any(
        a.startswith("--mount=") for a in args
    )
    at = _first_operand(args, NSENTER_VALUES)
    return list(args[at:]) if pid_one and mount and at < len(args) else None


def _chroot(command: Sequence[str]) -> tuple[str, list[str]]:
    """The root the container's command runs under, and the command: ``chroot /host rm -rf
    /home`` runs ``rm -rf /home`` in ``/host`` (a host folder mounted there, often all of
    it); any other command runs under the container's own ``/``."""
    if basename(command[0]) != "chroot":
        return "/", list(command)
    at = 1 + _first_operand(command[1:], frozenset())
    if at >= len(command):
        return "/", list(command)
    rest = list(command[at + 1 :]) or ["sh"]  # chroot DIR alone runs a shell there
    return "/" + posixpath.normpath("/" + command[at].lstrip("/")).lstrip("/"), rest


def _first_operand(args: Sequence[str], takes_value: frozenset[str]) -> int:
    """Where the first word of ``args`` that is no option (nor an option's value) stands:
    the command a wrapper runs; ``len(args)`` when there is none."""
    at = 0
    while at < len(args) and args[at].startswith("-"):
        at += 2 if args[at] in takes_value else 1
    return min(at, len(args))


def subcommand(args: Sequence[str]) -> list[str]:
    """A runtime's arguments (``args``: docker's, podman's) from its subcommand on, past
    its own options (``docker --context remote system prune …``)."""
    return list(args[_first_operand(args, _GLOBAL_VALUES) :])


def _run_arguments(args: Sequence[str]) -> list[str] | None:
    """The arguments of ``run`` (``docker run …``, ``docker container run …``, after the
    runtime's own options), or None when the command is not a run."""
    rest = subcommand(args)
    if rest[:1] == ["container"]:
        rest = rest[1:]
    return rest[1:] if rest[:1] == ["run"] else None


_DRIVE = re.compile(r"[A-Za-z]:[/\\]")  # a Windows drive before a path: C:/, C:\\


def _volume(value: str) -> list[Mount]:
    """The bind mount of ``-v SRC:DST[:OPTIONS]`` (a Windows source with its drive, ``-v
    C:/Users/dev:/data``); none for a named volume."""
    drive = value[:2] if _DRIVE.match(value) else ""
    source, _, rest = value[len(drive) :].partition(":")
    source = drive + source
    target, _, options = rest.partition(":")
    if not target or not (drive or _HOST_SOURCE.match(source)):
        return []
    return [Mount(target, source, bool(_READ_ONLY & set(options.split(","))))]


def _mount(value: str) -> list[Mount]:
    """The bind mount of ``--mount type=bind,source=S,target=T[,readonly]``; none for a
    volume or a tmpfs."""
    fields = value.split(",")
    given = dict(f.partition("=")[::2] for f in fields)
    source = given.get("source") or given.get("src") or ""
    target = given.get("target") or given.get("destination") or given.get("dst") or ""
    if given.get("type") != "bind" or not source or not target:
        return []
    return [Mount(target, source, bool(_READ_ONLY & set(fields)))]


def _resolved(source: str, cwd: str | None) -> str:
    """A mount's host path made absolute (``$PWD``, ``.``, ``~``), or as written when it
    depends on something unknown (a variable)."""
    where = resolve(source, cwd)
    return where.text if where is not None else source


def _host_path(
    path: str, workdir: str, mounts: Sequence[Mount], root: str = "/", whole: bool = True
) -> str:
    """The host path of ``path`` as the container sees it (under ``root`` when it was
    chrooted there): under a writable bind mount, the mounted host folder's; else in the
    container's own filesystem. ``whole``: ``path`` is acted on whole (an operand), so a
    folder holding a mount reaches the mounted folder; not so a working directory."""
    start, slash, rest = path.partition("/")
    if start in ("~", "$HOME", "${HOME}"):
        path = _HOME + slash + rest
    elif start in ("$PWD", "${PWD}"):
        path = (workdir if root == "/" else "/") + slash + rest
    # `..` stops at the root, as it does in the container or the chroot.
    seen = root.rstrip("/") + posixpath.normpath("/" + path.lstrip("/"))
    seen = "/" + seen.lstrip("/")
    for mount in mounts:
        if mount.target == "/" or seen == mount.target or seen.startswith(mount.target + "/"):
            rest = seen[len(mount.target.rstrip("/")) :]
            mapped = (mount.source.rstrip("/") + rest) or "/"
            # Read-only, it is read, not changed: the host's own path only for a secret.
            if not mount.read_only or is_credential(mapped):
                return mapped
    # A folder that holds a mount (`/`, `/*` over `-v $HOME:/data`): what is done to all of
    # it is done to the mounted host folder, the one that matters most if it holds several.
    folder, _, last = seen.rpartition("/")
    folder = (folder if _EVERY_NAME.fullmatch(last) else seen).rstrip("/") + "/"
    held = [m.source for m in mounts if m.target.startswith(folder) and not m.read_only]
    held = held if whole else []
    if held:
        return max(held, key=lambda source: vital(resolve(source, None)) is not None)
    return _CONTAINER_ROOT + seen.rstrip("/")
