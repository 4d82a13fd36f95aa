"""Every file of the home folder or the root emptied where it is (``sed -i d``, ``sed -i
's/.*//'``), or each file ``find -exec`` / ``xargs`` is given moved away, emptied by ``tee``,
or left with no permission for its owner: the same loss as deleting them. With a backup
(``-i.bak``), an edit that keeps the lines, a narrowed search or one file, they pass."""

from __future__ import annotations

import pytest

from sluice.policies._acts import emptied_in_place
from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("args", "files"),
    [
        (["-i", "d", "a", "b"], ["a", "b"]),
        (["-i", "-e", "1,$d", "a"], ["a"]),
        (["-Ei", "s/.*//", "a"], ["a"]),
        (["--in-place", "s|^.*$||g", "a"], ["a"]),
        (["-i", "d"], []),  # the files come from xargs
        (["-i.bak", "d", "a"], None),  # a copy is kept
        (["--in-place=.orig", "d", "a"], None),
        (["-i", "/^#/d", "a"], None),  # some lines only
        (["-i", "s/foo/bar/", "a"], None),
        (["-n", "d", "a"], None),  # prints, edits nothing
    ],
)
def test_what_sed_empties_in_place(args: list[str], files: list[str] | None) -> None:
    assert emptied_in_place(args) == files


@pytest.mark.parametrize(
    "command",
    [
        "sed -i d ~/*",
        "sed -i 's/.*//' ~/.*rc ~/*",
        "sed -Ei -e '1,$d' /home/dev/*",
        "find ~ -type f -exec sed -i d {} +",
        "find ~ -type f -print0 | xargs -0 sed -i d",
        "ls -d ~/* | xargs sed -i d",
        "find / -type f -exec sed -i d {} +",
        "find ~ -exec chmod 000 {} +",
        "find $HOME -type f -exec chmod a-rwx {} \\;",
        "find ~ -type f -exec mv {} /tmp/ \\;",
        "find ~ -type f -exec mv -t /tmp/trash {} +",
        "find ~ -type f -exec tee {} \\; < /dev/null",
    ],
)
def test_every_file_emptied_moved_or_locked_is_blocked(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        "sed -i.bak d ~/*",
        "sed -i 's/foo/bar/g' ~/*",
        "sed -i '/^#/d' ~/.bashrc",
        "sed -i d notes.txt",
        "sed -n 1,5p ~/*",
        "find . -type f -exec sed -i 's/foo/bar/g' {} +",
        "find . -name '*.orig' -exec mv {} /tmp/ \\;",
        "find ~ -name '*.sh' -exec chmod 755 {} +",
        "find ~/project -type f -exec chmod 644 {} +",
        "find ~ -type f -exec tee -a {} \\; < /dev/null",
        "find ~ -type f -exec chmod go-rwx {} +",
    ],
)
def test_an_edit_that_keeps_or_narrows_passes(command: str) -> None:
    assert bash(command) is None
