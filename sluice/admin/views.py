"""Stored sessions as the history API and the exports show them: JSON, Markdown, JSON Lines.

Pure functions of a :class:`~sluice.store.Transcript`. Messages are shown as neutral blocks
(text, thinking, tool call, tool result) whatever the wire format; an exchange lists the
messages its request added, the response as delivered, and the policy decisions in order.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sluice.admin._gateway import parse_message
from sluice.model import Format, Response
from sluice.store import Decision, SessionSummary, StoredExchange, Transcript
from sluice.store.codec import block_to_json, response_to_json
from sluice.store.spend import SpendRow

__all__ = ["exchange_detail", "json_lines", "markdown", "session_json", "summary_json"]

JSON = dict[str, Any]


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 3)


def message_json(fmt: Format, seq: int, raw: Any) -> JSON:
    """A stored message as neutral blocks; one the adapter cannot read is shown raw."""
    message = parse_message(fmt, raw)
    if message is None:
        role = raw.get("role", raw.get("type", "")) if isinstance(raw, dict) else ""
        return {"seq": seq, "role": role, "blocks": [], "raw": raw}
    return {"seq": seq, "role": message.role, "blocks": [block_to_json(b) for b in message.blocks]}


def decision_json(decision: Decision) -> JSON:
    return {
        "kind": decision.kind.value,
        "policy": decision.policy,
        "hook": decision.hook,
        "action": decision.action,
        "reason": decision.reason,
        "latency_ms": _ms(decision.seconds),
        "at": _time(decision.at),
        "data": decision.data,
    }


def exchange_json(exchange: StoredExchange, first_message: int = 0) -> JSON:
    """An exchange's facts; its request added ``messages[first_message:history_len]``."""
    return {
        "id": exchange.id,
        "session_id": exchange.session_id,
        "started_at": _time(exchange.started_at),
        "format": exchange.format.value,
        "route": exchange.route,
        "provider": exchange.provider,
        "model": exchange.model,
        "client": exchange.client,
        "user_id": exchange.user_id,
        "user": exchange.user,  # who authenticated (``auth:``); user_id is the body's
        "team": exchange.team,
        "key_id": exchange.key_id,
        "status": exchange.status,
        "streamed": exchange.streamed,
        "usage": dataclasses.asdict(exchange.usage),
        "cost_usd": exchange.cost_usd,
        "ttft_ms": _ms(exchange.ttft),
        "duration_ms": _ms(exchange.duration),
        "outcome": exchange.outcome.value,
        "request_modified": exchange.sent is not None,
        "response_modified": exchange.response_delivered is not None,
        "messages": [first_message, exchange.history_len],
        "response": _response(exchange.response),
        "response_delivered": _response(exchange.response_delivered),
        "decisions": [decision_json(d) for d in exchange.decisions],
    }


def _response(response: Response | None) -> JSON | None:
    return None if response is None else response_to_json(response)


def _first_messages(transcript: Transcript) -> list[int]:
    """For each exchange, the first message its request added to the conversation."""
    firsts, seen = [], 0
    for exchange in transcript.exchanges:
        firsts.append(min(seen, exchange.history_len))
        seen = max(seen, exchange.history_len)
    return firsts


def session_meta(transcript: Transcript) -> JSON:
    return {
        "id": transcript.session_id,
        "root_id": transcript.root_id,
        "parent_id": transcript.parent_id,
        "fork_seq": transcript.fork_seq,
        "client": transcript.client,
        "user_id": transcript.user_id,
        "first_seen": _time(transcript.first_seen),
        "last_seen": _time(transcript.last_seen),
        "title": transcript.title,
        **transcript.insights.columns(),
    }


def _format(transcript: Transcript) -> Format:
    return transcript.exchanges[0].format if transcript.exchanges else Format.ANTHROPIC


def session_json(transcript: Transcript) -> JSON:
    """A whole session: its messages once each, its exchanges in order."""
    fmt = _format(transcript)
    firsts = _first_messages(transcript)
    return {
        "session": session_meta(transcript),
        "messages": [message_json(fmt, i, raw) for i, raw in enumerate(transcript.messages)],
        "exchanges": [
            exchange_json(x, first) for x, first in zip(transcript.exchanges, firsts, strict=True)
        ],
    }


def spend_json(row: SpendRow) -> JSON:
    return dataclasses.asdict(row)


def summary_json(summary: SessionSummary) -> JSON:
    return dataclasses.asdict(summary) | {
        "first_seen": _time(summary.first_seen),
        "last_seen": _time(summary.last_seen),
    }


def _pretty(value: Any) -> list[str]:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def _diff(before: Any, after: Any, names: tuple[str, str]) -> str:
    return "\n".join(difflib.unified_diff(_pretty(before), _pretty(after), *names, lineterm=""))


def exchange_detail(transcript: Transcript, exchange: StoredExchange) -> JSON:
    """One exchange in full: its request as received and as sent, its response as the
    provider sent it and as the client got it, and a unified diff of each pair that differs."""
    received = transcript.request(exchange)
    sent = transcript.request_sent(exchange)
    detail = exchange_json(exchange, 0) | {
        "request": received,
        "request_sent": sent,
        "diff": {
            "request": _diff(received, sent, ("received", "sent")) if sent is not None else None,
            "response": _diff(
                _response(exchange.response),
                _response(exchange.response_delivered),
                ("from provider", "delivered"),
            )
            if exchange.response_delivered is not None
            else None,
        },
    }
    del detail["messages"]
    return detail


def json_lines(transcript: Transcript) -> Iterator[str]:
    """The session as JSON Lines: a ``session`` line, then each exchange's new messages
    (as the client sent them) followed by the exchange itself, in order."""
    yield json.dumps({"type": "session", **session_meta(transcript)}, ensure_ascii=False)
    firsts = _first_messages(transcript)
    for exchange, first in zip(transcript.exchanges, firsts, strict=True):
        for seq in range(first, exchange.history_len):
            line = {"type": "message", "seq": seq, "message": transcript.messages[seq]}
            yield json.dumps(line, ensure_ascii=False)
        yield json.dumps({"type": "exchange", **exchange_json(exchange, first)}, ensure_ascii=False)


def markdown(transcript: Transcript) -> str:
    """The session as a readable Markdown transcript."""
    fmt = _format(transcript)
    meta = session_meta(transcript)
    out = [f"# Session {transcript.session_id}", ""]
    for label, key in [
        ("Title", "title"),
        ("Client", "client"),
        ("User", "user_id"),
        ("Working directory", "cwd"),
        ("Branch", "git_branch"),
        ("Platform", "platform"),
        ("First seen", "first_seen"),
        ("Last seen", "last_seen"),
        ("Continues", "parent_id"),
    ]:
        if meta[key]:
            out.append(f"- {label}: `{meta[key]}`")
    out.append(f"- Exchanges: {len(transcript.exchanges)}")
    firsts = _first_messages(transcript)
    for turn, (exchange, first) in enumerate(zip(transcript.exchanges, firsts, strict=True), 1):
        model = exchange.model or "unknown model"
        out += ["", f"## Turn {turn} · {_time(exchange.started_at)} · {model} · {exchange.outcome}"]
        for seq in range(first, exchange.history_len):
            message = message_json(fmt, seq, transcript.messages[seq])
            out += ["", f"### {message['role']}", "", *_blocks_md(message)]
        delivered = exchange.response_delivered or exchange.response
        if delivered is not None:
            blocks = [block_to_json(b) for b in delivered.blocks]
            out += ["", "### assistant (response)", "", *_blocks_md({"blocks": blocks})]
            if delivered.stop_reason:
                out.append(f"_stop reason: {delivered.stop_reason}_")
        for decision in exchange.decisions:
            out += ["", f"> **{decision.policy}: {decision.action}** ({decision.hook})"]
            if decision.reason:
                out.append(f"> {decision.reason}")
    return "\n".join(out) + "\n"


def _fence(text: str, language: str = "") -> list[str]:
    """A code fence longer than any backtick run inside ``text``."""
    ticks = "`" * max(3, _longest_backticks(text) + 1)
    return [ticks + language, text, ticks]


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _blocks_md(message: JSON) -> list[str]:
    lines: list[str] = []
    if "raw" in message:
        return _fence(json.dumps(message["raw"], indent=2, ensure_ascii=False), "json")
    for block in message["blocks"]:
        kind = block["type"]
        if kind == "text":
            lines += [block["text"], ""]
        elif kind == "thinking":
            thought = "(redacted)" if block["redacted"] else block["text"]
            lines += ["<details><summary>thinking</summary>", ""]
            lines += [*_fence(thought), "", "</details>", ""]
        elif kind == "tool_call":
            lines += [f"**Tool call** `{block['name']}` (`{block['id']}`)", ""]
            lines += [*_fence(_pretty_arguments(block["arguments"]), "json"), ""]
        elif kind == "tool_result":
            error = " (error)" if block["is_error"] else ""
            lines += [f"**Tool result** for `{block['tool_call_id']}`{error}", ""]
            lines += [*_fence(block["content"]), ""]
    return lines


def _pretty_arguments(arguments: str) -> str:
    try:
        return json.dumps(json.loads(arguments), indent=2, ensure_ascii=False)
    except ValueError:
        return arguments
