"""A variable with an end or a start taken off (``${d%/tmp}``, ``${p%/*}``, ``${p#/x}``, and
the longest forms ``%%``, ``##``), or a glob in it replaced (``${d/tmp*/}``), names what bash
makes of it: ``d=~/tmp; rm -rf "${d%/tmp}"`` deletes the home folder, and so does ``rm -rf
"${PWD%/*}"`` in ``/home/dev/project``."""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from sluice.policies._expansions import operated, replaced, trimmed
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
        'p=/home/dev; rm -rf "${p%%/*}/"',  # empty, then `/`: the root
        'd=~/tmpx; rm -rf "${d/tmp*/}"',
        'd=~/x; rm -rf "${d//x/}"',
        'd=~/cache/; rm -rf "${d/%cache?/}"',
        'D=$(pwd); rm -rf "${D/project/}"',
        'D=$(pwd); rm -rf "${D:0:9}"',
        'D=$PWD; rm -rf "${D%/*}"',
        'rm -rf "${PWD/project/}"',
        'rm -rf "${PWD:0:9}"',
        'a=(/home/dev/x); rm -rf "${a[0]%/x}"',
        "h=/home/dev/x; rm -rf \"${h%'/x'}\"",
        'p=/home/dev/x; rm -rf "${p%[^a-z]x}"',
        'p=/home/dev/x; rm -rf "${p%[[:punct:]]x}"',
        'p=/home/dev/project; rm -rf "${p/\\/project/}"',
        'p=home/dev; rm -rf "${p/#//}"',
        'p=/home/dev/x; rm -rf "${p/%?x' + "*" * 1000 + '/}"',
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
        'f=src/app.js; mv "$f" "${f/%.js/.ts}"',
        'd=build/tmp1; rm -rf "${d/tmp?/out}"',
        'DIR=; rm -rf "${DIR:-build}"/*',
        'TARGET=""; rm -rf "${TARGET:=dist}/"',
        'NAME=${PWD##*/}; docker build -t "$NAME" .',
        'for f in *.tar.gz; do mkdir -p "${f%%.*}" && tar xzf "$f" -C "${f%%.*}"; done',
        'v=1.2.3; git tag "v${v%.*}"',
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


REPLACEMENTS = [
    ("/home/dev/project", "/", "dev", "x"),
    ("a.b.c", "//", ".", "-"),
    ("a.b.c", "/", "*.", "-"),
    ("a.b.c", "//", "?.", "-"),
    ("~/tmpx/y", "/", "tmp*", ""),
    ("src/app.js", "/", "%.js", ".ts"),
    ("src/app.js", "/", "#src", "lib"),
    ("src/app.js", "/", "#*/", ""),
    ("src/app.js", "/", "%/*", ""),
    ("aXbXc", "//", "[ab]", "-"),
    ("aXbXc", "/", "[!a]X", "-"),
    ("a]b", "/", "[]]", "-"),
    ("a[b", "/", "[", "-"),
    ("a*b", "/", "\\*", "-"),
    ("a:b", "/", "[[:punct:]]", "-"),
    ("ab1c", "//", "[![:alpha:]]", "-"),
    ("src/x9.js", "/", "[0-9].js", "1.ts"),
    ("a-b", "/", "[x-]", "+"),
    ("abc", "/", "[z-a]", "r"),
]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to compare with")
@pytest.mark.parametrize(("value", "operator", "pattern", "replacement"), REPLACEMENTS)
def test_a_replaced_value_is_what_bash_makes_of_it(
    value: str, operator: str, pattern: str, replacement: str
) -> None:
    script = f'x="$1"; p="$2"; r="$3"; printf %s "${{x{operator}$p/$r}}"'
    if pattern[:1] in ("#", "%"):  # the anchor is the expansion's, not the pattern's
        script = f'x="$1"; p="$2"; r="$3"; printf %s "${{x{operator}{pattern[0]}$p/$r}}"'
    given = pattern[1:] if pattern[:1] in ("#", "%") else pattern
    made = subprocess.run(
        ["bash", "-c", script, "bash", value, given, replacement],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert replaced(value, operator, pattern, replacement) == made


_VALUES = "ab/.-*?[]"
_TOKENS = ["a", "b", "/", ".", "-", "*", "?", "[ab]", "[!a]", "[^b]", "[a-b]", "[b-a]", "[]a]"]
_TOKENS += ["[[:alpha:]]", "[[:punct:]]", "\\*", "\\a", "[", "]", "!"]
_OPERATORS = ["%", "%%", "#", "##", "/", "//", "/#", "/%"]
# bash reads each case's value, operator and pattern (from a variable: a glob) and prints
# what the expansion gives.
_BASH_EXPANDS = """while IFS= read -r -d "" x && IFS= read -r -d "" op && IFS= read -r -d "" p; do
  case $op in
    "%") r=${x%$p};; "%%") r=${x%%$p};; "#") r=${x#$p};; "##") r=${x##$p};;
    "/") r=${x/$p/R};; "//") r=${x//$p/R};; "/#") r=${x/#$p/R};; "/%") r=${x/%$p/R};;
  esac
  printf '%s\\0' "$r"
done"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to compare with")
def test_generated_expansions_are_what_bash_makes_of_them() -> None:
    draw = random.Random(13)
    cases = []
    for _ in range(2000):
        value = "".join(draw.choice(_VALUES) for _ in range(draw.randint(0, 8)))
        operator = draw.choice(_OPERATORS)
        pattern = "".join(draw.choice(_TOKENS) for _ in range(draw.randint(0, 4)))
        if operator[0] == "/":  # a `/` would end the pattern where bash reads a variable's
            pattern = pattern.replace("/", "x") or "a"
        cases.append((value, operator, pattern))
    given = "".join(f"{v}\0{o}\0{p}\0" for v, o, p in cases)
    made = subprocess.run(
        ["bash", "-c", _BASH_EXPANDS], input=given, capture_output=True, text=True, check=True
    ).stdout.split("\0")[:-1]
    read = 0
    for (value, operator, pattern), bash_made in zip(cases, made, strict=True):
        if operator in ("/#", "/%"):
            ours = operated(value, "/", f"{operator[1]}{pattern}/R")
        else:
            ours = operated(value, operator, f"{pattern}/R" if operator[0] == "/" else pattern)
        if ours is not None:  # not read: `//` of a glob that can match nothing
            read += 1
            assert ours == bash_made, (value, operator, pattern)
    assert read > 1990


def test_a_value_too_long_for_its_glob_is_not_read() -> None:
    assert trimmed("a/" * 1000, "%", "*a*b*") is None
    assert trimmed("a/" * 1000 + "tmp", "%", "/tmp") == "a/" * 999 + "a"  # a literal: any length


def test_what_cannot_be_read_is_not_read() -> None:
    assert trimmed("abc", "%", "[" * 300) is None  # a pattern too long
    assert replaced("a\ud800", "/", "a*", "b") is None  # a lone surrogate: RE2 cannot read it
    assert trimmed("ab", "%", "\ud800*") is None
    assert operated("abc", ":", "9" * 5000) is None  # an offset past any string's length
    assert operated("/home/dev/x", "%", "$s") is None  # a pattern naming a variable
    assert operated("", ":-", "build") == "build"  # set but empty: the default
    assert operated("", "-", "build") == ""  # set, even empty: no default
