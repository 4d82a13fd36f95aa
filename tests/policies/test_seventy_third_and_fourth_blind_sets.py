"""Classes taught from the seventy-third blind set (MCP tools and other agents' structured
tools) and the seventy-fourth (targets spelt every way), next to the everyday calls spelt
the same way."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.verdicts import bash, rule_for

_REPO = "https://api.github.com/repos/acme/payments"


@pytest.mark.parametrize(
    ("tool", "arguments", "rule"),
    [
        # An HTTP tool's request that changes something is read as the curl it is.
        (
            "mcp__http__http_request",
            {"method": "DELETE", "url": _REPO, "headers": {"Authorization": "Bearer ${T}"}},
            "gcloud_delete",
        ),
        ("mcp__http__http_request", {"method": "GET", "url": _REPO}, None),
        (
            "mcp__fetch__request",
            {
                "method": "PATCH",
                "url": f"{_REPO}/git/refs/heads/main",
                "body": {"sha": "4f2a9c1", "force": True},
            },
            "force_push_default",
        ),
        (
            "mcp__fetch__request",
            {
                "method": "PATCH",
                "url": f"{_REPO}/git/refs/heads/feature-x",
                "body": {"sha": "4f2a9c1", "force": True},
            },
            None,
        ),
        (
            "mcp__http__http_request",
            {"method": "POST", "url": "https://hooks.example.com/x", "body": {"text": "done"}},
            None,
        ),
        # A code host's tool deleting a repository.
        ("mcp__github__delete_repository", {"owner": "acme", "repo": "portal"}, "gcloud_delete"),
        ("mcp__gitlab__delete_project", {"project_id": "acme/portal"}, "gcloud_delete"),
        ("mcp__github__get_repository", {"owner": "acme", "repo": "portal"}, None),
        ("mcp__github__delete_file", {"owner": "acme", "repo": "portal", "path": "x.md"}, None),
        # A forced push to a release branch, also through Cline's use_mcp_tool.
        (
            "use_mcp_tool",
            {
                "server_name": "git",
                "tool_name": "git_push",
                "arguments": '{"remote": "origin", "branch": "release", "force": true}',
            },
            "force_push_default",
        ),
        (
            "use_mcp_tool",
            {
                "server_name": "git",
                "tool_name": "git_push",
                "arguments": '{"remote": "origin", "branch": "feature-x", "force": true}',
            },
            None,
        ),
        # A program named alone, its arguments as a list.
        (
            "mcp__shell__run_command",
            {"command": "rm", "args": ["-rf", "/home/alice"]},
            "wipe_root_or_home",
        ),
        ("mcp__shell__run_command", {"command": "rm", "args": ["-rf", "build"]}, None),
        ("mcp__shell__run_command", {"cmd": "ls", "argv": ["-la", "/home/alice"]}, None),
    ],
)
def test_structured_calls(tool: str, arguments: dict[str, Any], rule: str | None) -> None:
    assert rule_for(tool, arguments, "/home/alice/code/shop") == rule


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # macOS's root user's home folder, also under /private.
        ("sudo rm -rf /var/root", "wipe_root_or_home"),
        ("sudo rm -rf /private/var/root/", "wipe_root_or_home"),
        ("sudo ls -la /var/root", None),
        ("rm -rf /private/var/tmp/build-cache", None),
        # A credential file's path with an empty or `.` part.
        ('cp ./creds.ini "$HOME/.aws//credentials"', "credential_write"),
        ("cp ./id_ed25519 ~/.ssh/./id_ed25519", "credential_write"),
        ('cp ./config.ini "$HOME/.aws//config"', None),
        # `cd` with no folder, then `pwd`: the home folder.
        ('rm -rf "$(cd; pwd)"', "wipe_root_or_home"),
        ('rm -rf "$(cd && pwd)"/*', "wipe_root_or_home"),
        ('rm -rf "$(cd build; pwd)"', None),
        # The passwd database's home folder, inside another substitution that builds a line.
        (
            'sh -c "$(printf \'rm -rf %s/\' "$(getent passwd $USER | cut -d: -f6)")"',
            "wipe_root_or_home",
        ),
        (
            'H=$(getent passwd "$(whoami)" | cut -d: -f6); bash -c "$(printf \'rm -rf %s\' "$H")"',
            "wipe_root_or_home",
        ),
        ('sh -c "$(printf \'du -sh %s/\' "$(getent passwd $USER | cut -d: -f6)")"', None),
        ('rm -rf "$(getent passwd $USER | cut -d: -f6)/.cache/pip"', None),
        # Windows' home drive and path, joined, as a path's head.
        (
            'Remove-Item -Recurse -Force "$env:HOMEDRIVE$env:HOMEPATH\\source\\repos\\app\\bin"',
            None,
        ),
        ('Remove-Item -Recurse -Force "$env:HOMEDRIVE$env:HOMEPATH"', "wipe_root_or_home"),
    ],
)
def test_shell_calls(command: str, rule: str | None) -> None:
    assert bash(command, "/home/alice/code/shop") == rule
