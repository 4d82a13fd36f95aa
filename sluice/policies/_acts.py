"""What a simple command does to which paths: deletes, truncates, moves away, wipes the
permissions of; for the rules that judge acts rather than spellings.

:func:`destroyed` lists the paths a command destroys (``rm -r``, ``find -delete`` / ``-exec
rm``, ``fd -x``/``-X rm``, ``xargs rm`` fed by ``echo``/``ls``/``find``/``fd``, ``rsync
--delete``, ``git clean -d/-x``, ``shred``, ``truncate``, ``mv``, ``chmod -R 000``, a tool
that clears a folder it is given: :mod:`sluice.policies._clearers`), seen
through the programs that run another (:func:`sluice.policies._wrappers.unwrap`);
:func:`working_directory` follows ``cd``. Everything here is linear in the command's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from sluice.policies._archives import git_removed, packed_away
from sluice.policies._clearers import cleared
from sluice.policies._runners import FD_RUNS, FIND_RUNS, RUN_ENDS
from sluice.policies._shell import SHELLS, Command, basename, parse, short_option
from sluice.policies._targets import Path, on_remote, resolve, vital
from sluice.policies._wrappers import operands, option_values, unwrap

__all__ = [
    "Act",
    "destroyed",
    "emptied_in_place",
    "left_without",
    "listed",
    "names_listed",
    "overwrites_operand",
    "working_directory",
]


@dataclass(frozen=True, slots=True)
class Act:
    """A path a command destroys, as written, resolved, and how it is destroyed."""

    verb: str
    word: str
    path: Path | None


# cd, and PowerShell's own: Set-Location (sl, chdir), Push-Location.
_CHANGES_DIRECTORY = frozenset({"cd", "pushd", "set-location", "sl", "chdir", "push-location"})


def working_directory(command: Command, cwd: str | None) -> str | None:
    """The working directory after ``command`` (``cd``, ``pushd``), starting from ``cwd``."""
    words, _ = unwrap(command.words)
    if not words or basename(words[0]).lower() not in _CHANGES_DIRECTORY:
        return cwd
    targets = operands(words[1:])
    if not targets:
        return "~"
    target = targets[0]
    if target == "-":
        return None
    path = resolve(target, cwd)
    if path is None or len(path.parts) > _DEEPEST:
        return None  # no real folder is this deep: `cd a && cd a && …` must not cost n²
    return path.text


_DEEPEST = 256
_WINDOWS_DELETERS = frozenset({"remove-item", "ri", "rd", "rmdir", "del", "erase"})
# Remove-Item's options that take a value, its own and PowerShell's common ones
# (`-ErrorAction SilentlyContinue` names no path).
_REMOVE_ITEM_VALUES = frozenset(
    {"-Path", "-LiteralPath", "-Filter", "-Include", "-Exclude", "-Stream"}
    | {"-ErrorAction", "-ea", "-WarningAction", "-wa", "-ErrorVariable", "-ev"}
)
# PowerShell's and cmd's listings, piped into Remove-Item (`gci ~ -Recurse | ri -Force`).
_WINDOWS_LISTERS = frozenset({"get-childitem", "gci", "dir"})
_WINDOWS_NARROWS = frozenset({"-filter", "-include", "-exclude"})
_WINDOWS_VALUES = frozenset({"-Path", "-LiteralPath", "-Depth", "-path", "-literalpath", "-depth"})
_FIND_NAMES = frozenset(
    {"-name", "-iname", "-path", "-ipath", "-regex", "-iregex", "-wholename", "-iwholename"}
    | {"-lname", "-ilname", "-samefile", "-inum", "-newer"}
)
_MATCHES_ALL = re.compile(r"[*?.]*\*[*?.]*|\.\*")
_DELETERS = frozenset({"rm", "shred", "unlink", "srm", "truncate", "wipe"})


def destroyed(command: Command, cwd: str | None, feeders: Sequence[Command] = ()) -> Iterator[Act]:
    """The paths ``command`` destroys. ``feeders``: the commands piped into it, nearest last,
    whose output ``xargs`` turns into operands."""
    words, via_xargs = unwrap(command.words)
    if not words:
        yield from _overwrites(command.redirects, cwd)  # `> "$f"` alone truncates
        return
    name, args = basename(words[0]), words[1:]
    targets: list[str] = []
    verb = "deletes"
    if name in ("sdelete", "sdelete64") and any(a.lower() == "-s" for a in args):
        name, args = "rm", ["-rf", *(a for a in args if not a.startswith("-"))]  # recursive
    if name in ("rimraf", "del-cli"):  # npx rimraf X: rm -rf X
        name, args = "rm", ["-rf", *(a for a in args if a != "--glob")]
    if name in ("rm", "srm"):
        if "--no-preserve-root" in args:
            yield Act("deletes, with --no-preserve-root,", "/", Path(()))
        files = operands(args) + (listed(feeders) if via_xargs else [])
        if short_option(args, "rR", "--recursive"):
            targets = files
        else:  # without -r, rm deletes no folder, but a glob's every file
            targets = [f for f in files if _everything(f, cwd)]
    elif name in ("shred", "truncate", "wipe"):
        verb = "overwrites every file in" if name != "truncate" else "truncates every file in"
        takes = frozenset({"-n", "-s", "-r", "--size", "--reference", "--iterations"})
        files = operands(args, takes) + (listed(feeders) if via_xargs else [])
        targets = [f for f in files if _everything(f, cwd)]
    elif name == "find":
        targets = _found_and_destroyed(args)
        ran = [basename(b) for a, b in pairwise(args) if a in FIND_RUNS]
        if targets and "-delete" not in args and _DELETERS.isdisjoint(ran):
            verb = "overwrites, moves away or locks"  # -exec dd of={}, mv {} DIR, chmod 000 {}
    elif name == "sed" and (emptied := emptied_in_place(args)) is not None:
        verb = "empties every file in"
        files = emptied + (listed(feeders) if via_xargs else [])
        targets = [f for f in files if _everything(f, cwd)]
    elif name in ("fd", "fdfind"):
        targets = _fd_destroys(args)
    elif name.lower() in _WINDOWS_DELETERS and (
        feeders or any(a.lower().startswith(("-r", "/s")) for a in args)
    ):  # PowerShell's Remove-Item -Recurse, cmd's rd /s, what Get-ChildItem pipes in
        targets = [
            a for a in operands(args, _REMOVE_ITEM_VALUES) if not a.startswith("/") or len(a) > 2
        ]
        targets += [b for a, b in pairwise(args) if a in ("-Path", "-LiteralPath")]
        if not targets and feeders:  # gci ~ -Recurse | Remove-Item -Recurse
            targets = listed(feeders)
    elif name.lower() in ("clear-content", "clc") and feeders:  # gci ~ -Recurse | Clear-Content
        targets, verb = listed(feeders), "truncates every file in"
    elif name.lower() == "forfiles" and _DELETES_EACH.search(" ".join(args)):
        # forfiles /p C:\Users\sam /s /c "cmd /c del /q @path": each file under /p
        folder = next((b for a, b in pairwise(args) if a.lower() == "/p"), ".")
        targets = [folder.rstrip("/") + "/*"]
    elif name == "rsync" and any(a.startswith(("--del", "--remove-source")) for a in args):
        files = operands(args, frozenset({"-e", "--rsh", "--exclude", "--include", "-f"}))
        if any(a.startswith("--del") for a in args):
            targets, verb = files[-1:], "empties (rsync --delete)"
        if "--remove-source-files" in args:
            targets += files[:-1]
        targets = [t.partition(":")[2] or "~" if on_remote(t) else t for t in targets]
    elif (
        name == "rclone" and (found := operands(args, _RCLONE_VALUES)) and found[0] in _RCLONE_ACTS
    ):
        # On this machine's folders (a remote's `name:path` is cloud storage): `sync` makes
        # the last like the first, `purge` and `delete` empty theirs, `move` empties the first.
        files = [f for f in found[1:] if not on_remote(f)]
        verb, targets = _RCLONE_ACTS[found[0]], files
        if found[0] == "sync":
            targets = [f for f in found[-1:] if f in files]
        elif found[0] in ("move", "moveto"):
            targets = [f for f in found[1:2] if f in files]
    elif name.lower() in ("robocopy", "robocopy.exe"):
        # robocopy SRC DST [FILES] [/SWITCHES]: /MIR and /PURGE make DST like SRC, /MOV and
        # /MOVE take the files (and folders) out of SRC.
        paths = [a for a in args if not _WINDOWS_SWITCH.fullmatch(a)]
        switches = {a.upper().partition(":")[0] for a in args if _WINDOWS_SWITCH.fullmatch(a)}
        if switches & {"/MIR", "/PURGE"}:
            targets, verb = paths[1:2], "empties (robocopy /MIR)"
        elif switches & {"/MOV", "/MOVE"}:
            targets, verb = paths[:1], "moves away (robocopy /MOVE)"
    elif name == "setfacl" and (specs := _acl_specs(args)):
        # setfacl -R -m u::---,g::---,o::--- ~: the ACL's owner, group and other entries are
        # the mode's classes (chmod's, read as one mode).
        if left := left_without(",".join(specs)):
            recursive = short_option(args, "R", "--recursive")
            targets, verb = _locked(operands(args, _SETFACL_VALUES), left, recursive, cwd)
    elif name.lower() in ("icacls", "icacls.exe") and _denies_all(args):
        targets, verb = args[:1], "takes every permission from (icacls /deny)"
    elif name in ("userdel", "deluser") and _removes_home(args):
        # The account's home folder goes with it: /home/NAME (/root for root).
        users = operands(args, frozenset({"-R", "--root", "-P", "--prefix", "--backup-to", "-c"}))
        targets = [f"/home/{user}" if user != "root" else "/root" for user in users]
        verb = f"deletes the account's home folder ({name} {_removes_home(args)})"
    elif name == "sysadminctl" and "-deleteUser" in args[:-1] and "-keepHome" not in args:
        # macOS's: the account and its /Users/NAME, unless -keepHome
        targets = [f"/Users/{args[args.index('-deleteUser') + 1]}"]
        verb = "deletes the account's home folder (sysadminctl)"
    elif name == "git" and (removed := git_removed(args)):
        targets = removed  # git rm -r deletes the files as it untracks them
    elif name == "git":
        targets = _cleaned(args, cwd)
        verb = "removes every untracked file in"
    elif packed := packed_away(name, args):
        targets, verb = packed, "archives and deletes"
    elif clears := cleared(name, args):  # pytest --basetemp, venv --clear, cargo clean
        targets, verb = clears
    elif name == "mv":
        files = operands(args, _MV_VALUES)
        targets, verb = files[:-1], "moves away"
    elif name == "chmod":
        mode, files = operands(args)[:1], operands(args)[1:]
        if mode and (left := left_without(mode[0])):  # every file of a glob: `chmod 000 ~/*`
            recursive = short_option(args, "R", "--recursive")
            targets, verb = _locked(files, left, recursive, cwd)
    for target in targets:
        yield Act(verb, target, resolve(target, cwd))
    # Overwriting every file of a folder: `> "$f"`, `dd of="$f"`, `tee "$f"` in a loop over
    # ~/* (a redirect onto a glob alone is an error, onto one file an everyday write).
    yield from _overwrites(
        [*command.redirects, *_overwritten(name, args, feeders if via_xargs else ())], cwd
    )
    if name in ("chmod", "chown", "chgrp") and short_option(args, "R", "--recursive"):
        given = operands(args, frozenset({"--reference", "--from"}))
        for target in given[1:]:
            if (path := resolve(target, cwd)) is None:
                continue
            if not path.parts:
                yield Act(f"changes the {'mode' if name == 'chmod' else 'owner'} of", target, path)
            elif name == "chown" and given and not _own(given[0], path):
                # `chown -R nobody ~`: the user loses their own files, as with chmod -R 000.
                yield Act("gives another owner", target, path)
    if name.lower() in ("icacls", "icacls.exe") and (owner := _icacls_owner(args)):
        # icacls C:\Users\alex /setowner "NT AUTHORITY\SYSTEM" /T: chown -R's Windows form
        path = resolve(args[0], cwd)
        user = _WINDOWS_USER.sub("$USER", _DOMAIN.sub("", owner))  # CORP\alex: alex
        if path is not None and not _own(user, path):
            yield Act("gives another owner", args[0], path)


_THE_USER = re.compile(
    r"\$\{?(?:USER|LOGNAME|UID|SUDO_USER|SUDO_UID)\}?|\$\((?:whoami|id|logname)(?:…|\s[^)]*)?\)"
)


# The user as Windows' shells name them (`%USERNAME%`, `$env:USERNAME`), and the domain an
# account is named in (`CORP\alex`, `NT AUTHORITY\SYSTEM`).
_WINDOWS_USER = re.compile(r"(?i)%USERNAME%|\$env:USERNAME")
_DOMAIN = re.compile(r"^[^\\]*\\")


def _icacls_owner(args: Sequence[str]) -> str:
    """The owner ``icacls PATH /setowner OWNER /T`` gives a folder and all it holds, or ``""``
    (without ``/T``, only the folder itself)."""
    upper = [a.upper() for a in args]
    if "/T" not in upper or "/SETOWNER" not in upper[:-1]:
        return ""
    return args[upper.index("/SETOWNER") + 1]


def _own(owner: str, path: Path) -> bool:
    """Whether ``chown -R owner`` of ``path`` gives it to the user who has it, so that it is
    only a repair (``sudo chown -R $USER ~``): for a home folder ``$USER``, ``$(whoami)``,
    the folder's name (``dev`` for /home/dev) or the first user's id (1000, 501); for
    /root and the system folders, root."""
    user = owner.partition(":")[0].partition(".")[0]
    if path.parts[:1] == ("home",) and len(path.parts) == 2:
        return bool(_THE_USER.fullmatch(user)) or user in (path.parts[-1], "", "1000", "501")
    if path.parts == ("home",):
        return False  # every user's home given to one owner
    return user in ("root", "0", "")  # a system folder (or one vital() does not name)


def _everything(word: str, cwd: str | None) -> bool:
    """Whether ``word`` names every entry of a folder (``~/*``), not the folder."""
    path = resolve(word, cwd)
    return path is not None and path.contents


def _overwrites(targets: Sequence[str], cwd: str | None) -> Iterator[Act]:
    for target in targets:
        if (path := resolve(target, cwd)) is not None and path.contents:
            yield Act("overwrites every file in", target, path)


_EMPTY_SOURCES = frozenset({"/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"})


def _overwritten(name: str, args: Sequence[str], feeders: Sequence[Command]) -> list[str]:
    """The files a program overwrites (other than by a redirect): ``dd of=``, ``tee``'s,
    ``cp /dev/null F``'s; under ``xargs``, what its feeders list."""
    if name in ("dd", "dcfldd"):
        found = [a[3:] for a in args if a.startswith("of=")]
    elif name == "tee":
        found = operands(args)
    elif name in ("cp", "install") and _EMPTY_SOURCES.intersection(args):
        found = operands(args)[-1:]
    else:
        return []
    return found + listed(feeders) if feeders else found


def overwrites_operand(run: Sequence[str]) -> bool:
    """Whether a command that ``find -exec`` or ``xargs -I`` runs deletes, overwrites, moves
    away or takes every permission from the file it is given: a deleter, ``dd of={}``, ``cp
    /dev/null {}``, ``tee {}``, ``mv {} DIR``, ``chmod 000 {}``, ``sed -i d {}``, a shell
    script that deletes, truncates or writes (``sh -c ': > "$1"'``)."""
    words, _ = unwrap(run)
    command = basename(words[0]) if words else ""
    if command in _DELETERS:
        return True
    if command in ("dd", "dcfldd"):
        return any(w.startswith("of=") for w in words)
    if command in ("cp", "install"):
        return bool(_EMPTY_SOURCES.intersection(words))
    if command == "tee":  # (-a appends)
        return "{}" in words and not short_option(words[1:], "a", "--append")
    if command == "mv":
        given = operands(words[1:], _MV_VALUES)
        moved = given if any(w.startswith(("-t", "--target")) for w in words) else given[:-1]
        return "{}" in moved
    if command == "chmod":
        mode = operands(words[1:])[:1]
        return bool(mode) and "u" in left_without(mode[0])
    if command == "sed":
        return "{}" in (emptied_in_place(words[1:]) or ())
    if command not in SHELLS:
        return False
    if _SHELL_DESTROYS.search(" ".join(words)) is not None:
        return True
    # The script as the shell reads it: `sh -c 'r""m -rf "$1"'` runs rm.
    scripts = (word for word in words[1:] if " " in word)
    return any(c.words and basename(c.words[0]) in _DELETERS for s in scripts for c in parse(s))


# In a script run on each file: deleting it, or writing onto the file it is given.
_SHELL_DESTROYS = re.compile(
    r"\b(?:rm|shred|truncate|unlink)\b|\bof=|(?<![>&0-9])>\s*[\"']?(?:\{\}|\$\{?[\w@])"
)


_MV_VALUES = frozenset({"-t", "--target-directory", "-S", "--suffix"})
# sed scripts that leave nothing of a line: delete it (`d`, `1,$d`), or replace it all.
_SED_EMPTIES = re.compile(r"\s*(?:(?:1,\$|/\.\*/|/\^/)?\s*d|s(.)\^?\.\*\$?\1\1g?)\s*;?\s*")
_SED_VALUES = frozenset({"-e", "--expression", "-f", "--file", "-l", "--line-length"})


def emptied_in_place(args: Sequence[str]) -> list[str] | None:
    """The files ``sed`` given ``args`` empties where they are, keeping no copy (``sed -i d
    F``, ``sed -i 's/.*//' F``: every line deleted or replaced by nothing; not ``-i.bak``),
    perhaps none (``xargs sed -i d`` is given them); None if it empties nothing."""
    if not any(a == "--in-place" or (a[:1] == "-" != a[1:2] and a.endswith("i")) for a in args):
        return None  # (-iSUFFIX and --in-place=SUFFIX keep a copy)
    scripts = [b for a, b in pairwise(args) if a in ("-e", "--expression")]
    files = operands(args, _SED_VALUES)
    if not scripts and files:
        scripts, files = files[:1], files[1:]
    emptied = bool(scripts) and all(_SED_EMPTIES.fullmatch(s) for s in scripts)
    return files if emptied else None


_OCTAL = re.compile(r"[0-7]{1,4}")
_CLAUSE = re.compile(r"([ugoa]*)((?:[-+=][rwxXstugo]*)+)")
_OPERATION = re.compile(r"([-+=])([rwxXstugo]*)")
_GIVES = frozenset("rwxugo")  # (s and t alone give no access)


def left_without(mode: str) -> frozenset[str]:
    """The classes (``u``, ``g``, ``o``) ``chmod MODE`` leaves with no permission at all,
    whatever they had: ``000`` and ``a=`` all three, ``u-rwx`` and ``077`` the owner,
    ``go-rwx,o=`` the group and the others; none for ``755``, ``u-w`` or an unreadable
    mode."""
    if _OCTAL.fullmatch(mode):
        digits = mode[-3:].rjust(3, "0")  # an octal mode's last three: owner, group, others
        return frozenset(c for c, digit in zip("ugo", digits, strict=True) if digit == "0")
    none: set[str] = set()
    for clause in mode.split(","):
        found = _CLAUSE.fullmatch(clause)
        if found is None:
            return frozenset()
        who = set(found[1].replace("a", "ugo") or "ugo")
        for operation, permissions in _OPERATION.findall(found[2]):
            named = set(permissions.replace("X", "x"))
            if operation == "-":
                if {"r", "w", "x"} <= named:
                    none |= who
            elif named & _GIVES:  # given something, or another class's (`u=g`: unknown)
                none -= who
            elif operation == "=":
                none |= who
    return frozenset(none)


_SETFACL_VALUES = frozenset({"-m", "--modify", "-s", "--set", "-x", "--remove", "-M", "-X"})
_SETFACL_SETS = frozenset({"-m", "--modify", "-s", "--set"})
_ACL_ENTRY = re.compile(r"(?:d(?:efault)?:)?(u|user|g|group|o|other)::?([-rwxX]*|[0-7])")


def _acl_specs(args: Sequence[str]) -> list[str]:
    """The owner's, group's and others' entries ``setfacl`` sets (``-m u::---,o::r``), each
    as a mode's clause (``u=``, ``o=r``); named users' and groups' entries are not the
    mode's."""
    given = option_values(args, _SETFACL_SETS)
    clauses = []
    for entry in ",".join(given).split(","):
        if found := _ACL_ENTRY.fullmatch(entry.strip()):
            perms = found[2]
            if perms.isdigit():  # u::6, as an octal digit
                perms = "".join(
                    p for p, bit in zip("rwx", (4, 2, 1), strict=True) if int(perms) & bit
                )
            clauses.append(f"{found[1][0]}={perms.replace('-', '')}")
    return clauses


def _locked(
    files: Sequence[str], left: frozenset[str], recursive: bool, cwd: str | None
) -> tuple[list[str], str]:
    """The folders (or globs of every file) a mode leaving the classes ``left`` with no
    permission locks, and how: all of them when the owner is left nothing; else those that
    are not a home folder (``chmod -R go-rwx ~`` makes it private, which is everyday)."""
    targets = [f for f in files if recursive or _everything(f, cwd)]
    if "u" in left:
        return targets, "takes every permission from"
    others = [f for f in targets if not _in_home(resolve(f, cwd))]
    return others, "takes every other user's permission from"


def _in_home(path: Path | None) -> bool:
    """Whether ``path`` is a home folder or everything in one."""
    return vital(path) in ("the home folder", "everything in the home folder")


_RCLONE_ACTS = {
    "sync": "empties (rclone sync)",
    "purge": "deletes (rclone purge)",
    "delete": "deletes every file in (rclone delete)",
    "move": "moves away (rclone move)",
    "moveto": "moves away (rclone moveto)",
}
_RCLONE_VALUES = frozenset(
    {"--config", "--exclude", "--include", "--filter", "--exclude-from", "--include-from"}
    | {"--filter-from", "--files-from", "--transfers", "--checkers", "--bwlimit", "--log-file"}
    | {"--log-level", "--backup-dir", "--suffix", "--max-age", "--min-age", "--max-size"}
    | {"--min-size", "--max-depth", "--retries", "--timeout", "--stats", "--compare-dest"}
)


_WINDOWS_SWITCH = re.compile(r"/[A-Za-z]+(?::\S*)?")
# A right that takes everything away when denied: full control, or modify/write/delete.
_ALL_RIGHTS = re.compile(r"(?i)(?:\([A-Z]+\))*\(?(?:F|M|W|D|GA|GW)\)?")


def _denies_all(args: Sequence[str]) -> bool:
    """Whether ``icacls PATH /deny WHO:RIGHT … /T`` denies full control (or writing) on a
    folder and what it holds (``/T``, or rights every child inherits: ``(OI)(CI)``)."""
    upper = [a.upper() for a in args]
    if "/DENY" not in upper:
        return False
    denied = [b for a, b in pairwise(upper) if a == "/DENY"]
    rights = [d.rpartition(":")[2] for d in denied]
    inherited = any("(OI)" in r and "(CI)" in r for r in rights)
    full = any(_ALL_RIGHTS.fullmatch(r) for r in rights)
    return full and ("/T" in upper or inherited)


def _removes_home(args: Sequence[str]) -> str:
    """The option of ``userdel``/``deluser`` that deletes the account's home folder, or ``""``."""
    for arg in args:
        if arg in ("--remove", "--remove-home", "--remove-all-files"):
            return arg
        if arg.startswith("-") and not arg.startswith("--") and "r" in arg:
            return "-r"
    return ""


# Filters that pass a listing on whole (grep without -v, head and tail narrow it).
_FILTERS = 8  # how far back a pipe is followed: a pipe of 10,000 cats must not cost 10,000²
_PASSES = frozenset({"sed", "sort", "tr", "awk", "cat", "uniq", "xargs", "tee", "perl"})
_DU_VALUES = frozenset({"-d", "--max-depth", "-t", "--threshold", "-B", "--block-size"})


# The command forfiles runs on each file, when it deletes it: `/c "cmd /c del @path"`.
_DELETES_EACH = re.compile(r"(?i)/c\s+(?:cmd\s+/c\s+)?(?:del|erase|rd|rmdir)\b[^@]*@(?:path|file)")
_CMD_DIR_SWITCH = re.compile(r"/[A-Za-z][-:\w]{0,4}")


def listed(feeders: Sequence[Command]) -> list[str]:
    """The paths a pipe (into ``xargs``, a ``while read`` loop, ``Remove-Item``) carries:
    ``echo``/``printf`` operands, the entries of the folders ``ls`` or ``Get-ChildItem``
    lists (everything in them), what an unnarrowed ``find`` or ``fd`` selects, the disks
    ``lsblk`` or ``blkid`` lists."""
    first, _ = unwrap(feeders[0].words) if feeders else ((), False)
    if first and basename(first[0]) in ("lsblk", "blkid"):  # disks, however filtered
        return ["/dev/$(lsblk)"]  # DEV=$(lsblk -dpno NAME | grep -v loop | tail -1)
    for feeder in reversed(feeders[-_FILTERS:]):
        words, _ = unwrap(feeder.words)
        if not words:
            return []
        name, args = basename(words[0]), words[1:]
        if name in ("echo", "printf"):
            return operands(args)
        if name.lower() == "dir" and any(_CMD_DIR_SWITCH.fullmatch(a) for a in args):
            # cmd's dir: its switches are no paths; `dir /s NAME` searches for NAME
            switches = [a.lower() for a in args if _CMD_DIR_SWITCH.fullmatch(a)]
            args = [a for a in args if not _CMD_DIR_SWITCH.fullmatch(a)]
            if "/s" in switches and args:
                return []
        if name.lower() in _WINDOWS_LISTERS:
            if any(a.lower() in _WINDOWS_NARROWS for a in args):
                return []
            named = [b for a, b in pairwise(args) if a.lower() in ("-path", "-literalpath")]
            found = named + operands(args, frozenset(args) & _WINDOWS_VALUES)
            return [f.rstrip("/") + "/*" for f in found or ["."]]
        if name == "find":
            return _found_and_destroyed(args, listing=True)
        if name in ("fd", "fdfind"):
            return _fd_destroys(args, listing=True)
        if name == "du":  # `du -sh ~/*`: each path with its size (and `du ~`, ~ itself last)
            return operands(args, _DU_VALUES) or ["."]
        if name == "ls":  # `ls ~` lists the folder's entries, `ls -d ~/*` the glob's
            found = operands(args) or ["."]
            whole = short_option(args, "d", "--directory")
            return [f if whole or "*" in f else f.rstrip("/") + "/*" for f in found]
        if name not in _PASSES and not (name == "grep" and "-v" in args):
            return []
    return []


def names_listed(feeders: Sequence[Command]) -> str | None:
    """The folder whose entries' bare names a pipe carries: ``ls ~``, ``ls -A ~`` (not
    ``ls -d ~/*``, which prints paths); None for anything else."""
    words, _ = unwrap(feeders[-1].words) if feeders else ((), False)
    if len(feeders) != 1 or not words or basename(words[0]) != "ls":
        return None
    found = operands(words[1:]) or ["."]
    whole = short_option(words[1:], "d", "--directory")
    return found[0] if len(found) == 1 and not whole and "*" not in found[0] else None


# find's options before its start folders: GNU's -H, -L, -P, -D OPTS, -O3; BSD's -E, -X,
# -d, -s, -x and -f PATH.
_FIND_LEADING = re.compile(r"-[HLPEXdsx]+|-O\d|-D|-f")


def _found_and_destroyed(args: Sequence[str], listing: bool = False) -> list[str]:
    """The start folders of a ``find`` that deletes (``-delete``, ``-exec rm``; with
    ``listing``, that merely lists) everything in them: no name test narrows it."""
    start: list[str] = []
    i = 0
    while i < len(args) and _FIND_LEADING.fullmatch(args[i]):  # find -x ~, find -L -E .
        if args[i] in ("-f", "-D") and i + 1 < len(args):  # BSD's -f PATH: a start folder
            start += args[i + 1 : i + 2] if args[i] == "-f" else []
            i += 1
        i += 1
    while i < len(args) and not args[i].startswith(("-", "(", "!")):
        start.append(args[i])
        i += 1
    deletes = listing
    negated = False
    narrowed = False
    while i < len(args):
        arg = args[i]
        if arg == "-delete":
            deletes = True
        elif arg in FIND_RUNS:
            end = i + 1
            while end < len(args) and args[end] not in RUN_ENDS["find"]:
                end += 1
            deletes = deletes or overwrites_operand(args[i + 1 : end])
            i = end
        elif arg == "-empty":
            narrowed = True
        elif arg in _FIND_NAMES and i + 1 < len(args):
            narrowed = narrowed or not (negated or _MATCHES_ALL.fullmatch(args[i + 1]))
            i += 1
        negated = arg in ("!", "-not")
        i += 1
    return [s + "/*" for s in start or ["."]] if deletes and not narrowed else []


_FD_VALUES = frozenset(
    {"-e", "--extension", "-t", "--type", "-E", "--exclude", "-d", "--max-depth", "-S"}
    | {"--min-depth", "--exact-depth", "--size", "--changed-within", "--changed-before"}
    | {"--change-newer-than", "--change-older-than", "-o", "--owner", "-j", "--threads"}
    | {"--base-directory", "--search-path", "--path-separator", "-c", "--color"}
    | {"--max-results", "--format", "--and", "--ignore-file", "--batch-size"}
)
_FD_NARROWS = frozenset({"-e", "--extension", "--and"})
# fd's pattern is a regular expression (a glob with -g) that matches every name.
_FD_EVERY_NAME = frozenset({"", ".", "^", ".*", "^.*", "^.*$", ".+", "*", "**"})


def _fd_destroys(args: Sequence[str], listing: bool = False) -> list[str]:
    """The folders whose every entry ``fd`` deletes (``-x rm``, ``-X rm -rf``; with
    ``listing``, merely lists): its search paths, when no pattern or extension narrows it."""
    positional: list[str] = []
    searched: list[str] = []  # --search-path's
    deletes = listing
    narrowed = False
    i = 0
    while i < len(args):
        arg = args[i]
        flag = arg.partition("=")[0] if arg.startswith("--") else arg
        if flag in FD_RUNS:
            end = i + 1
            while end < len(args) and args[end] not in RUN_ENDS["fd"]:
                end += 1
            deletes = deletes or overwrites_operand(args[i + 1 : end])
            i = end
        elif flag in ("--search-path", "--base-directory"):
            value = arg.partition("=")[2] if "=" in arg else args[i + 1 : i + 2]
            searched.extend([value] if isinstance(value, str) else value)
            i += 0 if "=" in arg else 1
        elif flag in _FD_VALUES:
            narrowed = narrowed or flag in _FD_NARROWS
            i += 0 if "=" in arg else 1
        elif arg == "--":
            positional.extend(args[i + 1 :])
            break
        elif not arg.startswith("-") or arg == "-":
            positional.append(arg)
        i += 1
    if not deletes or narrowed:
        return []
    pattern, paths = (positional[0], positional[1:]) if positional else ("", [])
    if pattern not in _FD_EVERY_NAME:
        return []
    return [p.rstrip("/") + "/*" for p in paths + searched or ["."]]


def _cleaned(args: Sequence[str], cwd: str | None) -> list[str]:
    """The folder ``git clean -d`` or ``-x`` empties: its pathspecs, else the repository's
    folder (``--work-tree``, ``-C``, else the working directory)."""
    folder = "."
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") and i + 1 < len(args):
            if args[i] in ("-C", "--work-tree"):  # (a dotfiles repository's: --work-tree=$HOME)
                folder = args[i + 1]
            i += 1
        elif args[i].startswith("--work-tree="):
            folder = args[i].partition("=")[2]
        i += 1
    rest = args[i:]
    if rest[:1] != ["clean"] or not short_option(rest[1:], "dxX"):
        return []
    paths = operands(rest[1:], frozenset({"-e", "--exclude"}))
    if folder != ".":
        paths = [folder.rstrip("/") + "/" + p for p in paths] or [folder]
    return [p.rstrip("/") + "/*" for p in paths or ["."]]
