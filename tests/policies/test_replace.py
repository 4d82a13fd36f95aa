from __future__ import annotations

import itertools
import textwrap
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sluice.policies import replace as replace_module
from sluice.policies.replace import Replace, recase
from sluice.policy import PolicyError
from sluice.sidecar.formats.edits import RequestEditor
from tests.policies.factories import anthropic_body, request_hook, stream_text, text_delta_hook


def make(*rules: dict[str, Any]) -> Replace:
    policy = Replace.configure({"rules": list(rules)})
    assert isinstance(policy, Replace)
    return policy


async def replaced(text: str, *rules: dict[str, Any]) -> str:
    """``text`` as a response text block after ``rules``."""
    hook = text_delta_hook(text)
    await make(*rules).text_delta(hook)
    return hook.text


ACME = {"find": "acme", "replace": "globex"}


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        (ACME, "Acme and ACME and acme", "globex and globex and globex"),
        (ACME | {"match_case": True}, "Acme and acme", "Acme and globex"),
        (ACME | {"preserve_case": True}, "ACME, Acme, acme", "GLOBEX, Globex, globex"),
        ({"find": "acme", "replace": "Globex Corp", "preserve_case": True}, "acme", "globex corp"),
        ({"find": "acme", "replace": "globex", "preserve_case": True}, "AcMe", "Globex"),
        # A plain find is literal, its replacement too.
        ({"find": "a.b", "replace": r"\1"}, "a.b axb", r"\1 axb"),
        ({"find": "cat", "replace": "dog"}, "concatenate", "condogenate"),
        (
            {"find": r"\bcat\b", "regex": True, "replace": "dog"},
            "cat concatenate",
            "dog concatenate",
        ),
        (
            {"find": r"JIRA-(\d+)", "regex": True, "replace": r"ticket \1", "match_case": True},
            "see JIRA-42, not jira-7",
            "see ticket 42, not jira-7",
        ),
        (
            {"find": r"(?P<who>alice|bob)@corp", "regex": True, "replace": r"\g<who>@example"},
            "Mail Alice@corp",
            "Mail Alice@example",
        ),
        (
            {"find": r"project (\w+)", "regex": True, "replace": r"team \1", "preserve_case": True},
            "PROJECT FALCON, Project falcon",
            "TEAM FALCON, Team falcon",
        ),
        (ACME, "nothing to see", "nothing to see"),
    ],
)
async def test_rules(rule: dict[str, Any], text: str, expected: str) -> None:
    assert await replaced(text, rule) == expected


async def test_rules_apply_in_order() -> None:
    rules = ({"find": "a", "replace": "b"}, {"find": "b", "replace": "c"})
    assert await replaced("ab", *rules) == "cc"


@pytest.mark.parametrize(
    ("replacement", "matched", "expected"),
    [
        ("globex", "ACME", "GLOBEX"),
        ("Globex", "acme", "globex"),
        ("globex", "Acme", "Globex"),
        ("globex Inc", "Acme Corp", "Globex Inc"),
        ("GloBex", "Acme", "GloBex"),  # a capital first letter: the rest as written
        ("globex", "iPhone", "globex"),  # any other mix: as written
        ("globex", "42", "globex"),
        ("42 globex", "Acme", "42 Globex"),
        ("émile", "ÉCOLE", "ÉMILE"),
    ],
)
def test_recase(replacement: str, matched: str, expected: str) -> None:
    assert recase(replacement, matched) == expected


async def test_request_text() -> None:
    body = anthropic_body(
        system="You work for ACME.",
        messages=[{"role": "user", "content": [{"type": "text", "text": "Is Acme hiring?"}]}],
    )
    hook = request_hook(body)
    await make(ACME | {"preserve_case": True}).request(hook)
    assert isinstance(hook.edits, RequestEditor)
    assert hook.edits.body["system"] == "You work for GLOBEX."
    assert hook.edits.body["messages"][0]["content"][0]["text"] == "Is Globex hiring?"


async def test_directions_per_rule() -> None:
    policy = make(
        {"find": "falcon", "replace": "the product", "directions": ["request"]},
        {"find": "globex", "replace": "acme", "directions": "response"},
    )
    hook = text_delta_hook("falcon by globex")
    await policy.text_delta(hook)
    assert hook.text == "falcon by acme"
    request = request_hook(
        anthropic_body(messages=[{"role": "user", "content": "falcon by globex"}])
    )
    await policy.request(request)
    assert isinstance(request.edits, RequestEditor)
    assert request.edits.body["messages"][0]["content"] == "the product by globex"


@pytest.mark.parametrize(
    ("directions", "hooks"),
    [
        ([["request"]], {"request"}),
        ([["response"]], {"text_delta"}),
        (["request", "response"], {"request", "text_delta"}),
        ([["request", "response"]], {"request", "text_delta"}),
        (["both"], {"request", "text_delta"}),
    ],
)
def test_hooks_follow_directions(directions: list[Any], hooks: set[str]) -> None:
    # Without a response rule, the gateway must not hold response text back.
    rules = [ACME | {"directions": d} for d in directions]
    assert make(*rules).hooks() == hooks


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"rules": [{"find": "(unclosed", "regex": True, "replace": "x"}]},
            r"rules.0: .*'\(unclosed'",
        ),
        (
            {"rules": [ACME, {"find": "(a)", "regex": True, "replace": r"\2"}]},
            r"rules.1: .*'\(a\)'.*refers to group '2'",
        ),
        ({"rules": [{"find": "x*", "regex": True, "replace": "y"}]}, "matches the empty string"),
        ({"rules": [{"find": "", "replace": "y"}]}, "rules.0.find"),
        ({"rules": [{"find": "x"}]}, "rules.0.replace: Field required"),
        ({"rules": [ACME | {"directions": ["inbound"]}]}, "rules.0.directions"),
        ({"rules": [ACME | {"directions": []}]}, "rules.0.directions"),
        ({"rules": []}, "rules: .*at least 1"),
        ({}, "rules: Field required"),
        ({"rules": [ACME | {"regexp": True}]}, "rules.0.regexp: Extra inputs"),
    ],
)
def test_bad_config_is_refused_at_load(config: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        Replace.configure(config)


async def test_documented_example_configures() -> None:
    assert replace_module.__doc__ is not None
    example = replace_module.__doc__.split(".. code-block:: yaml")[1].split("\n\n")[1]
    (entry,) = yaml.safe_load(textwrap.dedent(example))["policies"]
    assert entry["name"] == "replace"
    policy = Replace.configure(entry["config"])
    assert isinstance(policy, Replace)
    hook = text_delta_hook("Project Falcon: Acme fixed JIRA-12")
    await policy.text_delta(hook)
    assert hook.text == "Project Falcon: Globex fixed ticket 12"


# Streamed: text_delta sees the text piece by piece --------------------------------------


@given(st.lists(st.integers(0, 80), max_size=10))
async def test_replace_wherever_the_stream_is_cut(cuts: list[int]) -> None:
    text = "ACME makes acme-ish things; Acme! and then ac"
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    policy = make(
        ACME | {"preserve_case": True}, {"find": r"JIRA-\d{1,4}", "regex": True, "replace": "T"}
    )
    out, most = await stream_text(policy, pieces)
    assert out == "GLOBEX makes globex-ish things; Globex! and then ac"
    assert most <= policy.lookback == len("JIRA-") + 4


async def test_only_what_could_begin_a_match_is_held() -> None:
    policy = make(ACME)
    hook = text_delta_hook("we ship. Ac", final=False)
    await policy.text_delta(hook)
    assert hook.text[: hook.settled] == "we ship. "
    hook = text_delta_hook("we ship. Ax", final=False)
    await policy.text_delta(hook)
    assert hook.settled == len(hook.text)


async def test_a_catastrophic_pattern_cannot_stall_a_worker() -> None:
    # (a+)+$ backtracks exponentially in Python's re on a run of a ending otherwise; RE2 runs
    # in time linear in the text.
    text = "a" * 20_000 + "!"
    assert await replaced(text, {"find": "(a+)+$", "regex": True, "replace": "x"}) == text
    assert await replaced("a" * 20_000, {"find": "(a+)+$", "regex": True, "replace": "x"}) == "x"


def test_a_pattern_re2_cannot_run_is_refused_with_the_reason() -> None:
    with pytest.raises(PolicyError, match=r"rules.0: .*RE2.*no look-around"):
        make({"find": r"(?<!x)y", "regex": True, "replace": "z"})
