"""``GET /api/openapi.json``: the OpenAPI 3.1 document of the whole admin API.

The document is ``openapi.yaml`` beside this module, written by hand and checked against
the real responses by the tests (``tests/admin/test_openapi.py``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

__all__ = ["openapi_document", "openapi_routes"]

DOCUMENT = Path(__file__).resolve().parent / "openapi.yaml"


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The parsed document (read once)."""
    document: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())
    return document


def openapi_routes() -> list[web.RouteDef]:
    async def openapi(_: web.Request) -> web.Response:
        return web.json_response(openapi_document())

    return [web.get("/api/openapi.json", openapi)]
