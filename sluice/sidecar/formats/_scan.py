"""What a scan of a stream's bytes tells a chain that reads nothing but tool calls.

Each format has a scan (:class:`CallScan`): Anthropic's Messages (:mod:`._anthropic_calls`),
OpenAI's Chat Completions (:mod:`._openai_chat_calls`) and Responses
(:mod:`._openai_responses_calls`). The
reader that drives one is :class:`~sluice.sidecar.call_reader.CallReader`; a step of a scan
says what the events from a place in the stream are (:class:`Scanned`):

- ``PASS``: events that carry no tool call, to go on as they came.
- ``CALL``: one whole tool call; ``call`` is it.
- ``END``: the response's end, before which calls kept for the end go.
- ``MORE``: the event, or the tool call, that begins there is not whole yet.
- ``ODD``: anything the scan does not read: the general reader must read the stream.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import NamedTuple, Protocol

from sluice.model import ToolCall

__all__ = [
    "CALL_WAIT",
    "CallScan",
    "Scanned",
    "Step",
    "events_before",
    "run_end",
    "unread",
    "whole",
]

# The most of one tool call's events kept waiting for its end: a longer call is left to
# the general reader, which reads it as it comes.
CALL_WAIT = 64 * 1024


class Scanned(Enum):
    PASS = "pass"
    CALL = "call"
    END = "end"
    MORE = "more"
    ODD = "odd"


class Step(NamedTuple):
    """What the events from where :meth:`CallScan.step` was asked up to ``end`` are (for
    ``MORE`` and ``ODD``, ``end`` is where they were asked)."""

    kind: Scanned
    end: int
    call: ToolCall | None = None


class CallScan(Protocol):
    """The scan of one response stream, as :class:`~sluice.sidecar.call_reader.CallReader`
    drives it."""

    @property
    def calls_last(self) -> bool:
        """Whether the calls the chain allowed wait for the response's end (Anthropic's
        rule: a refusal may still go before them), else they go as soon as judged."""
        ...

    @property
    def pending(self) -> bool:
        """A tool call begun waits for its rest."""
        ...

    def passing(self, buf: bytes) -> int:
        """Where the events at the start of ``buf`` that pass end (0 while a call waits for
        its rest): what :meth:`step` from 0 would say first, for the caller to go on from."""
        ...

    def waits(self, buf: bytes, at: int) -> bool:
        """Whether all that follows ``at`` in ``buf`` is the start of an event, to read
        once the rest has come: what :meth:`step` from ``at`` would say with ``MORE``
        after :meth:`passing` ended there (a call begun is read as it comes)."""
        ...

    def step(self, buf: bytes, at: int) -> Step:
        """What the events from ``at`` in ``buf`` are. After ``MORE``, ask again from the
        same place, with ``buf`` from there as it was and more after it."""
        ...


def events_before(buf: bytes, at: int, mark: bytes) -> int:
    """Where the whole events from ``at`` in ``buf`` end that come before the first ``mark``
    (a key or a value, as JSON spells it) and the first ASCII character escaped (``\\u00``:
    the only way to spell one otherwise); ``at`` when there is none. A backslash is looked
    for first, as most text holds few."""
    stop = buf.find(mark, at)
    stop = len(buf) if stop == -1 else stop
    if (slash := buf.find(b"\\", at, stop)) != -1 and (
        escaped := buf.find(b"\\u00", slash, stop)
    ) != -1:
        stop = escaped
    end = buf.rfind(b"\n\n", at, stop)
    return at if end == -1 else end + 2


def run_end(events: re.Pattern[bytes], buf: bytes, at: int) -> int:
    """Where the run of ``events`` from ``at`` ends (each pattern matches at least nothing)."""
    found = events.match(buf, at)
    return at if found is None else found.end()


def unread(buf: bytes, at: int) -> Step:
    """An event a scan does not read: ``ODD`` if it is whole, else ``MORE``."""
    return Step(Scanned.ODD if whole(buf, at) else Scanned.MORE, at)


def whole(buf: bytes, at: int) -> bool:
    """Whether an event from ``at`` is whole (a CR, never read by a scan, counts as its end)."""
    return buf.find(b"\n\n", at) != -1 or buf.find(b"\r", at) != -1
