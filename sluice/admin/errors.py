"""The admin API's error answers: JSON ``{"error": message}``, with any extra fields."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

__all__ = ["json_error"]


def json_error(
    status: type[web.HTTPException],
    message: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> web.HTTPException:
    """An HTTP error (raise it) whose body says ``message`` in JSON."""
    body = json.dumps({"error": message, **extra})
    return status(text=body, content_type="application/json", headers=headers)
