"""Reading JSON with errors that name the path of the problem."""

from __future__ import annotations

import re

import pytest

from sluice.model import Usage
from sluice.sidecar.formats import FormatError, MalformedJSON, WrongShape
from sluice.sidecar.formats._json import at, dump, load_object, need, objects, opt, read_usage


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        ("", "model", "model"),
        ("messages", 3, "messages[3]"),
        ("messages[3]", "content", "messages[3].content"),
    ],
)
def test_at_builds_json_paths(path: str, key: str | int, expected: str) -> None:
    assert at(path, key) == expected


@pytest.mark.parametrize(
    ("obj", "kind", "message"),
    [
        ({}, int, "a.n: missing"),
        ({"n": None}, int, "a.n: expected an integer, got null"),
        ({"n": True}, int, "a.n: expected an integer, got a boolean"),  # JSON has no bool ints
        ({"n": 1.5}, int, "a.n: expected an integer, got a number"),
        ({"n": {}}, list, "a.n: expected an array, got an object"),
    ],
)
def test_need_says_where_and_what(obj: dict[str, object], kind: type, message: str) -> None:
    with pytest.raises(WrongShape) as caught:
        need(obj, "n", kind, "a")
    assert (str(caught.value), caught.value.path) == (message, "a.n")


def test_opt_treats_null_as_absent_and_a_number_may_be_an_integer() -> None:
    assert opt({"n": None}, "n", int, "") is None
    assert opt({}, "n", str, "") is None
    assert opt({"n": 2}, "n", float, "") == 2


def test_objects_requires_every_element_to_be_an_object() -> None:
    assert list(objects([{"a": 1}], "xs")) == [("xs[0]", {"a": 1})]
    with pytest.raises(WrongShape, match=r"xs\[1\]: expected an object, got a string"):
        list(objects([{}, "b"], "xs"))


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"", MalformedJSON),
        (b"{", MalformedJSON),
        (b"\xc3\x28", MalformedJSON),
        (b"1", WrongShape),
        (b"null", WrongShape),
    ],
)
def test_load_object_errors_are_format_errors(raw: bytes, error: type[FormatError]) -> None:
    with pytest.raises(error):
        load_object(raw)


def test_dump_is_compact_and_keeps_non_ascii() -> None:
    assert dump({"text": "Grüße 👋", "n": [1, 2]}) == '{"text":"Grüße 👋","n":[1,2]}'


def test_read_usage_copies_present_counts_and_keeps_the_rest() -> None:
    usage = Usage(input_tokens=10, output_tokens=1)
    fields = {
        "completion_tokens": "output_tokens",
        "prompt_tokens_details.cached_tokens": "cache_read_tokens",
        "completion_tokens_details.reasoning_tokens": "reasoning_tokens",
    }
    obj = {
        "completion_tokens": 7,
        "prompt_tokens_details": {"cached_tokens": 4},
        "completion_tokens_details": None,
    }
    assert read_usage(usage, obj, "usage", fields) == Usage(10, 7, cache_read_tokens=4)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply (depth limit)"),
        (b'{"a":["ok","\\ud800"]}', "a[1]: invalid Unicode: a lone surrogate escape"),
        (b'{"\\udc00":1}', "body: invalid Unicode: a lone surrogate escape"),
        (b'{"a":NaN}', "NaN is not a JSON number"),
        (b'{"a":-Infinity}', "-Infinity is not a JSON number"),
    ],
)
def test_bodies_no_provider_accepts_are_malformed(body: bytes, message: str) -> None:
    with pytest.raises(MalformedJSON, match=re.escape(message)):
        load_object(body)


def test_an_escaped_surrogate_pair_is_one_valid_character() -> None:
    assert load_object(b'{"a":"\\ud83d\\ude00 \\uD55C"}') == {"a": "\U0001f600 \ud55c"}
