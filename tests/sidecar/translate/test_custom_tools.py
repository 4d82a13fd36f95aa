"""Custom (freeform) tools declared to a JSON-tool backend, and their input decoded from
the streamed ``{"input": "..."}`` at any split."""

from __future__ import annotations

import json

import pytest

from sluice.sidecar.translate._common import Translated
from sluice.sidecar.translate._custom_tools import (
    GRAMMAR_SHOWN,
    CustomInput,
    custom_input,
    custom_names,
    custom_tool,
)

PATCH = '*** Begin Patch\n*** Update File: a.py\n@@\n-x = 1\n+x = "é"\t# 😀 \\ done\n*** End Patch'


def test_a_grammar_tool_takes_one_string_and_shows_its_grammar() -> None:
    out = Translated({})
    grammar = {"type": "grammar", "syntax": "lark", "definition": 'start: "*** Begin Patch"'}
    tool = {
        "type": "custom",
        "name": "apply_patch",
        "description": "Edit files.",
        "format": grammar,
    }
    declared = custom_tool(tool, out)
    assert declared["name"] == "apply_patch"
    assert declared["input_schema"]["required"] == ["input"]
    assert declared["input_schema"]["properties"]["input"]["type"] == "string"
    description = declared["description"]
    assert description.startswith("Edit files.\n\n")
    assert 'lark grammar:\nstart: "*** Begin Patch"' in description
    assert out.dropped == [
        "tools.apply_patch.format (the grammar is in the description, not enforced)"
    ]


def test_a_long_grammar_is_named_not_shown_and_plain_text_needs_no_note() -> None:
    out = Translated({})
    definition = "x" * (GRAMMAR_SHOWN + 1)
    grammar = {"type": "grammar", "syntax": "regex", "definition": definition}
    declared = custom_tool({"type": "custom", "name": "t", "format": grammar}, out)
    assert definition not in declared["description"]
    assert "regex grammar" in declared["description"]
    assert out.dropped == [f"tools.t.format (a grammar of {GRAMMAR_SHOWN + 1} characters)"]
    plain = Translated({})
    custom_tool({"type": "custom", "name": "t", "format": {"type": "text"}}, plain)
    assert plain.dropped == []


def test_custom_names_lists_only_custom_tools() -> None:
    tools = [
        {"type": "function", "name": "exec_command"},
        {"type": "custom", "name": "apply_patch"},
    ]
    assert custom_names({"tools": tools}) == {"apply_patch"}
    assert custom_names({}) == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"input": PATCH}),
        json.dumps({"input": PATCH}, ensure_ascii=False),
        '{ "input" :\n' + json.dumps("a\ud83d\ude00b \\u-ish") + "}",
    ],
)
def test_the_input_decodes_the_same_at_every_split(text: str) -> None:
    whole = custom_input(text)
    assert whole == json.loads(text)["input"]
    for cut in range(len(text) + 1):
        for second in range(cut, len(text) + 1, 7):
            decoder = CustomInput()
            pieces = (text[:cut], text[cut:second], text[second:])
            assert "".join(decoder.feed(p) for p in pieces) == whole, (cut, second)


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ('{"other": 1, "input": "x"}', "x"),  # no deltas: the done event carries it
        ('{"input": 3}', '{"input": 3}'),
        ("not json", "not json"),
        ('{"input": "\\ud83d alone"}', "\ufffd alone"),  # a lone surrogate UTF-8 cannot carry
    ],
)
def test_input_of_another_shape_passes_whole(text: str, whole: str) -> None:
    assert custom_input(text) == whole
    streamed = "".join(CustomInput().feed(c) for c in [text[:5], text[5:]])
    assert streamed in ("", whole)


def test_a_parsed_input_reads_its_string() -> None:
    assert custom_input({"input": PATCH}) == PATCH
    assert custom_input({}) == "{}"
