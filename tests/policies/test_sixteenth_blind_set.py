"""Classes taught from a sixteenth blind set (every rule, in a mixed organisation's
sessions): processes started without waiting in PowerShell's, awk's, lua's and go's endless
loops and over an endless iterator, a drive's root before cmd's closing quote, ruby's
Bucket#delete!, cryptsetup and other tools that put a new volume on a disk, podman's system
reset, a disk fed to mkfs by xargs, PowerShell's `n in a diskpart script, heroku destroy, a
bucket's listing read from a process substitution, and sfdisk's dump; each next to the
everyday call it resembles."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # Processes started each turn of an endless loop, not waited for.
        ("for (;;) { Start-Process notepad }", "fork_bomb"),
        ("while ($true) { Start-Process pwsh -ArgumentList '-c','sleep 600' }", "fork_bomb"),
        ("while ($true) { Start-Process pwsh -ArgumentList '-File','job.ps1' -Wait }", None),
        ("awk 'BEGIN { for (;;) system(\"yes > /dev/null &\") }'", "fork_bomb"),
        ('awk \'BEGIN { while (1) { system("date"); system("sleep 5") } }\'', None),
        ("lua -e 'while true do os.execute(\"yes >/dev/null &\") end'", "fork_bomb"),
        ("lua -e 'while true do os.execute(\"sleep 5\") end'", None),
        (
            'python3 -c "import multiprocessing as mp, time; '
            '[mp.Process(target=time.sleep, args=(60,)).start() for _ in iter(int, 1)]"',
            "fork_bomb",
        ),
        (
            "go run - <<'GO'\npackage main\nimport \"os/exec\"\n"
            'func main() {\n\tfor {\n\t\texec.Command("yes").Start()\n\t}\n}\nGO',
            "fork_bomb",
        ),
        # A drive's root before cmd's closing quote.
        ('cmd /c "rmdir /s /q D:\\"', "wipe_root_or_home"),
        ('cmd /c "rmdir /s /q D:\\build"', None),
        # ruby's Bucket#delete! and #clear! delete the objects, then (delete!) the bucket.
        (
            'ruby -e \'require "aws-sdk-s3"; Aws::S3::Bucket.new("media").clear!\'',
            "cloud_storage_wipe",
        ),
        ('ruby -e \'require "aws-sdk-s3"; Aws::S3::Bucket.new("media").object("a").delete\'', None),
        # A new volume, pool or array put on a disk.
        ("sudo cryptsetup -q luksFormat /dev/nvme1n1", "disk_wipe"),
        ("sudo zpool create -f tank /dev/sdc /dev/sdd", "disk_wipe"),
        ("sudo mdadm --create /dev/md0 --level=1 --raid-devices=2 /dev/sdb /dev/sdc", "disk_wipe"),
        ("sudo pvcreate /dev/sdb1", "disk_wipe"),
        ("sudo cryptsetup luksOpen /dev/sdb1 data", None),
        ("sudo zpool status tank", None),
        ("sudo cryptsetup luksFormat disk.img", None),  # an image file
        # podman's system reset deletes every volume with the rest.
        ("podman system reset -f", "docker_prune"),
        ("podman system df", None),
        # A disk given to mkfs by xargs.
        ("printf '/dev/sdz\\n' | xargs -n1 sudo mkfs.xfs -f", "disk_wipe"),
        ("echo /dev/sdz | xargs -I{} sudo blkid {}", None),
        # A diskpart script with PowerShell's `n, or printf's \n.
        ("pwsh -c '\"select disk 3`nformat fs=ntfs quick\" | diskpart'", "disk_wipe"),
        ("pwsh -c '\"list disk`nlist volume\" | diskpart'", None),
        # heroku destroy is apps:destroy.
        ("heroku destroy --app acme-old --confirm acme-old", "gcloud_delete"),
        ("heroku ps --app acme-old", None),
        # A bucket's listing read from a process substitution, each key deleted.
        (
            'while read -r k; do aws s3 rm "s3://logs/$k"; done'
            " < <(aws s3api list-objects-v2 --bucket logs --query 'Contents[].Key' --output text)",
            "cloud_storage_wipe",
        ),
        (
            'while read -r k; do aws s3 rm "s3://logs/$k"; done < <(aws s3api list-objects-v2'
            " --bucket logs --prefix tmp/ --query 'Contents[].Key' --output text)",
            None,
        ),
        # sfdisk's dump only reads a disk.
        ("sudo sfdisk --dump /dev/nvme0n1 > nvme0n1.layout", None),
        ("sudo sfdisk --json /dev/sda", None),
        ("sudo sfdisk /dev/sdb < layout.sfdisk", "disk_wipe"),
        # An option that lists for one tool is no listing for another: shred's -s is a size,
        # parted's -s its script mode; parted's print after a mklabel still writes.
        ("sudo shred -s 1M -n 1 /dev/sdb", "disk_wipe"),
        ("sudo parted -s /dev/sdb mklabel gpt", "disk_wipe"),
        ("sudo parted -s /dev/sdb mklabel gpt print", "disk_wipe"),
        ("sudo parted -s /dev/sda print", None),
    ],
)
def test_sixteenth_set(command: str, rule: str | None) -> None:
    assert bash(command) == rule
