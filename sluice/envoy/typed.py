"""Envoy config pieces that several parts of the bootstrap build the same way."""

from __future__ import annotations

from typing import Any

__all__ = ["http_connection_manager", "protocol_options", "router"]

JSONDict = dict[str, Any]

_HCM = (
    "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
    ".HttpConnectionManager"
)
_ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
_HTTP_OPTIONS_NAME = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
_HTTP_OPTIONS = "type.googleapis.com/" + _HTTP_OPTIONS_NAME


def router() -> JSONDict:
    """The router filter, last of every HTTP filter chain."""
    return {"name": "envoy.filters.http.router", "typed_config": {"@type": _ROUTER}}


def http_connection_manager(manager: JSONDict) -> JSONDict:
    """The network filter that runs the HTTP connection manager ``manager`` (its
    ``@type`` added)."""
    return {
        "name": "envoy.filters.network.http_connection_manager",
        "typed_config": {"@type": _HCM, **manager},
    }


def protocol_options(options: JSONDict) -> JSONDict:
    """A cluster's ``typed_extension_protocol_options`` with these HTTP protocol options."""
    return {_HTTP_OPTIONS_NAME: {"@type": _HTTP_OPTIONS, **options}}
