"""The UI's pages, rendered on the server: live activity, sessions, a session, an exchange,
policies and health. Each reads the store (or the readiness checks) directly, through the
same functions as the JSON API, so a page and its API never disagree.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from sluice.admin import views
from sluice.admin.health import Readiness
from sluice.admin.history import STORE, session_filter
from sluice.admin.ui.render import render
from sluice.admin.ui.transcript import turns
from sluice.store import CursorError, Outcome

__all__ = ["READINESS", "page_routes"]

READINESS = web.AppKey("readiness", Readiness)

PAGE_SIZE = 50


def _no_store(request: web.Request) -> web.Response | None:
    if STORE not in request.app:
        return render(request, "no_store.html", status=503)
    return None


async def home(_: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/live")


async def live(request: web.Request) -> web.Response:
    return _no_store(request) or render(request, "live.html", outcomes=[o.value for o in Outcome])


async def sessions(request: web.Request) -> web.Response:
    if (missing := _no_store(request)) is not None:
        return missing
    query = request.query
    error = ""
    try:
        where = session_filter(query)
        page = await request.app[STORE].list_sessions(
            where, cursor=query.get("cursor") or None, limit=PAGE_SIZE
        )
        rows, next_cursor = [views.summary_json(s) for s in page.sessions], page.next_cursor
    except (web.HTTPBadRequest, CursorError) as exc:
        error = (exc.text or "") if isinstance(exc, web.HTTPBadRequest) else str(exc)
        rows, next_cursor = [], None
    kept = {k: v for k, v in query.items() if k != "cursor" and v}
    return render(
        request,
        "sessions.html",
        rows=rows,
        query=kept,
        next_query=kept | {"cursor": next_cursor} if next_cursor else None,
        error=error,
    )


async def session(request: web.Request) -> web.Response:
    if (missing := _no_store(request)) is not None:
        return missing
    started = time.perf_counter()
    transcript = await request.app[STORE].read_session(request.match_info["id"])
    if transcript is None:
        return render(request, "not_found.html", status=404, what="session")
    data = views.session_json(transcript)
    response = render(request, "session.html", session=data["session"], turns=turns(data))
    response.headers["Server-Timing"] = f"render;dur={1000 * (time.perf_counter() - started):.1f}"
    return response


async def exchange(request: web.Request) -> web.Response:
    if (missing := _no_store(request)) is not None:
        return missing
    found = await request.app[STORE].read_exchange(request.match_info["id"])
    if found is None:
        return render(request, "not_found.html", status=404, what="exchange")
    return render(request, "exchange.html", x=views.exchange_detail(*found))


async def health(request: web.Request) -> web.Response:
    checks = await request.app[READINESS].checks()
    failed = [name for name, check in checks.items() if not check.ok]
    critical = [name for name in failed if checks[name].critical]
    status = "unready" if critical else "degraded" if failed else "ready"
    return render(request, "health.html", status_text=status, checks=checks)


async def policies(request: web.Request) -> web.Response:
    return render(request, "policies.html")


def page_routes() -> list[web.RouteDef]:
    routes: list[Any] = [
        web.get("/", home),
        web.get("/live", live),
        web.get("/sessions", sessions),
        web.get("/sessions/{id}", session),
        web.get("/exchanges/{id}", exchange),
        web.get("/policies", policies),
        web.get("/health", health),
    ]
    return routes
