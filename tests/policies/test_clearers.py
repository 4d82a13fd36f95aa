"""Tools that empty or remove a folder as their own work (a test runner's temporary root, a
virtual environment made anew with ``--clear``, a build's output folder it cleans, the
trash) do to the home folder or the root what ``rm -rf`` does; pointed at a folder of their
own, or without the option that makes them clear it, they pass."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import HOME, bash


@pytest.mark.parametrize(
    "command",
    [
        "pytest --basetemp ~ tests/",
        "pytest -x --basetemp=/home/dev",
        "python -m pytest --basetemp $HOME -q",
        "python3 -m pytest --basetemp=${HOME}",
        "uv run pytest --basetemp /",
        "py.test --basetemp=/Users/sam",
        "python3 -m venv --clear ~",
        "python -m venv --clear /home/dev",
        "virtualenv --clear -p python3.12 ~",
        "uv venv --clear $HOME",
        "cargo clean --target-dir ~",
        "cargo +nightly clean --target-dir=/home/dev",
        "hugo --cleanDestinationDir -d ~",
        "hugo --destination=/ --cleanDestinationDir",
        "npx vite build --outDir ~ --emptyOutDir",
        "trash ~",
        "trash-put /home/dev",
        "gio trash ~",
        "cd ~ && trash-put .",
    ],
)
def test_a_tool_that_clears_home_or_root_deletes_it(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    ("command", "cwd"),
    [
        ("pytest --basetemp . -q", HOME),  # the home folder itself
        ("python -m venv --clear ..", "/home/dev/project"),
    ],
)
def test_a_relative_folder_is_read_from_where_the_tool_runs(command: str, cwd: str) -> None:
    assert bash(command, cwd) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        "pytest --basetemp=/tmp/pytest-run tests/",
        "pytest --basetemp .pytest-tmp",
        "pytest --basetemp=~",  # no tilde expansion after `=`: a folder named ~ here
        "python -m venv --clear .venv",
        "python3 -m venv ~/venvs/tools",
        "python -m venv ~",  # no --clear: it only adds the environment's files
        "virtualenv ~",
        "uv venv ~",
        "cargo clean",
        "cargo build --target-dir ~/cargo-target",
        "cargo clean --target-dir /tmp/target",
        "hugo -d ~",
        "hugo --cleanDestinationDir -d public",
        "vite build --outDir ~ ",
        "vite build --emptyOutDir --outDir dist",
        "trash build/ dist/",
        "gio trash ~/Downloads/old.iso",
        "gio info ~",
    ],
)
def test_a_tool_that_clears_its_own_folder_passes(command: str) -> None:
    assert bash(command) is None
