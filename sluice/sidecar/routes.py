"""Which wire format a request path speaks, as configured in the gateway's routes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from sluice.config import ModelRule, ProviderConfig, Route
from sluice.config.cloud import (
    BEDROCK_CLIENT_PATH,
    BEDROCK_CLIENT_REGEX,
    VERTEX_CLIENT_PATH,
    VERTEX_CLIENT_REGEX,
    BedrockConfig,
    VertexConfig,
)
from sluice.model import Format

__all__ = ["RouteTable", "Target"]


@dataclass(frozen=True, slots=True)
class Target:
    """Where a request goes: the provider, the format it speaks, and the model name it is
    to receive (``None``: the client's own)."""

    provider: str
    format: Format
    model: str | None = None


_VERTEX_CLIENT = re.compile(VERTEX_CLIENT_REGEX)
_BEDROCK_CLIENT = re.compile(BEDROCK_CLIENT_REGEX)


class RouteTable:
    """Maps a request's ``:path`` (query string and all) to the :class:`Format` of its route.

    >>> from sluice.config import GatewayConfig
    >>> RouteTable(GatewayConfig().routes).format_for("/v1/messages?beta=true")
    <Format.ANTHROPIC: 'anthropic'>
    """

    __slots__ = (
        "_backends",
        "_clouds",
        "_failovers",
        "_formats",
        "_models",
        "_names",
        "_providers",
    )

    def __init__(
        self,
        routes: Iterable[Route],
        providers: Mapping[str, ProviderConfig] | None = None,
        clouds: Mapping[str, BedrockConfig | VertexConfig] | None = None,
    ) -> None:
        self._clouds = dict(clouds or {})  # providers that are Bedrock or Vertex AI, by name
        routes = list(routes)
        # The format each provider speaks, where it is set (else: the route's own).
        self._backends = {
            name: p.format for name, p in (providers or {}).items() if p.format is not None
        }
        self._formats = {route.path: route.format for route in routes}
        self._providers = {route.path: route.provider for route in routes}
        self._models: dict[str, list[ModelRule]] = {r.path: r.models for r in routes if r.models}
        self._failovers = {r.path: r.failover for r in routes if r.failover}
        self._names = {r.path: frozenset(r.provider_names) for r in routes}

    def route_for(self, path: str) -> str:
        """The configured path of ``path``'s route (its name): the path without its query
        string, or the template of the route for clients in a cloud mode."""
        bare = path.partition("?")[0]
        if bare not in self._formats:
            if _VERTEX_CLIENT.match(bare):
                return VERTEX_CLIENT_PATH
            if _BEDROCK_CLIENT.match(bare):
                return BEDROCK_CLIENT_PATH
        return bare

    def format_for(self, path: str) -> Format | None:
        """The format of ``path``'s route, or ``None`` for a path the sidecar only forwards."""
        return self._formats.get(self.route_for(path))

    def provider_for(self, path: str) -> str | None:
        """The name of the provider ``path``'s route sends to."""
        return self._providers.get(self.route_for(path))

    def cloud_for(self, provider: str | None) -> BedrockConfig | VertexConfig | None:
        """The Bedrock or Vertex AI settings of ``provider``; ``None`` for other providers."""
        return self._clouds.get(provider) if provider is not None else None

    def providers_of(self, path: str) -> frozenset[str]:
        """Every provider ``path``'s route may send to (its model rules' and failovers')."""
        return self._names.get(self.route_for(path), frozenset())

    def target(self, path: str, model: str | None, *, provider: str | None = None) -> Target | None:
        """Where a request on ``path`` naming ``model`` goes: a model rule's provider (and
        upstream model name), else the route's own; ``None`` off the LLM routes. With
        ``provider`` (a failover), that provider, with the client's model name."""
        route = self.route_for(path)
        fmt, own = self._formats.get(route), self._providers.get(route)
        if fmt is None or own is None:
            return None
        if provider is not None:
            return Target(provider, self._backends.get(provider, fmt))
        rule = self._rule(route, model)
        provider = rule.provider if rule is not None else own
        upstream = rule.upstream_model if rule is not None else None
        return Target(provider, self._backends.get(provider, fmt), upstream)

    def failover(self, path: str, model: str | None) -> list[str]:
        """The providers to try, in order, when the first answers 429 or 5xx before its
        response began: the matching model rule's list, else the route's."""
        route = self.route_for(path)
        rule = self._rule(route, model)
        return list(rule.failover) if rule is not None else list(self._failovers.get(route, ()))

    def _rule(self, route: str, model: str | None) -> ModelRule | None:
        if model is None:
            return None
        return next((r for r in self._models.get(route, ()) if fnmatchcase(model, r.model)), None)

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
        rules = self._models.get(self.route_for(path), ())
        return next((rule.provider for rule in rules if fnmatchcase(model, rule.model)), None)
