"""Writes where they must not go: credential files (``credential_write``) and disks
(``disk_wipe``), by redirects and by the programs that write files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise

from sluice.policies._archives import UNPACKERS, unpacked
from sluice.policies._prefixes import CMD_SWITCH
from sluice.policies._runners import files_written
from sluice.policies._shell import Command, Prefiltered, basename, short_option, with_next
from sluice.policies._targets import DISK_DEVICE, is_secret, resolve, ssh_settings, vital
from sluice.policies._wrappers import (
    FETCHERS,
    cmdlet_argument,
    here_string,
    operands,
    option_values,
    saved_by,
)

__all__ = ["powershell_writes", "runs_commands", "wipes_disk", "writes_secret"]

_ACCOUNT_TOOLS = frozenset(
    {"chpasswd", "chgpasswd", "passwd", "usermod", "useradd", "adduser", "gpasswd"}
    | {"dscl", "dseditgroup"}  # macOS's
)
# Groups whose members may act as root (sudo's, and the root group itself).
_ADMIN_GROUPS = frozenset({"sudo", "wheel", "admin", "root"})
_GROUP_OPTIONS = frozenset({"-G", "--groups", "-g", "--gid", "--ingroup"})
_DSEDIT_VALUES = frozenset({"-o", "-a", "-d", "-t", "-n", "-u", "-P", "-r", "-i", "-T"})
_DSCL_RECORDS = frozenset({"-append", "-create"})  # dscl . -append /Groups/admin …
_ACCOUNT_VALUES = frozenset({"-c", "--comment", "-d", "--home", "--home-dir", "-s", "--shell"})

_DRIVE = re.compile(r"[A-Za-z]:[\\/]?")
_DISK_TOOLS = frozenset(
    {"shred", "wipefs", "blkdiscard", "sgdisk", "sfdisk", "parted", "fdisk", "badblocks"}
    | {"gdisk", "scrub", "fallocate"}
)
# Those that read their commands from their input, and write the disk only when told (`w`).
_SCRIPTED = frozenset({"fdisk", "gdisk"})
# Those that erase only given one of these options (wipefs alone lists the signatures it
# would erase, badblocks alone only reads), and then not in their dry run (`-n`).
_ERASES_WITH = {
    "wipefs": ("ao", "--all", "--offset"),
    "badblocks": ("w",),
    # fallocate's holes punched, ranges collapsed or zeroed: the data there gone
    "fallocate": ("pdcz", "--punch-hole", "--dig-holes", "--collapse-range", "--zero-range"),
}
# Their options (and parted's command) that only show a disk: its table, sizes, layout.
_LISTS = {
    "fdisk": frozenset({"-l", "--list"}),
    "sfdisk": frozenset({"-l", "--list", "-d", "--dump", "-J", "--json", "-s", "--show-size"})
    | {"-V", "--verify", "-g", "--show-geometry"},
    "parted": frozenset({"-l", "--list", "print"}),
}
_PARTED_WRITES = frozenset({"mklabel", "mkpart", "rm", "resizepart", "mktable", "mkpartfs"})
# sgdisk acts on each of its options in turn: it only shows the disk when each of them
# shows it (`-p`, `-v`, `-i 1`), or when it pretends (`-P`: nothing is saved).
_SGDISK_SHOWS = frozenset(
    {"-p", "--print", "-v", "--verify", "-i", "--info", "-O", "--print-mbr", "-L"}
    | {"--list-types", "-D", "--display-alignment", "-E", "--end-of-largest", "-F"}
    | {"--first-in-largest", "-f", "--first-aligned-in-largest", "-P", "--pretend"}
)
# Tools that put a new volume, pool or array on a device, erasing what it held, by the
# subcommand or option that does (`cryptsetup luksFormat /dev/sdb`, `zpool create -f p
# /dev/sdc`, `mdadm --create … /dev/sdd`).
_REFORMATS = {
    "cryptsetup": frozenset({"luksFormat", "erase", "luksErase"}),
    "zpool": frozenset({"create", "labelclear"}),
    "mdadm": frozenset({"--create", "-C", "--zero-superblock"}),
    "pvcreate": frozenset(),
}
# Programs that make a filesystem (or swap) on a device, besides mkfs and its mkfs.TYPE.
_FORMATTERS = frozenset({"mke2fs", "mkswap", "mkdosfs", "mkntfs", "mkexfatfs"})
_SED_IN_PLACE = re.compile(r"-[a-zA-Z]*i.*|--in-place.*")
# (cmd's copy and move are read as PowerShell's aliases of the same names, below.)
_COPIES = frozenset({"cp", "mv", "install", "ln", "rsync", "scp", "xcopy"})
# Copies out of a container or a pod: `docker cp web:/etc/app.yaml ~/.kube/config`.
_CONTAINER_COPIES = frozenset({"docker", "podman", "nerdctl", "kubectl", "oc"})
# crudini's options that rewrite the file it is given.
_CRUDINI_WRITES = frozenset({"--set", "--del", "--merge"})
_IN_PLACE = frozenset({"sed", "gsed", "perl", "ruby", "yq", "sd"})  # their -i rewrites files
_EDITORS = frozenset({"ed", "ex", "vim", "vi", "nvim"})
_PATCH_VALUES = frozenset({"-i", "--input", "-o", "--output", "-p", "-d", "-r", "-D", "-B"})


# Settings of ~/.ssh/config that run a command or load code on the next ssh: a host block
# without them (HostName, User, Port, IdentityFile, ProxyJump) changes no one's access.
_RUNS_COMMANDS = re.compile(
    r"(?i)\b(?:ProxyCommand|LocalCommand|PermitLocalCommand|KnownHostsCommand|PKCS11Provider"
    r"|SecurityKeyProvider)\b|\bMatch\b.*\bexec\b"
)


_SED_SUBSTITUTION = re.compile(r"\s*s(.)[^\n]*\1[^\n]*\1[gIi0-9]*\s*")
_SED_SCRIPTS = frozenset({"-e", "--expression"})


def _kept_beside(sources: Sequence[str], destination: str) -> bool:
    """Whether ``sources``, each a credential file, are copied or moved beside themselves
    (``cp ~/.ssh/id_rsa ~/.ssh/id_rsa.bak``): no credential comes in from elsewhere."""
    folder = destination.rpartition("/")[0]
    return bool(sources) and all(
        is_secret(source) and source.rpartition("/")[0] == folder for source in sources
    )


def _plain_substitutions(args: Sequence[str]) -> bool:
    """Whether ``sed``'s scripts are substitutions only, that write no setting running a
    command or loading code (``ProxyCommand``, ``LocalCommand``, ...)."""
    scripts = option_values(args, _SED_SCRIPTS)
    if not scripts:
        scripts = [a for a in args if not a.startswith("-")][:1]
    return bool(scripts) and all(
        _SED_SUBSTITUTION.fullmatch(s) and not runs_commands(s) for s in scripts
    )


def runs_commands(text: str) -> bool:
    """Whether ssh settings ``text`` run a command or load code (``ProxyCommand``, ...)."""
    return _RUNS_COMMANDS.search(text) is not None


_UNIQ_VALUES = frozenset({"-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars"})


def _sort_outputs(args: Sequence[str]) -> list[str]:
    """The files ``sort`` writes its output to: ``-o F``, ``-oF`` (in a cluster too: ``-uo
    F``), ``--output=F``, ``--output F`` (abbreviated as GNU takes it: ``--out F``)."""
    found = []
    for option, value in with_next(args):
        if option.startswith("--"):
            name, equals, given = option.partition("=")
            if len(name) > 4 and "--output".startswith(name):
                found.append(given if equals else value)
        elif option.startswith("-") and len(option) > 1:
            for at, letter in enumerate(option[1:], 2):
                if letter == "o":
                    found.append(option[at:] or value)
                if letter in "oktST":  # the rest is its value (`-t,`, `-k2,2`)
                    break
    return [f for f in found if f]


def _changes_logins(name: str, args: Sequence[str], fed: bool = False) -> bool:
    """Whether the account tool ``name`` given ``args`` changes who may log in or act as
    root: it sets passwords (``chpasswd``, ``usermod -p``, ``passwd --stdin``), empties one
    (``passwd -d root``), makes a second root (``useradd -o -u 0``), or adds a user to an
    administrators' group (``usermod -aG sudo``, ``gpasswd -a u wheel``, ``adduser u
    sudo``; macOS's ``dscl . -append /Groups/admin GroupMembership u``, ``dseditgroup -o
    edit -a u -t user admin``). Making a plain user (``useradd -m app``) or joining another
    group (``usermod -aG docker $USER``) does none of these. ``fed``: a pipe feeds it
    (``echo "p\np" | passwd alice`` sets the password it is given)."""
    if name in ("chpasswd", "chgpasswd"):
        return "--help" not in args
    if name == "passwd":
        return fed or any(a in ("-d", "--delete", "--stdin") for a in args)
    if name == "dscl":  # dscl . -append /Groups/admin GroupMembership u, -passwd /Users/u p
        records = [r.rpartition("/")[2] for r in option_values(args, _DSCL_RECORDS)]
        return "-passwd" in args or (
            "GroupMembership" in args and not _ADMIN_GROUPS.isdisjoint(records)
        )
    if name == "dseditgroup":  # dseditgroup -o edit -a u -t user admin
        return "-a" in args and not _ADMIN_GROUPS.isdisjoint(operands(args, _DSEDIT_VALUES)[-1:])
    if any(a in ("-p", "--password") or a.startswith("--password=") for a in args):
        return name in ("usermod", "useradd")
    uid = [b for a, b in pairwise(args) if a in ("-u", "--uid")]
    uid += [a.partition("=")[2] for a in args if a.startswith("--uid=")]
    if "0" in uid and any(a in ("-o", "--non-unique") for a in args):
        return True
    groups: list[str] = []
    for option, value in pairwise(args):
        if option in _GROUP_OPTIONS or (option[:1] == "-" != option[1:2] and option[-1] == "G"):
            groups += value.split(",")  # -G sudo, -aG wheel,docker
    groups += [g for a in args if a.startswith("--groups=") for g in a[9:].split(",")]
    if name == "gpasswd":  # gpasswd -a USER GROUP, -M u1,u2 GROUP
        found = operands(args, frozenset({"-a", "--add", "-d", "--delete", "-M", "--members"}))
        adds = any(a in ("-a", "--add", "-M", "--members") for a in args)
        groups += found[-1:] if adds else []
    if name == "adduser" and len(given := operands(args, _ACCOUNT_VALUES)) == 2:
        groups.append(given[1])  # Debian's adduser USER GROUP
    return not _ADMIN_GROUPS.isdisjoint(groups)


_WINDOWS_ACCOUNT_TOOLS = frozenset({"net", "net.exe", "set-localuser", "add-localgroupmember"})


def _changes_windows_logins(name: str, args: Sequence[str]) -> bool:
    """Whether Windows' account tools change who may log in or act as an administrator: a
    password set (``net user NAME PASSWORD``, ``Set-LocalUser -Password``), an account
    enabled (``net user Administrator /active:yes``), a member added to the administrators
    (``net localgroup administrators NAME /add``, ``Add-LocalGroupMember -Group
    Administrators``). A user made with ``net user NAME PASSWORD /add`` is a plain user."""
    lowered = [a.lower() for a in args]
    if name == "net" and lowered[:1] == ["user"]:
        given = [a for a in lowered[1:] if not a.startswith("/")]
        return "/active:yes" in lowered or (len(given) >= 2 and "/add" not in lowered)
    if name == "net" and lowered[:1] == ["localgroup"]:
        return lowered[1:2] == ["administrators"] and "/add" in lowered
    if name == "set-localuser":
        return "-password" in lowered
    if name == "add-localgroupmember":
        group = [b for a, b in pairwise(lowered) if a in ("-group", "-name", "-sid")]
        return any(g.strip("'\"") in ("administrators", "s-1-5-32-544") for g in group)
    return False


_SSH_COPY_VALUES = frozenset({"-i", "-p", "-o", "-t", "-F", "-J"})
# This machine, as a host: its loopback names and addresses, its own name.
_LOCAL_HOST = re.compile(
    r"localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]|\$\(hostname\)|\$\{?HOSTNAME\}?", re.I
)


def writes_secret(command: Command, words: Sequence[str], piped: str | None = None) -> bool:
    """Whether ``command`` writes a credential file. ``piped``: the text piped into it, when
    known; a known text without commands may go to ~/.ssh/config."""
    name, args = (basename(words[0]), list(words[1:])) if words else ("", [])
    if name in ("echo", "printf"):
        text: str | None = " ".join(operands(args))
    elif name in ("cat", "tee") and command.heredoc:
        text = command.heredoc
    else:
        text = piped if name == "tee" else None
    written = [*command.redirects, *(args if name == "tee" else ())]
    if text is not None and "$" not in text and "`" not in text and not runs_commands(text):
        written = [target for target in written if not ssh_settings(target)]
    if any(is_secret(target) for target in written):
        return True
    if not words or name == "tee":
        return False
    if name == "sponge":  # … | sponge F: what it soaked up, written to F
        return any(map(is_secret, operands(args)))
    if name == "crudini" and not _CRUDINI_WRITES.isdisjoint(args):  # crudini --set F S K V
        return any(map(is_secret, operands(args)[:1]))
    if name in ("awk", "gawk") and ("inplace" in args or "--include=inplace" in args):
        return any(map(is_secret, operands(args, frozenset({"-i", "-f", "-v"}))[1:]))
    if any(map(is_secret, files_written(words))):  # awk's print > "F", sed's w F, vim's :w F
        return True
    if name == "ssh-keygen":
        return _key_replaced(args, piped)
    if name == "ssh-copy-id":  # to this machine: a key added to the user's authorized_keys
        hosts = operands(args, _SSH_COPY_VALUES)
        return bool(hosts) and _LOCAL_HOST.fullmatch(hosts[-1].rpartition("@")[2]) is not None
    if name == "sort":  # sort -o ~/.ssh/authorized_keys keys: its output is that file
        return any(map(is_secret, _sort_outputs(args)))
    if name == "uniq":  # uniq IN OUT writes OUT
        return any(map(is_secret, operands(args, _UNIQ_VALUES)[1:2]))
    if name in ("truncate", "shred"):  # truncate -s 0 ~/.netrc: its content replaced
        takes = frozenset({"-s", "--size", "-r", "--reference", "-n", "--iterations"})
        return any(map(is_secret, operands(args, takes)))
    # Expand-Archive k.zip -DestinationPath $HOME/.ssh: unpacked into a credential folder.
    if "-" in name and name.lower() == "expand-archive":
        folder = cmdlet_argument(args, ("-destinationpath",), 1)
        return bool(folder) and (is_secret(folder) or _folder(folder.rstrip("/") + "/", ""))
    if name.lower() in _POWERSHELL_COPIES:  # Copy-Item F $HOME/.kube/config, cmd's copy /Y
        args = [a for a in args if not CMD_SWITCH.fullmatch(a)]
        return any(map(is_secret, _powershell_destination(args)))
    if name in FETCHERS:  # curl -o ~/.kube/config URL: the download is the file now
        return any(map(is_secret, saved_by(name, args)))
    if name in ("visudo", "sudoedit", "vipw"):
        return _edited_by_a_program(command, name, args)
    if name in _ACCOUNT_TOOLS:  # chpasswd, passwd -d root, usermod -aG sudo, useradd -o -u 0
        return _changes_logins(name, args, piped is not None)
    if name.lower() in _WINDOWS_ACCOUNT_TOOLS:  # net user Administrator P@ss, Set-LocalUser
        return _changes_windows_logins(name.lower().removesuffix(".exe"), args)
    if name in _IN_PLACE:  # sed -i, perl -pi -e …, yq -i, ruby -i: each file rewritten
        secrets = [a for a in args if is_secret(a)]
        if not secrets or not any(map(_SED_IN_PLACE.fullmatch, args)):
            return False
        if name in ("sed", "gsed") and all(map(ssh_settings, secrets)):
            # sed -i 's/HostName 10.0.0.5/HostName 10.0.0.6/' ~/.ssh/config: a setting changed
            return not _plain_substitutions(args)
        return True
    if name in _EDITORS:  # ed, ex, vim -es given commands: they write the file they edit
        scripted = name in ("ed", "ex") or any(a.startswith(("-e", "-s", "-c", "+")) for a in args)
        return scripted and any(map(is_secret, operands(args, frozenset({"-c", "--cmd"}))))
    if name == "patch":  # patch FILE < diff
        return any(map(is_secret, operands(args, _PATCH_VALUES)[:1]))
    if name in UNPACKERS:  # tar x -C ~ .ssh/authorized_keys, unzip -o x.zip -d ~/.aws
        written = unpacked(name, args)
        into = [w for w in written if w.endswith("/") and _folder(w, "")]  # a credential folder
        return any(map(is_secret, written)) or bool(into)
    if name == "dd":
        return any(arg.startswith("of=") and is_secret(arg[3:]) for arg in args)
    if name in _CONTAINER_COPIES and operands(args)[:1] == ["cp"]:
        name, args = "cp", operands(args)[1:]
    if (copied := _cloud_copy(name, args)) is not None:  # aws s3 cp s3://b/k ~/.aws/credentials
        name, args = "cp", copied
    if name == "install" and short_option(args, "d", "--directory"):
        return False  # install -d -m 700 ~deploy/.ssh makes folders and writes no file
    if name in _COPIES:
        if "<<<" in args:  # install -m 440 /dev/stdin /etc/sudoers.d/x <<< '…': its input
            args = args[: args.index("<<<")]
        args = [a for a in args if not CMD_SWITCH.fullmatch(a)]  # xcopy /Y
        # The destination is the last operand, or the directory of -t; copying *from* a
        # credential file is a read. Into a folder (`~/.aws/`, `-t ~/.ssh`), each source
        # keeps its name there: `cp credentials ~/.aws/` writes ~/.aws/credentials.
        found = [arg for arg in args if not arg.startswith("-")]
        directory = [b for a, b in pairwise(args) if a in ("-t", "--target-directory")]
        directory += [a.partition("=")[2] for a in args if a.startswith("--target-directory=")]
        sources = found if directory else found[:-1]
        into = [
            f"{folder.rstrip('/')}/{basename(source.rstrip('/'))}"
            for folder in directory + found[-1:]
            for source in sources
            if _folder(folder, source)
        ]
        if name in ("cp", "mv") and not directory and _kept_beside(sources, found[-1]):
            return False  # mv ~/.ssh/id_rsa ~/.ssh/id_rsa.old: the user's own key, set aside
        return any(map(is_secret, found[-1:] + directory + into))
    return False


# A cloud CLI's copy, its words before the source and the destination (a download onto a
# credential file writes it, as cp does), and its options that take a value.
_CLOUD_COPIES = {
    "aws": (("s3", "cp"), ("s3", "mv"), ("s3", "sync")),
    "gsutil": (("cp",), ("mv",), ("rsync",)),
    "gcloud": (("storage", "cp"), ("storage", "mv"), ("storage", "rsync")),
    "rclone": (("copy",), ("copyto",), ("move",), ("moveto",), ("sync",)),
}
_CLOUD_VALUES = frozenset(
    {"--profile", "--region", "--endpoint-url", "--sse", "--acl", "--storage-class", "-p"}
    | {"--content-type", "--cache-control", "--expires", "--project", "--config", "-h"}
)


def _cloud_copy(name: str, args: Sequence[str]) -> list[str] | None:
    """The source and the destination of a cloud CLI's copy (``aws s3 cp``, ``gsutil cp``,
    ``gcloud storage cp``, ``rclone copyto``), or None for any other command."""
    if name not in _CLOUD_COPIES:
        return None
    given = operands(args, _CLOUD_VALUES)
    for verb in _CLOUD_COPIES[name]:
        if tuple(given[: len(verb)]) == verb:
            return given[len(verb) : len(verb) + 2]
    return None


def _key_replaced(args: Sequence[str], piped: str | None) -> bool:
    """Whether ``ssh-keygen`` generates a key into a private key's file with its question
    answered: over an existing key it asks before overwriting, and a ``y`` fed in (``<<<
    y``, ``yes |``, ``echo y |``) says yes, so the key there is lost."""
    if any(a[:1] == "-" and a[1:2] in _KEYGEN_MODES for a in args):
        return False  # -y prints the public key, -l a fingerprint, -p re-encrypts in place
    answer = (here_string(args) or piped or "").strip().lower()
    files = [b for a, b in pairwise(args) if a == "-f"]
    files += [a[2:] for a in args if a.startswith("-f") and len(a) > 2]
    return answer.startswith("y") and any(map(is_secret, files))


def _edited_by_a_program(command: Command, name: str, args: Sequence[str]) -> bool:
    """Whether ``visudo``, ``sudoedit`` or ``vipw`` has its editor set to a program for
    this command (``EDITOR='tee -a' visudo``, ``sudo -E`` keeping an exported one): an
    agent has no terminal for an editor, so the program it names writes the file, which
    is ``/etc/sudoers`` (``/etc/passwd``) or the one named."""
    if name == "visudo" and short_option(args, "c", "--check"):
        return False  # checks the syntax, changes nothing
    args = [a for a, before in zip(args, ["", *args], strict=False) if "<<<" not in (a, before)]
    editor = any(_EDITOR.match(word) for word in command.words)
    kept = any(
        a in ("-E", "--preserve-env") or a.startswith("--preserve-env=") for a in command.words
    )
    files = [b for a, b in pairwise(args) if a in ("-f", "--file")] or operands(args)
    files = files or ["/etc/passwd" if name == "vipw" else "/etc/sudoers"]
    return (editor or kept) and any(map(is_secret, files))


_EDITOR = re.compile(r"(?:SUDO_)?(?:EDITOR|VISUAL)=")


def _powershell_destination(args: Sequence[str]) -> list[str]:
    """Where ``Copy-Item``/``Move-Item`` puts what it is given: ``-Destination``'s value,
    else its second operand (the first is ``-Path``'s)."""
    given = [b for a, b in pairwise(args) if a.lower() in ("-destination", "-dest")]
    if given:
        return given
    named = {b for a, b in pairwise(args) if a.lower() in ("-path", "-literalpath")}
    found = [a for a in operands(args, _POWERSHELL_COPY_VALUES) if a not in named]
    return found[1:2] if not named else found[:1]


# PowerShell's copy and move cmdlets and their aliases, and their options with a value.
_POWERSHELL_COPIES = frozenset({"copy-item", "move-item", "cpi", "copy", "mi", "move"})
_POWERSHELL_COPY_VALUES = frozenset(
    {"-Path", "-LiteralPath", "-Destination", "-Filter", "-Include", "-Exclude", "-Credential"}
)


# ssh-keygen's options that do something else than generate a key (read, convert, sign, ...).
_KEYGEN_MODES = frozenset("ylpceiFRHYBDKkQrAsL")


# PowerShell's file writers: a cmdlet and the rest of its statement, or .NET's File class
# given the path first (`[IO.File]::AppendAllText("$env:USERPROFILE/.ssh/authorized_keys", …)`).
_POWERSHELL_WRITER = Prefiltered(
    re.compile(
        r"(?i)(?:^|[\s;|({'\"])(?:Add-Content|Set-Content|Out-File|Tee-Object|ac|sc)(?=\s)"
        r"([^;|\n)}]*)|\[(?:System\.)?IO\.File\]::(?:Append|Write)All\w+\(\s*\\?['\"]?([^'\",)]+)"
    ),
    ("-content", "out-file", "tee-object", "ac", "sc", "]::"),
)
_POWERSHELL_PATH = frozenset({"-path", "-filepath", "-literalpath", "-pspath", "-lp"})
# Their switches: a word after one is not a value.
_POWERSHELL_SWITCHES = frozenset(
    {"-append", "-force", "-nonewline", "-noclobber", "-passthru", "-whatif", "-confirm"}
)


def powershell_writes(line: str) -> str | None:
    """The credential file a PowerShell writer writes (``Add-Content -Path
    $env:USERPROFILE/.ssh/authorized_keys -Value …``, ``… | Out-File -Append
    ~/.ssh/authorized_keys``, ``[IO.File]::WriteAllText(F, …)``), if any: a ``-Path``'s
    value, or else the first operand (the path, by position)."""
    for found in _POWERSHELL_WRITER.finditer(line):
        if found.group(2) is not None:
            path = found.group(2).strip()
        else:
            path = _powershell_path(found.group(1).split())
        path = path.strip("'\"\\")
        if path and ssh_settings(path) and not runs_commands(line):
            continue  # a plain Host block in ~/.ssh/config
        if path and is_secret(path):
            return path
    return None


def _powershell_path(words: Sequence[str]) -> str:
    """The path a PowerShell writer is given: its ``-Path`` (``-Path F``, ``-Path:F``), else
    its first operand (a word that is neither an option nor an option's value, as
    ``-Encoding``'s ``ascii`` is)."""
    value_of = ""  # the option the next word is the value of
    for word in words:
        if value_of:
            if value_of in _POWERSHELL_PATH:
                return word
            value_of = ""
            continue
        option, colon, value = word.partition(":")
        if option.lower() in _POWERSHELL_PATH and colon and value:  # -Path:F
            return value
        if not word.startswith("-"):
            return word
        if not colon and option.lower() not in _POWERSHELL_SWITCHES:
            value_of = option.lower()
    return ""


# The folders credentials are kept in, as a destination's last component.
_CREDENTIAL_FOLDERS = frozenset({".ssh", ".aws", ".kube", ".docker", ".gnupg"})
# Folders named for their tool, which hold its credentials in the user's settings
# (`~/.config/gh/`); elsewhere they are any folder (`./tools/gh`, the tool unpacked).
_SETTINGS_FOLDERS = frozenset({"gcloud", "gh"})


_HOME_CREDENTIALS = frozenset({".netrc", ".git-credentials", ".pgpass"})


def _folder(destination: str, source: str) -> bool:
    """Whether a copy's destination is a folder credentials are kept in (``~/.aws``,
    ``host:.ssh/``, ``~/.config/gh/``), or the home folder and the source a ``.netrc``."""
    parts = destination.replace(":", "/").split("/")
    held = [
        part in _CREDENTIAL_FOLDERS or (part in _SETTINGS_FOLDERS and before == ".config")
        for before, part in pairwise(["", *parts])
    ]
    named = held[-1] or destination.endswith("/")  # not a file's name
    if named and any(held):
        return True
    home = resolve(destination, None)
    at_home = home is not None and not home.contents and vital(home) == "the home folder"
    return at_home and basename(source.rstrip("/")) in _HOME_CREDENTIALS


# Programs that copy onto their last operand, with their options that take a value.
_DISK_WRITERS: dict[str, frozenset[str]] = {
    "cp": frozenset({"-S", "--suffix"}),
    "install": frozenset({"-m", "--mode", "-o", "--owner", "-g", "--group", "-S"}),
    "mv": frozenset({"-S", "--suffix"}),
    "rsync": frozenset({"-e", "--rsh", "--exclude", "--include", "-f"}),
    "scp": frozenset({"-P", "-i", "-o", "-F", "-c", "-l", "-J", "-S"}),
    "ddrescue": frozenset({"-b", "-c", "-s", "-i", "-o"}),
    "bmaptool": frozenset({"--bmap"}),
    "pv": frozenset(),
}


# A drive's own erase, by the subcommand or option that asks for it (`nvme format /dev/nvme0n1`,
# `hdparm --security-erase p /dev/sda`, `sg_format --format /dev/sg1`).
_DRIVE_ERASES = {
    "nvme": frozenset({"format", "sanitize", "write-zeroes"}),
    "hdparm": frozenset({"--security-erase", "--security-erase-enhanced", "--trim-sector-ranges"}),
    "sg_format": frozenset({"--format", "-F"}),
}
# diskutil's verbs that erase what a disk or volume holds (also under `diskutil apfs`).
_DISKUTIL_ERASES = (
    "erase",
    "zerodisk",
    "randomdisk",
    "secureerase",
    "partitiondisk",
    "reformat",
    "deletecontainer",
    "deletevolume",
)
# fio's workloads that write (the default, and `read`/`randread`, only read).
_FIO_WRITES = frozenset(
    {"write", "randwrite", "rw", "readwrite", "randrw", "trim", "randtrim", "trimwrite"}
)


def _erasing_verb(table: Mapping[str, frozenset[str]], name: str, args: Sequence[str]) -> str:
    """The subcommand or option by which ``name`` erases the device it is given, as ``table``
    lists them (``name`` itself when any use erases), or ``""``."""
    verbs = table.get(name)
    if verbs is None:
        return ""
    return next((a for a in args if a.partition("=")[0] in verbs), "") if verbs else name


def _fio_writes(args: Sequence[str]) -> bool:
    """Whether fio's job writes onto a disk device (``--filename=/dev/nvme1n1 --rw=write``;
    several files are joined by ``:``)."""
    given = dict(pairwise(args)) | dict(a.partition("=")[::2] for a in args if "=" in a)
    files = given.get("--filename", "").split(":")
    workload = given.get("--rw", given.get("--readwrite", "read"))
    return workload in _FIO_WRITES and any(map(DISK_DEVICE.match, files))


def fio_job_writes(text: str) -> bool:
    """Whether a fio job file (``[global]`` then a section a job) has a job writing onto a
    disk device: its ``filename=`` and ``rw=``, or the global section's."""
    shared: list[str] = []  # [global]'s options, and those before any section
    jobs: list[list[str]] = []
    current = shared
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = shared if line == "[global]" else []
            if current is not shared:
                jobs.append(current)
        elif "=" in line and not line.startswith((";", "#")):
            current.append("--" + line.replace(" ", ""))
    return any(_fio_writes([*shared, *job]) for job in jobs or [[]])


def _destinations(args: Sequence[str], takes_value: frozenset[str]) -> list[str]:
    """Where a copy writes: its last operand, the folder of ``-t``; pv's ``-o``/``--output``."""
    found = [b for a, b in pairwise(args) if a in ("-t", "--target-directory", "-o", "--output")]
    found += [
        a.partition("=")[2] for a in args if a.startswith(("--output=", "--target-directory="))
    ]
    return found + operands(args, takes_value)[-1:]


# A diskpart script's command that erases the selected disk or volume.
_DISKPART_ERASES = re.compile(r"(?im)^[ \t]*(?:clean|format)\b")
_LINE_BREAK = re.compile(r"`[nr]|\\[nr]")  # PowerShell's `n, printf's \n


def diskpart_erases(
    words: Sequence[str],
    heredoc: str,
    written: Mapping[str, str],
    piped: str,
    printed: Sequence[str],
) -> bool:
    """Whether the script diskpart (``words``) runs cleans or formats a disk: the file of its
    ``/s`` the line wrote (``written``), else a here-document, what is piped in, or what the
    line printed (``(echo select disk 1 & echo clean) > dp.txt``)."""
    given = [b for a, b in pairwise(words[1:]) if a.lower() == "/s"]
    script = "\n".join(written.get(f, "") for f in given) or heredoc or piped
    script = script or "\n".join(printed)
    return _DISKPART_ERASES.search(_LINE_BREAK.sub("\n", script)) is not None


# A device a lister prints, substituted: `of=$(findmnt -no SOURCE /mnt/data)`, `$(lsblk …)`.
_LISTED_DEVICE = re.compile(r"[\"']?\$\((?:sudo\s+)?(?:lsblk|findmnt|blkid)\b")


def _device(word: str) -> bool:
    """Whether ``word`` names a disk: a device's path, or what a device lister prints."""
    return DISK_DEVICE.match(word) is not None or _LISTED_DEVICE.match(word) is not None


_CIM_METHOD = frozenset({"-methodname"})  # Invoke-CimMethod's (PowerShell's words, lower case)
_FORMAT_METHODS = frozenset({"wmic", "wmic.exe", "invoke-cimmethod"})


def _calls_format(name: str, args: Sequence[str]) -> bool:
    """Whether WMI's ``Format`` method is called on a volume: ``wmic volume where … call
    Format``, ``Get-CimInstance Win32_Volume … | Invoke-CimMethod -MethodName Format``."""
    lowered = [a.lower() for a in args]
    if name == "invoke-cimmethod":
        return "format" in option_values(lowered, _CIM_METHOD)
    return "call" in lowered and lowered[lowered.index("call") + 1 :][:1] == ["format"]


def wipes_disk(command: Command, words: Sequence[str], stdin: str | None = None) -> str | None:
    """Why ``command`` (its program's ``words``, unwrapped) destroys a disk's data, or None.
    ``stdin``: the text a pipe gives it, when known (fdisk's script)."""
    if any(DISK_DEVICE.match(target) for target in command.redirects):
        return "Overwrites a disk, destroying its data"
    if not words:
        return None
    name, args = basename(words[0]), words[1:]
    formats = name.startswith(("mkfs", "newfs")) or name in _FORMATTERS
    if formats and any(a.startswith("/dev/") for a in args):
        return "Formats a disk, destroying its data"  # a filesystem in an image file harms nobody
    if name in ("dd", "dcfldd") and any(a.startswith("of=") and _device(a[3:]) for a in args):
        return "Overwrites a disk, destroying its data"
    on_disk = any(map(_device, args))
    if name == "tee" and on_disk:
        return "Overwrites a disk, destroying its data"  # … | sudo tee /dev/sdb
    if name in _DISK_WRITERS and any(
        map(DISK_DEVICE.match, _destinations(args, _DISK_WRITERS[name]))
    ):
        return f"{name} onto a disk overwrites it, destroying its data"
    # fdisk -l, sfdisk -d, parted print read only (not parted's print after a mklabel).
    listing = any(a in _LISTS.get(name, ()) for a in args) and not _PARTED_WRITES & set(args)
    if name == "sgdisk":
        given = {a.partition("=")[0] for a in args if a.startswith("-")}
        listing = given <= _SGDISK_SHOWS or not {"-P", "--pretend"}.isdisjoint(given)
    script = stdin if stdin is not None else command.heredoc or None
    if name in _SCRIPTED and script is not None and "w" not in script.split():
        listing = True  # printf 'p\nq\n' | fdisk /dev/sdb: it prints the table, writes nothing
    erasing = _ERASES_WITH.get(name)
    erases = erasing is None or (
        short_option(args, *erasing) and not short_option(args, "n", "--no-act")
    )
    if name in _DISK_TOOLS and on_disk and not listing and erases:
        return f"{name} on a disk destroys its data"
    if _erasing_verb(_REFORMATS, name, args) and on_disk:
        return f"{name} puts a new volume on a disk, destroying its data"
    # (sg_format's device is SCSI's generic one, /dev/sgN: a disk whatever its name.)
    erased_by = _erasing_verb(_DRIVE_ERASES, name, args)
    if erased_by and (on_disk or name == "sg_format"):
        return f"{name} {erased_by} on a disk destroys its data"
    if name == "fio" and _fio_writes(args):
        return "fio writing onto a disk destroys its data"
    if name.lower() == "format" and any(_DRIVE.fullmatch(a) for a in args):
        return "format erases a drive"  # cmd's format D: /q
    if name.lower() in ("format-volume", "clear-disk", "remove-partition", "initialize-disk"):
        return f"{name} erases a disk"
    if name.lower() in _FORMAT_METHODS and _calls_format(name.lower(), args):
        return f"{name}'s Format method erases a volume"  # wmic volume where … call Format
    if name == "diskutil" and any(a.lower().startswith(_DISKUTIL_ERASES) for a in args):
        return "diskutil erases a disk"
    return None
