"""A ``dirname`` substitution of a known path (the working directory, a home folder, a
literal path) names that path's parent, wherever a substitution naming a path is read:
``rm -rf $(dirname $PWD)`` in ``/home/dev/project`` deletes the home folder."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf $(dirname $PWD)",
        'rm -rf "$(dirname "$PWD")"',
        'rm -rf "$(dirname ${PWD})"',
        "rm -rf `dirname $PWD`",
        "rm -rf $(dirname $(pwd))",
        'rm -rf "$(dirname "$(pwd)")"',
        "rm -rf $(dirname ~)",  # /home: every home folder
        'rm -rf "$(dirname $HOME/project)"',
        'sudo rm -rf "$(dirname "$(dirname ~/x/y)")"',
        "rm -rf $(dirname $(dirname $PWD))",
        'cd /home/dev/project && rm -rf "$(dirname $PWD)"',
        'cd "$(dirname $PWD)" && rm -rf *',
        'find "$(dirname "$PWD")" -delete',
        "chmod -R 000 $(dirname $PWD)",
        "bash -c 'rm -rf \"$(dirname $PWD)\"'",
        'D=$(dirname $PWD); rm -rf "$D"',
    ],
)
def test_the_parent_of_the_working_directory_or_home_is_known(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        'rm -rf "$(dirname $PWD)/other/build"',
        "rm -rf $(dirname $PWD)/other/build",
        'rm -rf "$(dirname $PWD)/.cache/tool"',
        'cd /home/dev/project/src && rm -rf "$(dirname $PWD)"',  # the project, not home
        'rm -rf "$(dirname /home/dev/project/src)"',
        'rm -rf "$(dirname ~/project/build/out)"',
        'cd "$(dirname $PWD)/other" && rm -rf build',
        'ls "$(dirname $PWD)"',
        'cp -r dist "$(dirname $PWD)/deploy"',
        'rm -rf "$(dirname "$0")/build"',
    ],
)
def test_what_lies_under_a_parent_stays_everyday_work(command: str) -> None:
    assert bash(command) is None
