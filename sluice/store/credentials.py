"""Credentials that clients put inside request bodies, removed before anything is stored.

Headers never reach the store (see :class:`~sluice.store.records.ExchangeRecord`), but a
body may carry secrets too: Anthropic's ``mcp_servers[].authorization_token``, the
``headers`` and ``authorization`` of an OpenAI MCP tool, an ``api_key`` in a custom tool's
definition. :func:`without_credentials` replaces each such value with :data:`REMOVED`
wherever a tool or server is defined; the rest of the body is left as it was::

    >>> without_credentials({"mcp_servers": [{"url": "u", "authorization_token": "t"}]})
    {'mcp_servers': [{'url': 'u', 'authorization_token': '[removed]'}]}

The store applies it to every request it writes and to every request it reads back, so
rows written before this existed are shown and exported without their secrets too.
"""

from __future__ import annotations

from typing import Any

__all__ = ["REMOVED", "is_credential_key", "without_credentials"]

REMOVED = "[removed]"

# Where clients define tools and servers; credentials elsewhere in a body are content.
_DEFINITIONS = ("tools", "mcp_servers", "tool_resources", "connectors")
# A tool's parameter schema describes arguments, it holds no values: an argument named
# ``api_key`` is not a secret, and its schema must stay readable.
_SCHEMAS = frozenset({"input_schema", "parameters", "schema", "json_schema"})
_NAMES = frozenset(
    {
        "authorization",
        "headers",  # an MCP tool's headers exist to authenticate to its server
        "api_key",
        "apikey",
        "x_api_key",
        "token",
        "secret",
        "password",
        "bearer",
        "cookie",
        "credential",
        "credentials",
        "client_secret",
    }
)
_SUFFIXES = ("_token", "_secret", "_password", "_api_key", "_apikey", "_credentials")


def is_credential_key(name: str) -> bool:
    """Whether a key named ``name`` holds a credential (``authorization_token``, ``api-key``,
    ``headers``...), in any case and with ``-`` or ``_``."""
    normal = name.lower().replace("-", "_")
    return normal in _NAMES or normal.endswith(_SUFFIXES)


def without_credentials(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the credentials inside its tool and server definitions replaced by
    :data:`REMOVED` (a copy where something changed; ``body`` itself is never modified)."""
    changed: dict[str, Any] | None = None
    for key in _DEFINITIONS:
        if key in body:
            value = _scrub(body[key])
            if value is not body[key]:
                changed = changed if changed is not None else dict(body)
                changed[key] = value
    return changed if changed is not None else body


def _scrub(value: Any) -> Any:
    """``value`` with credentials replaced, the same object when it held none."""
    if isinstance(value, list):
        items = [_scrub(item) for item in value]
        same = all(new is old for new, old in zip(items, value, strict=True))
        return value if same else items
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] | None = None
    for key, item in value.items():
        if key in _SCHEMAS:
            continue
        new = _all_removed(item) if is_credential_key(key) else _scrub(item)
        if new is not item and new != item:
            out = out if out is not None else dict(value)
            out[key] = new
    return out if out is not None else value


def _all_removed(value: Any) -> Any:
    """Every value inside ``value`` removed; a mapping keeps its keys (header names)."""
    if isinstance(value, dict):
        return {key: _all_removed(item) for key, item in value.items()}
    if value is None or value == "":
        return value
    return REMOVED
