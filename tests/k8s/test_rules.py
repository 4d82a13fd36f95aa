"""The alert rules: valid for Prometheus (promtool check) and behaving as their unit tests
say (promtool test rules, tests/k8s/rules/*_test.yaml)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = sorted((ROOT / "k8s" / "sluice" / "rules").glob("*.yaml"))
TESTS = sorted((ROOT / "tests" / "k8s" / "rules").glob("*_test.yaml"))


def promtool(*args: str, cwd: Path = ROOT) -> None:
    if shutil.which("promtool") is None:  # make install puts it there: its absence is a fault
        pytest.fail("no promtool: run scripts/system-deps (as root)")
    result = subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_files_are_valid() -> None:
    assert RULES
    promtool("check", "rules", *map(str, RULES))


@pytest.mark.parametrize("test_file", TESTS, ids=lambda p: p.name)
def test_rules_unit_tests(test_file: Path) -> None:
    promtool("test", "rules", test_file.name, cwd=test_file.parent)
