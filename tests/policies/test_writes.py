"""Writes onto disks by any program that writes its destination, and copies into the folders
credentials are kept in."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash


@pytest.mark.parametrize(
    "command",
    [
        "cat img | sudo tee /dev/sdb",
        "cat /dev/zero | sudo tee -a /dev/sda1 > /dev/null",
        "cp x.img /dev/sda",
        "sudo cp /dev/zero /dev/nvme0n1",
        "cat x > /dev/nvme0n1",
        "pv img > /dev/sdb",
        "pv img -o /dev/sdb",
        "sudo dd bs=4M of=/dev/sdb if=x.img status=progress",
        "xzcat os.img.xz | sudo dd of=/dev/mmcblk0 bs=4M",
        "sudo dcfldd if=img of=/dev/sdc",
        "sudo ddrescue /dev/sda /dev/sdb",
        "sudo bmaptool copy img.wic /dev/sdb",
        "sudo sh -c 'cat img > /dev/sdb'",
        "head -c 1G /dev/urandom > /dev/disk2",
    ],
)
def test_writing_onto_a_disk_is_blocked(command: str) -> None:
    assert bash(command) == "disk_wipe"


@pytest.mark.parametrize(
    "command",
    [
        "cp /dev/sda backup.img",
        "dd if=/dev/sda of=backup.img",
        "echo hi | tee /dev/null",
        "sudo cp disk.img /tmp/",
        "cat /dev/sdb1 | gzip > part.gz",
    ],
)
def test_reading_a_disk_passes(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    "command",
    [
        "rsync x/.aws/credentials ~/.aws/",
        "rsync -av backup/.aws/credentials ~/.aws",
        "cp id_rsa ~/.ssh/",
        "cp -t ~/.ssh/ id_ed25519",
        "install -m600 key ~/.ssh/",
        "install -m 600 deploy_key ~/.ssh",
        "cp config ~/.kube/",
        "cp hosts.yml ~/.config/gh/",
        "mv /tmp/credentials /home/dev/.aws/",
        "scp host:.aws/credentials ~/.aws/",
        "ln -s /tmp/netrc-copy/.netrc ~/",
        "cp backup/.git-credentials $HOME",
    ],
)
def test_copying_into_a_credential_folder_writes_a_credential(command: str) -> None:
    assert bash(command) == "credential_write"


@pytest.mark.parametrize(
    "command",
    [
        "cp ~/.aws/credentials /tmp/",
        "cp ~/.ssh/id_rsa.pub /tmp/",
        "cp README.md docs/",
        "cp -r src/ build/",
        "cp .env.example .env",
        "cp kubeconfig.yaml ~/.kube/",
        "rsync -av ~/.ssh/ /mnt/backup/ssh/",
        "cp ~/.ssh/id_ed25519.pub ~/",
        "cp notes.txt ~/",
    ],
)
def test_copying_credentials_elsewhere_or_other_files_in_passes(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("ssh-keygen -t rsa -b 4096 -f ~/.ssh/id_rsa -N '' <<< y", "credential_write"),
        (
            'yes | ssh-keygen -t ed25519 -C "dev@laptop" -f ~/.ssh/id_ed25519 -N ""',
            "credential_write",
        ),
        ("echo y | ssh-keygen -q -f $HOME/.ssh/id_ecdsa -t ecdsa -N ''", "credential_write"),
        ("ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519 -N ''", None),  # asks, and no one answers
        ("ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519 -N '' <<< n", None),
        ("ssh-keygen -t ed25519 -f ./ci_deploy_key -N '' <<< y", None),  # not a credential place
        ("yes | ssh-keygen -y -f ~/.ssh/id_rsa", None),  # prints the public key
        ("ssh-keygen -p -f ~/.ssh/id_rsa -P old -N new", None),  # a new passphrase, same key
    ],
)
def test_a_key_generated_over_a_private_key_with_the_overwrite_answered_replaces_it(
    command: str, rule: str | None
) -> None:
    assert bash(command) == rule


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("echo 'dev ALL=(ALL) NOPASSWD: ALL' | sudo EDITOR='tee -a' visudo", "credential_write"),
        (
            "echo 'ci ALL=(ALL) NOPASSWD:ALL' | sudo VISUAL=tee visudo -f /etc/sudoers.d/ci",
            "credential_write",
        ),
        ("export EDITOR='tee -a' && echo 'x ALL=(ALL) ALL' | sudo -E visudo", "credential_write"),
        ("sudo visudo -c", None),  # checks the syntax
        ("sudo visudo -cf /etc/sudoers.d/ci", None),
        ("VISUAL='sed -i s/8080/9090/' sudoedit /etc/nginx/nginx.conf", None),  # no credential
    ],
)
def test_an_editor_set_to_a_program_writes_the_file_visudo_opens(
    command: str, rule: str | None
) -> None:
    assert bash(command) == rule


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("ssh-keygen -y -f ~/.ssh/id_ed25519 > ~/.ssh/id_ed25519.pub", None),
        ("ssh-keygen -y -f ~/.ssh/id_rsa | tee ~/.ssh/id_rsa.pub", None),
        ("cp ~/.ssh/id_ed25519.pub ~/.ssh/laptop.pub", None),
        ("cat laptop.pub >> ~/.ssh/authorized_keys", "credential_write"),  # lets the key in
        ("cp /tmp/new_key ~/.ssh/id_ed25519", "credential_write"),
    ],
)
def test_a_public_key_written_lets_no_one_in(command: str, rule: str | None) -> None:
    assert bash(command) == rule


@pytest.mark.parametrize(
    "command",
    [
        "sort -o ~/.ssh/authorized_keys keys.txt",
        "sort -uo ~/.ssh/authorized_keys ~/.ssh/authorized_keys new.pub",
        "sort --output=$HOME/.aws/credentials creds.txt",
        "sort --out ~/.netrc netrc.txt",
        "uniq keys.txt ~/.ssh/authorized_keys",
    ],
)
def test_sort_and_uniq_writing_a_credential_file_is_blocked(command: str) -> None:
    assert bash(command) == "credential_write"


@pytest.mark.parametrize(
    "command",
    ["sort -o sorted.txt data.txt", "sort -t o -k2 data.txt", "uniq -c access.log counts.txt"],
)
def test_sort_and_uniq_writing_other_files_pass(command: str) -> None:
    assert bash(command) is None
