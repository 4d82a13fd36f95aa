"""Taking every permission from the home folder or the root: ``chmod`` in any mode that
leaves the owner nothing (octal, symbolic, several clauses), and ``setfacl``'s owner, group
and other entries, which are the mode's. Making a home folder private (``chmod -R go-rwx
~``, ``o=``) is everyday hardening and passes; the same on a system folder locks every
other user out, and does not."""

from __future__ import annotations

import pytest

from sluice.policies._acts import left_without
from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("mode", "left"),
    [
        ("000", "ugo"),
        ("0", "ugo"),
        ("a=", "ugo"),
        ("=", "ugo"),
        ("u-rwx", "u"),
        ("a-rwX", "ugo"),
        ("077", "u"),
        ("7", "ug"),  # octal modes are read from the right: 007
        ("go-rwx", "go"),
        ("go-rwx,u-rwx", "ugo"),
        ("a-rwx,u+r", "go"),
        ("u=,u+x", ""),
        ("755", ""),
        ("u-w", ""),
        ("u=g", ""),  # copied from the group: not known to be nothing
        ("+x", ""),
        ("not-a-mode", ""),
    ],
)
def test_the_classes_a_mode_leaves_with_nothing(mode: str, left: str) -> None:
    assert left_without(mode) == frozenset(left)


@pytest.mark.parametrize(
    "command",
    [
        "chmod -R 000 ~",
        "chmod -R go-rwx,u-rwx ~",
        "chmod -R 077 /home/dev",
        "chmod -R u=,g=,o= $HOME",
        "chmod 000 ~/*",
        "chmod -R 700 /usr",  # every other user, and every service, locked out
        "chmod -R g-rwx,o-rwx /etc",
        "setfacl -R -m u::---,g::---,o::--- ~",
        "setfacl -R -m u::0,g::0,o::0 /home/dev",
        "setfacl -R --modify=u::-,g::-,o::- ~",
        "setfacl -R -m o::--- /usr",
    ],
)
def test_taking_every_permission_is_blocked(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        "chmod -R go-rwx ~",  # the home folder made private
        "chmod -R og-rwx /home/dev",
        "chmod -R o= ~",
        "chmod -R g-rwx,o-rwx ~",
        "chmod -R 700 ~",
        "chmod 700 ~/.ssh",
        "chmod -R u+rwX,go-rwx ~/project",
        "setfacl -R -m g::---,o::--- ~",
        "setfacl -R -m u::rwx,g::---,o::--- ~",
        "setfacl -R -m u:alice:--- ~",  # a named user's entry, not the mode's
        "setfacl -R -b ~",
        "setfacl -m u::--- ~/notes.txt",
    ],
)
def test_making_a_home_private_or_one_file_passes(command: str) -> None:
    assert bash(command) is None
