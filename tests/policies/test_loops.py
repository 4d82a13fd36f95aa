"""A loop's variable names what its input lists: ``for f in ~/*``, ``find ~ | while read f``,
``done < <(find ~)``, ``xargs`` fed by a process substitution. Deleting, truncating or
overwriting each file it names destroys everything in the listed folder."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import HOME, bash


@pytest.mark.parametrize(
    "command",
    [
        'for f in ~/*; do dd if=/dev/urandom of="$f" bs=4k count=1 conv=notrunc; done',
        'for f in $HOME/.*; do > "$f"; done',
        'for f in /home/dev/*; do cp /dev/null "$f"; done',
        "for f in ~/*; do echo > $f; done",
        'find "$HOME" -type f | while read -r f; do : > "$f"; done',
        "find ~ -type f -print0 | while IFS= read -r -d '' f; do rm -f \"$f\"; done",
        'ls -d ~/* | while read d; do rm -rf "$d"; done',
        'while read -r f; do shred -u "$f"; done < <(find ~ -type f)',
        "xargs rm -rf < <(ls -d ~/*)",
        "xargs -a <(find ~ -mindepth 1 -maxdepth 1) rm -rf",
        "find ~ -type f -exec sh -c ': > \"$1\"' _ {} \\;",
        "find ~ -type f -exec dd if=/dev/zero of={} bs=1k count=1 \\;",
        "find / -type f -exec cp /dev/null {} \\;",
        "find ~ -type f -print0 | xargs -0 -I{} dd if=/dev/zero of={} count=1",
    ],
)
def test_destroying_each_file_a_loop_lists_under_home_is_blocked(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


def test_a_loop_over_the_working_directory_is_judged_by_where_it_runs() -> None:
    assert bash('ls | while read f; do rm -rf "$f"; done', HOME) == "wipe_root_or_home"
    assert bash('ls | while read f; do rm -rf "$f"; done') is None


@pytest.mark.parametrize(
    "command",
    [
        "find . -name '*.log' | while read f; do rm \"$f\"; done",
        'find ~/Downloads -type f | while read -r f; do rm -f "$f"; done',
        'find ~ -name "*.pyc" | while read f; do rm "$f"; done',
        'for f in ~/.bashrc ~/.zshrc; do cp "$f" "$f.bak"; done',
        "find ~ -type f -exec sh -c 'md5sum \"$1\" > /tmp/sums' _ {} \\;",
        'while read -r line; do echo "$line"; done < <(ls ~)',
        'ls ~ | while read f; do echo "$f" >> /tmp/inventory.txt; done',
        'find ~ -maxdepth 1 -type f | while read f; do wc -l "$f"; done',
        'for f in *.txt; do : > "$f"; done',
        "xargs -a <(git ls-files -d) git rm",
    ],
)
def test_loops_that_narrow_or_keep_the_files_pass(command: str) -> None:
    assert bash(command) is None


@pytest.mark.parametrize(
    "command",
    [
        "shred -zu -n1 $(find ~ -type f)",
        "rm -f `find ~ -type f`",
        "truncate -s 0 $(find $HOME -type f)",
        "rm -rf $(ls -A ~)",
        "chmod 000 $(find ~ -type f)",
        'for f in $(ls -A ~); do > ~/"$f"; done',
        "for f in `ls /`; do rm -rf /$f; done",
        'ls -A ~ | while read f; do rm -rf "$HOME/$f"; done',
    ],
)
def test_what_a_substitution_lists_is_the_target(command: str) -> None:
    assert bash(command) == "wipe_root_or_home"


@pytest.mark.parametrize(
    "command",
    [
        'rm -f $(find . -name "*.pyc")',
        'shred -u $(find ~ -name "*.tmp")',
        'for f in $(ls ~); do echo ~/"$f"; done',
        'for f in $(ls ~/projects); do rm -rf ~/"$f"; done',  # names of another folder
        "for d in $(ls ~/src); do rm -rf ~/src/$d/node_modules; done",
        "chmod 600 $(find ~/.ssh -type f)",
    ],
)
def test_substitutions_that_narrow_or_keep_the_files_pass(command: str) -> None:
    assert bash(command) is None
