"""Which stored session a request continues, and what of it is new. Pure: no SQL.

Clients resend the whole conversation every turn. A request whose messages extend a
stored conversation (or repeat a prefix of it, as a retry does) continues that session
and adds only its new messages. A request that contradicts every stored branch (the
client compacted its history, or the user edited a turn) starts a child session: it
shares the parent's first ``fork_seq`` messages and stores the rest, so what was stored
is never rewritten.

Messages are compared by the digest of what the provider reads (``codec.match_digests``):
a request that spells a stored message differently (a string for one text block, as Claude
Code does with its environment message after its first request) continues the session.
Stored messages carry the digest of their own spelling; ``same`` maps the ones known to be
spelled otherwise to their match digest, and :func:`unresolved` names the stored messages
whose spelling must be read before a request can be said to diverge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Branch", "Plan", "Spellings", "conversation", "plan", "unresolved"]


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


class Spellings:
    """Match digests learned by reading stored messages, kept from batch to batch so a
    session whose client respells a message is read once, not every turn. A digest names
    a message's text, so nothing learned goes stale; the oldest are forgotten past
    ``limit`` (about 300 bytes each)."""

    def __init__(self, limit: int = 4096) -> None:
        self._known: dict[str, str] = {}
        self._limit = limit

    @property
    def known(self) -> dict[str, str]:
        """What was learned (add to it with :meth:`learn`, which keeps the bound)."""
        return self._known

    def learn(self, digest: str, match: str) -> None:
        if digest not in self._known and len(self._known) >= self._limit:
            del self._known[next(iter(self._known))]
        self._known[digest] = match


def conversation(family: dict[str, Branch], session_id: str) -> list[str]:
    """The digests of a session's whole conversation, inherited prefix included."""
    branch = family[session_id]
    if branch.parent_id is None:
        return list(branch.own)
    return conversation(family, branch.parent_id)[: branch.fork_seq] + branch.own


def plan(
    family: dict[str, Branch],
    root_id: str,
    digests: list[str],
    keys: list[str] | None = None,
    same: Mapping[str, str] | None = None,
) -> Plan:
    """Decide where a request with these message ``digests`` is stored.

    ``keys`` are the messages' match digests (their ``digests`` if not given); ``same`` maps
    stored digests to match digests, as far as known. A stored message continues the
    request's when it has the same digest or is known to read the same.

    >>> plan({}, "s1", ["a", "b"])
    Plan(session_id='s1', first_new=0, create=True, parent_id=None)
    """
    if not family:
        return Plan(root_id, 0, create=True)
    request = _Request(digests, keys or digests, same or {})
    best, best_common = None, -1
    for branch in _by_recency(family):
        stored = conversation(family, branch.id)
        common = request.common_prefix(stored)
        if common == min(len(stored), len(digests)):
            return Plan(branch.id, len(stored) if len(digests) > len(stored) else len(digests))
        if common > best_common:
            best, best_common = branch, common
    assert best is not None  # the family has a branch
    return Plan(_child_id(family, root_id), best_common, create=True, parent_id=best.id)


def unresolved(
    family: dict[str, Branch], digests: list[str], keys: list[str], same: Mapping[str, str]
) -> list[tuple[str, int]]:
    """The stored messages (session id, seq) to read before deciding that the request
    diverges: in each branch, the first that differs from the request, unless ``same``
    already knows how it reads."""
    request = _Request(digests, keys, same)
    found = set()
    for branch in _by_recency(family):
        stored = conversation(family, branch.id)
        seq = request.common_prefix(stored)
        if seq < min(len(stored), len(digests)) and stored[seq] not in same:
            found.add(_owner(family, branch.id, seq))
    return sorted(found)


@dataclass(slots=True)
class _Request:
    digests: list[str]
    keys: list[str]
    same: Mapping[str, str]

    def common_prefix(self, stored: list[str]) -> int:
        """How many of the ``stored`` digests the request's messages continue."""
        n = 0
        for d, mine, key in zip(stored, self.digests, self.keys, strict=False):
            if d != mine and self.same.get(d, d) != key:
                break
            n += 1
        return n


def _by_recency(family: dict[str, Branch]) -> list[Branch]:
    # The most recently active branch first: a retry of an old turn matches several.
    return sorted(family.values(), key=lambda b: (b.last_seen, b.id), reverse=True)


def _owner(family: dict[str, Branch], session_id: str, seq: int) -> tuple[str, int]:
    """The session that stores message ``seq`` of ``session_id``'s conversation."""
    branch = family[session_id]
    while branch.parent_id is not None and seq < branch.fork_seq:
        branch = family[branch.parent_id]
    return branch.id, seq


def _child_id(family: dict[str, Branch], root_id: str) -> str:
    # Children are named root/1, root/2, ...; pruning may leave gaps, so count past the
    # highest number in use rather than the number of branches.
    numbers = [
        int(suffix)
        for sid in family
        if sid.startswith(root_id + "/") and (suffix := sid[len(root_id) + 1 :]).isdigit()
    ]
    return f"{root_id}/{max(numbers, default=0) + 1}"
