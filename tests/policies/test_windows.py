"""Windows commands (cmd, PowerShell) as Cursor and Codex send them on Windows: their paths
keep their backslashes, the drive's root and the profile folder are the root and home."""

from __future__ import annotations

import pytest

from sluice.policies._targets import windows_paths
from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "rd /s /q C:\\",
        "rmdir /s /q C:\\Users\\dev",
        "del /f /s /q C:\\*",
        "Remove-Item C:\\ -Recurse -Force",
        'powershell -Command "Remove-Item -Recurse -Force C:\\Users\\dev"',
        "powershell -NoProfile -ep Bypass -Command Remove-Item -Recurse C:\\Users\\dev",
        "cmd /c rd /s /q C:\\",
        'cmd.exe /c "rmdir /s /q %HOMEDRIVE%%HOMEPATH%"',
        "rd /s /q %SystemDrive%\\",
        'Remove-Item -Recurse -Force "$env:HOMEDRIVE$env:HOMEPATH"',
        "Get-ChildItem $env:USERPROFILE | Remove-Item -Recurse -Force",
        "gci ~ -Recurse -Force | ri -Force",
    ],
)
def test_wiping_a_drive_or_the_profile_is_blocked(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        "format C: /q /y",
        "Format-Volume -DriveLetter D -FileSystem NTFS -Force",
        "Clear-Disk -Number 1 -RemoveData -Confirm:$false",
    ],
)
def test_formatting_a_drive_is_a_disk_wipe(command: str) -> None:
    assert bash(command) == "disk_wipe"


@pytest.mark.parametrize(
    "command",
    [
        "Remove-Item -Recurse -Force .\\build",
        "rd /s /q node_modules",
        "Remove-Item -Recurse -Force C:\\Users\\dev\\project\\dist",
        "rmdir /s /q %USERPROFILE%\\AppData\\Local\\Temp\\pip",
        "Get-ChildItem -Path .\\logs -Filter *.log | Remove-Item",
        "del /q dist\\*.js",
        "cmd /c dir C:\\",
        "find . -name \\*.pyc -delete",
    ],
)
def test_everyday_windows_cleanups_pass(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    ("line", "read"),
    [
        (".\\t\\install.ps1", "./t/install.ps1"),  # a folder `t`, not printf's tab
        ("C:\\tools\\x.exe", "C:/tools/x.exe"),
        ("printf 'w:\\n  image: alpine'", "printf 'w:\\n  image: alpine'"),  # a YAML key
        ("printf 'rm -rf ~\\n'", "printf 'rm -rf ~\\n'"),
    ],
)
def test_windows_paths_and_printf_escapes(line: str, read: str) -> None:
    assert windows_paths(line) == read
