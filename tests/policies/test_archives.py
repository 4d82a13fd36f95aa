"""Archivers that delete what they pack, and ``git rm -r``, over the home folder or the
root are deletions of it; the same over a project folder, or keeping the files, pass."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import HOME, bash


@pytest.mark.parametrize(
    "command",
    [
        "tar -czf /tmp/home.tgz --remove-files ~",
        "tar --remove-files -cf /tmp/h.tar /home/dev",
        "tar czf /tmp/h.tgz ~ --remove-files",
        "bsdtar -c -f /tmp/r.tar --remove-files /",
        "tar -C ~ -cf /tmp/x.tar --remove-files .",
        "sudo tar --remove-files -czf /tmp/etc.tgz /etc",
        "zip -rm /tmp/home.zip ~",
        "zip -r --move /tmp/home.zip $HOME",
        "7z a -sdel /tmp/home.7z ~",
        "7za a /tmp/all.7z / -sdel",
        "rar m /tmp/home.rar ~",
    ],
)
def test_archiving_home_or_root_away_is_a_deletion(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        "tar -czf /tmp/home.tgz ~",  # keeps the files
        "tar -czf /tmp/logs.tgz --remove-files ~/logs",
        "tar --remove-files -cf build.tar build/",
        "zip -r /tmp/home.zip ~",
        "zip -m logs.zip *.log",
        "7z a /tmp/home.7z ~",
        "7z a -sdel old.7z old/",
    ],
)
def test_archiving_that_keeps_or_narrows_passes(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    ("command", "cwd"),
    [
        ("git rm -r -f .", HOME),
        ("git rm -rf ~", None),
        ("git rm -r --force -- ~/*", None),
        ("git -C ~ rm -r -q .", None),
        ("git rm -r /", None),
        ("cd ~ && git rm -rf .", None),
    ],
)
def test_git_rm_of_home_or_root_is_a_deletion(command: str, cwd: str | None) -> None:
    assert bash(command, cwd) == "wipe_root_or_home"


@pytest.mark.parametrize(
    ("command", "cwd"),
    [
        ("git rm -r --cached .", HOME),  # untracks only
        ("git rm -rf .", "/home/dev/project"),
        ("git rm -r ~/project/build", None),
        ("git rm -f ~", None),  # without -r git refuses a folder
    ],
)
def test_git_rm_that_keeps_home_passes(command: str, cwd: str | None) -> None:
    assert bash(command, cwd) is None


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("tar -czf /tmp/x.tgz --remove-files .", "wipe_root_or_home"),
        ("zip -rm /tmp/a.zip .", "wipe_root_or_home"),
        ("cd project && tar -czf /tmp/x.tgz --remove-files .", None),
    ],
)
def test_archiving_the_working_directory_away_when_it_is_home(
    command: str, rule: str | None
) -> None:
    assert bash(command, HOME) == rule
