"""The programs that run the command in their arguments (``sudo``, ``env``, ``timeout 5``,
``nohup``, ``xargs``, a shell's keywords, ...) and the options of theirs that take a value:
one table, read where the shell's reading names a command's program
(:func:`~sluice.policies._shell.program`) and where the rules look through them
(:func:`~sluice.policies._wrappers.unwrap`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "ASSIGNMENT",
    "CMD",
    "CMD_SWITCH",
    "FEEDERS",
    "NSENTER_VALUES",
    "POWERSHELLS",
    "POWERSHELL_LOOPS",
    "WRAPPERS",
    "after_options",
    "operands",
]

# PowerShell's loops over what is piped in, each item its `$_`.
POWERSHELL_LOOPS = frozenset({"ForEach-Object", "foreach", "%"})
# Wrappers that give the command they run its operands from their input, as xargs does
# (GNU parallel also from its `:::` lists, which stand among its command's words).
FEEDERS = frozenset({"xargs", "parallel", *POWERSHELL_LOOPS})
# The options of nsenter that take a value (it runs its command in another process's
# namespaces: `nsenter -t 1 -m -- rm …` in the host's own files).
NSENTER_VALUES = frozenset({"-t", "--target", "-S", "--setuid", "-G", "--setgid"})
POWERSHELLS = frozenset({"powershell", "powershell.exe", "pwsh", "pwsh.exe"})
# Tracers, sandboxes, queues and environments that run their command as it is given.
_RUN_AS_GIVEN = frozenset({"chronic", "eatmydata", "catchsegv", "valgrind", "firejail", "nq"})
_RUN_AS_GIVEN |= {"tsp", "with-contenv", "dbus-run-session"}
# Programs that run the command in their arguments, with their options that take a value
# (and how many leading operands are theirs, like timeout's duration).
WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (frozenset(["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"]), 0),
    "doas": (frozenset({"-u", "-C"}), 0),
    "pkexec": (frozenset({"--user"}), 0),  # polkit's sudo
    "env": (frozenset({"-u", "-C", "--unset", "--chdir"}), 0),
    "nohup": (frozenset(), 0),
    # Slurm's srun runs its command on a cluster's nodes: `srun -N1 -w gpu-07 sudo mkfs …`.
    "srun": (
        frozenset(
            {"-N", "-n", "-c", "-w", "-p", "-t", "-A", "-J", "-G", "-o", "-e", "-C", "-q", "-D"}
            | {"--nodes", "--ntasks", "--nodelist", "--partition", "--time", "--account"}
            | {"--job-name", "--gres", "--gpus", "--mem", "--cpus-per-task", "--qos"}
        ),
        0,
    ),
    "time": (frozenset({"-f", "-o"}), 0),
    "nice": (frozenset({"-n"}), 0),
    "ionice": (frozenset({"-c", "-n", "-p"}), 0),
    "timeout": (frozenset({"-s", "-k", "--signal", "--kill-after"}), 1),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0),
    "command": (frozenset(), 0),
    "builtin": (frozenset(), 0),
    "exec": (frozenset({"-a"}), 0),
    "xargs": (
        frozenset(["-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--delimiter", "--max-args"]),
        0,
    ),
    "parallel": (
        frozenset(["-j", "--jobs", "-S", "--sshlogin", "-a", "--arg-file", "-I", "-N", "-n"])
        | {"--colsep", "--delay", "--joblog", "--results", "--timeout", "--retries", "-d"},
        0,
    ),
    "watch": (frozenset({"-n", "--interval"}), 0),
    "runuser": (frozenset({"-u", "--user", "-g", "--group", "-G", "--supp-group"}), 0),
    "setsid": (frozenset(), 0),
    # Launchers of a bundled tool: `microk8s kubectl …`, `k3s kubectl …`, `lima nerdctl …`,
    # `atmos terraform destroy …`.
    **{launcher: (frozenset(), 0) for launcher in ("microk8s", "k3s", "lima", "atmos")},
    "systemd-run": (
        frozenset(["-u", "--unit", "-p", "--property", "-E", "--setenv", "-M", "--machine"])
        | {"--description", "--slice", "--uid", "--gid", "--nice", "--working-directory"}
        | {"--on-calendar", "--on-active", "--on-boot", "--on-unit-active", "-H", "--host"},
        0,
    ),
    "nsenter": (NSENTER_VALUES, 0),
    # `… | ForEach-Object { kubectl delete $_ }` is `… | xargs kubectl delete`.
    **{loop: (frozenset({"-Process", "-Begin", "-End"}), 0) for loop in POWERSHELL_LOOPS},
    "flock": (frozenset({"-w", "-E"}), 1),
    "chroot": (frozenset(), 1),
    "unbuffer": (frozenset(), 0),
    "caffeinate": (frozenset({"-t", "-w"}), 0),
    # WSL runs a Linux command from Windows: `curl.exe … | wsl sudo sh`.
    "wsl": (frozenset({"-d", "--distribution", "-u", "--user", "--cd"}), 0),
    "busybox": (frozenset(), 0),
    # Those, and tracers and switches of user or time: `strace -f -o t.txt rm …`,
    # `faketime '2020-01-01' rm …`, `gosu deploy rm …`.
    **dict.fromkeys(_RUN_AS_GIVEN, (frozenset(), 0)),
    "strace": (frozenset({"-o", "-e", "-p", "-s", "-u", "-E", "-P", "-a", "-b", "-I", "-X"}), 0),
    "ltrace": (frozenset({"-o", "-e", "-p", "-s", "-u", "-n", "-a", "-l"}), 0),
    "fakeroot": (frozenset({"-l", "--lib", "--faked", "-s", "-i", "-b"}), 0),
    "faketime": (frozenset({"--date-prog"}), 1),  # faketime '2020-01-01' CMD
    **{proxy: (frozenset({"-f"}), 0) for proxy in ("proxychains", "proxychains4")},
    "torsocks": (frozenset({"-u", "-p", "-a", "-P", "--user", "--pass", "--address"}), 0),
    "taskset": (frozenset(), 1),
    "numactl": (
        frozenset({"-N", "-m", "-C", "-i", "-p", "--physcpubind", "--cpunodebind"})
        | {"--membind", "--interleave", "--preferred"},
        0,
    ),
    "chrt": (frozenset({"-T", "-P", "-D", "--sched-runtime", "--sched-period"}), 1),
    "prlimit": (frozenset({"-p", "--pid"}), 0),
    "cpulimit": (frozenset({"-l", "--limit", "-p", "--pid", "-e", "--exe"}), 0),
    "trickle": (frozenset({"-u", "-d", "-w", "-t", "-l", "-n"}), 0),
    "systemd-inhibit": (frozenset({"--what", "--who", "--why", "--mode"}), 0),
    "xvfb-run": (
        frozenset({"-n", "-s", "-f", "-e", "-p", "-w", "--server-num", "--server-args"})
        | {"--auth-file", "--error-file", "--xauth-protocol", "--wait"},
        0,
    ),
    **{switch: (frozenset(), 1) for switch in ("gosu", "su-exec")},  # gosu USER CMD
    "setpriv": (
        frozenset({"--reuid", "--regid", "--ruid", "--euid", "--rgid", "--egid", "--groups"}),
        0,
    ),
    "unshare": (
        frozenset({"-S", "-G", "--setuid", "--setgid", "-w", "--wd", "-R", "--root"})
        | {"--propagation", "--setgroups", "--map-user", "--map-group"},
        0,
    ),
    "tini": (frozenset({"-p", "-e"}), 0),
    "dumb-init": (frozenset({"-r", "--rewrite"}), 0),
    # A secret store's environment given to a command: `envchain aws terraform destroy`.
    "envchain": (frozenset(), 1),
    "summon": (frozenset({"-p", "--provider", "-f", "-D", "-e", "--environment"}), 0),
    "envconsul": (
        frozenset({"-prefix", "-secret", "-config", "-consul-addr", "-vault-addr", "-service"})
        | {"-log-level", "-kill-signal", "-exec-kill-timeout"},
        0,
    ),
    # A watcher running its command on each change: `watchexec -w src -- CMD`.
    "watchexec": (
        frozenset({"-w", "--watch", "-e", "--exts", "-i", "--ignore", "-f", "--filter"})
        | {"-d", "--debounce", "-s", "--signal", "--shell", "-E", "--env", "--workdir"},
        0,
    ),
    "ssh-agent": (frozenset({"-a", "-E", "-t", "-P"}), 0),
    # A sandbox's or a toolbox's way out to the host: `flatpak-spawn --host CMD`,
    # `distrobox-host-exec CMD`; a container of the host's own root, `systemd-nspawn -D /`.
    **dict.fromkeys(("flatpak-spawn", "distrobox-host-exec", "host-spawn"), (frozenset(), 0)),
    "systemd-nspawn": (
        frozenset({"-D", "--directory", "-M", "--machine", "-u", "--user", "--bind"})
        | {"--bind-ro", "-E", "--setenv", "--chdir"},
        0,
    ),
    # Windows: `cmd /c rd /s /q C:\`, `powershell -NoProfile -Command Remove-Item …`.
    **{
        shell: (
            frozenset({"-ExecutionPolicy", "-ep", "-WindowStyle", "-Version", "-InputFormat"}),
            0,
        )
        for shell in POWERSHELLS
    },
    **{shell: (frozenset(), 0) for shell in ("cmd", "cmd.exe")},
    # Shell keywords before a command: `if x; then rm -rf ~; fi`, `! rm`, `{ rm; }`.
    **{keyword: (frozenset(), 0) for keyword in ("then", "do", "else", "elif", "if", "while")},
    **{keyword: (frozenset(), 0) for keyword in ("until", "!", "{")},
}

CMD = frozenset({"cmd", "cmd.exe"})
CMD_SWITCH = re.compile(r"/[A-Za-z](?::\w+)?")
"""A switch of cmd and its commands: ``/c``, ``/Y``, ``/D:x``."""

ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*=.*", re.DOTALL)
"""A variable set before a command's program (``A=1 cmd``)."""


def after_options(words: Sequence[str], at: int, name: str) -> int:
    """Where the command run by the wrapper ``name`` (the program of ``words[at]``) starts:
    after the wrapper's switches (cmd's ``/c``), options and their values (``sudo -u
    deploy``, ``nice -n 10``), up to a ``--``, variables (``env A=1``) and the operands of
    its own (``timeout 5``)."""
    takes_value, positional = WRAPPERS[name]
    at += 1
    while at < len(words) and name in CMD and CMD_SWITCH.fullmatch(words[at]):
        at += 1  # cmd's /c, /q, /d, /k
    while at < len(words) and words[at].startswith("-") and words[at] != "-":
        if words[at] == "--":
            at += 1
            break
        at += 2 if words[at] in takes_value else 1
    while at < len(words) and ASSIGNMENT.fullmatch(words[at]):  # env A=1 rm
        at += 1
    return at + positional


def operands(args: Sequence[str], takes_value: frozenset[str] = frozenset()) -> list[str]:
    """The words of ``args`` that are not options (nor options' values); all after ``--``."""
    found: list[str] = []
    skip = dashdash = False
    for arg in args:
        if skip:
            skip = False
        elif dashdash or not arg.startswith("-") or arg == "-":
            found.append(arg)
        elif arg == "--":
            dashdash = True
        else:
            skip = arg in takes_value
    return found
