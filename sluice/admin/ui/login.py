"""Logging in and out of the web UI with the admin or the viewer key.

The login form is protected by its own double-submit token (there is no session yet): a
random value in a short-lived cookie and in the form must match. A successful login sets the
session cookie: ``HttpOnly`` (scripts cannot read it), ``SameSite=Strict`` (other sites
cannot send it), and ``Secure`` when the page came over TLS, through a proxy that says so
(``X-Forwarded-Proto: https``), or when ``SLUICE_ADMIN_SECURE_COOKIES=1`` is set.
"""

from __future__ import annotations

import logging
import os
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from sluice.admin.auth import SESSION, SESSION_COOKIE, THROTTLE, Keys, Session, same_secret
from sluice.admin.ui.render import SIGNER, render

__all__ = ["KEYS", "login_routes", "safe_next"]

log = logging.getLogger(__name__)

KEYS = web.AppKey("keys", Keys)
LOGIN_COOKIE = "sluice_login"


def secure_cookies(request: web.Request) -> bool:
    """Whether cookies get the ``Secure`` flag for this request."""
    return (
        request.secure
        or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
        or os.environ.get("SLUICE_ADMIN_SECURE_COOKIES", "") in ("1", "true", "yes")
    )


HOME = "/live"


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this server, else ``/live``.

    Browsers drop tabs and newlines from a URL and read ``\\`` as ``/``, so ``/\t/evil.com``
    and ``/\\evil.com`` mean ``//evil.com``, another site: anything with a control
    character, a space, a backslash, a scheme or a host is refused.

    >>> [safe_next(t) for t in ["/sessions?q=1", "//evil.com", "/\t/evil.com", "https://x"]]
    ['/sessions?q=1', '/live', '/live', '/live']
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return HOME
    if "\\" in target or any(c.isspace() or not c.isprintable() for c in target):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME
    return target


def _cookie(
    response: web.StreamResponse,
    request: web.Request,
    name: str,
    value: str,
    max_age: int,
    path: str = "/",
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
    )


async def login_form(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    if isinstance(request.get(SESSION), Session) and not error:
        raise web.HTTPSeeOther(safe_next(request.query.get("next")))
    # Reuse the pending token: another tab, or the browser's own fetches (a favicon sent
    # here), would otherwise replace the cookie under the form being filled.
    pending = request.cookies.get(LOGIN_COOKIE, "")
    token = pending if len(pending) == 32 and pending.isascii() else secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status=status,
        error=error,
        login_token=token,
        next=safe_next(request.query.get("next")),
    )
    _cookie(response, request, LOGIN_COOKIE, token, max_age=600, path="/login")
    return response


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    token, key = form.get("login_token"), form.get("key")
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not isinstance(token, str) or not expected or not same_secret(token, expected):
        return await login_form(request, "The form expired; please try again.", 403)
    throttle = request.app[THROTTLE]
    if (wait := throttle.retry_after(request.remote)) is not None:
        message = f"Too many wrong keys from your address; try again in {wait} seconds."
        response = await login_form(request, message, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    role = request.app[KEYS].role_of(key.strip() if isinstance(key, str) else None)
    if role is None or not isinstance(key, str) or not key.strip():
        throttle.failed(request.remote)
        log.warning("admin: failed UI login from %s", request.remote)
        return await login_form(request, "That key is not valid.", 401)
    throttle.succeeded(request.remote)
    target = form.get("next")
    response = web.HTTPSeeOther(safe_next(target if isinstance(target, str) else None))
    signer = request.app[SIGNER]
    _cookie(response, request, SESSION_COOKIE, signer.issue(role), max_age=signer.ttl_s)
    response.del_cookie(LOGIN_COOKIE, path="/login")
    log.info("admin: UI login as %s from %s", role.value, request.remote)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    session = request.get(SESSION)
    if isinstance(session, Session):
        request.app[SIGNER].revoke(session)
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


def login_routes() -> list[web.RouteDef]:
    return [
        web.get("/login", login_form),
        web.post("/login", login),
        web.post("/logout", logout),
    ]
