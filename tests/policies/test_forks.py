"""Fork bombs under any name and body, and look-alikes that are everyday shell."""

from __future__ import annotations

import pytest

from sluice.policies._forks import forks_forever
from tests.policies.verdicts import bash

BOMBS = [
    ":(){ :|:& };:",
    "b() { b & b; }; b",
    "f(){ f|f& };f",
    "bomb() { bomb | bomb & }; bomb",
    "function f { f | f & }; f",
    "function boom() { boom & boom & }; boom",
    "x() ( x | x & ); x",
    "_() { _|_& }; _",
    "fork_it() {\n  fork_it | fork_it &\n}\nfork_it",
    "a.b() { a.b & a.b; } && a.b",
    "sh -c 'bomb() { bomb | bomb & }; bomb'",
    'bash -c "f(){ f|f& };f"',
    "while true; do sleep 1 & done",
    "fish -c 'function f; f | f &; end; f'",
    "echo %0^|%0 > b.bat && cmd /c b.bat",
]


@pytest.mark.parametrize("line", BOMBS)
def test_a_function_that_starts_itself_twice_in_the_background_is_a_fork_bomb(line: str) -> None:
    assert bash(line) == "fork_bomb"


@pytest.mark.parametrize(
    "line",
    [
        "b() { b & b; }",  # defined, never called
        "f(){ f; f; }; f",  # recursion without a fork: the shell's stack gives out
        "f() { echo hi | grep h & }; f",
        "build() { make & make test; }; build",
        'retry() { "$@" || retry "$@"; }; retry curl -f x',
        "serve() { python -m http.server & }; serve",
        "fish -c 'function greet; echo hi | cat; end; greet'",
        'log() { echo "$@" | tee -a log.txt; }; log started; log done',
    ],
)
def test_a_function_that_does_not_multiply_itself_is_everyday_shell(line: str) -> None:
    assert not forks_forever(line)
    assert bash(line) is None


@pytest.mark.parametrize("line", ["a" * 100_000, "f() {" * 20_000, "function " * 30_000])
def test_long_lines_are_read_in_linear_time(line: str) -> None:
    assert not forks_forever(line)  # in well under a second; a quadratic reading takes minutes


@pytest.mark.parametrize(
    "line",
    [
        "if :; then echo ':(){ :|:& };:' > docs/fork-bomb.md; fi",
        "while :; do echo ':(){ :|:& };:' >> notes.md; break; done",
        "git commit -m 'docs: never run :(){ :|:& };:' && :",
    ],
)
def test_a_fork_bombs_text_printed_defines_no_function_the_line_calls(line: str) -> None:
    # `:` runs the shell's own no-op: the printed text defines nothing.
    assert bash(line) is None
