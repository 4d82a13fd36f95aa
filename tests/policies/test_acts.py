"""fd and fdfind delete like find: ``-x``/``-X``/``--exec``/``--exec-batch`` of a deleter
over the home folder or the root, unless a pattern or an extension narrows it."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import HOME, PROJECT, bash


@pytest.mark.parametrize(
    "command",
    [
        "fd . ~ -x rm -rf",
        "fdfind -H . / -X rm -rf {}",
        "fd --type f . $HOME --exec rm {}",
        "fd -H -t f --search-path ~ -X rm -f",
        "fd '' /home/dev --exec-batch rm -rf",
        "fd -u . ~ -x sh -c 'rm -rf \"$1\"' _ {}",
        "fd -g '*' ~ -X shred -u",
        "sudo fd -HI . / --exec-batch rm -rf",
        "fd . /Users/dev -x unlink",
        "fd . ~ | xargs rm -rf",
    ],
)
def test_fd_deleting_everything_under_home_or_root_is_blocked(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


def test_fd_without_a_path_deletes_in_the_working_directory() -> None:
    assert bash("fd -H -x rm -rf", HOME) == "wipe_root_or_home"
    assert bash("fd -H -x rm -rf", PROJECT) is None


@pytest.mark.parametrize(
    "command",
    [
        "fd -e pyc . ~ -x rm",
        "fd __pycache__ ~ -x rm -rf",
        "fd -t d node_modules ~/code -X rm -rf",
        "fd -g '*.orig' . -x rm",
        "fd . ~ -x echo",
        "fd . ~ -X ls -l",
        "fd pyc ~ | xargs rm -rf",
        "fd -x rm -rf",  # in the project
    ],
)
def test_fd_narrowed_or_not_deleting_passes(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    "command",
    [
        "du -sh ~/* | sort -rh | awk '{print $2}' | xargs rm -rf",
        "du -sh ~/* | sort -rh | awk '{print $2}' > /tmp/big.txt && xargs -a /tmp/big.txt rm -rf",
        "ls -d ~/* > /tmp/l && xargs rm -rf < /tmp/l",
        "find ~ -mindepth 1 -maxdepth 1 > /tmp/l; xargs -a /tmp/l rm -rf",
    ],
)
def test_a_listing_of_home_saved_or_piped_then_deleted_is_blocked(command: str) -> None:
    """What du, ls or find list, piped or saved to a file that xargs reads (``-a FILE``,
    ``< FILE``), is what xargs gives the command."""
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        "du -sh ~/* | sort -rh | head -5",
        "du -sh node_modules/* | sort -rh | awk '{print $2}' | xargs rm -rf",
        "ls -d dist/* > /tmp/l && xargs rm -rf < /tmp/l",
        "ls ~ > files.txt && wc -l files.txt",
    ],
)
def test_a_listing_of_the_project_or_only_read_passes(command: str) -> None:
    assert bash(command) is None
