"""Jinja2 pages with autoescaping: everything a page shows from the store is escaped.

Transcripts hold hostile text by nature (prompt injections, HTML, ``<script>``); the
templates never mark store content safe, and pages carry no inline script or style, so the
Content-Security-Policy can forbid both.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from sluice.admin.auth import ROLE, SESSION, Role, Session, SessionSigner

__all__ = ["SIGNER", "render"]

SIGNER = web.AppKey("session_signer", SessionSigner)

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # every template, whatever its name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _when(value: str | datetime | None) -> str:
    """An ISO time as ``2026-01-01 12:00:00`` (UTC)."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _arguments(text: str) -> str:
    """Tool-call arguments pretty-printed when they are JSON, else as they came."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _number(value: float | int | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _usd(value: float | None) -> str:
    """Dollars as a person reads them: cents, or a tenth of a cent below a dollar."""
    if value is None:
        return ""
    return f"${value:,.2f}" if value >= 1 or value == 0 else f"${value:.3f}"


_TEMPLATES.filters.update(
    when=_when, arguments=_arguments, number=_number, pretty=_pretty, usd=_usd
)


def csrf_token(request: web.Request) -> str:
    """The CSRF token pages embed (empty without a cookie session: nothing to forge)."""
    session = request.get(SESSION)
    signer = request.app.get(SIGNER)
    if isinstance(session, Session) and signer is not None:
        return signer.csrf_token(session)
    return ""


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """``template`` rendered with ``context`` and what every page needs (role, CSRF token)."""
    role = request.get(ROLE)
    page = _TEMPLATES.get_template(template).render(
        role=role.value if isinstance(role, Role) else None,
        is_admin=role is Role.ADMIN,
        logged_in=isinstance(request.get(SESSION), Session),
        csrf=csrf_token(request),
        path=request.path,
        **context,
    )
    return web.Response(text=page, content_type="text/html", status=status)
