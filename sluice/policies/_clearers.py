"""Tools that empty or remove a folder they are given as part of their own work: a test
runner's temporary root, a virtual environment made anew, a build's output folder, the trash.

    >>> cleared("pytest", ["--basetemp", "/home/dev", "tests"])
    (['/home/dev'], 'empties (pytest --basetemp)')
    >>> cleared("python3", ["-m", "venv", "--clear", "~"])
    (['~'], 'empties (venv --clear)')
    >>> cleared("cargo", ["clean", "--target-dir=/home/dev"])
    (['/home/dev'], 'deletes (cargo clean --target-dir)')

Each is what the tool documents: pytest removes ``--basetemp`` whole before it makes its
temporary folders in it; ``venv --clear`` and ``virtualenv --clear`` delete the contents of
the folder they are to make the environment in (``uv venv --clear`` too); ``cargo clean``
deletes its target folder; ``hugo --cleanDestinationDir`` deletes what it did not build from
its destination, and ``vite build --emptyOutDir`` empties its output folder; ``trash``,
``trash-put`` and ``gio trash`` move what they are given out of its place, as ``mv`` does.
Without the option that makes it clear (``venv ~``, ``hugo -d ~``) a tool only writes into the
folder, and is not listed. A value joined to its option with ``=`` is not tilde-expanded by
the shell (``--basetemp=~`` is a folder named ``~`` in the working directory), so it is read
as written. Linear in the command's length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sluice.policies._wrappers import operands, option_values, python_module

__all__ = ["cleared"]


@dataclass(frozen=True, slots=True)
class _Clearer:
    """What makes a tool clear a folder, and where it names it.

    ``verb``: what it does to the folder; ``options``: the options whose value is the
    folder, none when its operands are; ``needs``: an option without which it keeps what the
    folder holds (``--clear``), none when it always clears; ``subcommand``: the word that
    must come first (``cargo clean``), empty when none; ``takes``: its options that take
    the next word as their value, so that its operands are read rightly.
    """

    verb: str
    options: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    subcommand: str = ""
    takes: frozenset[str] = frozenset()


_BASETEMP = _Clearer("empties (pytest --basetemp)", frozenset({"--basetemp"}))
_VENV = _Clearer(
    "empties (venv --clear)", needs=frozenset({"--clear"}), takes=frozenset({"--prompt"})
)
_TRASH = _Clearer("moves to the trash")
_CLEARERS: dict[str, _Clearer] = {
    "pytest": _BASETEMP,
    "py.test": _BASETEMP,
    "venv": _VENV,
    "virtualenv": _Clearer(
        "empties (virtualenv --clear)",
        needs=frozenset({"--clear"}),
        takes=frozenset({"-p", "--python", "--prompt", "--creator", "--seeder", "--activators"})
        | {"--app-data", "--discovery", "--extra-search-dir", "--pip", "--setuptools", "--wheel"},
    ),
    "uv": _Clearer(
        "empties (uv venv --clear)",
        needs=frozenset({"--clear"}),
        subcommand="venv",
        takes=frozenset({"-p", "--python", "--prompt", "--index-url", "--seed", "--directory"})
        | {"--project", "--cache-dir", "--config-file", "--link-mode", "--index-strategy"},
    ),
    "cargo": _Clearer(
        "deletes (cargo clean --target-dir)", frozenset({"--target-dir"}), subcommand="clean"
    ),
    "hugo": _Clearer(
        "empties (hugo --cleanDestinationDir)",
        frozenset({"-d", "--destination"}),
        needs=frozenset({"--cleanDestinationDir"}),
    ),
    "vite": _Clearer(
        "empties (vite build --emptyOutDir)",
        frozenset({"--outDir"}),
        needs=frozenset({"--emptyOutDir"}),
        subcommand="build",
    ),
    "trash": _TRASH,
    "trash-put": _TRASH,
    "gio": _Clearer("moves to the trash (gio trash)", subcommand="trash"),
}


def cleared(name: str, args: Sequence[str]) -> tuple[list[str], str] | None:
    """The folders the program ``name`` given ``args`` empties, removes or throws away, as
    written, and how; None if it clears none."""
    if (module := python_module(name, args)) is not None:
        name, args = module  # python -m pytest, python3 -m venv
    clearer = _CLEARERS.get(name)
    if clearer is None or (clearer.needs and not any(a in clearer.needs for a in args)):
        return None
    if clearer.subcommand:
        given = [a for a in operands(args, clearer.takes) if not a.startswith("+")]  # +nightly
        if given[:1] != [clearer.subcommand]:
            return None
        args = args[args.index(clearer.subcommand) + 1 :]
    if clearer.options:
        folders = option_values(args, clearer.options, paths=True)
    else:
        folders = operands(args, clearer.takes)
    return (folders, clearer.verb) if folders else None
