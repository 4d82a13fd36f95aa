"""The admin HTTP server: health, ``/metrics``, the history API (and the web UI).

One per gateway (it runs in ``sluice run``'s supervisor process), on ``admin.address`` and
``admin.port``. Everything but the health probes and ``/metrics`` needs a key (see
:mod:`sluice.admin.auth`)::

    app = create_app(config, readiness=readiness, store=store)
    runner = await start_admin(app, config.admin)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from sluice.admin.auth import THROTTLE, Keys, SessionSigner, auth_middleware
from sluice.admin.health import Readiness, health_routes
from sluice.admin.history import STORE, history_routes
from sluice.admin.keys import key_routes
from sluice.admin.metrics import Processes, metrics_routes
from sluice.admin.policies_mount import mount_policies
from sluice.admin.reviews import REVIEWS, review_routes
from sluice.admin.throttle import LoginThrottle
from sluice.admin.ui import setup_ui, ui_off_routes
from sluice.admin.ui.budgets import LIMITS
from sluice.config import AdminConfig, GatewayConfig
from sluice.store import Store
from sluice.store.reviews import ReviewQueue

__all__ = ["create_app", "start_admin"]

log = logging.getLogger(__name__)

NO_KEYS = Keys(admin=None)  # refuses every credential

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# The UI's scripts and styles carry no data: browsers may keep them a few minutes.
STATIC_HEADERS = SECURITY_HEADERS | {"Cache-Control": "public, max-age=300"}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    headers = STATIC_HEADERS if request.path.startswith("/static/") else SECURITY_HEADERS
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(headers)
        raise
    if not response.prepared:
        response.headers.update(headers)
    return response


def create_app(
    config: GatewayConfig,
    *,
    readiness: Readiness,
    store: Store | None,
    processes: Processes | None = None,
) -> web.Application:
    """The admin application. Without an admin key (and not a demo) it serves only the
    health probes and ``/metrics``: the history API and the UI refuse to run unprotected.
    ``processes`` names the gateway's processes for their CPU and memory on ``/metrics``.
    Raises ConfigError when a configured key cannot be read."""
    keys = Keys.from_config(config.admin)
    signer = SessionSigner(keys) if keys is not None else None
    throttle = LoginThrottle()
    app = web.Application(
        middlewares=[
            security_headers,
            auth_middleware(keys or NO_KEYS, sessions=signer, throttle=throttle),
        ]
    )
    app[THROTTLE] = throttle
    app.add_routes(health_routes(readiness))
    app.add_routes(metrics_routes(processes))
    if keys is None or signer is None:
        log.warning(
            "admin: no admin.key configured: the history API and the UI are off "
            "(set admin.key, or admin.demo: true for a local demo)"
        )
        app.add_routes(ui_off_routes())
        return app
    if store is not None:
        app[STORE] = store
        app[REVIEWS] = ReviewQueue(store.engine)
        app.add_routes(history_routes())
    app[LIMITS] = config.limits  # the Keys page lists who is near a dollar budget
    app.add_routes(key_routes())
    app.add_routes(review_routes())
    mount_policies(app, config, store)
    setup_ui(app, keys=keys, signer=signer, readiness=readiness, store=store)
    return app


async def start_admin(app: web.Application, config: AdminConfig) -> web.AppRunner:
    """Serve ``app`` on the configured address; stop it with ``await runner.cleanup()``."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, config.address, config.port).start()
    return runner
