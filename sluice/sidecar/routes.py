"""Which wire format a request path speaks, as configured in the gateway's routes."""

from __future__ import annotations

from collections.abc import Iterable

from sluice.config import Route
from sluice.model import Format

__all__ = ["RouteTable"]


class RouteTable:
    """Maps a request's ``:path`` (query string and all) to the :class:`Format` of its route.

    >>> from sluice.config import GatewayConfig
    >>> RouteTable(GatewayConfig().routes).format_for("/v1/messages?beta=true")
    <Format.ANTHROPIC: 'anthropic'>
    """

    __slots__ = ("_formats", "_providers")

    def __init__(self, routes: Iterable[Route]) -> None:
        routes = list(routes)
        self._formats = {route.path: route.format for route in routes}
        self._providers = {route.path: route.provider for route in routes}

    def format_for(self, path: str) -> Format | None:
        """The format of ``path``'s route, or ``None`` for a path the sidecar only forwards."""
        return self._formats.get(path.partition("?")[0])

    def provider_for(self, path: str) -> str | None:
        """The name of the provider ``path``'s route sends to."""
        return self._providers.get(path.partition("?")[0])
