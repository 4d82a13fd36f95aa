"""Who may use the admin server: an admin key (everything), a viewer key (read only), or a
reviewer key (read only, and deciding on the tool calls in the review queue).

API clients send ``Authorization: Bearer <key>``. Browsers log in once with a key and then
send a session cookie: a token signed with a secret derived from the keys (never the key
itself), so every replica with the same keys accepts it, and changing a key ends the
sessions it opened. There is no bypass for localhost or any source address: a key is the
only way in. Keys are compared in constant time. Health probes (``/healthz``, ``/readyz``)
and ``/metrics`` need no key: they reveal no content. Wrong keys are throttled per client
address (:mod:`sluice.admin.throttle`): after too many, 429 until the window ends.

Cross-site request forgery: a change made with a cookie (any method but GET, HEAD and
OPTIONS) must carry the session's CSRF token (``X-CSRF-Token`` header or ``csrf_token``
form field); a change from another site (``Origin``, ``Sec-Fetch-Site``) is refused
whatever it carries. Bearer requests are exempt: a browser never adds that header itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

from sluice.admin.errors import json_error
from sluice.admin.throttle import LoginThrottle
from sluice.config import AdminConfig, ConfigError

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "ROLE",
    "SESSION",
    "SESSION_COOKIE",
    "THROTTLE",
    "Keys",
    "Role",
    "Session",
    "SessionSigner",
    "auth_middleware",
    "bearer",
    "require_admin",
    "require_reviewer",
    "same_secret",
    "throttled",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ROLE = web.RequestKey("role", object)  # the request's Role, or None: no valid key

SESSION = web.RequestKey("session", object)  # the cookie's Session, or None

THROTTLE = web.AppKey("throttle", LoginThrottle)  # shared by the API and the login form

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "sluice_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
# The login form checks its own token (there is no session yet): see sluice.admin.ui.login.
OWN_CSRF_PATHS = frozenset({"/login"})


class Role(StrEnum):
    ADMIN = "admin"  # read and change
    VIEWER = "viewer"  # read only
    REVIEWER = "reviewer"  # read, and approve or deny the calls waiting for review


@dataclass(frozen=True, slots=True)
class Keys:
    """The keys the admin server accepts; with ``demo``, requests need none."""

    admin: str | None
    viewer: str | None = None
    demo: bool = False
    reviewer: str | None = None

    @classmethod
    def from_config(cls, config: AdminConfig) -> Keys | None:
        """Read the configured keys; ``None`` when there is no admin key and this is not a
        demo (then only the health probes and ``/metrics`` are served)."""
        admin = config.key.read() if config.key else None
        viewer = config.viewer_key.read() if config.viewer_key else None
        reviewer = config.reviewer_key.read() if config.reviewer_key else None
        if admin is None and not config.demo:
            if viewer is not None:
                raise ConfigError("admin.viewer_key: needs an admin.key as well")
            if reviewer is not None:
                raise ConfigError("admin.reviewer_key: needs an admin.key as well")
            return None
        named = [("key", admin), ("viewer_key", viewer), ("reviewer_key", reviewer)]
        for i, (name, key) in enumerate(named):
            for other, earlier in named[:i]:
                if key is not None and earlier is not None and hmac.compare_digest(key, earlier):
                    raise ConfigError(f"admin.{name}: must differ from admin.{other}")
        return cls(admin, viewer, config.demo, reviewer)

    def role_of(self, presented: str | None) -> Role | None:
        """The role a presented key grants, or ``None``."""
        if self.demo and self.admin is None:
            return Role.ADMIN
        if not presented:
            return None
        if self.admin is not None and same_secret(presented, self.admin):
            return Role.ADMIN
        if self.viewer is not None and same_secret(presented, self.viewer):
            return Role.VIEWER
        if self.reviewer is not None and same_secret(presented, self.reviewer):
            return Role.REVIEWER
        return None


def same_secret(presented: str, expected: str) -> bool:
    """Whether two secrets are equal, compared in constant time. Any text may be presented
    (non-ASCII, lone surrogates from a form): it is simply not the key."""
    return hmac.compare_digest(
        presented.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in browser: its role, until when, and the nonce its CSRF token derives from."""

    role: Role
    expires: int  # Unix seconds
    nonce: str


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class SessionSigner:
    """Issues and checks session tokens ``role.expires.nonce.signature``.

    The signing secret of each role is derived from the admin key and that role's key, so
    replicas configured with the same keys accept each other's cookies and changing either
    key logs out the sessions it opened. Without an admin key (a demo) the secret is random
    per process. Logging out forgets the token in this process; elsewhere it lives until it
    expires (``ttl_s``).

    >>> signer = SessionSigner(Keys(admin="a" * 32))
    >>> signer.verify(signer.issue(Role.ADMIN)).role
    <Role.ADMIN: 'admin'>
    """

    def __init__(self, keys: Keys, *, ttl_s: int = 12 * 3600) -> None:
        self.ttl_s = ttl_s
        root = keys.admin.encode() if keys.admin else secrets.token_bytes(32)
        self._secrets = {
            Role.ADMIN: hmac.digest(root, b"sluice session admin", hashlib.sha256),
            Role.VIEWER: hmac.digest(
                root, b"sluice session viewer " + (keys.viewer or "").encode(), hashlib.sha256
            ),
            Role.REVIEWER: hmac.digest(
                root, b"sluice session reviewer " + (keys.reviewer or "").encode(), hashlib.sha256
            ),
        }
        self._revoked: dict[str, int] = {}  # nonce -> expiry, in this process

    def _sign(self, role: Role, payload: str) -> str:
        return _b64(hmac.digest(self._secrets[role], payload.encode(), hashlib.sha256))

    def issue(self, role: Role) -> str:
        payload = f"{role.value}.{int(time.time()) + self.ttl_s}.{secrets.token_urlsafe(16)}"
        return f"{payload}.{self._sign(role, payload)}"

    def verify(self, token: str | None) -> Session | None:
        """The session ``token`` stands for, or ``None`` (forged, expired, logged out)."""
        if not token or token.count(".") != 3:
            return None
        payload, _, signature = token.rpartition(".")
        role_name, expires, nonce = payload.split(".")
        try:
            role = Role(role_name)
            until = int(expires)
        except ValueError:
            return None
        if not same_secret(signature, self._sign(role, payload)):
            return None
        if until < time.time() or nonce in self._revoked:
            return None
        return Session(role, until, nonce)

    def csrf_token(self, session: Session) -> str:
        """The CSRF token of ``session``: pages embed it, changes send it back."""
        return self._sign(session.role, f"csrf.{session.nonce}")

    def revoke(self, session: Session) -> None:
        now = time.time()
        self._revoked = {n: t for n, t in self._revoked.items() if t >= now}
        self._revoked[session.nonce] = session.expires


def bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def throttled(throttle: LoginThrottle, request: web.Request) -> web.HTTPException | None:
    """The 429 for a request from an address with too many failed logins, else ``None``."""
    wait = throttle.retry_after(request.remote)
    if wait is None:
        return None
    return json_error(
        web.HTTPTooManyRequests,
        f"too many wrong keys from this address; try again in {wait} s",
        headers={"Retry-After": str(wait)},
    )


def auth_middleware(
    keys: Keys,
    credential: Callable[[web.Request], str | None] = bearer,
    sessions: SessionSigner | None = None,
    throttle: LoginThrottle | None = None,
) -> Middleware:
    """Resolve each request's role from its credential (else its session cookie); refuse
    API requests without one, cookie changes without their CSRF token, and any key from an
    address that sent too many wrong ones."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in PUBLIC_PATHS:
            return await handler(request)
        presented = credential(request)
        session = None
        if presented is None and sessions is not None:
            session = sessions.verify(request.cookies.get(SESSION_COOKIE))
        refusal = throttled(throttle, request) if presented and throttle is not None else None
        if refusal is not None:
            raise refusal
        role = session.role if session is not None else keys.role_of(presented)
        if presented is not None and throttle is not None:
            if role is None:
                throttle.failed(request.remote)
            else:
                throttle.succeeded(request.remote)
        request[ROLE] = role
        request[SESSION] = session
        if role is None and request.path.startswith("/api/"):
            raise json_error(
                web.HTTPUnauthorized,
                "an admin, viewer or reviewer key is required (Authorization: Bearer)",
                headers={"WWW-Authenticate": 'Bearer realm="sluice"'},
            )
        if presented is None and request.method not in SAFE_METHODS:
            await _check_csrf(request, session, sessions)
        return await handler(request)

    return middleware


def _cross_site(request: web.Request) -> bool:
    # Browsers set Sec-Fetch-Site and pages cannot forge it; with Referrer-Policy
    # no-referrer a same-origin form sends "Origin: null", so Origin is only the fallback.
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is not None and (origin == "null" or urlsplit(origin).netloc != request.host)


async def _check_csrf(
    request: web.Request, session: Session | None, sessions: SessionSigner | None
) -> None:
    """Refuse a change made by a browser from another site, or with a cookie but without
    the session's CSRF token."""
    if _cross_site(request):
        raise json_error(web.HTTPForbidden, "cross-site request refused")
    if session is None or sessions is None or request.path in OWN_CSRF_PATHS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        field = (await request.post()).get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not sent or not same_secret(sent, sessions.csrf_token(session)):
        raise json_error(
            web.HTTPForbidden, f"missing or wrong CSRF token ({CSRF_HEADER} or {CSRF_FIELD})"
        )


def require_reviewer(request: web.Request) -> None:
    """Refuse a review decision from a viewer (403): it needs the admin or reviewer key."""
    if request.get(ROLE) not in (Role.ADMIN, Role.REVIEWER):
        raise json_error(
            web.HTTPForbidden, "deciding on a review needs the admin or the reviewer key"
        )


def require_admin(request: web.Request) -> None:
    """Refuse a change from a viewer (403)."""
    if request.get(ROLE) is not Role.ADMIN:
        raise json_error(web.HTTPForbidden, "this needs the admin key; the viewer key is read-only")
