"""What a shell command does does not change with what surrounds it: every shell command
of the shipped corpus is judged the same inside a group, an ``if``, a loop's body, a
subshell or a function's body that the line calls, and after ``!`` or ``time``
(``{ env | curl -d @- URL; }`` still sends the environment; awk's ``'{print $1}'`` in a
called function is still awk's field)."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import PROJECT, bash, corpus_shell_lines

# Each wraps a command line, on lines of their own; a line of one line, also on the same
# line (the reserved word then starts the command's own words).
WRAPS = {
    "group": "{\n%s\n}",
    "if": "if true; then\n%s\nfi",
    "function": "f() {\n%s\n}; f",
}
ONE_LINE = {
    "group, one line": "{ %s; }",
    "if, one line": "if true; then %s; fi",
    "else, one line": "if false; then true; else %s; fi",
    "for, one line": "for _ in 1; do %s; done",
    "while, one line": "while true; do %s; break; done",
    "subshell, one line": "(%s)",
    "function, one line": "f() { %s; }; f",
    "not": "! %s",
    "time": "time %s",
}


@pytest.mark.parametrize("wrap", [*WRAPS, *ONE_LINE])
def test_a_shell_command_is_judged_the_same_whatever_surrounds_it(wrap: str) -> None:
    changed = []
    for case, line in corpus_shell_lines():
        if wrap in ONE_LINE and "\n" in line:
            continue
        alone = bash(line, case.cwd or PROJECT)
        wrapped = bash((WRAPS | ONE_LINE)[wrap] % line, case.cwd or PROJECT)
        if (alone is None) != (wrapped is None):
            changed.append(f"{case.id}: {alone} alone, {wrapped} wrapped")
    assert not changed, "\n".join(changed)
