"""What archivers do to files besides packing them: those that delete what they pack
(``tar --remove-files``, ``zip -m``, ``7z a -sdel``, ``rar m``), and where unpacking writes
(``tar -x -C D``, ``unzip -d D``); and ``git rm -r``, which deletes the working-tree files
it untracks. Linear in the command's length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from sluice.policies._shell import short_option
from sluice.policies._wrappers import operands

__all__ = [
    "UNPACKERS",
    "decompressed",
    "git_removed",
    "packed_away",
    "unpacked",
    "unpacked_into",
    "unpacks",
]

_TARS = frozenset({"tar", "bsdtar", "gtar"})
UNPACKERS = _TARS | {"unzip", "7z", "gunzip", "bunzip2", "unxz", "unzstd", "unlzma", "lunzip"}
"""Programs that unpack an archive or a compressed file (into the folder
:func:`unpacked_into` names)."""
# Compressors that decompress instead given -d (`xz -d t.xz`, `zstd -d t.zst`).
_COMPRESSORS = frozenset({"gzip", "bzip2", "xz", "zstd", "lzma", "lzip", "pigz", "pbzip2"})
_SEVEN_ZIPS = frozenset({"7z", "7za", "7zz", "7zr"})
# tar's options that take the next word as their value (-C's is the folder of what follows).
_TAR_VALUES = frozenset(
    {"-f", "--file", "-C", "--directory", "-T", "--files-from", "-X", "--exclude-from"}
    | {"-b", "-H", "--format", "-I", "--use-compress-program", "-V", "--label", "-g"}
    | {"--exclude", "--transform", "--owner", "--group", "--mode", "-N", "--newer"}
)
_TAR_CLUSTER = re.compile(r"-?[A-Za-z]+")


_COMPRESSED = re.compile(r"(.+?)\.(?:gz|bz2|xz|zst|lzma|lz|z|Z)")


def decompressed(name: str) -> str:
    """The file a decompressor writes for ``name`` (``t.bz2``: ``t``), or ``""``."""
    found = _COMPRESSED.fullmatch(name)
    return found[1] if found else ""


def unpacks(name: str, args: Sequence[str]) -> bool:
    """Whether ``name`` unpacks what it is given: an unpacker, or a compressor told to
    decompress (``bzip2 -d``, ``zstd --decompress``)."""
    return name in UNPACKERS or (
        name in _COMPRESSORS and short_option(args, "d", "--decompress", "--uncompress")
    )


def packed_away(name: str, args: Sequence[str]) -> list[str]:
    """The files and folders an archiver deletes once it has packed them (each prefixed with
    the folder ``tar -C`` moved to), or nothing when it keeps them."""
    if name in _TARS and any(a in ("--remove-files", "--remove") for a in args):
        return _tar_members(args)
    if name == "zip" and short_option(args, "m", "--move"):
        values = frozenset({"-x", "-i", "-b", "-t", "-tt", "-n", "-P", "-Z", "-O", "--out"})
        return operands(args, values)[1:]  # the first is the archive
    if name in _SEVEN_ZIPS and "-sdel" in args:
        rest = [a for a in args if not a.startswith("-")]
        return rest[2:] if rest[:1] in (["a"], ["u"]) else []
    if name == "rar":
        rest = [a for a in args if not a.startswith("-")]
        moves = rest[:1] in (["m"], ["mf"]) or (rest[:1] == ["a"] and "-df" in args)
        return rest[2:] if moves else []
    return []


def unpacked_into(name: str, args: Sequence[str]) -> str:
    """The folder ``tar -C D`` / ``unzip -d D`` unpacks into ("." when none is named)."""
    for flag, value in pairwise(args):
        if flag in ("-C", "--directory") or (name == "unzip" and flag == "-d"):
            return value.removeprefix("./").rstrip("/") or "/"
    given = [a.partition("=")[2] for a in args if a.startswith("--directory=")]
    return given[0].removeprefix("./").rstrip("/") if given else "."


def unpacked(name: str, args: Sequence[str]) -> list[str]:
    """Where ``tar -x`` or ``unzip`` writes: each member it names, under the folder it
    unpacks into, or that folder (``D/``) when it names none; nothing when it only packs
    or lists."""
    if name == "unzip":
        members = operands(args, frozenset({"-d", "-x", "-P"}))[1:]  # after the archive
        folder = unpacked_into(name, args)
        members = [f"{folder}/{m}" for m in members]
    elif name in _TARS and _extracts(args):
        members = _tar_members(args)
    else:
        return []
    return members or [unpacked_into(name, args).rstrip("/") + "/"]


def _extracts(args: Sequence[str]) -> bool:
    """Whether tar's arguments extract (``xzf``, ``-xf``, ``--extract``)."""
    cluster = args[0] if args and _TAR_CLUSTER.fullmatch(args[0]) else ""
    return "x" in cluster.lstrip("-") or "--extract" in args or "-x" in args


def _tar_members(args: Sequence[str]) -> list[str]:
    members: list[str] = []
    folder = ""
    archive_next = False  # old-style `tar czf ARCHIVE …` and `-cf ARCHIVE`
    i = 0
    first = True
    while i < len(args):
        arg = args[i]
        takes = arg in _TAR_VALUES
        cluster = _TAR_CLUSTER.fullmatch(arg) and (first or arg.startswith("-"))
        if cluster and not takes and not arg.startswith("--"):
            archive_next = archive_next or "f" in arg  # `czf`, `-czf`: the archive follows
        elif takes and arg in ("-C", "--directory") and i + 1 < len(args):
            folder = args[i + 1].rstrip("/") + "/"
        elif arg.startswith("--directory="):
            folder = arg.partition("=")[2].rstrip("/") + "/"
        elif archive_next and not arg.startswith("-"):
            archive_next = False
        elif not arg.startswith("-"):
            members.append(arg if arg.startswith(("/", "~", "$")) else folder + arg)
        first = False
        i += 2 if takes else 1
    return members


def git_removed(args: Sequence[str]) -> list[str]:
    """The pathspecs ``git rm -r`` deletes from the working tree (each under the folder of
    ``-C``); nothing with ``--cached``, which only untracks."""
    folder = ""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") and i + 1 < len(args):
            if args[i] == "-C":
                folder = args[i + 1].rstrip("/") + "/"
            i += 1
        i += 1
    rest = args[i:]
    if rest[:1] != ["rm"] or "--cached" in rest or not short_option(rest[1:], "r"):
        return []
    paths = operands(rest[1:], frozenset({"--pathspec-from-file"}))
    return [p if p.startswith(("/", "~", "$")) else folder + p for p in paths]
