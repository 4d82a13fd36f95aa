"""Recorded text streams with text of one's own, cut into the pieces one chooses.

``text_stream(fmt, pieces)`` takes the recorded text stream of ``fmt`` and puts ``pieces`` in
place of its text deltas, one delta event each, with the events that repeat the whole text
(the Responses API's done events and final output) and the Responses sequence numbers made
to agree: a stream the provider could have sent.
"""

from __future__ import annotations

import json
from typing import Any

from sluice.model import Format, Text
from tests.sidecar.formats.recorded_streams import recording

__all__ = ["TEXT_RECORDING", "sse_events", "text_stream"]

TEXT_RECORDING = {
    Format.ANTHROPIC: "anthropic_text",
    Format.OPENAI_CHAT: "openai_chat_text",
    Format.OPENAI_RESPONSES: "openai_responses_text",
}


def sse_events(data: bytes) -> list[tuple[str | None, Any]]:
    """``(event name, data as JSON, or the raw string if not JSON)`` for each event."""
    events = []
    for block in data.decode().split("\n\n"):
        name, lines = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                lines.append(line[5:].removeprefix(" "))
        if lines:
            raw = "\n".join(lines)
            try:
                events.append((name, json.loads(raw)))
            except ValueError:
                events.append((name, raw))
    return events


def _is_text_delta(fmt: Format, obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if fmt is Format.ANTHROPIC:
        return obj.get("type") == "content_block_delta" and obj["delta"]["type"] == "text_delta"
    if fmt is Format.OPENAI_CHAT:
        choices = obj.get("choices") or []
        return bool(choices) and bool(choices[0]["delta"].get("content"))
    return obj.get("type") == "response.output_text.delta"


def _with_piece(fmt: Format, template: Any, piece: str) -> Any:
    obj = json.loads(json.dumps(template))
    if fmt is Format.ANTHROPIC:
        obj["delta"]["text"] = piece
    elif fmt is Format.OPENAI_CHAT:
        obj["choices"][0]["delta"]["content"] = piece
    else:
        obj["delta"] = piece
    return obj


def text_stream(fmt: Format, pieces: list[str], *, last_with_finish: bool = False) -> bytes:
    """The recorded text stream of ``fmt`` carrying ``pieces`` (see the module docstring).

    ``last_with_finish`` (Chat Completions): the last piece rides in the chunk that carries
    ``finish_reason``, as some providers send it.
    """
    rec = recording(TEXT_RECORDING[fmt])
    (original,) = [b.text for b in rec.expected.blocks if isinstance(b, Text)]
    events = sse_events(rec.data)
    deltas = [i for i, (_, obj) in enumerate(events) if _is_text_delta(fmt, obj)]
    first, last = deltas[0], deltas[-1]
    template = events[first]
    new = [(template[0], _with_piece(fmt, template[1], piece)) for piece in pieces]
    rest = events[last + 1 :]
    if last_with_finish and fmt is Format.OPENAI_CHAT and new:
        finish = next(i for i, (_, o) in enumerate(rest) if o["choices"][0].get("finish_reason"))
        name, obj = rest[finish]
        obj["choices"][0]["delta"]["content"] = pieces[-1]
        new.pop()
    text = "".join(pieces)
    out = []
    for seq, (name, obj) in enumerate([*events[:first], *new, *rest]):
        if isinstance(obj, str):
            data = obj
        else:
            if "sequence_number" in obj:
                obj["sequence_number"] = seq
            data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            quoted = json.dumps(original, ensure_ascii=False)
            data = data.replace(quoted, json.dumps(text, ensure_ascii=False))
        head = f"event: {name}\n" if name is not None else ""
        out.append(f"{head}data: {data}\n\n")
    return "".join(out).encode()
