"""Containers a line defines in files and then starts, read as the runs they are:

- a Dockerfile that ``docker build -t NAME`` builds (``podman``, ``buildah bud``): a run of
  NAME then runs its ``ENTRYPOINT`` and ``CMD`` (:func:`built_image`, :func:`image_of`);
- a Kubernetes manifest that ``kubectl apply -f`` or ``create -f`` sends: each Pod's, Job's,
  CronJob's or workload's containers run their ``command`` and ``args``, with ``hostPath``
  volumes as bind mounts of the node's folders (:func:`pod_runs`);
- a Compose file that ``docker compose up`` or ``run`` starts: each service's
  ``entrypoint`` and ``command``, with its bind mounts (:func:`compose_runs`).

Each yields a :class:`Run`, which :func:`~sluice.policies._containers.run_inside` reads as
the host sees it. Manifests and Compose files are YAML, read with ``yaml.safe_load_all``
(no object is built from a tag, and an alias is a shared reference, never a copy), and only
the few fields named here are looked at: what a line wrote is read in time linear in its
size.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import yaml

from sluice.policies._shell import basename

__all__ = [
    "Image",
    "Mount",
    "Run",
    "built_image",
    "chart_runs",
    "compose_runs",
    "image_name",
    "image_of",
    "pod_runs",
]

_BUILDS = frozenset({"docker", "podman", "nerdctl", "buildah"})
_COMPOSE_FILES: tuple[str, ...] = (
    *("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"),
    *("compose.override.yaml", "compose.override.yml"),  # read with them by default
    *("docker-compose.override.yml", "docker-compose.override.yaml"),
)
# Compose's own options that take a value (`--profile tools`, `-p name`).
_COMPOSE_VALUES = frozenset(
    {"-f", "--file", "-p", "--project-name", "--profile", "--env-file", "--project-directory"}
)
_PODS = 16  # the documents, containers and services of a file read, at most
_POD_KINDS = frozenset(
    {"Pod", "Job", "CronJob", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"}
)
_APPLIES = frozenset({"apply", "create", "replace"})
_BUILD_VALUES = frozenset({"-t", "--tag", "-f", "--file", "--build-arg", "--target"})
_BUILD_VALUES |= {"--platform", "--label", "--network", "--secret", "--ssh", "--cache-from"}
_BUILD_VALUES |= {"--progress", "-o", "--output", "--iidfile", "--cache-to", "--add-host"}


@dataclass(frozen=True, slots=True)
class Image:
    """What an image built from a Dockerfile runs: its entrypoint, its default arguments,
    the image it was built from (whose own entrypoint it keeps, if it sets none) and its
    working directory."""

    entrypoint: tuple[str, ...]
    command: tuple[str, ...]
    base: str
    workdir: str = "/"


@dataclass(frozen=True, slots=True)
class Mount:
    """A host folder a container sees at ``target`` (``read_only``: it cannot change it)."""

    target: str
    source: str
    read_only: bool = False


@dataclass(frozen=True, slots=True)
class Run:
    """A container's command, the image it runs (for its known entrypoint), its bind mounts
    of host folders and its working directory."""

    command: tuple[str, ...]
    image: str = ""
    mounts: tuple[Mount, ...] = ()
    workdir: str = "/"
    entrypoint: tuple[str, ...] = field(default=())


def built_image(words: Sequence[str], written: Mapping[str, str]) -> tuple[str, Image] | None:
    """The name ``docker build -t NAME [-f FILE] DIR`` (``words``, unwrapped) gives an image
    built from a Dockerfile the line wrote, and what it runs; None for any other command."""
    if len(words) < 3 or basename(words[0]) not in _BUILDS:
        return None
    args = list(words[1:])
    if args[:1] == ["buildx"]:
        args = args[1:]
    if args[:1] not in (["build"], ["bud"], ["image"]):
        return None
    args = args[2:] if args[:2] == ["image", "build"] else args[1:]
    given: dict[str, str] = {}
    operands: list[str] = []
    at = 0
    while at < len(args):
        option, equals, value = args[at].partition("=")
        if option in _BUILD_VALUES and not equals:
            value, at = (args[at + 1] if at + 1 < len(args) else ""), at + 1
        if option.startswith("-"):
            given.setdefault(option.lstrip("-")[:1], value)  # -t/--tag, -f/--file
        else:
            operands.append(args[at])
        at += 1
    name = given.get("t", "")
    context = (operands[:1] or ["."])[0]
    dockerfile = given.get("f") or posixpath.join(context, "Dockerfile")
    text = written.get(posixpath.normpath(dockerfile).removeprefix("./"))
    if not name or text is None:
        return None
    return image_name(name), image_of(text)


def image_of(dockerfile: str) -> Image:
    """What the last stage of ``dockerfile`` runs (``printf``'s ``\\n`` escapes read as the
    line ends they write)."""
    entrypoint: tuple[str, ...] = ()
    command: tuple[str, ...] = ()
    base, workdir = "", "/"
    text = dockerfile.replace("\\n", "\n").replace("\\\n", " ")
    for line in text.splitlines():
        instruction, _, rest = line.strip().partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":  # a new stage: what an earlier one set is not kept
            base, entrypoint, command = image_name(rest.split()[0] if rest else ""), (), ()
            workdir = "/"
        elif instruction == "WORKDIR" and rest.strip():
            workdir = posixpath.join(workdir, rest.strip())
        elif instruction == "ENTRYPOINT":
            entrypoint = _instruction_words(rest)
        elif instruction == "CMD":
            command = _instruction_words(rest)
    return Image(entrypoint, command, base, workdir)


def _instruction_words(rest: str) -> tuple[str, ...]:
    """The words of ``CMD`` or ``ENTRYPOINT``: its exec form (a JSON list), or its shell
    form, which ``sh -c`` runs."""
    rest = rest.strip()
    if rest.startswith("["):
        try:
            words = json.loads(rest)
        except json.JSONDecodeError:
            return ()
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            return tuple(words)
        return ()
    return ("/bin/sh", "-c", rest) if rest else ()


def image_name(image: str) -> str:
    """An image's name without its tag (``cleaner:latest`` is ``cleaner``)."""
    image = image.partition("@")[0]
    name, colon, tag = image.rpartition(":")
    return name if colon and "/" not in tag else image


def pod_runs(words: Sequence[str], manifests: str) -> list[Run]:
    """The containers ``kubectl apply -f …`` (``create``, ``replace``; ``words``, unwrapped)
    starts from ``manifests``, the text it reads; none for any other command."""
    if len(words) < 2 or basename(words[0]) != "kubectl" or not manifests:
        return []
    given = [w for w in words[1:] if not w.startswith("-")]
    if not _APPLIES.intersection(given[:1]):
        return []
    runs: list[Run] = []
    for document in _documents(manifests):
        spec = _pod_spec(document)
        if spec is None:
            continue
        volumes = {
            v.get("name"): v["hostPath"].get("path")
            for v in _dicts(spec.get("volumes"))
            if isinstance(v.get("hostPath"), dict)
        }
        containers = [*_dicts(spec.get("initContainers")), *_dicts(spec.get("containers"))]
        for container in containers[:_PODS]:
            # (its command replaces the image's entrypoint; its args, the image's CMD)
            entrypoint, command = (
                _strings(container.get("command")),
                _strings(container.get("args")),
            )
            mounts = [
                Mount(m["mountPath"], volumes[m.get("name")], bool(m.get("readOnly")))
                for m in _dicts(container.get("volumeMounts"))
                if isinstance(m.get("mountPath"), str)
                and isinstance(volumes.get(m.get("name")), str)
            ]
            if _get(container, "securityContext", "privileged") is True:
                mounts.append(Mount("/dev", "/dev"))  # the node's disks
            image = container.get("image")
            workdir = container.get("workingDir")
            runs.append(
                Run(
                    command,
                    image if isinstance(image, str) else "",
                    tuple(mounts),
                    workdir if isinstance(workdir, str) else "/",
                    entrypoint,
                )
            )
    return runs


def _pod_spec(document: Any) -> dict[str, Any] | None:
    """The pod spec of a manifest of one of :data:`_POD_KINDS`."""
    if not isinstance(document, dict) or document.get("kind") not in _POD_KINDS:
        return None
    spec: Any = document.get("spec")
    if document["kind"] == "CronJob":
        spec = _get(spec, "jobTemplate", "spec")
    if document["kind"] != "Pod":
        spec = _get(spec, "template", "spec")
    return spec if isinstance(spec, dict) else None


def compose_runs(
    words: Sequence[str], written: Mapping[str, str], images: Mapping[str, Image]
) -> list[Run]:
    """The services ``docker compose up`` (``docker-compose``; ``run SERVICE [COMMAND]``)
    starts from a Compose file the line wrote; none for any other command."""
    if not words:
        return []
    args = list(words[1:])
    if basename(words[0]) in ("docker", "podman") and args[:1] == ["compose"]:
        args = args[1:]
    elif basename(words[0]) not in ("docker-compose", "podman-compose"):
        return []
    files = [b for a, b in pairwise(args) if a in ("-f", "--file")]
    texts = [written[f.removeprefix("./")] for f in files or _COMPOSE_FILES if f in written]
    values = {at + 1 for at, a in enumerate(args) if a in _COMPOSE_VALUES}
    rest = [a for at, a in enumerate(args) if not a.startswith("-") and at not in values]
    if not texts or rest[:1] not in (["up"], ["run"], ["start"], ["create"]):
        return []
    only, given = (rest[1], tuple(rest[2:])) if rest[:1] == ["run"] and len(rest) > 1 else ("", ())
    runs: list[Run] = []
    for document in (d for text in texts for d in _documents(text)):
        services = document.get("services") if isinstance(document, dict) else None
        if not isinstance(services, dict):
            continue
        for name, service in list(services.items())[:_PODS]:
            if not isinstance(service, dict) or (only and name != only):
                continue
            runs.append(_service_run(service, given, _service_image(service, written, images)))
    return runs


def _service_run(service: dict[str, Any], given: tuple[str, ...], built: Image | None) -> Run:
    """What a Compose service runs (``given``: ``run SERVICE COMMAND``'s command; ``built``:
    the image it builds from a Dockerfile the line wrote, or names after one it built)."""
    image = service.get("image")
    image = image if isinstance(image, str) else ""
    entrypoint = _service_words(service.get("entrypoint"))
    command = given or _service_words(service.get("command"))
    if built is not None:
        image = "" if entrypoint or built.entrypoint else built.base
        entrypoint = entrypoint or built.entrypoint
        command = command or built.command
    mounts = []
    for volume in _items(service.get("volumes")):
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            target, _, options = rest.partition(":")
            if target and source[:1] in "/~.$":
                mounts.append(Mount(target, source, "ro" in options.split(",")))
        elif isinstance(volume, dict) and volume.get("type") == "bind":
            bound = volume.get("source"), volume.get("target")
            if isinstance(bound[0], str) and isinstance(bound[1], str):
                mounts.append(Mount(bound[1], bound[0], bool(volume.get("read_only"))))
    if service.get("privileged") is True or service.get("devices"):
        mounts.append(Mount("/dev", "/dev"))  # the host's disks
    workdir = service.get("working_dir")
    return Run(
        command, image, tuple(mounts), workdir if isinstance(workdir, str) else "/", entrypoint
    )


def _service_image(
    service: dict[str, Any], written: Mapping[str, str], images: Mapping[str, Image]
) -> Image | None:
    """The image a service builds (``build: DIR`` or ``{context, dockerfile}``) from a
    Dockerfile the line wrote, or names (``image: NAME``) after one the line built."""
    build = service.get("build")
    context, dockerfile = (build, "Dockerfile") if isinstance(build, str) else ("", "")
    if isinstance(build, dict):
        context, dockerfile = build.get("context", "."), build.get("dockerfile", "Dockerfile")
    if isinstance(context, str) and isinstance(dockerfile, str) and context:
        path = posixpath.normpath(posixpath.join(context, dockerfile)).removeprefix("./")
        if (text := written.get(path)) is not None:
            return image_of(text)
    image = service.get("image")
    return images.get(image_name(image)) if isinstance(image, str) else None


def _service_words(value: Any) -> tuple[str, ...]:
    """A Compose ``command`` or ``entrypoint``: a list, or a string split as a shell
    would."""
    if isinstance(value, str):
        return ("/bin/sh", "-c", value)
    return _strings(value)


def _documents(text: str) -> list[Any]:
    """The YAML documents of ``text`` (none when it is not YAML), the first few."""
    try:
        return list(yaml.load_all(text, Loader=_LOADER))[:_PODS]
    except yaml.YAMLError:
        return []


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _items(value: Any) -> list[Any]:
    return list(value[:_PODS]) if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in _items(value) if isinstance(item, dict)]


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return ()


_TEMPLATED = re.compile(r"\{\{-?[^{}]*-?\}\}")  # Helm's (Go's) template actions


def chart_runs(words: Sequence[str], written: Mapping[str, str]) -> list[Run]:
    """The containers ``helm install`` or ``helm upgrade`` (``words``, unwrapped) starts
    from a chart's templates the line wrote (its hooks' Jobs too), each template action
    read as a plain value; none for any other command."""
    if len(words) < 2 or basename(words[0]) != "helm":
        return []
    if not {"install", "upgrade"}.intersection(words[1:3]) or "--dry-run" in words:
        return []
    templates = [
        text
        for path, text in written.items()
        if "templates/" in path and path.endswith((".yaml", ".yml"))
    ]
    apply = ["kubectl", "apply", "-f", "-"]
    return [run for text in templates for run in pod_runs(apply, _TEMPLATED.sub("x", text))]
