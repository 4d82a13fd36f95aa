"""Request bodies are parsed as strictly as the providers parse them."""

from __future__ import annotations

import pytest

from sluice.fake_upstream._body import NotJson, parse_object


def test_an_escaped_backslash_before_u_is_no_surrogate() -> None:
    assert parse_object(rb'{"path": "C:\\ud83d"}') == {"path": "C:\\ud83d"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "Expecting value: line 1 column 1 (char 0)"),
        (b'"text"', "expected a JSON object"),
        (b'{"a": "\xff"}', "invalid UTF-8: invalid start byte (byte 7)"),
        (
            b'{\n "a": "\\udc00 \\ud83d x"}',
            "no low surrogate in string: line 2 column 15 (char 16)",
        ),
    ],
)
def test_refusals(raw: bytes, reason: str) -> None:
    with pytest.raises(NotJson) as caught:
        parse_object(raw)

    assert str(caught.value) == reason


def test_a_surrogate_pair_is_fine() -> None:
    assert parse_object(rb'{"a": "\ud83d\ude80"}') == {"a": "🚀"}
