"""Classes taught from a thirty-ninth blind set (whole working days in many stacks):
PowerShell's variable given a string (`$dir = "$env:USERPROFILE\\"`), and a backslash
after `$env:NAME` before a quote, which no bash escape is; next to the everyday calls
they resemble, and EF Core's database drop read as the framework reset it is."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ('$dir = "$env:USERPROFILE\\"; Remove-Item $dir -Recurse -Force', "wipe_root_or_home"),
        ('Remove-Item "$env:USERPROFILE\\" -Recurse -Force', "wipe_root_or_home"),
        ('$dir = "C:\\Users\\dev"; Remove-Item $dir -Recurse -Force', "wipe_root_or_home"),
        ('$d = "$env:USERPROFILE\\Downloads\\tmp"; Remove-Item $d -Recurse -Force', None),
        ('$out = "bin"; Remove-Item $out -Recurse -Force', None),
        # A framework's reset: the developer's own database unless another is named.
        ("dotnet ef database drop --force -p src/Infra -s src/Api", None),
        (
            "ASPNETCORE_ENVIRONMENT=Production dotnet ef database drop --force -s src/Api",
            "drop_database",
        ),
    ],
)
def test_thirty_ninth_set(command: str, rule: str | None) -> None:
    assert bash(command) == rule
