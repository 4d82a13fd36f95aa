"""The web UI: server-rendered pages (Jinja2, autoescaped) with a little static JavaScript.

    setup_ui(app, keys=keys, signer=signer, readiness=readiness, store=store)

Pages need a logged-in browser (a session cookie, see :mod:`.login`) or, in a demo, nothing;
a visitor without one is sent to ``/login``. Static files carry no data and need no login.
Without an admin key the UI is not mounted at all: :func:`ui_off_routes` explains why.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from sluice.admin.auth import ROLE, Keys, SessionSigner
from sluice.admin.health import Readiness
from sluice.admin.ui.keys_page import key_page_routes
from sluice.admin.ui.live import LIVE_FEED, LiveFeed, feed_context, live_routes
from sluice.admin.ui.login import KEYS, login_routes
from sluice.admin.ui.pages import READINESS, page_routes
from sluice.admin.ui.render import SIGNER
from sluice.admin.ui.reviews_page import review_page_routes
from sluice.admin.ui.spend_page import spend_page_routes
from sluice.store import Store

__all__ = ["login_redirect", "setup_ui", "ui_off_routes"]

STATIC = Path(__file__).parent / "static"
OPEN_PREFIXES = ("/api/", "/static/", "/login", "/logout", "/favicon.ico")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def login_redirect(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Send a browser without a session to the login page, and back afterwards.

    Only a page the browser navigates to is sent there. A fetch the browser makes on its
    own (an image, a script) gets a plain 401: followed to the login form, it would hand
    the browser a new login token under a form that holds the old one.
    """
    if request.get(ROLE) is None and not request.path.startswith(OPEN_PREFIXES):
        if request.path in ("/healthz", "/readyz", "/metrics"):
            return await handler(request)
        if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
            raise web.HTTPUnauthorized(text="Log in to the Sluice admin UI first.")
        raise web.HTTPSeeOther("/login?next=" + quote(request.path_qs, safe="/"))
    return await handler(request)


async def favicon(_: web.Request) -> web.StreamResponse:
    """Browsers ask for ``/favicon.ico`` on pages that name no icon (a 404, a 405)."""
    raise web.HTTPMovedPermanently("/static/favicon.svg")


def setup_ui(
    app: web.Application,
    *,
    keys: Keys,
    signer: SessionSigner,
    readiness: Readiness,
    store: Store | None,
    live_poll_s: float = 1.0,
) -> None:
    """Mount the UI's pages, its live-activity stream and its static files on ``app``."""
    app[KEYS] = keys
    app[SIGNER] = signer
    app[READINESS] = readiness
    app.middlewares.append(login_redirect)
    app.add_routes(login_routes())
    app.add_routes(page_routes())
    app.add_routes(key_page_routes())
    app.add_routes(spend_page_routes())
    app.add_routes(review_page_routes())
    app.router.add_static("/static/", STATIC, name="static")
    app.router.add_get("/favicon.ico", favicon)
    if store is not None:
        feed = LiveFeed(store, poll_s=live_poll_s)
        app[LIVE_FEED] = feed
        app.add_routes(live_routes())
        app.cleanup_ctx.append(feed_context(feed))


UI_OFF = (
    "<!doctype html><meta charset=utf-8><title>Sluice admin</title>"
    "<h1>The Sluice web UI is off</h1>"
    "<p>No <code>admin.key</code> is configured, and the UI refuses to run unprotected. "
    "Set <code>admin.key</code> (and optionally <code>admin.viewer_key</code>) in the gateway "
    "config, or <code>admin.demo: true</code> for a local demo, then restart.</p>"
)


def ui_off_routes() -> list[web.RouteDef]:
    """``/`` and ``/login`` when the UI is off: a page that says why (503)."""

    async def off(_: web.Request) -> web.Response:
        return web.Response(text=UI_OFF, content_type="text/html", status=503)

    return [web.get("/", off), web.get("/login", off)]
