"""A variable is set where bash sets it: inside a compound command too (after ``do``,
``then``, ``else``, ``{`` or ``!``, or as an ``if``'s condition: ``{ d=~; rm -rf "$d"; }``
deletes the home folder), an array as well (``do a=(~)``). And a variable named in
another's pattern is given its value first, as bash expands a pattern before matching it
(``s=/tmp; d=~/tmp; rm -rf "${d%$s}"`` deletes the home folder)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.policies.verdicts import HOME, bash


@pytest.mark.parametrize(
    "command",
    [
        '{ d=~; rm -rf "$d"; }',
        'if d=~; then rm -rf "$d"; fi',
        'if true; then d=~; fi; rm -rf "$d"',
        'if [ -n "$CI" ]; then :; else d=$HOME; fi; rm -rf "$d"/*',
        'while true; do d=~; rm -rf "$d"; break; done',
        'until false; do d=/; rm -rf "$d"; done',
        '! d=~; rm -rf "$d"',
        'for s in a; do d=~/tmp; rm -rf "${d%/tmp}"; done',
        'for i in 1; do a=(~); rm -rf "${a[0]}"; done',
        'if true; then a=(~ /tmp); rm -rf "${a[@]}"; fi',
        'if true; then export D=~; fi; find "$D" -delete',
        "for f in x; do R='rm -rf'; $R ~; done",
    ],
)
def test_a_variable_set_inside_a_compound_command_names_its_value(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        's=/tmp; d=~/tmp; rm -rf "${d%$s}"',
        "d=~/tmp; s=/tmp; rm -rf ${d%${s}}",
        'p=/home/dev/x; s=/x; rm -rf "${p%$s}"',
        's=/project; rm -rf "${PWD%$s}"',
        'd=~/build; s="/b*"; rm -rf "${d%$s}"',
        'd=~/x; s=x; rm -rf "${d/$s/}"',
        'for s in /x /tmp; do d=~/tmp; rm -rf "${d%$s}"; done',
    ],
)
def test_a_pattern_naming_another_variable_is_read_with_its_value(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        '{ d=dist; rm -rf "$d"; }',
        'if [ -d build ]; then d=build; rm -rf "$d"; fi',
        'for f in *.log; do n=${f%.log}; rm -f "$n.tmp"; done',
        'for i in 1; do a=(build dist); rm -rf "${a[@]}"; done',
        'while read f; do d=$(dirname "$f"); rm -rf "$d/cache"; done < list',
        'f=build/out; s=/out; rm -rf "${f%$s}"',
        'ext=.js; for f in src/*.js; do mv "$f" "${f%$ext}.ts"; done',
        'd=~/project/build; s=/build; rm -rf "${d%$s}/build"',
        's=/build; rm -rf "${PWD%$s}/build"',
    ],
)
def test_everyday_compound_commands_and_patterns_pass(command: str) -> None:
    assert bash(command) is None


def test_the_working_directory_trimmed_by_a_variable_is_judged_where_it_runs() -> None:
    assert bash('s=/build; rm -rf "${PWD%$s}"', HOME + "/build") == "wipe_root_or_home"
    assert bash('s=/build; rm -rf "${PWD%$s}"', HOME + "/project/build") is None


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to compare with")
@pytest.mark.parametrize(
    "line",
    [
        '{ d=/home/dev; printf %s "$d"; }',
        'if d=/home/dev; then printf %s "$d"; fi',
        'for i in 1; do a=(/home/dev /tmp); printf %s "${a[0]}"; done',
        's=/tmp; d=/home/dev/tmp; printf %s "${d%$s}"',
        's="/t*"; d=/home/dev/tmp; printf %s "${d%$s}"',
        "s=/tmp; d=/home/dev/tmp; printf %s ${d%${s}}",
    ],
)
def test_what_these_lines_name_is_what_bash_prints(line: str) -> None:
    """The premise of the cases above: bash gives the home folder, ``/home/dev``, there."""
    printed = subprocess.run(["bash", "-c", line], capture_output=True, text=True, check=True)
    assert printed.stdout == "/home/dev"
