"""Which wire format a request path speaks, as configured in the gateway's routes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from sluice.config import ModelRule, ProviderConfig, Route
from sluice.model import Format

__all__ = ["RouteTable", "Target"]


@dataclass(frozen=True, slots=True)
class Target:
    """Where a request goes: the provider, the format it speaks, and the model name it is
    to receive (``None``: the client's own)."""

    provider: str
    format: Format
    model: str | None = None


class RouteTable:
    """Maps a request's ``:path`` (query string and all) to the :class:`Format` of its route.

    >>> from sluice.config import GatewayConfig
    >>> RouteTable(GatewayConfig().routes).format_for("/v1/messages?beta=true")
    <Format.ANTHROPIC: 'anthropic'>
    """

    __slots__ = ("_backends", "_formats", "_models", "_providers")

    def __init__(
        self, routes: Iterable[Route], providers: Mapping[str, ProviderConfig] | None = None
    ) -> None:
        routes = list(routes)
        # The format each provider speaks, where it is set (else: the route's own).
        self._backends = {
            name: p.format for name, p in (providers or {}).items() if p.format is not None
        }
        self._formats = {route.path: route.format for route in routes}
        self._providers = {route.path: route.provider for route in routes}
        self._models: dict[str, list[ModelRule]] = {r.path: r.models for r in routes if r.models}

    def format_for(self, path: str) -> Format | None:
        """The format of ``path``'s route, or ``None`` for a path the sidecar only forwards."""
        return self._formats.get(path.partition("?")[0])

    def provider_for(self, path: str) -> str | None:
        """The name of the provider ``path``'s route sends to."""
        return self._providers.get(path.partition("?")[0])

    def target(self, path: str, model: str | None) -> Target | None:
        """Where a request on ``path`` naming ``model`` goes: a model rule's provider (and
        upstream model name), else the route's own; ``None`` off the LLM routes."""
        route = path.partition("?")[0]
        fmt, provider = self._formats.get(route), self._providers.get(route)
        if fmt is None or provider is None:
            return None
        rules = self._models.get(route, ()) if model is not None else ()
        rule = next((r for r in rules if fnmatchcase(model or "", r.model)), None)
        if rule is not None:
            provider = rule.provider
        upstream = rule.upstream_model if rule is not None else None
        return Target(provider, self._backends.get(provider, fmt), upstream)

    def provider_for_model(self, path: str, model: str | None) -> str | None:
        """The provider a model rule of ``path``'s route picks for ``model``, if any.

        >>> from sluice.config import ModelRule
        >>> rule = ModelRule(model="azure-*", provider="azure")
        >>> route = Route(path="/v1/chat/completions", format="openai_chat", provider="openai",
        ...               models=[rule])
        >>> RouteTable([route]).provider_for_model("/v1/chat/completions", "azure-gpt-4o")
        'azure'
        """
        if model is None:
            return None
        rules = self._models.get(path.partition("?")[0], ())
        return next((rule.provider for rule in rules if fnmatchcase(model, rule.model)), None)
