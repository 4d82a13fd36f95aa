"""Classes taught from a fifteenth blind set (platform, SRE and release sessions): a
command `kubectl debug node/…` runs on the node, rails runner given an environment,
Azure's blob listing fed to a delete, an endless loop starting processes without waiting,
and a JSONPath filter that narrows a listing; each next to the everyday call it
resembles."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash

PY = "python3 -c"


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # What kubectl debug runs on a node, its files mounted at /host.
        (
            "kubectl debug node/n1 -it --image=busybox -- chroot /host rm -rf /root",
            "wipe_root_or_home",
        ),
        ("oc debug node/n1 -- chroot /host mkfs.ext4 /dev/sdc", "disk_wipe"),
        ("kubectl debug node/n1 -it --image=alpine -- rm -rf /host/home/", "wipe_root_or_home"),
        ("kubectl debug node/n1 -it --image=busybox -- chroot /host df -h", None),
        ("kubectl debug pod/web-7 -it --image=busybox -- rm -rf /", None),  # the pod's own
        # rails runner with its environment given.
        (
            "bin/rails runner --environment=production "
            "'ActiveRecord::Base.connection.execute(\"DROP TABLE sessions\")'",
            "drop_database",
        ),
        ("bin/rails runner -e staging 'puts Order.count'", None),
        # Azure's blob listing, projected not filtered, fed to a delete.
        (
            "az storage blob list -c media --account-name st -o tsv --query '[].name'"
            " | xargs -n1 -I{} az storage blob delete -c media --account-name st -n {}",
            "cloud_storage_wipe",
        ),
        (
            "az storage blob list -c media --account-name st --prefix tmp/ -o tsv --query"
            " '[].name' | xargs -I{} az storage blob delete -c media --account-name st -n {}",
            None,
        ),
        # An endless loop starting a process each turn, not waiting for it.
        (f"{PY} \"import subprocess\nwhile 1:\n    subprocess.Popen(['yes'])\"", "fork_bomb"),
        ("node -e \"for (;;) require('child_process').spawn('sleep', ['600'])\"", "fork_bomb"),
        (
            f"{PY} \"import subprocess\nwhile True:\n    subprocess.Popen(['./srv']).wait()\"",
            None,
        ),
        (f"{PY} \"import subprocess\nwhile True:\n    subprocess.run(['./check.sh'])\"", None),
        # A JSONPath filter narrows what a listing gives a delete.
        (
            "kubectl delete pod -n ci $(kubectl get pods -n ci -o"
            " jsonpath='{.items[?(@.status.phase==\"Failed\")].metadata.name}')",
            None,
        ),
        ("kubectl delete pod -n ci $(kubectl get pods -n ci -o name)", "kubectl_delete_all"),
    ],
)
def test_fifteenth_set(command: str, rule: str | None) -> None:
    assert bash(command) == rule
