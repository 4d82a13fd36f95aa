from __future__ import annotations

from sluice.policies._builtin import Finding
from sluice.policies._verdicts import Verdicts

WIPE = Finding("wipe_root_or_home", "Deletes the home folder")


class Judge:
    """Counts how often a call was read."""

    def __init__(self, found: Finding | None = None) -> None:
        self.found = found
        self.calls = 0

    def __call__(self) -> Finding | None:
        self.calls += 1
        return self.found


def test_a_call_seen_lately_is_not_judged_again() -> None:
    verdicts, judge = Verdicts(), Judge(WIPE)
    call = ("Bash", '{"command": "rm -rf ~"}', "/repo")
    assert verdicts.get(call, judge) == WIPE
    assert verdicts.get(call, judge) == WIPE
    assert judge.calls == 1


def test_another_folder_or_tool_is_another_call() -> None:
    verdicts, judge = Verdicts(), Judge()
    for call in [
        ("Bash", "{}", "/a"),
        ("Bash", "{}", "/b"),
        ("Bash", "{}", None),
        ("sh", "{}", None),
    ]:
        verdicts.get(call, judge)
    assert judge.calls == 4


def test_the_call_used_longest_ago_is_forgotten_first() -> None:
    verdicts, judge = Verdicts(size=2), Judge()
    first, second, third = (("Bash", f'{{"command": "{n}"}}', None) for n in "abc")
    verdicts.get(first, judge)
    verdicts.get(second, judge)
    verdicts.get(first, judge)  # used again: second is now the oldest
    verdicts.get(third, judge)
    verdicts.get(first, judge)
    assert judge.calls == 3
    verdicts.get(second, judge)
    assert judge.calls == 4


def test_long_arguments_are_not_kept() -> None:
    verdicts, judge = Verdicts(longest=10), Judge()
    call = ("Bash", '{"command": "a long command"}', None)
    verdicts.get(call, judge)
    verdicts.get(call, judge)
    assert judge.calls == 2
