"""Where a session's client runs, as the client said it: working directory, platform, git.

Claude Code (2.1.x) puts two context blocks in the conversation it sends every turn, which
the writer reads off the data path, from the stored messages:

- a ``role: "system"`` message in ``messages``, opening ``# Environment``, with lines such as
  `` - Primary working directory: /home/ada/widgets``, `` - Is a git repository: true`` and
  `` - Platform: linux``;
- inside a git repository, a ``<system-reminder>`` text block of the first user message
  holding ``# gitStatus`` and ``Current branch: feature/login``.

The latest request's statement wins (a session may move to a worktree). These are claims,
like the session id: shown and filtered on, never trusted for policy.

>>> read_insights(['{"role":"system","content":"# Environment\\\\n - Platform: linux"}'])
Insights(cwd=None, platform='linux', git_repo=None, git_branch=None)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["Insights", "read_insights"]

# Cheap tests on a message's JSON text before it is parsed: most messages hold neither.
_ENVIRONMENT_MARK = "Primary working directory: "
_GIT_MARK = "# gitStatus"

_CWD = re.compile(r"^ - Primary working directory: (.+?)\s*$", re.M)
_GIT_REPO = re.compile(r"^ - Is a git repository: (true|false)\s*$", re.M)
_PLATFORM = re.compile(r"^ - Platform: (\S+)\s*$", re.M)
_BRANCH = re.compile(r"^Current branch: (.+?)\s*$", re.M)


@dataclass(frozen=True, slots=True)
class Insights:
    """What a client said about where it runs; ``None`` where it said nothing."""

    cwd: str | None = None
    platform: str | None = None
    git_repo: bool | None = None
    git_branch: str | None = None

    def updated(self, newer: Insights) -> Insights:
        """These insights with every value ``newer`` knows replaced by it."""
        known = {f.name: v for f in fields(newer) if (v := getattr(newer, f.name)) is not None}
        return replace(self, **known) if known else self

    def columns(self) -> dict[str, Any]:
        """The ``sessions`` columns they fill."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def read_insights(messages: Iterable[str]) -> Insights:
    """The insights stated in ``messages`` (each a stored message's JSON text), the last
    statement of each winning."""
    found = Insights()
    for text in messages:
        if _ENVIRONMENT_MARK not in text and _GIT_MARK not in text:
            continue
        try:
            message = json.loads(text)
        except ValueError:
            continue
        for block in _strings(message.get("content") if isinstance(message, dict) else None):
            found = found.updated(_read_block(block))
    return found


def _read_block(text: str) -> Insights:
    cwd = _CWD.search(text)
    repo = _GIT_REPO.search(text)
    platform = _PLATFORM.search(text)
    branch = _BRANCH.search(text) if _GIT_MARK in text else None
    return Insights(
        cwd=cwd.group(1)[:1000] if cwd else None,
        platform=platform.group(1)[:32] if platform else None,
        git_repo=repo.group(1) == "true" if repo else None,
        git_branch=branch.group(1)[:200] if branch else None,
    )


def _strings(content: Any) -> Iterator[str]:
    """The texts of a message's content: a string, or its text blocks."""
    if isinstance(content, str):
        yield content
    elif isinstance(content, list):
        for block in content:
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                yield block["text"]
