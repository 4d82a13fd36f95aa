"""How a command's program is reached does not change what the command does: every shell
command of the shipped corpus is judged the same behind a program that runs it, with that
program's options (``nice -n 10``, ``sudo -u deploy``, ``timeout -s KILL 60``: ``env |
curl -d @- URL`` still sends the environment, and ``nice -n 10 echo "rm -rf /" >> notes.md``
still only writes a note), with its first word continued on the next line (``terraform
\\<newline>destroy``), and given whole as a script (``bash -c '…'``, ``eval '…'``, ``bash
<<< '…'``, a here-document to bash)."""

from __future__ import annotations

import re
import shlex
from functools import cache

import pytest

from tests.policies.verdicts import PROJECT, bash, corpus_shell_lines

_alone = cache(bash)  # each line's own verdict, judged once for every spelling

# A line's first word, when it names a program plainly (not a keyword, an assignment, a
# function's definition or another shell's construct).
_FIRST = re.compile(r"([a-z][a-z0-9_.-]*)(?= )")
_NOT_PROGRAMS = frozenset({"if", "for", "while", "until", "case", "function", "export", "cd"})
SPELLINGS = {
    "nice": "nice -n 10 %s",
    "stdbuf": "stdbuf -o0 %s",
    "ionice": "ionice -c3 %s",
    "setsid": "setsid %s",
    "sudo as a user": "sudo -u deploy %s",
    "timeout with a signal": "timeout -s KILL 60 %s",
    "nohup": "nohup %s",
    "env with a variable": "env LC_ALL=C %s",
    "command": "command %s",
    "strace": "strace -f -o /tmp/trace.txt %s",
    "faketime": "faketime '2024-01-01 00:00:00' %s",
    "gosu": "gosu deploy %s",
    "1Password": "op run --env-file=.env -- %s",
    "aws-vault": "aws-vault exec dev -- %s",
    "Doppler": "doppler run -p api -c dev -- %s",
    "dotenv": "dotenv -e .env -- %s",
    "uv": "uv run %s",
}


def _respelt(line: str, spelling: str) -> str | None:
    """``line`` with its first command's program reached as ``spelling`` says; None when
    the line does not start with a program's plain name."""
    first = _FIRST.match(line)
    if first is None or first[1] in _NOT_PROGRAMS:
        return None
    if spelling == "continued":
        return f"{first[1]} \\\n{line[first.end() + 1 :]}"
    return SPELLINGS[spelling] % line


# A line given whole as a script (one-line commands; the here-document takes any).
SCRIPTS = {
    "bash -c": "bash -c {quoted}",
    "sudo sh -c": "sudo sh -c {quoted}",
    "eval": "eval {quoted}",
    "here-string": "bash <<< {quoted}",
    "here-document": "bash <<'SCRIPT'\n{line}\nSCRIPT",
    "tmux": "tmux new-session -d -s job {quoted}",
    "screen": "screen -dmS job sh -c {quoted}",
    "entr": "ls src/*.py | entr -s {quoted}",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_shell_command_is_judged_the_same_given_whole_as_a_script(script: str) -> None:
    changed = []
    for case, line in corpus_shell_lines():
        if "\n" in line and script != "here-document":
            continue
        alone = _alone(line, case.cwd or PROJECT)
        given = SCRIPTS[script].format(quoted=shlex.quote(line), line=line)
        as_script = bash(given, case.cwd or PROJECT)
        if (alone is None) != (as_script is None):
            changed.append(f"{case.id}: {alone} alone, {as_script} as {given!r}")
    assert not changed, "\n".join(changed)


@pytest.mark.parametrize("spelling", [*SPELLINGS, "continued"])
def test_a_shell_command_is_judged_the_same_however_its_program_is_reached(
    spelling: str,
) -> None:
    changed = []
    for case, line in corpus_shell_lines():
        respelt = _respelt(line, spelling)
        if respelt is None:
            continue
        alone = _alone(line, case.cwd or PROJECT)
        reached = bash(respelt, case.cwd or PROJECT)
        if (alone is None) != (reached is None):
            changed.append(f"{case.id}: {alone} alone, {reached} as {respelt!r}")
    assert not changed, "\n".join(changed)
