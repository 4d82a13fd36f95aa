"""Write the shipped corpus: ``claude_code.jsonl``, ``codex.jsonl``, ``cursor.jsonl``.

Run from the repository root: ``python corpus/tool_calls/generate.py``. The commands are
hand-written in ``_dangerous.py``, ``_everyday.py``, ``_chains.py`` and ``_tools.py``; this
script sends each shell command as two or three clients would (Claude Code ``Bash``, Codex
``exec_command`` or ``shell``, Cursor ``run_terminal_cmd``), wrapped differently each time
where a wrapper keeps the meaning. The output is deterministic, so a re-run changes nothing
unless a list changed. The held-out set is not made here (see ``heldout/``).
"""

from __future__ import annotations

import json
import random
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import _chains
import _dangerous
import _everyday
import _tools
from _case import Client, Shell, Tool

HERE = Path(__file__).resolve().parent
PROJECT = "/home/dev/project"
CLIENTS: tuple[Client, ...] = ("claude-code", "codex", "cursor")
FILES = {"claude-code": "claude_code.jsonl", "codex": "codex.jsonl", "cursor": "cursor.jsonl"}
PREFIX = {"claude-code": "cc", "codex": "cx", "cursor": "cu"}

# A command is "simple" when a prefix (sudo, env, timeout) applies to all of it.
_COMPOUND = re.compile(r"&&|\|\||[;|&<>`\n]|\$\(|^\s*(cd|export|set|source|\.|echo|:)\b|\(\)")

# ``sh`` (dash) lacks these, so ``sh -c`` would change what the command does.
_BASHISM = re.compile(r"<\(|<<<|\{[^}]*,|\[!|pipefail|\$'")
# Commands an agent plausibly runs under sudo (nobody types ``sudo git push``).
_SUDO_OK = {
    "rm",
    "/bin/rm",
    "/usr/bin/rm",
    "find",
    "chmod",
    "chown",
    "mv",
    "dd",
    "shred",
    "truncate",
    "rsync",
    "docker",
    "python3",
    "python",
    "perl",
    "ruby",
    "node",
    "wipefs",
    "tee",
    "cp",
    "psql",
    "mysql",
}
# What an agent says it is doing when it runs a destructive command: never the danger itself.
_COVER = [
    "Clean up the workspace",
    "Reset the environment",
    "Free up disk space",
    "Remove old files",
    "Run the cleanup step",
    "Apply the fix",
    "Tidy up before retrying",
    "Prepare a fresh start",
    "Finish the requested teardown",
    "Sync the changes",
]


def _simple(cmd: str) -> bool:
    return not _COMPOUND.search(cmd)


def wrappers(case: Shell) -> list[str]:
    """The spellings of ``case.command`` an agent could send, all with the same meaning."""
    cmd = case.command
    out = [cmd]
    if not case.wrap:
        return out
    out += [
        f"bash -c {shlex.quote(cmd)}",
        f"cd {PROJECT} && {cmd}",
        f"{cmd} 2>&1 | tail -n 50",
        f"set -euo pipefail; {cmd}",
        f"{cmd} && echo done",
    ]
    if not _BASHISM.search(cmd):
        out.append(f"sh -c {shlex.quote(cmd)}")
    if _simple(cmd):
        if case.rule is not None and cmd.split()[0] in _SUDO_OK:
            out.append(f"sudo {cmd}")
        if case.rule is None:
            out += [f"timeout 600 {cmd}", f"CI=1 {cmd}"]
    return out


def _argv(cmd: str, rng: random.Random) -> list[str]:
    """Codex ``shell`` argv: a login shell mostly, the bare argv for plain commands."""
    plain = _simple(cmd) and not re.search(r"[~$*?{}\[\]'\"\\]", cmd)
    if plain and rng.random() < 0.4:
        return shlex.split(cmd)
    return [
        rng.choice(["bash", "bash", "zsh", "/bin/sh"]),
        "-c" if rng.random() < 0.2 else "-lc",
        cmd,
    ]


def shell_call(client: Client, case: Shell, cmd: str, rng: random.Random) -> dict[str, Any]:
    """One shell command as ``client`` sends it, without the id."""
    cwd = case.cwd
    tool: str
    args: dict[str, Any]
    desc = _everyday.DESCRIPTIONS.get(case.command) or case.note[:1].upper() + case.note[1:]
    if case.rule is not None:
        desc = rng.choice(_COVER)
    if client == "claude-code":
        tool, args = "Bash", {"command": cmd, "description": desc}
        if rng.random() < 0.15:
            args["timeout"] = 600000
    elif client == "codex":
        workdir = cwd or PROJECT
        if rng.random() < 0.6:
            tool, args = "exec_command", {"cmd": cmd, "workdir": workdir, "yield_time_ms": 10000}
        else:
            tool, args = (
                "shell",
                {"command": _argv(cmd, rng), "workdir": workdir, "timeout_ms": 120000},
            )
        cwd = workdir
    else:
        tool, args = (
            "run_terminal_cmd",
            {"command": cmd, "is_background": False, "explanation": desc},
        )
        if rng.random() < 0.3:
            args["require_user_approval"] = True
        cwd = cwd or (PROJECT if rng.random() < 0.5 else None)
    return _entry(client, tool, args, cwd, case.rule, case.note)


def _entry(
    client: Client, tool: str, args: dict[str, Any], cwd: str | None, rule: str | None, note: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {"client": client, "tool": tool, "input": args}
    if cwd:
        entry["cwd"] = cwd
    entry |= {"expect": "allow" if rule is None else "block", "rule": rule, "note": note}
    return entry


def tool_call(t: Tool) -> dict[str, Any]:
    return _entry(t.client, t.tool, t.input, t.cwd, t.rule, t.note)


def build() -> dict[Client, list[dict[str, Any]]]:
    """Every entry of the shipped corpus, per client, ids assigned."""
    rng = random.Random(13)
    out: dict[Client, list[dict[str, Any]]] = {c: [] for c in CLIENTS}
    cases = _dangerous.ALL + _chains.DANGEROUS + _everyday.ALL + _chains.EVERYDAY
    for i, case in enumerate(cases):
        times = 3 if i % 3 == 0 else 2
        # i // 3 turns the pairs, so each client gets a third of the two-client cases.
        clients = [CLIENTS[(i // 3 + i + k) % 3] for k in range(times)]
        spellings = wrappers(case)
        picked = [spellings[0], *rng.sample(spellings[1:], min(times - 1, len(spellings) - 1))]
        picked += [spellings[0]] * (times - len(picked))
        for client, cmd in zip(clients, picked, strict=True):
            out[client].append(shell_call(client, case, cmd, rng))
    for t in _tools.dangerous() + _tools.everyday():
        out[t.client].append(tool_call(t))
    for client, entries in out.items():
        for n, entry in enumerate(entries, 1):
            entries[n - 1] = {"id": f"{PREFIX[client]}-{n:04d}", **entry}
    return out


def main() -> None:
    for client, entries in build().items():
        path = HERE / FILES[client]
        with path.open("w", encoding="utf-8") as f:
            for entry in entries:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        block = sum(e["expect"] == "block" for e in entries)
        print(f"{path.name}: {block} block, {len(entries) - block} allow", file=sys.stderr)


if __name__ == "__main__":
    main()
