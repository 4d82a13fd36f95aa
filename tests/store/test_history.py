"""Which session a request continues: pure planning, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sluice.store.history import Branch, Plan, conversation, plan

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
