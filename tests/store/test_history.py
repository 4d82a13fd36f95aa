"""Which session a request continues: pure planning, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sluice.store.history import Branch, Plan, conversation, plan, unresolved

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def family(*branches: Branch) -> dict[str, Branch]:
    return {b.id: b for b in branches}


def test_a_new_session_stores_everything() -> None:
    assert plan({}, "s", ["a", "b"]) == Plan("s", 0, create=True)


def test_a_longer_history_stores_only_the_new_messages() -> None:
    assert plan(family(Branch("s", None, 0, T0, ["a", "b"])), "s", ["a", "b", "c"]) == Plan("s", 2)


def test_a_retry_of_an_earlier_turn_stores_nothing() -> None:
    assert plan(family(Branch("s", None, 0, T0, ["a", "b", "c"])), "s", ["a", "b"]) == Plan("s", 2)


def test_a_diverging_history_starts_a_child_at_the_common_prefix() -> None:
    stored = family(Branch("s", None, 0, T0, ["a", "b", "c"]))
    assert plan(stored, "s", ["a", "x"]) == Plan("s/1", 1, create=True, parent_id="s")


def test_a_child_inherits_its_parents_prefix_and_is_continued() -> None:
    stored = family(
        Branch("s", None, 0, T0, ["a", "b", "c"]),
        Branch("s/1", "s", 1, T0 + timedelta(seconds=1), ["x"]),
    )
    assert conversation(stored, "s/1") == ["a", "x"]
    assert plan(stored, "s", ["a", "x", "y"]) == Plan("s/1", 2)
    assert plan(stored, "s", ["a", "b", "c", "d"]) == Plan("s", 3)
    assert plan(stored, "s", ["z"]) == Plan("s/2", 0, create=True, parent_id="s/1")


def test_a_stored_message_known_to_read_the_same_does_not_diverge() -> None:
    # "B" is stored; the request spells it "b" (a string for one text block, say).
    stored = family(Branch("s", None, 0, T0, ["a", "B"]))
    request = ["a", "b", "c"]
    assert plan(stored, "s", request, request, {"B": "b"}) == Plan("s", 2)
    assert plan(stored, "s", request) == Plan("s/1", 1, create=True, parent_id="s")


def test_a_message_spelled_as_stored_matches_without_knowing_how_it_reads() -> None:
    # The request's "B" reads as "b" (its match digest): the stored "B" is the same spelling.
    stored = family(Branch("s", None, 0, T0, ["a", "B"]))
    assert plan(stored, "s", ["a", "B", "c"], ["a", "b", "c"]) == Plan("s", 2)
    assert unresolved(stored, ["a", "B", "c"], ["a", "b", "c"], {}) == []


def test_only_the_first_unknown_difference_of_each_branch_is_read() -> None:
    stored = family(
        Branch("s", None, 0, T0, ["a", "B", "C"]),
        Branch("s/1", "s", 2, T0 + timedelta(seconds=1), ["D"]),
    )
    request = ["a", "b", "c"]
    assert unresolved(stored, request, request, {}) == [("s", 1)]  # s/1 inherits seq 1
    assert unresolved(stored, request, request, {"B": "b"}) == [("s", 2), ("s/1", 2)]
    # Known, and still different: a real divergence, nothing left to read.
    assert unresolved(stored, ["a", "x"], ["a", "x"], {"B": "b"}) == []
