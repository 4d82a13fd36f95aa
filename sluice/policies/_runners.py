"""The shell command lines that programs run when they are given one in an option or in
their own language, for the rules to read as lines of their own::

    >>> lines_run(["awk", 'BEGIN { system("rm -rf ~") }'])
    ['rm -rf ~']
    >>> lines_run(["tar", "xzf", "t.tgz", "--to-command=sh -c 'rm -rf ~'"])
    ["sh -c 'rm -rf ~'"]
    >>> lines_run(["ssh", "-o", "ProxyCommand=dropdb -h db.prod app", "bastion"])
    ['dropdb -h db.prod app']

They are awk's ``system(…)`` and the commands it pipes to; GNU sed's ``e`` command; vim's
and ex's ``!`` commands (``-c``, ``+``); tar's ``--to-command``, ``--checkpoint-action=exec=``
and compression program; ssh's (scp's, sftp's) ``ProxyCommand``, ``LocalCommand`` and
``KnownHostsCommand``; git's ``-c`` settings that run a program (``alias.NAME=!…`` for the
subcommand NAME, ``core.sshCommand``, ``core.pager``, ``core.fsmonitor``), ``rebase
-x``/``--exec`` and ``--upload-pack``/``--receive-pack``; expect's
``spawn`` and ``exec``; crontab's jobs; PowerShell's ``Start-Process``; and the shell of a
virtual machine or another system that a tool runs a command in (``colima ssh -- …``,
``limactl shell NAME …``, ``multipass exec NAME -- …``, ``wsl …``, ``gcloud compute ssh HOST
--command …``, ``kubectl debug node/N -- …``), read as ``ssh HOST …`` is. Everything here
takes time linear in the command's length.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from itertools import pairwise

from sluice.policies._shell import basename, quoted_text, unescaped, with_next
from sluice.policies._wrappers import operands, option_values

__all__ = [
    "AWKS",
    "FD_RUNS",
    "FIND_RUNS",
    "RUN_ENDS",
    "SSH_RUNS",
    "cron_commands",
    "files_written",
    "installed_jobs",
    "lines_run",
    "recipe_lines",
    "scheduled_lines",
    "ssh_command",
]

AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
_SEDS = frozenset({"sed", "gsed"})
_VIMS = frozenset({"vim", "vi", "nvim", "ex", "view", "gvim", "vimdiff"})
_TARS = frozenset({"tar", "gtar", "bsdtar"})
# Database shells' own commands that run a shell line: sqlite3's `.shell`/`.system`,
# psql's `\!`, mysql's `system` and `\!` (in an argument: `-c`, `-e`, `-cmd`, the SQL).
_CLIENT_SHELL = r"(?m)(?:^|;)\s*"
_CLIENT_SHELLS = {
    "sqlite3": re.compile(_CLIENT_SHELL + r"\.(?:shell|system)\s+([^\n]+)"),
    "psql": re.compile(_CLIENT_SHELL + r"\\!\s*([^\n]+)"),
    **dict.fromkeys(
        ("mysql", "mariadb"), re.compile(_CLIENT_SHELL + r"(?:system|\\!)\s+([^\n;]+)")
    ),
}
_EMACSES = frozenset({"emacs", "emacs-nox", "emacsclient"})
_PLAIN_PATH = re.compile(r"[\w@%+=:,./~-]+")
_EMACS_CODE = frozenset({"--eval", "-eval"})
_ELISP_SHELL = re.compile(
    r"\((?:shell-command(?:-to-string)?|call-process-shell-command|async-shell-command)"
    r"\s+\"((?:[^\"\\]|\\.)*)\""
)
_ELISP_DELETES = re.compile(
    r"\((delete-directory|delete-file)\s+\"((?:[^\"\\]|\\.)*)\"(\s+(?:t|'t)\b)?"
)
_SSHS = frozenset({"ssh", "scp", "sftp", "autossh"})
# ssh's options that take a value (the first operand is then the host).
_SSH_VALUES = frozenset(
    {"-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p"}
    | {"-Q", "-R", "-S", "-W", "-w", "-B"}
)
# A string in awk's program that it runs: `system("…")`, `print … | "…"`, `"…" | getline`.
_AWK_RUNS = re.compile(r'\|\s*"((?:[^"\\]|\\.)*)"|"((?:[^"\\]|\\.)*)"\s*\|\s*getline')
# awk's system() and what it is given: strings and ENVIRON["NAME"] joined side by side.
_AWK_SYSTEM = re.compile(r'\bsystem\s*\(((?:"(?:[^"\\]|\\.)*"|[^()"])*)\)')
_AWK_PIECE = re.compile(r'"((?:[^"\\]|\\.)*)"|ENVIRON\[\s*"(\w+)"\s*\]')
# GNU sed's `e COMMAND` (after an address or none), at the start of a script or a command;
# the blanks around the address are a line's own (a newline starts the next command: read
# as a blank, a run of newlines took time growing as the cube of its length).
_SED_RUNS = re.compile(r"(?:^|[;\n{])[ \t]*(?:[0-9$]+|/(?:[^/\\\n]|\\.)*/)?[ \t]*e[ \t]+([^;\n}]+)")
# An ex command that runs a shell command: `!cmd`, `:!cmd`, `silent !cmd`, `r !cmd`.
_VIM_RUNS = re.compile(r"^:*\s*(?:silent!?\s+|r(?:ead)?\s*|w(?:rite)?\s*)?!\s*(.+)$", re.DOTALL)
# Vim script's own: `call system("rm -rf ~")`, `systemlist('…')`.
_VIM_SYSTEM = re.compile(r"\bsystem(?:list)?\(\s*(?:\"((?:[^\"\\]|\\.)*)\"|'([^']*)')")
_TAR_RUNS = re.compile(r"--(?:to-command|use-compress-program|checkpoint-action=exec)=(.+)$")
_TAR_VALUES = frozenset({"--to-command", "--use-compress-program", "-I"})
SSH_RUNS = re.compile(r"(?i:proxycommand|localcommand|knownhostscommand)\s*[= ]\s*(.+)$", re.DOTALL)
# git settings whose value is a program git runs (a credential helper's `!…` a shell's line):
# its ssh, pager (also a command's own, `pager.log`), editors, diff and merge drivers, the
# filters of `.gitattributes`, credential helper, askpass, gpg program.
_GIT_PROGRAMS = re.compile(
    r"(?i:core\.(?:sshcommand|pager|fsmonitor|editor|askpass)|pager\.[\w-]+|sequence\.editor"
    r"|diff\.external|diff\.[\w-]+\.(?:command|textconv)|merge\.[\w-]+\.driver"
    r"|filter\.[\w-]+\.(?:clean|smudge|process)|credential(?:\.[^=]+)?\.helper|gpg\.program)"
    r"=!?(.+)$",
    re.DOTALL,
)
# expect's (Tcl's) commands that start a program: `spawn sh -c {…}`, `exec rm -rf …`.
_EXPECT_RUNS = re.compile(r"(?:^|[;\n\[{])[ \t]*(?:spawn|exec)\s+([^;\n\]]+)")
_TCL_BRACED = re.compile(r"\{([^{}]*)\}")
# A crontab line's schedule: five fields, or a nickname (`@reboot`, `@daily`).
_CRON_JOB = re.compile(r"^[ \t]*(?:@\w+|(?:\S+[ \t]+){4}\S+)[ \t]+(.+)$", re.MULTILINE)
_CRON_SETTING = re.compile(r"[ \t]*(?:#|[A-Za-z_]\w*[ \t]*=)")
# Tools that run their command in a virtual machine's or another system's shell, as ssh does:
# the words that name the act (`colima ssh`, `multipass exec`), their options that take a
# value, and the operands before the command (the machine's name). wsl and orb run the words
# they are given, or those after `-e`/`--exec`; `--` ends the tool's own words everywhere.
_GUESTS: dict[str, tuple[tuple[str, ...], frozenset[str], int]] = {
    "colima": (("ssh",), frozenset({"-p", "--profile"}), 0),
    "limactl": (("shell",), frozenset({"--workdir", "--shell"}), 1),
    "multipass": (("exec",), frozenset({"-d", "--working-directory"}), 1),
    "minikube": (("ssh",), frozenset({"-n", "--node", "-p", "--profile"}), 0),
    "docker-machine": (("ssh",), frozenset(), 1),
    "podman": (("machine", "ssh"), frozenset({"--username"}), 0),
    "machinectl": (("shell",), frozenset({"--uid", "-E", "--setenv"}), 1),
    "incus": (("exec",), frozenset({"--cwd", "--env", "--user", "--group", "--mode"}), 1),
    "lxc": (("exec",), frozenset({"--cwd", "--env", "--user", "--group", "--mode"}), 1),
    "distrobox": (("enter",), frozenset({"-n", "--name"}), 0),
    "toolbox": (("run",), frozenset({"-c", "--container", "-d", "--distro", "-r"}), 0),
    "orb": ((), frozenset({"-m", "--machine", "-u", "--user", "-w", "--workdir"}), 0),
    "orbctl": (("run",), frozenset({"-m", "--machine", "-u", "--user", "-w", "--workdir"}), 0),
    **{
        wsl: ((), frozenset({"-d", "--distribution", "-u", "--user", "--cd"}), 0)
        for wsl in ("wsl", "wsl.exe")
    },
}
_GUEST_COMMAND = frozenset({"-e", "--exec", "--"})  # the command follows
# find's and fd's options that run a command on what they find, up to these words.
FIND_RUNS = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
FD_RUNS = frozenset({"-x", "--exec", "-X", "--exec-batch"})
RUN_ENDS = {"find": (";", "+"), "fd": (";",), "fdfind": (";",)}
_MAKES = frozenset({"make", "gmake", "just"})
_MAKEFILES = ("Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", ".justfile")
# A recipe's line in a makefile or a justfile: indented under its target.
_RECIPE = re.compile(r"^(?:\t| {2,})\s*[-@+]*\s*(.+)$", re.MULTILINE)  # (just: any indent)
# A rule's head: its targets (a justfile recipe's name and parameters), then what it needs.
_RULE = re.compile(r"^([^\s:#=][^:=\n]*):(?!=)([^\n]*)$", re.MULTILINE)
_MAKE_VALUES = frozenset({"-f", "--file", "--justfile", "-C", "--directory", "-j", "--jobs"})
_MAKE_VALUES |= {"-I", "--include-dir", "-o", "-W", "--working-directory", "-l"}


def lines_run(words: Sequence[str]) -> list[str]:
    """The command lines that the program of ``words`` (unwrapped) runs from its options or
    its own script, for the rules to read; none for any other program."""
    if not words:
        return []
    name, args = basename(words[0]), list(words[1:])
    if name in AWKS:
        program = "\n".join(args)
        # What awk prints into a command (`print | "nc h 9"`) is what it read: its files.
        read = operands(args, frozenset({"-F", "-v", "-f"}))[1:]
        fed = f"cat {shlex.join(read)} | " if read else ""
        return [*map(_awk_command, _AWK_SYSTEM.finditer(program))] + [
            (fed if found[1] is not None else "") + quoted_text(found)
            for found in _AWK_RUNS.finditer(program)
        ]
    if name in _SEDS:
        return [found[1].strip() for s in _sed_scripts(args) for found in _SED_RUNS.finditer(s)]
    if name in _VIMS:
        return [
            quoted_text(found) if found.re is _VIM_SYSTEM else found[1]
            for script in _vim_commands(args)
            if (found := _VIM_RUNS.match(script) or _VIM_SYSTEM.search(script))
        ]
    if name in _CLIENT_SHELLS:  # sqlite3 db '.shell rm -rf ~', psql -c '\! …', mysql -e 'system …'
        return [found[1].strip() for arg in args for found in _CLIENT_SHELLS[name].finditer(arg)]
    if name in _EMACSES:  # emacs --batch --eval '(shell-command "…")', (delete-directory "~" t)
        return list(_emacs_lines(" ".join(b for a, b in with_next(args) if a in _EMACS_CODE)))
    if name in _TARS:
        return list(_tar_programs(args))
    if name in _SSHS:
        run = [found[1] for arg in _ssh_options(args) if (found := SSH_RUNS.match(arg))]
        # ssh host kubectl delete ns x: the remote shell runs the words after the host.
        remote = ssh_command(args) if name == "ssh" else ""
        return [*run, remote] if remote else run
    if name == "minikube" and args[:1] == ["kubectl"]:  # minikube kubectl -- delete ns x
        rest = args[2:] if args[1:2] == ["--"] else args[1:]
        return [" ".join(["kubectl", *rest])]
    if name in _GUESTS:
        return _guest_commands(name, args)
    if name in ("kubectl", "oc") and "debug" in args[:2] and "--" in args:
        return _node_command(args)
    if name == "gcloud" and "ssh" in args[:4]:  # gcloud compute ssh HOST --command "…"
        return [b for a, b in with_next(args) if a == "--command"] + [
            a.removeprefix("--command=") for a in args if a.startswith("--command=")
        ]
    if name == "git":
        return list(_git_programs(args))
    if name in RUN_ENDS:
        return [shlex.join(run) for run in found_commands(name, args)]
    if name == "expect":
        return _expect_lines("\n".join(b for a, b in with_next(args) if a == "-c"))
    if name in ("mvn", "mvnw") and "exec:exec" in args:  # -Dexec.executable=rm -Dexec.args=…
        given = dict(a[2:].partition("=")[::2] for a in args if a.startswith("-Dexec."))
        program = given.get("exec.executable", "")
        return [f"{program} {given.get('exec.args', '')}".strip()] if program else []
    if name.lower() == "start-process":
        return _started(args)
    if name.lower() in ("invoke-command", "icm") and "{" in args:
        # Invoke-Command [-ComputerName h] -ScriptBlock { Remove-Item -Path ~ -Recurse }
        block = args[args.index("{") + 1 :]
        if "}" in block:
            block = block[: len(block) - 1 - block[::-1].index("}")]  # to its last `}`
        return [" ".join(block)]
    return []


def files_written(words: Sequence[str]) -> list[str]:
    """The files the program of ``words`` (unwrapped) writes from its own script: awk's
    ``print > "F"`` (and ``>>``), sed's ``w F`` command and ``s///w F`` flag, vim's and ex's
    ``:w F`` / ``:w >> F``, sqlite3's ``.output F`` and ``.once F``."""
    if not words:
        return []
    name, args = basename(words[0]), list(words[1:])
    if name in AWKS:
        scripts, writes = args, _AWK_WRITES
    elif name in _SEDS:
        scripts, writes = _sed_scripts(args), _SED_WRITES
    elif name in _VIMS:
        scripts, writes = _vim_commands(args), _VIM_WRITES
    elif name == "sqlite3":
        scripts, writes = args, _SQLITE_WRITES
    else:
        return []
    return [found[1] for script in scripts for found in writes.finditer(script)]


_AWK_WRITES = re.compile(r"\bprint[f]?\b[^>|;}\n]*>>?\s*\"([^\"]+)\"")
_SED_WRITES = re.compile(r"(?:^|[;\n{}/])\s*w\s+([^;\n}]+?)\s*(?:$|[;\n}])")
_VIM_WRITES = re.compile(r"^:*\s*w(?:rite)?!?\s*(?:>>\s*)?([^\s|]+)\s*$")
_SQLITE_WRITES = re.compile(r"(?m)(?:^|;)\s*\.(?:output|once)\s+(\S+)")


def found_commands(name: str, args: Sequence[str]) -> list[list[str]]:
    """The commands ``find`` runs on what it finds (``-exec``, ``-execdir``, ``-ok``,
    ``-okdir``, each up to its ``;`` or ``+``) or ``fd`` (``-x``, ``-X``, ``--exec``,
    ``--exec-batch``, up to a ``;`` or the end), as words."""
    runs, at = [], 0
    starts, ends = FIND_RUNS if name == "find" else FD_RUNS, RUN_ENDS[name]
    while at < len(args):
        if args[at] not in starts:
            at += 1
            continue
        end = at + 1
        while end < len(args) and args[end] not in ends:
            end += 1
        if command := args[at + 1 : end]:
            runs.append(list(command))
        at = end + 1
    return runs


def _awk_command(found: re.Match[str]) -> str:
    """The command a ``system(…)`` runs: its strings and environment variables, joined."""
    pieces = _AWK_PIECE.finditer(found[1])
    return "".join(unescaped(p[1]) if p[1] is not None else f"${p[2]}" for p in pieces)


def ssh_command(args: Sequence[str]) -> str:
    """The command ``ssh HOST COMMAND…`` has the remote shell run (its words joined, as ssh
    joins them), or ``""`` when it opens a session."""
    at = 0
    while at < len(args) and args[at].startswith("-"):  # ssh's options, then the host
        at += 2 if args[at] in _SSH_VALUES else 1
    return " ".join(args[at + 1 :])


def _guest_commands(name: str, args: Sequence[str]) -> list[str]:
    """The command a tool of :data:`_GUESTS` has a machine's shell run (its words joined, as
    ssh joins them), none when it runs none. A machine named optionally (``podman machine ssh
    [NAME] …``, ``distrobox enter [NAME] …``) without ``--`` gives two readings, with the first
    operand the machine's name and without."""
    act, takes_value, names = _GUESTS[name]
    if tuple(args[: len(act)]) != act:
        return []
    at = len(act)
    while at < len(args) and args[at].startswith("-") and args[at] not in _GUEST_COMMAND:
        at += 2 if args[at] in takes_value else 1
    if at < len(args) and args[at] in _GUEST_COMMAND:
        return [" ".join(args[at + 1 :])] if at + 1 < len(args) else []
    if "--" in args[at:]:  # distrobox enter box -- rm -rf ~
        return [" ".join(args[args.index("--", at) + 1 :])]
    rest = args[at + names :]
    optional = name in ("podman", "distrobox") and len(rest) > 1
    return [" ".join(rest)] * bool(rest) + [" ".join(rest[1:])] * optional


def _node_command(args: Sequence[str]) -> list[str]:
    """The command ``kubectl debug node/N … -- CMD`` runs on a node, whose own files its
    debugging container mounts at ``/host`` (read as the node's paths: ``chroot /host rm …``
    and ``rm -rf /host/var/lib`` act on them); none for a pod's debugging container."""
    if not any(a.startswith("node/") for a in args):
        return []
    command = args[args.index("--") + 1 :]
    return [" ".join(_NODE_ROOT.sub("/", word) for word in command)] if command else []


_NODE_ROOT = re.compile(r"^/host(?:/|$)")


def _sed_scripts(args: Sequence[str]) -> list[str]:
    """sed's scripts: its ``-e`` values, or its first operand when it has none."""
    scripts = [b for a, b in with_next(args) if a in ("-e", "--expression")]
    scripts += [a.partition("=")[2] for a in args if a.startswith("--expression=")]
    if scripts:
        return scripts
    rest = [a for a in args if not a.startswith("-")]
    return rest[:1]


def _emacs_lines(code: str) -> Iterator[str]:
    """The shell lines Emacs Lisp ``code`` runs, and its deletions as ``rm`` spells them."""
    for found in _ELISP_SHELL.finditer(code):
        yield unescaped(found[1])
    for found in _ELISP_DELETES.finditer(code):
        recursive = found[1] == "delete-directory" and found[3] is not None
        path = unescaped(found[2])  # (Emacs expands a `~` itself: left unquoted)
        path = path if _PLAIN_PATH.fullmatch(path) else shlex.quote(path)
        yield f"rm {'-rf' if recursive else '-f'} {path}"


def _vim_commands(args: Sequence[str]) -> list[str]:
    """The ex commands vim is given: ``-c CMD``, ``--cmd CMD``, ``+CMD``."""
    commands = [b for a, b in with_next(args) if a in ("-c", "--cmd")]
    return commands + [a[1:] for a in args if a.startswith("+") and len(a) > 1]


def _tar_programs(args: Sequence[str]) -> Iterator[str]:
    for arg, value in with_next(args):
        if found := _TAR_RUNS.match(arg):
            yield found[1]
        elif arg in _TAR_VALUES and value:
            yield value


def _ssh_options(args: Sequence[str]) -> list[str]:
    """ssh's ``-o`` options, given apart (``-o X``) or joined (``-oX``)."""
    given = [b for a, b in with_next(args) if a == "-o"]
    return given + [a[2:] for a in args if a.startswith("-o") and len(a) > 2]


_GIT_RUN_OPTIONS = frozenset({"-x", "--exec", "--upload-pack", "--receive-pack"})
_EXT_WORDS = re.compile(r"(?<!%) ")


def _git_programs(args: Sequence[str]) -> Iterator[str]:
    """What git's ``-c`` settings make it run: a program setting's value, and the alias of
    the subcommand it is then given (a shell's ``alias.NAME=!…``, or git's own,
    ``alias.NAME=push --force``); a program setting ``git config`` stores, which the next git
    commands run; the line ``rebase -x``/``--exec`` runs after each commit, and a fetch's or
    push's ``--upload-pack``/``--receive-pack``."""
    settings, at = [], 0
    while at < len(args) and args[at].startswith("-"):
        if args[at] == "-c" and at + 1 < len(args):
            settings.append(args[at + 1])
            at += 1
        elif args[at] in ("-C", "--git-dir", "--work-tree", "--namespace"):
            at += 1
        at += 1
    subcommand, rest = (args[at], args[at + 1 :]) if at < len(args) else ("", [])
    if subcommand == "config":  # git config core.fsmonitor 'cmd': git runs it from then on
        given = [a for a in rest if not a.startswith("-")]
        settings += ["=".join(given[:2])] if len(given) == 2 else []
    # rebase's --exec runs a line after each commit it makes; --upload-pack and
    # --receive-pack are the programs a fetch or a push runs for its transport.
    yield from option_values(rest, _GIT_RUN_OPTIONS)
    if subcommand == "bisect" and rest[:1] == ["run"] and len(rest) > 1:
        yield shlex.join(rest[1:])  # git bisect run sh -c '…': run at each step
    if subcommand == "submodule" and "foreach" in rest:  # run by a shell in each submodule
        run = " ".join(a for a in rest[rest.index("foreach") + 1 :] if not a.startswith("--"))
        yield f'cd "$sm_path" && {run}'  # (its folder, which git names $sm_path)
    for word in rest if subcommand in ("clone", "fetch", "pull", "ls-remote") else ():
        if word.startswith("ext::"):  # ext::sh -c rm% -rf% ~: a command git runs
            # its words apart at blanks; `% ` a blank inside a word, `%%` a percent sign
            argv = [w.replace("% ", " ").replace("%%", "%") for w in _EXT_WORDS.split(word[5:])]
            yield shlex.join(argv)
    for setting in settings:
        if found := _GIT_PROGRAMS.match(setting):
            yield found[1]
        key, _, value = setting.partition("=")
        if key.lower() == f"alias.{subcommand}".lower() and value:
            # `!cmd` runs a shell's command; any other alias, git's own: `push --force`.
            run = value[1:] if value.startswith("!") else f"git {value}"
            yield " ".join([run, *map(shlex.quote, rest)])


def _expect_lines(script: str) -> list[str]:
    """The command lines expect's ``spawn`` and ``exec`` start, Tcl's braces read as the
    shell's single quotes."""
    return [
        _TCL_BRACED.sub(lambda braced: shlex.quote(braced[1]), found[1]).strip()
        for found in _EXPECT_RUNS.finditer(script)
    ]


def _started(args: Sequence[str]) -> list[str]:
    """The command PowerShell's ``Start-Process`` starts: its ``-FilePath`` (or first
    operand) given its ``-ArgumentList`` (or second operand), a list of comma-separated
    items."""
    named = {a.lower(): b for a, b in with_next(args) if a.startswith("-")}
    operands = [b for a, b in with_next(["", *args]) if not a.startswith("-") and b[:1] != "-"]
    program = named.get("-filepath") or (operands[0] if operands else "")
    listed = named.get("-argumentlist") or (operands[1] if len(operands) > 1 else "")
    if not program:
        return []
    return [" ".join([program, *(item.strip() for item in listed.split(",") if item.strip())])]


def scheduled_lines(
    words: Sequence[str], heredoc: str, written: Mapping[str, str], printed: Sequence[str]
) -> list[str]:
    """The command lines ``make`` or ``just`` (``words``, unwrapped) runs from a makefile
    the line wrote (``written``: the files the line wrote, by name) or feeds it (``make -f -
    <<EOF``), and the jobs ``crontab`` installs from what the line printed (``printed``:
    ``(crontab -l; echo '0 3 * * * …') | crontab -``) or wrote."""
    name = basename(words[0]) if words else ""
    if name not in _MAKES and name != "crontab":
        return []
    args = words[1:]
    files = [b for a, b in pairwise(args) if a in ("-f", "--file", "--justfile")]
    if name in _MAKES:
        # make -f - <<EOF, or a makefile printed into it (printf 'all:\n\t…' | make -f -)
        texts = (
            [heredoc or "\n".join(printed[-1:]).replace("\\n", "\n").replace("\\t", "\t")]
            if "-" in files
            else []
        )
        texts += [written[f] for f in files or _MAKEFILES if f in written]
        goals = [a for a in operands(args, _MAKE_VALUES) if "=" not in a]
        # make's command line sets variables over the makefile's: make clean OUT=build
        assigned = dict(a.partition("=")[::2] for a in args if _MAKE_ASSIGNMENT.fullmatch(a))
        own = (files or _MAKEFILES)[0]
        just = name == "just"
        return [line for text in texts for line in recipe_lines(text, goals, assigned, own, just)]
    if {"-l", "-r", "-e"} & set(args):
        return []  # lists, removes or edits the table
    given = [a for a in args if not a.startswith("-") or a == "-"]
    table = heredoc + "\n".join(printed[-4:]) if given in ([], ["-"]) else ""
    table += "\n".join(written[f] for f in given if f in written)
    return cron_commands(table)


def installed_jobs(written: Mapping[str, str]) -> list[str]:
    """The commands of the jobs in the system's crontabs that the line wrote (``…/cron.d/x``,
    ``/etc/crontab``: cron reads them by itself), each line's user field dropped, and in a
    user's crontab in cron's spool."""
    jobs = []
    for path, text in written.items():
        if _SYSTEM_CRONTAB.search(path):
            jobs += [_CRON_USER.sub("", job, count=1) for job in cron_commands(text)]
        elif _USER_CRONTAB.search(path):
            jobs += cron_commands(text)
    return jobs


_SYSTEM_CRONTAB = re.compile(r"(?:^|/)(?:etc/cron\.d/[^/]+|etc/crontab)$")
_USER_CRONTAB = re.compile(r"(?:^|/)var/spool/cron/(?:crontabs/)?[^/]+$")
_CRON_USER = re.compile(r"^\s*[\w.-]+\s+")  # a system crontab's user: `0 4 * * * root cmd`


def cron_commands(table: str) -> list[str]:
    """The commands of a crontab's jobs (``0 3 * * * cmd``, ``@daily cmd``)."""
    return [
        found[1] for found in _CRON_JOB.finditer(table) if not _CRON_SETTING.match(found.group())
    ]


def recipe_lines(
    makefile: str,
    goals: Sequence[str] = (),
    given: Mapping[str, str] | None = None,
    name: str = "Makefile",
    arguments: bool = False,
) -> list[str]:
    """The command lines a makefile's or a justfile's recipes run for ``goals`` (none: the
    first target, as make and just do), and for what they need, in turn, its variables
    replaced by their values (``given``: those the command line sets); every recipe's, when
    the file names no such target. ``name``: the makefile's, which a recipe may make again
    (``$(MAKE) -f NAME``); ``arguments``: the goals after a recipe that name none are its
    arguments (just's), not targets."""
    values = {m[1]: m[2] for m in _MAKE_VARIABLE.finditer(makefile)} | dict(given or {})
    recipes: dict[str, tuple[list[str], str]] = {}  # target: what it needs, its recipe
    heads = list(_RULE.finditer(makefile))
    for head, after in zip(heads, [*heads[1:], None][: len(heads)], strict=True):
        recipe = makefile[head.end() : after.start() if after is not None else len(makefile)]
        # (make's other targets of the rule, or just's parameters, after the first word)
        recipes.setdefault(head[1].split()[0], (head[2].split(), recipe))
    wanted = list(goals) or [t for t in recipes if not t.startswith(".")][:1]
    if arguments and wanted[0] in recipes:  # just test -k 'not slow': the recipe's arguments
        wanted = [goal for goal in wanted if goal in recipes]
    if not wanted or any(goal not in recipes for goal in wanted):
        return [_made(found[1], values) for found in _RECIPE.finditer(makefile)]
    default = next((t for t in recipes if not t.startswith(".")), "")
    lines: list[str] = []
    seen: set[str] = set()
    # Each target after what it needs, as make runs them (a download's target, then the
    # one that runs it): a walk whose entries say whether their needs were taken already.
    stack = [(target, False) for target in reversed(wanted)]
    while stack:
        target, needs_taken = stack.pop()
        if needs_taken:
            own = [_made(found[1], values) for found in _RECIPE.finditer(recipes[target][1])]
            lines += _recursion(own, target, target == default, name)
            continue
        if target in seen or target not in recipes:
            continue
        seen.add(target)
        stack.append((target, True))
        stack += [(need, False) for need in reversed(recipes[target][0])]
    return lines


# A makefile's variable (`BUILD_DIR ?=`, `OUT := dist`), and a use of one in a recipe.
_MAKE_VARIABLE = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*(?:\?|::?|\+)?=[ \t]*(.*?)[ \t]*$", re.M)
_MAKE_ASSIGNMENT = re.compile(r"[A-Za-z_][\w.-]*=.*", re.S)
_MAKE_USE = re.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
_MAKE_ROUNDS = 4  # a value naming another variable, replaced in turn this many times


def _made(line: str, values: Mapping[str, str]) -> str:
    """A recipe's line as make runs it: the variables the makefile (or the command line)
    sets replaced by their values, an empty one too (`rm -rf $(BUILD_DIR)/*` with
    `BUILD_DIR ?=` is `rm -rf /*`), the others the environment's (`$(HOME)` is `$HOME`);
    make's `$$` the shell's `$`."""
    for _ in range(_MAKE_ROUNDS):
        if "$(" not in line and "${" not in line:
            break
        line = _MAKE_USE.sub(lambda m: values.get(m[1], m[0]), line)
    line = _MAKE_USE.sub(lambda m: "${" + m[1] + "}" if m[1] != "MAKE" else m[0], line)
    return line.replace("$$", "$")


# make run again from a recipe (`$(MAKE)`, `${MAKE}`, `make`), with its options and goals.
_MAKE_AGAIN = re.compile(r"(?:\$[({]MAKE[)}]|(?<![\w./-])g?make(?![\w.-]))((?:[ \t]+[^\s;&|()]+)*)")


def _recursion(lines: list[str], target: str, default: bool, makefile: str) -> list[str]:
    """A recipe's ``lines``; when they make ``target`` again (by name, or with no goal if it
    is the ``default``, in the same folder and file: ``makefile``), read as a function that
    calls itself: ``all: ; $(MAKE) & $(MAKE)`` starts itself twice, a fork bomb."""
    name = "_make_" + re.sub(r"\W", "_", target)

    def again(found: re.Match[str]) -> str:
        args = found[1].split()
        files = [b for a, b in pairwise(args) if a in ("-f", "--file")]
        if any(a.startswith(("-C", "--directory")) for a in args) or files not in ([], [makefile]):
            return found[0]  # another folder's or file's targets
        goals = [a for a in args if not a.startswith("-") and "=" not in a and a not in files]
        return name if goals == [target] or (default and not goals) else found[0]

    body = [_MAKE_AGAIN.sub(again, line) for line in lines]
    if body == lines:
        return lines
    return [f"{name}() {{ {'; '.join(body)}; }}; {name}"]
