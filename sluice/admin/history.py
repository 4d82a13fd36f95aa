"""The history API: sessions (filtered, searched, paginated), transcripts, exports, exchanges.

    GET /api/sessions?since=&until=&user=&client=&auth_user=&team=&key_id=&model=&modified=
                     &cwd=&git_branch=&platform=&q=&cursor=&limit=
    GET /api/sessions/{id}                a session as a transcript
    GET /api/sessions/{id}/export.md      ... as Markdown
    GET /api/sessions/{id}/export.jsonl   ... as JSON Lines
    GET /api/sessions/{id}/export.claude.jsonl?cwd=   ... as a Claude Code transcript
    GET /api/exchanges/{id}               one exchange, original versus delivered
    GET /api/spend?by=&since=&until=&user=&team=&key_id=&model=&limit=
                                          costs and tokens by session, user, team, key,
                                          model or day

Times are ISO 8601 (a time without a zone is UTC). A bad parameter is a 400 naming it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from sluice.admin import views
from sluice.admin.claude_code import (
    ExportError,
    claude_code_lines,
    claude_session_id,
    dumps,
    project_dir,
)
from sluice.admin.errors import json_error
from sluice.config.prices import list_prices
from sluice.store import CursorError, SessionFilter, Store
from sluice.store.spend import Grouping, SpendFilter

__all__ = ["STORE", "history_routes"]

STORE = web.AppKey("store", Store)

MAX_PAGE = 200


def query_time(query: Any, name: str) -> datetime | None:
    value = query.get(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise json_error(web.HTTPBadRequest, f"{name}: not an ISO 8601 time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _flag(query: Any, name: str) -> bool | None:
    value = query.get(name)
    if value in (None, ""):
        return None
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise json_error(web.HTTPBadRequest, f"{name}: expected true or false, not {value!r}")


def _limit(query: Any) -> int:
    value = query.get("limit", "50")
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise json_error(web.HTTPBadRequest, f"limit: expected 1 to {MAX_PAGE}, not {value!r}")
    return int(value)


def session_filter(query: Any) -> SessionFilter:
    """The filter a query string asks for (raises 400 on a bad value)."""
    return SessionFilter(
        since=query_time(query, "since"),
        until=query_time(query, "until"),
        user=query.get("user") or None,
        client=query.get("client") or None,
        auth_user=query.get("auth_user") or None,
        team=query.get("team") or None,
        key_id=query.get("key_id") or None,
        model=query.get("model") or None,
        modified=_flag(query, "modified"),
        search=(query.get("q") or "").strip() or None,
        cwd=query.get("cwd") or None,
        git_branch=query.get("git_branch") or None,
        platform=query.get("platform") or None,
    )


async def _transcript(request: web.Request) -> Any:
    session_id = request.match_info["id"]
    transcript = await request.app[STORE].read_session(session_id)
    if transcript is None:
        raise json_error(web.HTTPNotFound, f"no session {session_id!r}")
    return transcript


async def list_sessions(request: web.Request) -> web.Response:
    where = session_filter(request.query)
    try:
        page = await request.app[STORE].list_sessions(
            where, cursor=request.query.get("cursor") or None, limit=_limit(request.query)
        )
    except CursorError as exc:
        raise json_error(web.HTTPBadRequest, f"cursor: {exc}") from None
    return web.json_response(
        {
            "sessions": [views.summary_json(s) for s in page.sessions],
            "next_cursor": page.next_cursor,
        }
    )


async def get_session(request: web.Request) -> web.Response:
    return web.json_response(views.session_json(await _transcript(request)), dumps=_dumps)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


async def export_markdown(request: web.Request) -> web.Response:
    transcript = await _transcript(request)
    return web.Response(
        text=views.markdown(transcript),
        content_type="text/markdown",
        headers=_attachment(f"session-{_safe(transcript.session_id)}.md"),
    )


async def export_jsonl(request: web.Request) -> web.Response:
    transcript = await _transcript(request)
    return web.Response(
        text="".join(line + "\n" for line in views.json_lines(transcript)),
        content_type="application/jsonl",
        headers=_attachment(f"session-{_safe(transcript.session_id)}.jsonl"),
    )


async def export_claude_code(request: web.Request) -> web.Response:
    transcript = await _transcript(request)
    cwd = request.query.get("cwd") or transcript.insights.cwd
    if not cwd:
        raise json_error(
            web.HTTPBadRequest, "cwd: the session does not say which folder it ran in: give one"
        )
    session_id = claude_session_id(transcript.session_id)
    try:
        lines = [dumps(line) + "\n" for line in claude_code_lines(transcript, cwd, session_id)]
    except ExportError as exc:
        raise json_error(web.HTTPBadRequest, str(exc)) from None
    return web.Response(
        text="".join(lines),
        content_type="application/jsonl",
        headers=_attachment(f"{session_id}.jsonl")
        | {"X-Claude-Code-Project": str(project_dir(Path("~/.claude"), cwd))},
    )


async def get_exchange(request: web.Request) -> web.Response:
    exchange_id = request.match_info["id"]
    found = await request.app[STORE].read_exchange(exchange_id)
    if found is None:
        raise json_error(web.HTTPNotFound, f"no exchange {exchange_id!r}")
    return web.json_response(views.exchange_detail(*found), dumps=_dumps)


async def get_spend(request: web.Request) -> web.Response:
    query = request.query
    by = query.get("by", "team")
    try:
        grouping = Grouping(by)
    except ValueError:
        choices = ", ".join(g.value for g in Grouping)
        raise json_error(web.HTTPBadRequest, f"by: expected one of {choices}, not {by!r}") from None
    where = SpendFilter(
        since=query_time(query, "since"),
        until=query_time(query, "until"),
        user=query.get("user") or None,
        team=query.get("team") or None,
        key_id=query.get("key_id") or None,
        model=query.get("model") or None,
    )
    rows = await request.app[STORE].spend(grouping, where, limit=_limit(query))
    return web.json_response(
        {
            "by": grouping.value,
            "prices_as_of": list_prices().as_of.isoformat(),
            "rows": [views.spend_json(row) for row in rows],
        }
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:100]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def history_routes() -> list[web.RouteDef]:
    return [
        web.get("/api/sessions", list_sessions),
        web.get("/api/sessions/{id}", get_session),
        web.get("/api/sessions/{id}/export.md", export_markdown),
        web.get("/api/sessions/{id}/export.jsonl", export_jsonl),
        web.get("/api/sessions/{id}/export.claude.jsonl", export_claude_code),
        web.get("/api/exchanges/{id}", get_exchange),
        web.get("/api/spend", get_spend),
    ]
