"""A container that mounts a host folder and deletes it: what ``docker run`` (``podman``,
``nerdctl``) runs is judged with its mount targets read as the host paths they are."""

from __future__ import annotations

import doctest
import shlex

import pytest

from sluice.policies import _containers
from sluice.policies._containers import container_run
from tests.policies.verdicts import PROJECT, bash


def test_examples_in_docs() -> None:
    assert doctest.testmod(_containers).failed == 0


@pytest.mark.parametrize(
    "command",
    [
        "docker run --rm -v /:/host alpine rm -rf /host",
        "podman run -v $HOME:/data busybox sh -c 'rm -rf /data/*'",
        "docker run --mount type=bind,source=/home/dev,target=/h alpine rm -rf /h",
        "docker run --rm -v \"$HOME\":/root alpine sh -c 'rm -rf ~'",
        "sudo docker run -it --rm --volume=/home:/mnt/homes ubuntu:22.04 rm -rf /mnt/homes",
        "docker run --rm -v ~:/work -w /work alpine rm -rf ./*",
        "docker container run --rm -v /:/rootfs --privileged alpine find /rootfs -delete",
        "nerdctl run --rm --mount type=bind,src=/,dst=/x alpine rm -rf /x/etc",
        "docker run --rm -v /:/host --entrypoint rm alpine -rf /host/usr",
        "docker run --rm -v $PWD/..:/up alpine rm -rf /up",
        "docker run --rm -v /home/dev:/h:Z alpine bash -c 'rm -rf /h/*'",
        # Into the host's filesystem: chroot into a mount of it, nsenter into PID 1's.
        "docker run --rm -v /:/host alpine chroot /host rm -rf /home/dev",
        "docker run -it --rm -v /:/host alpine chroot /host sh -c 'rm -rf ~'",
        "docker run --privileged --pid=host alpine nsenter -t 1 -m -u -n sh -c 'rm -rf /home/dev'",
        "docker run --rm --privileged --pid=host alpine nsenter --target 1 --mount rm -rf /",
        "docker run --rm -v /:/host alpine rm -rf /host/../host/etc",
    ],
)
def test_a_container_deleting_a_mounted_host_folder_wipes_it(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        "docker run --rm -v $PWD:/app node:20 rm -rf /app/node_modules",
        "docker run -v /:/host:ro alpine ls /host",
        "docker run -v /:/host:ro alpine rm -rf /host",  # read-only: nothing goes
        "docker run --rm --mount type=bind,source=/home/dev,target=/h,readonly alpine rm -rf /h",
        "docker run --rm alpine rm -rf /tmp/x",
        "docker run --rm alpine rm -rf /",  # the container's own root
        "docker run --rm -v $PWD:/app -w /app node:20 rm -rf dist node_modules",
        "docker run --rm -v data:/data alpine rm -rf /data",  # a named volume
        "docker run --rm -v /:/host alpine ls -la /host/home",
        "docker run --rm -v /:/host alpine rm -rf /host/tmp/build",
        "docker run --rm -p 8080:8080 acme/api:dev",
        "docker run --rm -v $PWD:/src -w /src golang:1.22 go build ./...",
        "docker run --rm -v ~/.cache/pip:/root/.cache/pip python:3.12 rm -rf /root/.cache/pip/http",
        "docker run --rm -v /:/host alpine chroot /host ls /home",
        "docker run --rm -v /:/host:ro alpine chroot /host rm -rf /home/dev",
        "docker run --rm alpine chroot / rm -rf /tmp/x",
        "docker run --rm -v /:/host alpine chroot /host rm -rf /tmp/build",
        "docker run --rm --pid=host alpine nsenter -t 1 -m ls /",
        "docker run --rm -v $PWD:/app alpine rm -rf /app/..",  # `..` stops at the container's /
    ],
)
def test_a_container_working_in_its_own_files_or_a_project_is_allowed(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    ("words", "line", "cwd"),
    [
        ("docker run -v /:/host alpine rm -rf /host/etc", "rm -rf /etc", None),
        ("docker run -v $PWD:/app -w /app/src node ls", "ls", f"{PROJECT}/src"),
        ("docker run -v ~/x:/x -v ~/x/y:/x/y a rm /x/y/z", "rm /home/~/x/y/z", None),
        ("podman run -v $HOME:/root a cat ~/.bashrc", "cat /home/~/.bashrc", None),
        ("docker run -v /:/h a curl https://x.example/a", "curl https://x.example/a", None),
    ],
)
def test_container_paths_map_to_the_host(words: str, line: str, cwd: str | None) -> None:
    inside = container_run(words.split(), PROJECT)
    assert inside is not None
    assert shlex.split(inside.line) == line.split()
    assert cwd is None or inside.cwd == cwd


@pytest.mark.parametrize(
    "words",
    ["docker ps", "docker run alpine", "docker exec web rm -rf /", "podman build ."],
)
def test_what_starts_no_container_command_is_not_read(words: str) -> None:
    assert container_run(words.split(), PROJECT) is None
