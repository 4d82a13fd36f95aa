"""Which stored session a request continues, and what of it is new. Pure: no SQL.

Clients resend the whole conversation every turn. A request whose messages extend a
stored conversation (or repeat a prefix of it, as a retry does) continues that session
and adds only its new messages. A request that contradicts every stored branch (the
client compacted its history, or the user edited a turn) starts a child session: it
shares the parent's first ``fork_seq`` messages and stores the rest, so what was stored
is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Branch", "Plan", "conversation", "plan"]


@dataclass(slots=True)
class Branch:
    """A stored session of one family (same ``root_id``): its own messages' digests."""

    id: str
    parent_id: str | None
    fork_seq: int
    last_seen: datetime
    own: list[str] = field(default_factory=list)  # digests of seq fork_seq, fork_seq + 1, ...
    new: bool = False  # created by the batch being written (not stored yet)


@dataclass(slots=True)
class Plan:
    """Where a request is stored: in ``session_id`` (to be created if ``create``)."""

    session_id: str
    first_new: int  # messages[first_new:] of the request are stored, seq = index
    create: bool = False
    parent_id: str | None = None


def conversation(family: dict[str, Branch], session_id: str) -> list[str]:
    """The digests of a session's whole conversation, inherited prefix included."""
    branch = family[session_id]
    if branch.parent_id is None:
        return list(branch.own)
    return conversation(family, branch.parent_id)[: branch.fork_seq] + branch.own


def plan(family: dict[str, Branch], root_id: str, digests: list[str]) -> Plan:
    """Decide where a request with these message ``digests`` is stored.

    >>> plan({}, "s1", ["a", "b"])
    Plan(session_id='s1', first_new=0, create=True, parent_id=None)
    """
    if not family:
        return Plan(root_id, 0, create=True)
    # The most recently active branch first: a retry of an old turn matches several.
    by_recency = sorted(family.values(), key=lambda b: (b.last_seen, b.id), reverse=True)
    best, best_common = by_recency[0], -1
    for branch in by_recency:
        stored = conversation(family, branch.id)
        common = _common_prefix(stored, digests)
        if common == min(len(stored), len(digests)):
            return Plan(branch.id, len(stored) if len(digests) > len(stored) else len(digests))
        if common > best_common:
            best, best_common = branch, common
    return Plan(_child_id(family, root_id), best_common, create=True, parent_id=best.id)


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _child_id(family: dict[str, Branch], root_id: str) -> str:
    # Children are named root/1, root/2, ...; pruning may leave gaps, so count past the
    # highest number in use rather than the number of branches.
    numbers = [
        int(suffix)
        for sid in family
        if sid.startswith(root_id + "/") and (suffix := sid[len(root_id) + 1 :]).isdigit()
    ]
    return f"{root_id}/{max(numbers, default=0) + 1}"
