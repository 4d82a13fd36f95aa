"""A stored session as a Claude Code transcript, so ``claude --resume`` carries it on.

Claude Code keeps each session as JSON Lines in
``~/.claude/projects/<slug of the working directory>/<session id>.jsonl`` (the slug is the
directory with every character but letters and digits replaced by ``-``). Each line is an
entry linked to the one before by ``parentUuid``; ``--resume <id>`` rebuilds the
conversation from them and sends it with the next prompt. Recorded from Claude Code 2.1.332,
it needs, per message:

- a ``user`` entry, ``message`` being the user message as sent (text, tool results);
- an ``assistant`` entry, ``message`` being the Messages API response (id, model, content,
  stop reason, usage);
- for the ``role: "system"`` messages Claude Code sends inside ``messages`` (its
  environment), an ``attachment`` entry whose ``rendered`` text comes back as that system
  message (``renderedRole: "system"``).

The export writes the conversation exactly as the gateway stored it (the working
directory, the git status: the old machine's; Claude Code adds the new machine's to the
next prompt), then the last response as the client received it. Prompt-cache markers are
left out: a resumed conversation sets its own. Only Anthropic Messages sessions (Claude
Code's own) can be exported this way.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sluice.admin._gateway import anthropic_content
from sluice.model import Format
from sluice.store import StoredExchange, Transcript

__all__ = ["ExportError", "claude_code_lines", "claude_session_id", "dumps", "project_dir"]

JSON = dict[str, Any]


class ExportError(ValueError):
    """A session Claude Code could not resume (not in its format, or empty)."""


def claude_session_id(session_id: str) -> str:
    """The Claude Code session id of stored session ``session_id``: the client's own when
    it was a UUID (stored as ``<uuid>@<client>``, a branch as ``<uuid>@<client>/1``), else a
    UUID made from the stored id.

    >>> claude_session_id("a0aacabe-26c6-400b-ad02-d08413234e7d@key:9ab0981f54490dd8/1")
    'a0aacabe-26c6-400b-ad02-d08413234e7d'
    """
    own = session_id.partition("@")[0].partition("/")[0]
    try:
        return str(uuid.UUID(own))
    except ValueError:
        return _derived(session_id)


def _derived(session_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "sluice-session:" + session_id))


def project_dir(claude_dir: Path, cwd: str) -> Path:
    """Where Claude Code (``claude_dir``, usually ``~/.claude``) looks for the sessions of
    working directory ``cwd``.

    >>> project_dir(Path("/home/ada/.claude"), "/home/ada/my_app")
    PosixPath('/home/ada/.claude/projects/-home-ada-my-app')
    """
    return claude_dir / "projects" / re.sub(r"[^A-Za-z0-9]", "-", cwd)


def claude_code_lines(transcript: Transcript, cwd: str, session_id: str) -> Iterator[JSON]:
    """The transcript's entries for Claude Code, in order, as session ``session_id`` run in
    ``cwd`` (raises :class:`ExportError` for a session Claude Code could not resume)."""
    if not transcript.exchanges or transcript.exchanges[0].format is not Format.ANTHROPIC:
        raise ExportError(
            f"session {transcript.session_id!r} is not in Anthropic's Messages format: "
            "Claude Code cannot resume it"
        )
    base = {"isSidechain": False, "userType": "external", "cwd": cwd, "sessionId": session_id}
    if transcript.insights.git_branch:
        base["gitBranch"] = transcript.insights.git_branch
    parent: str | None = None
    for entry in _entries(transcript):
        line = {"parentUuid": parent, **base, **entry}
        parent = line["uuid"]
        yield line


def _entries(transcript: Transcript) -> Iterator[JSON]:
    """Each message as an entry (without the fields every entry shares)."""
    names = _names(transcript.session_id)
    carried_by = _carriers(transcript)
    answers = _answers(transcript)
    for seq, message in enumerate(transcript.messages):
        exchange = carried_by.get(seq)
        if exchange is None or not isinstance(message, dict):
            continue
        at = _stamp(exchange.started_at)
        role, content = message.get("role"), _without_cache_marks(message.get("content"))
        entry: JSON = {"uuid": names(seq), "timestamp": at}
        if role == "system":
            text = "\n\n".join(_texts(content))
            yield entry | {
                "type": "attachment",
                "attachment": {"type": "sluice_context", "text": text},
                "rendered": [{"content": text}],
                "renderedRole": "system",
            }
        elif role == "user":
            yield entry | {"type": "user", "message": {"role": "user", "content": content}}
        elif role == "assistant":
            message = _assistant(entry["uuid"], content, answers.get(seq))
            yield entry | {"type": "assistant", "message": message}
    last = transcript.exchanges[-1]
    shown = last.response_delivered or last.response
    if shown is not None and shown.blocks and last.history_len == len(transcript.messages):
        end = last.started_at + timedelta(seconds=last.duration or 0)
        name = names(len(transcript.messages))
        yield {
            "uuid": name,
            "timestamp": _stamp(end),
            "type": "assistant",
            "message": _assistant(name, anthropic_content(shown), last, shown.stop_reason),
        }


def _names(session_id: str) -> Callable[[int], str]:
    """Stable entry ids: exporting a session twice writes the same file."""
    return lambda seq: str(uuid.uuid5(uuid.NAMESPACE_URL, f"sluice-message:{session_id}:{seq}"))


def _carriers(transcript: Transcript) -> dict[int, StoredExchange]:
    """For each message, the first exchange whose request carried it (its time)."""
    carried: dict[int, StoredExchange] = {}
    for exchange in transcript.exchanges:
        for seq in range(len(carried), exchange.history_len):
            carried[seq] = exchange
    return carried


def _answers(transcript: Transcript) -> dict[int, StoredExchange]:
    """For each message a response became, its exchange: the first whose request carried
    the messages before it."""
    answers: dict[int, StoredExchange] = {}
    for exchange in transcript.exchanges:
        if exchange.response is not None:
            answers.setdefault(exchange.history_len, exchange)
    return answers


def _assistant(
    name: str, content: Any, exchange: StoredExchange | None, stop: str | None = None
) -> JSON:
    """An assistant message as the Messages API answered it; ``name`` (the entry's id)
    makes an id for one whose response id was not recorded."""
    blocks = content if isinstance(content, list) else [{"type": "text", "text": str(content)}]
    calls = any(isinstance(b, dict) and b.get("type") == "tool_use" for b in blocks)
    response = exchange.response if exchange is not None else None
    usage = exchange.usage if exchange is not None else None
    return {
        "id": (response.id if response and response.id else None) or f"msg_{name.replace('-', '')}",
        "type": "message",
        "role": "assistant",
        "model": (exchange.model if exchange else None) or "unknown",
        "content": blocks,
        "stop_reason": stop or ("tool_use" if calls else "end_turn"),
        "stop_sequence": None,
        "usage": {
            "input_tokens": (usage.input_tokens if usage else None) or 0,
            "output_tokens": (usage.output_tokens if usage else None) or 0,
        },
    }


def _without_cache_marks(content: Any) -> Any:
    if not isinstance(content, list):
        return content
    blocks = copy.deepcopy(content)
    for block in blocks:
        if isinstance(block, dict):
            block.pop("cache_control", None)
    return blocks


def _texts(content: Any) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str)
        ]
    return []


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def dumps(line: JSON) -> str:
    """One entry as Claude Code writes it: compact JSON, non-ASCII kept."""
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))
