"""Where the events that pass unread end, before a mark or an escape (``_scan.events_before``)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from sluice.sidecar.formats._scan import events_before

MARK = b'"tool_calls"'


def _event(text: str) -> bytes:
    return b"data: " + json.dumps({"delta": {"content": text}}).encode() + b"\n\n"


def _escapes_ascii(raw: bytes) -> bool:
    """Whether ``raw`` spells an ASCII character as an escape, read as JSON reads it."""
    at = raw.find(b"\\")
    while at != -1:
        if raw.startswith(b"u00", at + 1):
            return True
        at = raw.find(b"\\", at + 2)
    return False


TEXTS = st.text(alphabet=st.sampled_from(["a", " ", "\\", '"', "\n", "\x01", "\u00e9", "u", "0"]))


@given(st.lists(TEXTS, min_size=1, max_size=8), st.integers(0, 8), st.booleans())
def test_no_event_after_an_escaped_ascii_character_or_the_mark_passes(
    texts: list[str], marked: int, escaped_backslash_free: bool
) -> None:
    if escaped_backslash_free:  # no backslash in the text: each one is an escape
        texts = [text.replace("\\", "") for text in texts]
    events = [_event(text) for text in texts]
    if marked < len(events):
        events[marked] = b'data: {"delta":{"tool_calls":[]}}\n\n'
    buf = b"".join(events)

    first = next(
        (n for n, event in enumerate(events) if MARK in event or _escapes_ascii(event)),
        len(events),
    )
    before = len(b"".join(events[:first]))
    end = events_before(buf, 0, MARK)

    assert end <= before  # never past an event that holds either
    assert end in {len(b"".join(events[:n])) for n in range(first + 1)}  # whole events
    if escaped_backslash_free:
        assert end == before  # and all of those before it


def test_an_escape_after_many_backslashes_is_still_found() -> None:
    plain = _event('a "quoted" line\n' * 8)  # 24 backslashes, none an ASCII escape
    buf = plain + _event("\x01") + plain
    assert events_before(buf, 0, MARK) == len(plain)
    assert events_before(plain + plain, 0, MARK) == 2 * len(plain)
