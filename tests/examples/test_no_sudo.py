"""The guide's example policy, tested like a built-in: with plain objects, no gateway."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sluice.policy import PolicyError
from tests.policies.factories import tool_call_hook

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "policies"))
from no_sudo import NoSudo


@pytest.mark.parametrize(
    ("command", "blocked"),
    [
        ("sudo rm -rf /var/lib/x", True),
        ("ls && sudo apt install jq", True),
        ("echo x | sudo tee /etc/hosts", True),
        ("sudo -u deploy ./deploy.sh", False),
        ("sudo -u root ./deploy.sh", True),
        ("ls -la", False),
        ("grep -r pseudo src/", False),
        ("echo 'use sudo carefully'", False),
    ],
)
async def test_sudo_commands(command: str, blocked: bool) -> None:
    policy = NoSudo.configure({"allow_users": ["deploy"]})
    hook = tool_call_hook("Bash", {"command": command})
    await policy.tool_call(hook)  # type: ignore[attr-defined]
    assert (hook.blocked is not None) == blocked
    if blocked:
        assert command.strip() in (hook.blocked or "")


async def test_other_tools_are_not_checked() -> None:
    hook = tool_call_hook("Read", {"file_path": "/etc/sudoers"})
    await NoSudo.configure({}).tool_call(hook)  # type: ignore[attr-defined]
    assert hook.blocked is None


def test_config_mistakes_name_the_key() -> None:
    with pytest.raises(PolicyError, match="allow_user: Extra inputs are not permitted"):
        NoSudo.configure({"allow_user": ["x"]})


def test_it_handles_tool_calls_only() -> None:
    assert NoSudo.configure({}).hooks() == {"tool_call"}
