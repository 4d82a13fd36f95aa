"""A variable with an end or a start taken off (``${d%/tmp}``, ``${p%/*}``, ``${p#/x}``, and
the longest forms ``%%``, ``##``) names what bash makes of it: ``d=~/tmp; rm -rf
"${d%/tmp}"`` deletes the home folder, and so does ``rm -rf "${PWD%/*}"`` in
``/home/dev/project``."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from sluice.policies._targets import trimmed
from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        'd=~/tmp; rm -rf "${d%/tmp}"',
        'd=$HOME/tmp; rm -rf "${d%%/tmp*}"',
        'd=~/x/y; rm -rf "${d%%/*}"',
        'p=/home/dev/project; rm -rf "${p%/*}"',
        'p=/x/home/dev; rm -rf "${p#/x}"',
        'p=/x/y/home/dev; rm -rf "${p##/x/y}"',
        'rm -rf "${PWD%/*}"',
        'find "${PWD%/*}" -delete',
        'chmod -R 000 "${PWD%%/project}"',
        'D=$(pwd); rm -rf "${D%/*}"',
        'for d in ~/cache; do rm -rf "${d%/cache}"; done',
    ],
)
def test_deleting_what_a_trimmed_variable_names_is_judged_by_its_value(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        'f=build/out; rm -rf "${f%/*}"',
        'x=~/.cache/foo; rm -rf "${x%/*}"',
        'd=/srv/app/releases/old; rm -rf "${d%/*}"',
        'for f in src/*.js; do mv "$f" "${f%.js}.ts"; done',
        'for f in *.bak; do rm "${f%.bak}.tmp"; done',
        'B=./build; rm -rf "${B%/}"',
        'rm -rf "${PWD##*/}"',
        'rm -rf "${PWD%/*}/project/build"',
        'rm -rf "${TMPDIR%/}/build"',
    ],
)
def test_trimming_a_project_path_stays_everyday_work(command: str) -> None:
    assert bash(command) is None


CASES = [
    ("/home/dev/project", "%", "/*"),
    ("/home/dev/project", "%%", "/*"),
    ("/home/dev/project", "#", "*/"),
    ("/home/dev/project", "##", "*/"),
    ("src/app.test.js", "%", ".*"),
    ("src/app.test.js", "%%", ".*"),
    ("src/app.test.js", "#", "*."),
    ("src/app.test.js", "##", "*."),
    ("src/app.js", "%", ".js"),
    ("src/app.js", "#", "src/"),
    ("src/app.js", "%", ".ts"),
    ("aXbXc", "%", "X?"),
    ("aXbXc", "##", "[ab]X"),
    ("aXbXc", "%%", "[!a]*"),
    ("abc", "%", "*"),
    ("abc", "%%", "*"),
    ("abc", "#", ""),
]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to compare with")
@pytest.mark.parametrize(("value", "operator", "pattern"), CASES)
def test_a_trimmed_value_is_what_bash_makes_of_it(value: str, operator: str, pattern: str) -> None:
    script = f'x="$1"; printf %s "${{x{operator}{pattern}}}"'
    made = subprocess.run(
        ["bash", "-c", script, "bash", value], capture_output=True, text=True, check=True
    ).stdout
    assert trimmed(value, operator, pattern) == made


def test_a_value_too_long_for_its_glob_is_not_read() -> None:
    assert trimmed("a/" * 1000, "%", "*a*b*") is None
    assert trimmed("a/" * 1000 + "tmp", "%", "/tmp") == "a/" * 999 + "a"  # a literal: any length
