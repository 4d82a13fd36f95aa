"""A word's parts as the shell quoted them, told apart by their type.

These subclass ``str``, which a class compiled by mypyc cannot: this module is the one of
the rules' modules left interpreted when they are compiled (``setup.py``; see "Compiled
rules" in ``docs/architecture.md``).
"""

from __future__ import annotations

__all__ = ["Doubled", "Singled"]


class Doubled(str):
    """A word's part in double quotes, where bash replaces substitutions (in single quotes,
    it replaces none)."""

    __slots__ = ()


class Singled(str):
    """A word's part in single quotes (or ``$'…'``)."""

    __slots__ = ()
