"""One example row of every table, for the schema's picture in docs/event-log.md.

They describe one story: Claude Code, in a git repository on branch ``feature/login``,
asked for a tool call that ``tool_rules`` blocked. Long JSON is shortened with ``…``.
``tests/schema/test_diagram.py`` inserts them into a migrated database, so they always fit
the schema, and fails when a table gains a column they do not show.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = ["SAMPLES"]

_AT = datetime(2026, 12, 3, 9, 30, 12, tzinfo=UTC)
_LATER = datetime(2026, 12, 3, 9, 41, 7, tzinfo=UTC)
_SESSION = "a0aacabe-26c6-400b-ad02-d08413234e7d@key:9ab0981f54490dd8"
_EXCHANGE = "0d26df2d-d2c7-4f11-8c0b-929ba40f02a9"
_DIGEST = "sha256:5f2b0c" + "0" * 58

SAMPLES: dict[str, dict[str, Any]] = {
    "sessions": {
        "id": _SESSION,
        "root_id": _SESSION,
        "parent_id": None,
        "fork_seq": 0,
        "client": "key:9ab0981f54490dd8",
        "user_id": "account 4f1c…, device 3e2bf91c4231",
        "first_seen": _AT,
        "last_seen": _LATER,
        "cwd": "/home/ada/src/widgets",
        "platform": "linux",
        "git_repo": True,
        "git_branch": "feature/login",
        "title": "Fix the login redirect loop",
        "title_messages": 21,
    },
    "messages": {
        "session_id": _SESSION,
        "seq": 0,
        "role": "user",
        "content": '{"content":[{"text":"the login page redirects forever","type":"text"}],'
        '"role":"user"}',
        "digest": "sha256:9d41" + "0" * 60,
    },
    "blobs": {
        "digest": _DIGEST,
        "content": '[{"description":"Executes a given bash command…","name":"Bash",…}]',
    },
    "exchanges": {
        "id": _EXCHANGE,
        "started_at": _LATER,
        "route": "/v1/messages",
        "provider": "anthropic",
        "format": "anthropic",
        "model": "claude-opus-5-5",
        "client": "key:9ab0981f54490dd8",
        "user_id": "account 4f1c…, device 3e2bf91c4231",
        "session_id": _SESSION,
        "user": "ada@example.com",
        "team": "payments",
        "key_id": "key_0123456789ab",
        "status": 200,
        "streamed": True,
        "input_tokens": 12498,
        "output_tokens": 55,
        "cost_usd": 0.076114,  # its usage at the configured prices
        "cache_read_tokens": 2763,
        "cache_creation_tokens": 1792,
        "reasoning_tokens": None,
        "ttft_ms": 412.5,
        "duration_ms": 1830.2,
        "outcome": "blocked",
        "history_len": 21,
        "request_rest": '{"max_tokens":128000,"model":"claude-opus-5-5","stream":true,'
        f'"tools":{{"$blob":"{_DIGEST}"}},…}}',
        "request_sent": None,
        "response": '{"blocks":[{"text":"I will clear the cache.","type":"text"},'
        '{"arguments":"{\\"command\\":\\"sudo rm -rf /var/cache\\"}","id":"toolu_01","name":"Bash",'
        '"type":"tool_call"}],"stop_reason":"tool_use",…}',
        "response_delivered": '{"blocks":[{"text":"I will clear the cache.","type":"text"},'
        '{"text":"Sluice blocked a tool call. …","type":"text"}],"stop_reason":"end_turn",…}',
    },
    "exchange_blobs": {"exchange_id": _EXCHANGE, "digest": _DIGEST},
    "events": {
        "id": 1,
        "exchange_id": _EXCHANGE,
        "at": _LATER,
        "kind": "decision",
        "policy": "tool_rules",
        "action": "block",
        "reason": "commands run as root need a human at the keyboard",
        "latency_ms": 0.21,
        "data": '{"hook":"tool_call"}',
    },
    "api_keys": {
        "id": "key_0123456789ab",
        "hash": "8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918",
        "user": "ada@example.com",
        "team": "payments",
        "models": '["claude-*"]',
        "expires_at": None,
        "revoked_at": None,
        "tokens_per_day": 2000000,
        "usd_per_day": 25.0,
        "usd_per_month": None,
        "created_at": _AT,
        "last_used_at": _LATER,
        "updated_at": _AT,
    },
    "budget_usage": {
        "period_s": 86400,
        "window_start": 1796256000,
        "counter": "team=payments",
        "tokens": 184211,
    },
    "policy_versions": {
        "id": 3,
        "created_at": _AT,
        "action": "apply",
        "reverted_to": None,
        "author_role": "admin",
        "author_key": "key:77d1c0b3a1f2e4d5",
        "comment": "block sudo for everyone",
        "config": '{"chains":{},"policies":[{"name":"tool_rules"}],"select":[]}',
        "diff": "--- before\n+++ after\n@@ …\n+  - name: tool_rules",
    },
    "reviews": {
        "id": "rv_5c1e0a9b7d3f4e21",
        "key": "c3f1d2…",
        "status": "approved",
        "created_at": _AT,
        "deadline_at": datetime(2026, 12, 3, 9, 32, 12, tzinfo=UTC),
        "decided_at": datetime(2026, 12, 3, 9, 30, 49, tzinfo=UTC),
        "on_deadline": "deny",
        "outcome": "allow",
        "tool": "Bash",
        "arguments": '{"command":"git push --force origin feature/login"}',
        "reason": "a force push (review: not the default branch)",
        "policy": "tool_rules",
        "session": _SESSION,
        "user": "ada",
        "team": "payments",
        "client": "claude-code",
        "context": "rebase my branch on main and push it",
        "reviewer": "reviewer key:4e2a9c0d11b7f3a8",
        "note": "her own feature branch",
    },
}
