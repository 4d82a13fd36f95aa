"""The Review page: the tool calls waiting for a person, live, with Approve and Deny.

The page is a shell; ``static/reviews.js`` reads ``GET /api/reviews`` every second and
builds each card with ``textContent`` only (a tool call's arguments are hostile text by
nature), and decides through ``POST /api/reviews/{id}/decision`` with the session's CSRF
token. Every key may look; only the admin and reviewer keys see the buttons (the API
refuses the others anyway).
"""

from __future__ import annotations

from aiohttp import web

from sluice.admin.auth import ROLE, Role
from sluice.admin.reviews import REVIEWS
from sluice.admin.ui.render import render

__all__ = ["review_page_routes"]


async def reviews_page(request: web.Request) -> web.Response:
    if REVIEWS not in request.app:
        return render(request, "no_store.html", status=503)
    may_decide = request.get(ROLE) in (Role.ADMIN, Role.REVIEWER)
    return render(request, "reviews.html", may_decide=may_decide)


def review_page_routes() -> list[web.RouteDef]:
    return [web.get("/reviews", reviews_page)]
