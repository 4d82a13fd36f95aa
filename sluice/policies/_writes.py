"""Writes where they must not go: credential files (``credential_write``) and disks
(``disk_wipe``), by redirects and by the programs that write files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from sluice.policies._shell import Command, basename
from sluice.policies._targets import is_secret

__all__ = ["wipes_disk", "writes_secret"]

_DISK = re.compile(r"/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|md|dm-|mapper/)")
_DISK_TOOLS = frozenset({"shred", "wipefs", "blkdiscard", "sgdisk", "sfdisk", "parted", "fdisk"})
_SED_IN_PLACE = re.compile(r"-[a-zA-Z]*i.*|--in-place.*")
_COPIES = frozenset({"cp", "mv", "install", "ln", "rsync", "scp"})


def writes_secret(command: Command, words: Sequence[str]) -> bool:
    if any(is_secret(target) for target in command.redirects):
        return True
    if not words:
        return False
    name, args = basename(words[0]), list(words[1:])
    if name == "tee":
        return any(map(is_secret, args))
    if name == "sed":
        return any(map(_SED_IN_PLACE.fullmatch, args)) and any(map(is_secret, args))
    if name == "dd":
        return any(arg.startswith("of=") and is_secret(arg[3:]) for arg in args)
    if name in _COPIES:
        # The destination is the last operand, or the directory of -t; copying *from* a
        # credential file is a read.
        found = [arg for arg in args if not arg.startswith("-")]
        directory = [b for a, b in pairwise(args) if a == "-t"]
        directory += [a.partition("=")[2] for a in args if a.startswith("--target-directory=")]
        return any(map(is_secret, found[-1:] + directory))
    return False


def wipes_disk(command: Command, words: Sequence[str]) -> str | None:
    if any(_DISK.match(target) for target in command.redirects):
        return "Overwrites a disk, destroying its data"
    if not words:
        return None
    name, args = basename(words[0]), words[1:]
    if (name == "mkfs" or name.startswith("mkfs.")) and any(a.startswith("/dev/") for a in args):
        return "Formats a disk, destroying its data"  # a filesystem in an image file harms nobody
    if name == "dd" and any(arg.startswith("of=") and _DISK.match(arg[3:]) for arg in args):
        return "Overwrites a disk, destroying its data"
    listing = any(a in ("-l", "--list", "print") for a in args)  # fdisk -l reads only
    if name in _DISK_TOOLS and any(_DISK.match(a) for a in args) and not listing:
        return f"{name} on a disk destroys its data"
    if name == "diskutil" and any(
        a.lower().startswith(("erase", "zerodisk", "secureerase")) for a in args
    ):
        return "diskutil erases a disk"
    return None
