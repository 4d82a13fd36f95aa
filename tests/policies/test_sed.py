"""sed's substitutions read as a filter: what it prints for a known text."""

from __future__ import annotations

import pytest

from sluice.policies._sed import sed_output


@pytest.mark.parametrize(
    ("args", "text", "printed"),
    [
        (["s/^x/r/"], "xm -rf ~", "rm -rf ~"),
        (["-e", "s/a/b/g"], "banana", "bbnbnb"),
        (["s/\\(ab\\)c/\\1X/"], "abcabc", "abXabc"),  # a basic pattern's group
        (["-E", "s/(ab)c/\\1X/g"], "abcabc", "abXabX"),
        (["s/a/[&]/g"], "aXa", "[a]X[a]"),
        (["s|/tmp|~|"], "rm -rf /tmp", "rm -rf ~"),
        (["s/x//;s/y/rm/"], "xy -rf ~", "rm -rf ~"),
        (["s/a+/b/"], "a+aa", "baa"),  # + is literal in a basic pattern
        (["s/[]x]/Y/g"], "a]x", "aYY"),
        (["s/x*//g"], "axxb", "ab"),
        (["s/o/0/2"], "foo", None),  # a count: not read
        (["-n", "s/a/b/p"], "a", None),  # -n prints nothing unless told
        (["s/a/b/", "file.txt"], "a", None),  # it reads a file, not the pipe
        (["s/\\(a\\)\\1/b/"], "aa", None),  # a back-reference: RE2 has none
        (["s/a/\\3/"], "a", None),  # a group the pattern has not: sed refuses it
        (["y/abc/xyz/"], "abc", None),
    ],
)
def test_sed_prints(args: list[str], text: str, printed: str | None) -> None:
    assert sed_output(args, text) == printed


def test_a_hostile_pattern_takes_linear_time() -> None:
    """RE2 runs the pattern: ``(a*)*b`` on a long run of ``a`` ends at once."""
    assert sed_output(["-E", "s/(a*)*b/x/"], "a" * 5000) == "a" * 5000
