"""Mount the policies API, its try-it endpoint and the OpenAPI document on an admin app."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from sluice.admin._gateway import ModelClients
from sluice.admin.openapi import openapi_routes
from sluice.admin.policies import POLICIES, policy_routes
from sluice.admin.policies_state import PolicyAdmin
from sluice.admin.tryit import tryit_routes
from sluice.config import GatewayConfig
from sluice.store import Store
from sluice.store.policies import PolicyVersions

__all__ = ["mount_policies"]


def mount_policies(app: web.Application, config: GatewayConfig, store: Store | None) -> None:
    """Serve the policies API over ``store``'s versions (``None``: read-only, the file's)."""
    models = ModelClients()  # judges of a try; closed with the app

    async def close_models(_: web.Application) -> AsyncIterator[None]:
        yield
        await models.aclose()

    versions = PolicyVersions(store.engine) if store is not None else None
    app[POLICIES] = PolicyAdmin(config, versions, models)
    app.cleanup_ctx.append(close_models)
    app.add_routes([*policy_routes(), *tryit_routes(), *openapi_routes()])
