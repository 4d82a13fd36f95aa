"""What a path names, for rules that judge what a command does to it.

:func:`resolve` reads a path as a shell would hand it to a program (without expanding
anything but the home folder and the working directory) into its components from ``/``::

    >>> resolve("~/projects/../*", None)
    Path(parts=('home', '~'), contents=True)
    >>> resolve("..", "/Users/jane/app")
    Path(parts=('home', 'jane'), contents=False)

:func:`vital` says whether destroying a path destroys the filesystem's root, a home folder,
a parent of them or a system folder (or everything in one of them); :func:`is_secret` and
:func:`is_credential` whether a path is a credential file (to write, to read). Everything
here takes time linear in the path's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

from sluice.policies._expansions import expanded

__all__ = [
    "DISK_DEVICE",
    "MAYBE_CREDENTIAL",
    "Path",
    "absolute",
    "from_folder",
    "holds_volumes",
    "is_credential",
    "is_secret",
    "on_remote",
    "resolve",
    "ssh_settings",
    "vital",
    "windows_paths",
]

# How a home folder is spelled: `~`, `~name`, `$HOME`, `${HOME}` (and Windows' profile);
# expanded with its trailing slash taken off or a default that applies only if it is unset
# (`${HOME%/}`, `${HOME:-/root}`), it is the home folder still.
_HOME_VARIABLE = re.compile(
    r"\$\{(?:HOME|USERPROFILE)(?:%%?/|:?[-=?][^}]*)\}"
    r"|\$\{?(?:HOME|USERPROFILE)\}?|%USERPROFILE%|\$env:(?:HOME|USERPROFILE)"
    r"|%HOMEDRIVE%%HOMEPATH%|\$env:HOMEDRIVE\$env:HOMEPATH",
    re.IGNORECASE,
)
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]|(?:%SystemDrive%|\$env:SystemDrive)(?:[\\/]|$)", re.I)
# A Windows path, whose backslashes a POSIX shell would take for escapes: `C:\Users\dev`,
# `%USERPROFILE%\AppData`, `$env:USERPROFILE\*`, `.\build`, `~\*`; not `$HOME\"`, where
# the backslash escapes a quote.
_WINDOWS_PATH = re.compile(
    # (not printf's escapes after a drive or the home folder: `printf 'rm -rf ~\n'`, a YAML
    # key `printf 'a:\n  b: 1'`, name no folder; `.\t\x.ps1` is a folder `t`)
    r"(?<![^\s\"'=(@])(?:(?:[A-Za-z]:|%HOMEDRIVE%%HOMEPATH%|\$env:HOMEDRIVE\$env:HOMEPATH|%\w+%"
    r"|\$env:\w+|\.{1,2})\\(?!\"|[ntr](?:[\s\"';|&]|$))"
    r"|(?:\$\{?HOME\}?|~)\\(?!\"|[ntr](?:[\s\"';|&\\]|$)))[^\s\"';|&<>()]*"
    r"|(?<![^\s\"'=(@])[A-Za-z]:\\(?=\")"  # a drive's root before a quote: cmd /c "rd /s /q C:\"
    r"|\$env:\w+\\(?=\")"  # PowerShell's, before a quote: "$env:USERPROFILE\" (no bash escape)
    # A UNC path: a share (\\host\drop), a device (\\.\PhysicalDrive1), WSL's (\\wsl$\Ubuntu)
    r"|(?<![^\s\"'=(@])\\\\[\w.$-]+\\[^\s\"';|&<>()]*"
)
# WSL's files as Windows reaches them: \\wsl$\Ubuntu\home\dev is /home/dev.
_WSL_SHARE = re.compile(r"//wsl(?:\$|\.localhost)/[^/\s\"']+(?=/)", re.IGNORECASE)
_DRIVE_LETTER = re.compile(r"[A-Za-z]")  # a Windows drive, as WSL and Git Bash mount it
DISK_DEVICE = re.compile(
    r"/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|md|dm-|mapper/|\$|\{\})"
    r"|(?i://\./PhysicalDrive\d)"
)
"""A disk's device, or a partition's: what is written there overwrites the disk. A device
named by what the line does not say (``/dev/$DISK``, xargs' ``/dev/{}``) may be a disk."""
_WORKING_DIRECTORY = re.compile(r"\$\{?PWD\}?|\$\(pwd\)|`pwd`")
# The working directory with an operator: `${PWD%/*}` is its parent.
_WORKING_DIRECTORY_FORM = re.compile(r"\$\{PWD(%%|%|##|#|//|/|:)([^}]*)\}")
# A last component that matches every name in its folder: `*`, `.*`, `{*,.*}`, `.[!.]*`, ...
_EVERYTHING = re.compile(r"[*?.{},\[\]!^]*\*[*?.{},\[\]!^]*")
_USER = re.compile(r"\$\{?(?:USER|LOGNAME|USERNAME)\}?|\$\(whoami…?\)|\$\(id…\)")
_SYSTEM = frozenset(
    {"bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "proc", "sbin", "sys", "usr", "var"}
    | {"System", "Library", "Applications", "Windows"}
)
_KEY_FILE = re.compile(r"id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?")


@dataclass(frozen=True, slots=True)
class Path:
    """A path's components from ``/`` (the current user's home is ``home/~``); ``contents``:
    the path was a glob matching everything in that folder."""

    parts: tuple[str, ...]
    contents: bool = False

    @property
    def text(self) -> str:
        """The path written out: ``/home/dev/app`` (``/home/~`` for the current user's home)."""
        return "/" + "/".join(self.parts)


def resolve(word: str, cwd: str | None) -> Path | None:
    """``word`` as an absolute path, ``..`` and ``.`` resolved; relative to ``cwd`` (itself
    resolved the same way). None when it depends on a working directory that is unknown or
    on a variable."""
    if "${PWD" in word and (here := absolute(cwd)):
        word = _WORKING_DIRECTORY_FORM.sub(lambda f: expanded(here, f[1], f[2], f[0]), word)
    word = _WORKING_DIRECTORY.sub(".", _HOME_VARIABLE.sub("~", word, count=1), count=1)
    if drive := _WINDOWS_DRIVE.match(word):
        word = "/" + word[drive.end() :].replace("\\", "/")
    if word.startswith("~"):
        head, _, rest = word.partition("/")
        parts = ["home", head if len(head) > 1 else "~"]
        if head[1:2] in ("$", "{"):
            return None
        if head == "~root":
            parts = ["root"]
    elif word.startswith("/"):
        parts, rest = [], word
    elif cwd is None or not (base := resolve(cwd, None)):
        return None
    else:
        parts, rest = list(base.parts), word
    names = (rest.rstrip("/") or rest).split("/")  # `~/*/`: every folder in it, as `~/*`
    contents = bool(names) and _EVERYTHING.fullmatch(names[-1]) is not None
    for name in names[:-1] if contents else names:
        if parts in (["home"], ["Users"]) and _USER.fullmatch(name):
            name = "~"  # /home/$USER
        if name == "..":
            if parts:
                parts.pop()
        elif name not in ("", "."):
            if "$" in name or "`" in name:
                return None  # `$HOME/$DIR` deletes the home folder only if DIR is empty
            parts.append(name)
    if parts[:1] == ["mnt"] and len(parts) > 1 and _DRIVE_LETTER.fullmatch(parts[1]):
        del parts[:2]  # WSL's mount of a Windows drive: /mnt/c/Users/dev is C:\Users\dev
    elif parts and _DRIVE_LETTER.fullmatch(parts[0]):
        del parts[:1]  # Git Bash's (MSYS's): /c/Users/dev
    if parts[:1] == ["private"] and parts[1:2] in (["var"], ["tmp"], ["etc"]):
        del parts[:1]  # macOS's /private/var is its /var
    if parts[:2] == ["var", "root"]:
        parts[:2] = ["root"]  # macOS's root user's home folder
    if parts[:1] == ["Users"]:
        parts[0] = "home"
    return Path(tuple(parts), contents)


def windows_paths(line: str) -> str:
    """``line`` with the backslashes of its Windows paths made slashes, so that a POSIX
    reading keeps them whole (``rd /s /q C:\\`` removes ``C:/``)."""
    if "\\" not in line:
        return line
    line = _WINDOWS_PATH.sub(lambda m: m.group().replace("\\", "/"), line)
    return _WSL_SHARE.sub("", line) if "//wsl" in line.lower() else line


def absolute(cwd: str | None) -> str | None:
    """The working directory ``cwd`` as bash's ``$PWD`` spells it: as reported when that is
    an absolute path (``/Users/jane/app``), else resolved (``~/project`` is
    ``/home/~/project``); None when unknown."""
    if cwd is not None and cwd.startswith("/"):
        return cwd
    folder = resolve(cwd, None) if cwd is not None else None
    return folder.text if folder is not None else None


def from_folder(value: str, cwd: str | None) -> str:
    """``value`` with the working directory it starts with (``.``, ``$PWD``, ``$(pwd)``)
    spelt as bash's ``$PWD`` holds it (see :func:`absolute`), for text that reads its
    characters (``D=$(pwd); rm -rf "${D%/*}"``); as it is otherwise."""
    start = _WORKING_DIRECTORY.match(value)
    rest = value[start.end() :] if start else value[1:] if value[:1] == "." else None
    if rest is None or rest[:1] not in ("", "/") or (here := absolute(cwd)) is None:
        return value
    return here + rest


def vital(path: Path | None) -> str | None:
    """What destroying ``path`` destroys, if it is the root, a home folder, a parent of the
    home folders, a top-level system folder, or everything in one of them; else None."""
    if path is None:
        return None
    parts = path.parts
    if not parts:
        what = "the whole filesystem"
    elif parts == ("root",) or (len(parts) == 2 and parts[0] == "home"):
        what = "the home folder"
    elif parts == ("home",):
        what = "every home folder"
    elif len(parts) == 1 and parts[0] in _SYSTEM:
        what = f"the system folder /{parts[0]}"
    elif parts[:1] == ("usr",) and len(parts) == 2 and parts[1] in ("bin", "lib", "sbin"):
        what = f"the system folder /usr/{parts[1]}"
    else:
        return None
    return f"everything in {what}" if path.contents else what


# Where Docker and Podman keep their volumes' data, below the engine's folder
# (/var/lib/docker, /var/lib/containers).
_VOLUMES = (("var", "lib", "docker", "volumes"), ("var", "lib", "containers", "storage", "volumes"))
_ENGINE = 3  # the parts of the engine's folder


def holds_volumes(path: Path | None) -> bool:
    """Whether destroying ``path`` destroys every Docker (or Podman) volume's data: their
    folder, everything in it, or a folder above it up to the engine's (``/var/lib/docker``)."""
    if path is None or len(path.parts) < _ENGINE:
        return False
    return any(volumes[: len(path.parts)] == path.parts for volumes in _VOLUMES)


# Every credential path holds one of these: one search rules out most words at once. (The
# names after a dot are one branch: each place of a word is tried against far fewer.)
MAYBE_CREDENTIAL = re.compile(
    r"\.(?:ssh|env|aws|kube|docker|pem|key|p12|pfx|npmrc|pypirc|azure|gnupg|password|git-cred"
    r"|pgpass|config[/\\]gh\b|databrickscfg|p8|jks)"
    r"|[._]netrc|credential|id_|shadow|sudoers|passwd|/etc/group|gcloud|vault|hosts\.yml"
    r"|authorized_keys"
    r"|kaggle|huggingface"
    r"|rsa|dsa|ed25519|keys\.txt|[*?\[]|keystore|appstoreconnect|(?i:service.?account)"
    r"|sa[-_.]|[-_]sa\b"
)


def _parts(path: str) -> list[str]:
    """The names of ``path``, without the empty and ``.`` ones (``~/.aws//credentials``,
    ``~/.ssh/./id_rsa``)."""
    return [part for part in re.split(r"[/\\]", path) if part not in ("", ".")]


# Host keys seen (`ssh-keyscan h >> ~/.ssh/known_hosts`): public, and adding one is what ssh
# itself does on a first connection. (~/.ssh/config stays one to write: its ProxyCommand runs
# a command, its IdentityFile picks the key offered; it holds no secret to send, though.)
_HOST_KEYS = frozenset({"known_hosts", "known_hosts.old"})
# A copy of ssh's settings or host keys kept aside, which ssh does not read.
_SETTINGS_BACKUP = re.compile(
    r"(?:config|known_hosts)(?:\.(?:bak|orig|old|backup|save|\d+)|~)(?:[.~-].*)?"
)


def ssh_settings(path: str) -> bool:
    """Whether ``path`` is an ssh client's settings file (``~/.ssh/config``, ``config.d/*``)."""
    parts = _parts(path)
    return parts[-2:] == [".ssh", "config"] or parts[-3:-1] == [".ssh", "config.d"]


def is_secret(path: str) -> bool:
    """Whether writing to ``path`` changes who may log in or with which keys: SSH files, key
    files, cloud and cluster credentials, passwords, sudo rules."""
    if MAYBE_CREDENTIAL.search(path) is None:
        return False
    if path.rstrip("/") in _ACCOUNTS:
        return True
    parts = _parts(path)
    if not parts or parts[-1].endswith(".pub"):
        return False  # a public key, written next to its private one (ssh-keygen -y > k.pub)
    return (
        (
            ".ssh" in parts
            and parts[-1] not in _HOST_KEYS
            and not _SETTINGS_BACKUP.fullmatch(parts[-1])
        )
        or path.startswith("/etc/sudoers.d/")
        or parts[-1].lower() == "administrators_authorized_keys"  # Windows' OpenSSH admins
        or parts[-1] in (".netrc", "_netrc", ".git-credentials", ".pgpass")  # (_netrc: Windows')
        or parts[-2:] in ([".aws", "credentials"], [".kube", "config"], [".docker", "config.json"])
        or parts[-2:] in (["gcloud", "credentials.db"], ["gh", "hosts.yml"])
        or parts[-1] == "application_default_credentials.json"
        or bool(_KEY_FILE.fullmatch(parts[-1]))
    )


# The system's accounts, passwords, groups and sudo rules: who may log in, and as whom.
_ACCOUNTS = frozenset(
    {"/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d", "/etc/passwd"}
    | {"/etc/group"}
)
_ENV_FILE = re.compile(r"\.env(?:\.(?!example|sample|template|dist|defaults?\b)[\w.-]+)?")
_PUBLIC = frozenset({"known_hosts", "known_hosts.old", "authorized_keys", "config.example"})
_CLOUD_DIRS = frozenset({".aws", ".azure", ".gnupg", ".password-store", ".kube"})
_SECRET_FILES = frozenset(
    {".npmrc", ".pypirc", ".vault-token", "credentials.json", "shadow", "master.key"}
    | {"application_default_credentials.json", "hosts.yml", "credentials.db"}
)


def is_credential(path: str) -> bool:
    """Whether reading ``path`` reads a secret worth stealing: what :func:`is_secret` names,
    the ``.ssh``, cloud and GnuPG folders, ``.env`` files (not ``.env.example``), package
    registry tokens, private keys (``*.pem``, ``*.key``)."""
    if MAYBE_CREDENTIAL.search(path) is None:
        return False
    parts = _parts(path)
    if not parts or parts[-1].endswith(".pub") or parts[-1] in _PUBLIC:
        return False
    if parts[-2:] == [".ssh", "config"]:
        return False  # settings, not a secret
    name = parts[-1]
    return (
        is_secret(path)
        or any(part in _CLOUD_DIRS for part in parts)
        or _ENV_FILE.fullmatch(name) is not None
        or (name in _SECRET_FILES and name not in ("hosts.yml", "shadow"))
        or (name == "hosts.yml" and "gh" in parts)
        or (name == "shadow" and parts[-2:-1] == ["etc"])
        or (name.endswith((".pem", ".key", ".p12", ".pfx")) and "public" not in name)
        or parts[-2:-1] == ["gcloud"]
        or parts[-2:] in ([".config", "gcloud"], [".config", "gh"])  # the folders that hold them
        or ("gcloud" in parts and "legacy_credentials" in parts)  # …/legacy_credentials/ME/adc.json
        # Data platforms' API tokens: Kaggle's, Hugging Face's, Databricks' profiles.
        or parts[-2:] == [".kaggle", "kaggle.json"]
        or (name in ("token", "stored_tokens") and "huggingface" in parts)
        or name == ".databrickscfg"
        or bool(_NAMED_KEY.fullmatch(name))  # a private key named for its use: deploy_ed25519
        # Mobile signing: App Store Connect's .p8 keys, Java keystores (not Android's debug
        # one) and their passwords; a cloud service account's key (play-publisher-sa.json).
        or name.endswith((".p8", ".jks"))
        or "appstoreconnect" in path
        or (name.endswith(".keystore") and name != "debug.keystore")
        or name == "keystore.properties"
        or (name.endswith(".json") and bool(_SERVICE_ACCOUNT.search(name)))
        or parts[-2:] == ["age", "keys.txt"]  # age's identities (sops's: ~/.config/sops/age)
        or _globbed_credential(path)
    )


_SERVICE_ACCOUNT = re.compile(r"(?i)service[-_]?account|(?:^|[-_.])sa(?:[-_.\d]|$)")
# A private SSH key named as ssh-keygen names them, after what it is for.
_NAMED_KEY = re.compile(r"[\w.-]*\w[_-](?:rsa|dsa|ecdsa|ed25519)(?:_sk)?")
# The credential files a pattern in the home folder may name (`~/.s?h/id_r?a`).
_KNOWN_CREDENTIALS = tuple(
    f"~/{name}".split("/")
    for name in (
        *(f".ssh/id_{kind}" for kind in ("rsa", "dsa", "ecdsa", "ed25519")),
        ".aws/credentials",
        ".kube/config",
        ".netrc",
        ".git-credentials",
        ".docker/config.json",
        ".npmrc",
        ".pypirc",
        ".pgpass",
        ".vault-token",
        ".config/gh/hosts.yml",
        ".env",
    )
)
_HOME_PREFIX = re.compile(r"(?:~|\$HOME|\$\{HOME\}|/home/[^/]+|/Users/[^/]+|/root)(?=/)")


def _globbed_credential(path: str) -> bool:
    """Whether a pattern under the home folder (``~/.s?h/id_r?a``, ``$HOME/.a*/cred*``) may
    name a credential file: each of its parts matches the file's, as the shell matches."""
    if not any(c in path for c in "*?[") or not (home := _HOME_PREFIX.match(path)):
        return False
    parts = ["~", *path[home.end() + 1 :].split("/")]
    return any(
        len(known) == len(parts) and all(map(fnmatchcase, known, parts))
        for known in _KNOWN_CREDENTIALS
    )


def on_remote(word: str) -> bool:
    """Whether ``word`` names a path on another machine or a storage remote (``host:path``,
    ``user@host:``, rclone's ``name:path``), not one of this machine (``/a:b``, ``C:``)."""
    head, colon, _ = word.partition(":")
    return bool(colon) and "/" not in head and len(head) > 1
