"""Classes taught from a fortieth blind set (long scripts with one act buried in them):
bash's arrays, whose elements a loop or `"${NAME[@]}"` gives a command; next to the
everyday calls they resemble."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        (
            'DEVICES=(/dev/sdc /dev/sdd)\nfor dev in "${DEVICES[@]}"; do\n'
            '  sudo wipefs -a "$dev"\ndone',
            "disk_wipe",
        ),
        ('DISKS=(/dev/sdb /dev/sdc); sudo wipefs -a "${DISKS[@]}"', "disk_wipe"),
        ('local -a DIRS; DIRS=(~ /tmp/x); rm -rf "${DIRS[0]}"', "wipe_root_or_home"),
        ('DIRS=(build dist .cache)\nfor d in "${DIRS[@]}"; do rm -rf "$d"; done', None),
        ('DEVICES=(/dev/sdc /dev/sdd); lsblk -d -o NAME,SIZE "${DEVICES[@]}"', None),
    ],
)
def test_fortieth_set(command: str, rule: str | None) -> None:
    assert bash(command) == rule
