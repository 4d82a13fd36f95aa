"""Classes taught from a sixty-fourth blind set (a tool's own teardown, a sync from nothing,
a dotfiles repository's work tree, a script that starts itself), next to the everyday
calls spelt the same way."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash

_SPAWNING = "cat > spawn.sh <<'EOF'\n#!/bin/bash\n{body}\nEOF\nchmod +x spawn.sh && ./spawn.sh"


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # A deployment tool's teardown deletes what it deployed.
        ("sam delete --stack-name prod-api --no-prompts", "terraform_destroy"),
        ("azd down --force --purge", "terraform_destroy"),
        ("amplify delete --force", "terraform_destroy"),
        ("copilot app delete --yes", "terraform_destroy"),
        ("sam deploy --guided", None),
        ("azd up", None),
        ("sam logs -n api --tail", None),
        # A sync from an empty folder makes the remote empty.
        ("rclone sync $(mktemp -d) b2:acme-archive", "cloud_storage_wipe"),
        ("b2 sync --delete $(mktemp -d) b2://bucket", "cloud_storage_wipe"),
        ("s3cmd sync --delete-removed /tmp/empty/ s3://bucket/", "cloud_storage_wipe"),
        ("mc mirror --remove /tmp/empty local/bucket", "cloud_storage_wipe"),
        ("rclone sync ./dist s3remote:site", None),
        ("mc mirror --remove ./public local/site", None),
        # git clean empties the work tree it is given: a dotfiles repository's is home.
        ("git --git-dir=$HOME/.dotfiles --work-tree=$HOME clean -fdx", "wipe_root_or_home"),
        ("git --git-dir ~/.cfg --work-tree ~ clean -fd", "wipe_root_or_home"),
        ("git --git-dir=$HOME/.dotfiles --work-tree=$HOME status", None),
        ("git --work-tree=. clean -fdx", None),
        # A script written in the line that starts itself twice.
        (_SPAWNING.format(body="./spawn.sh &\n./spawn.sh &\nwait"), "fork_bomb"),
        (_SPAWNING.format(body="bash spawn.sh | bash spawn.sh &"), "fork_bomb"),
        (_SPAWNING.format(body="./build.sh &\n./test.sh &\nwait"), None),
        (_SPAWNING.format(body="sleep 60\nexec ./spawn.sh"), None),  # one at a time
    ],
)
def test_sixty_fourth_set(command: str, rule: str | None) -> None:
    assert bash(command) == rule
