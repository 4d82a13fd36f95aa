"""Who may use the admin server: an admin key (everything) or a viewer key (read only).

API clients send ``Authorization: Bearer <key>``. There is no bypass for localhost or any
source address: the key is the only way in. Keys are compared in constant time. Health
probes (``/healthz``, ``/readyz``) and ``/metrics`` need no key: they reveal no content.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from aiohttp import web
from aiohttp.typedefs import Middleware

from sluice.config import AdminConfig, ConfigError

__all__ = ["ROLE", "Keys", "Role", "auth_middleware", "bearer", "require_admin"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ROLE = web.RequestKey("role", object)  # the request's Role, or None: no valid key

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class Role(StrEnum):
    ADMIN = "admin"  # read and change
    VIEWER = "viewer"  # read only


@dataclass(frozen=True, slots=True)
class Keys:
    """The keys the admin server accepts; with ``demo``, requests need none."""

    admin: str | None
    viewer: str | None = None
    demo: bool = False

    @classmethod
    def from_config(cls, config: AdminConfig) -> Keys | None:
        """Read the configured keys; ``None`` when there is no admin key and this is not a
        demo (then only the health probes and ``/metrics`` are served)."""
        admin = config.key.read() if config.key else None
        viewer = config.viewer_key.read() if config.viewer_key else None
        if admin is None and not config.demo:
            if viewer is not None:
                raise ConfigError("admin.viewer_key: needs an admin.key as well")
            return None
        if admin is not None and viewer is not None and hmac.compare_digest(admin, viewer):
            raise ConfigError("admin.viewer_key: must differ from admin.key")
        return cls(admin, viewer, config.demo)

    def role_of(self, presented: str | None) -> Role | None:
        """The role a presented key grants, or ``None``."""
        if self.demo and self.admin is None:
            return Role.ADMIN
        if not presented:
            return None
        if self.admin is not None and hmac.compare_digest(presented, self.admin):
            return Role.ADMIN
        if self.viewer is not None and hmac.compare_digest(presented, self.viewer):
            return Role.VIEWER
        return None


def bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def auth_middleware(
    keys: Keys, credential: Callable[[web.Request], str | None] = bearer
) -> Middleware:
    """Resolve each request's role from its credential; refuse API requests without one."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in PUBLIC_PATHS:
            return await handler(request)
        role = keys.role_of(credential(request))
        request[ROLE] = role
        if role is None and request.path.startswith("/api/"):
            raise web.HTTPUnauthorized(
                text='{"error": "an admin or viewer key is required (Authorization: Bearer)"}',
                content_type="application/json",
                headers={"WWW-Authenticate": 'Bearer realm="sluice"'},
            )
        return await handler(request)

    return middleware


def require_admin(request: web.Request) -> None:
    """Refuse a change from a viewer (403)."""
    if request.get(ROLE) is not Role.ADMIN:
        raise web.HTTPForbidden(
            text='{"error": "this needs the admin key; the viewer key is read-only"}',
            content_type="application/json",
        )
