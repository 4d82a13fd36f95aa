"""The verdicts ``tool_rules`` gave lately, by call.

Agents run the same commands again and again (``git status``, ``ls``, the test suite), and
a verdict depends on nothing but the tool's name, its arguments as streamed and the working
directory the request reports (the rules are fixed for the policy's life), so a call seen
lately is not read again. Bounded: the ``size`` calls used last, each of arguments under
``longest`` characters (a long call is rarely repeated and would cost memory).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVarTuple

from sluice.policies._builtin import Finding

__all__ = ["Verdicts"]

Ts = TypeVarTuple("Ts")
Call = tuple[str, str, str | None]  # tool name, arguments (JSON text), working directory


class Verdicts:
    """An LRU of verdicts: ``verdicts.get(call, judge)`` judges a call not seen lately.

    >>> verdicts = Verdicts(size=2)
    >>> verdicts.get(("Bash", '{"command": "ls"}', "/repo"), lambda: None) is None
    True
    """

    __slots__ = ("_longest", "_seen", "_size")

    def __init__(self, size: int = 1024, longest: int = 4096) -> None:
        self._size = size
        self._longest = longest
        self._seen: OrderedDict[Call, Finding | None] = OrderedDict()

    def get(self, call: Call, judge: Callable[[*Ts], Finding | None], *args: *Ts) -> Finding | None:
        """The verdict on ``call``, from ``judge(*args)`` unless remembered."""
        seen = self._seen
        if call in seen:
            seen.move_to_end(call)
            return seen[call]
        found = judge(*args)
        if len(call[1]) <= self._longest:
            seen[call] = found
            if len(seen) > self._size:
                seen.popitem(last=False)
        return found
