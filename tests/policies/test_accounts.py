"""Who may log in, and as whom: the system's account files (``/etc/passwd``,
``/etc/group``, ``/etc/shadow``, sudo's rules) written, passwords set or emptied, a second
root made, or a user added to an administrators' group, by the tools made for it as by a
redirect. A plain user or group made, or another group joined, passes."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "echo 'root:hunter2' | sudo chpasswd",
        "sudo chpasswd <<< 'deploy:changeme'",
        "sudo passwd -d root",
        "echo pw | sudo passwd --stdin root",
        "sudo usermod -p '' root",
        "sudo usermod --password=$(openssl passwd -1 x) admin",
        "sudo useradd -o -u 0 -g 0 backdoor",
        "sudo useradd --non-unique --uid=0 toor",
        "sudo usermod -aG sudo attacker",
        "sudo usermod -a -G wheel,docker bob",
        "sudo useradd -m -G sudo -s /bin/bash ops",
        "sudo gpasswd -a bob wheel",
        "sudo adduser bob sudo",
        "echo 'backdoor::0:0::/root:/bin/bash' | sudo tee -a /etc/passwd",
        "echo 'sudo:x:27:dev,mallory' >> /etc/group",
    ],
)
def test_changing_who_may_log_in_is_blocked(command: str) -> None:
    assert bash(command) == "credential_write"


@pytest.mark.parametrize(
    "command",
    [
        "sudo usermod -aG docker $USER",  # another group than an administrators' one
        "sudo useradd -m appuser",
        "sudo useradd -r -s /usr/sbin/nologin svc",
        "sudo adduser --disabled-password --gecos '' app",
        "sudo groupadd ci",
        "sudo gpasswd -d bob sudo",  # taking a privilege away
        "passwd",  # the user's own, asked for interactively
        "cat /etc/passwd",
        "getent passwd dev",
        "grep ^dev: /etc/group",
        "id -nG",
    ],
)
def test_ordinary_account_work_passes(command: str) -> None:
    assert bash(command) is None
