"""Where one request goes and which chain checks it: the route's format and provider, the
model rules, who is calling, and the chain chosen for them.

An :class:`~sluice.sidecar.exchange.Exchange` keeps one :class:`Routing`, set from the
request's headers and refined once the body names the model. Everything an exchange knows
about its caller lives in one :class:`Caller`, built by :func:`caller_from`: that is the
place to add what an identity provider says about who is calling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sluice.config.cloud import BedrockConfig, VertexConfig
from sluice.model import Format
from sluice.sidecar.chain import Chain
from sluice.sidecar.chains import ChainSet, Selection
from sluice.sidecar.identity import fingerprint
from sluice.sidecar.routes import RouteTable

__all__ = ["Caller", "Routing", "caller_from"]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, as far as the gateway can tell (``None`` where it cannot)."""

    client: str | None = None  # the API key's fingerprint
    team: str | None = None  # the team header's value, when the config names one
    user: str | None = None  # the authenticated user, when an identity is known


ANONYMOUS = Caller()


def caller_from(headers: Mapping[str, str], chains: ChainSet) -> Caller:
    """The caller of a request with these headers (names in lower case)."""
    return Caller(
        client=fingerprint(headers),
        team=headers.get(chains.team_header) if chains.team_header else None,
    )


class Routing:
    """One request's route, provider and chain.

    Until :meth:`on_headers` finds an LLM route, :attr:`format` is ``None`` (the exchange is
    passed through) and :attr:`chain` is the default chain.
    """

    __slots__ = (
        "_chains",
        "_routes",
        "caller",
        "chain",
        "format",
        "headers",
        "path",
        "provider",
        "route",
        "routed_to",
    )

    def __init__(self, chains: ChainSet) -> None:
        self._chains = chains  # fixed for the exchange: a reload applies to the next request
        self._routes: RouteTable | None = None
        self.headers: Mapping[str, str] = {}
        self.path = ""  # as requested, with its query string
        self.route = ""  # the path without the query string: the route's name
        self.format: Format | None = None  # None: not an LLM route (passthrough)
        self.provider: str | None = None
        self.routed_to: str | None = None  # the provider a model rule picked
        self.caller = ANONYMOUS
        self.chain: Chain = chains.default

    def on_headers(self, routes: RouteTable, headers: Mapping[str, str]) -> None:
        """The request's headers (``:path`` with its query string, and the headers the
        sidecar reads): find the route's format and provider, the caller, the chain."""
        self.headers = headers
        self.path = headers.get(":path", "")
        self.format = routes.format_for(self.path)
        if self.format is None:
            return
        self._routes = routes
        self.route = routes.route_for(self.path)
        self.provider = routes.provider_for(self.path)
        chains = self._chains
        self.caller = caller_from(headers, chains)
        self.chain = chains.select(
            Selection(
                path=self.route,
                client=self.caller.client,
                team=self.caller.team,
                requested=headers.get(chains.chain_header) if chains.chain_header else None,
            )
        )

    @property
    def cloud(self) -> BedrockConfig | VertexConfig | None:
        """The provider's Bedrock or Vertex AI settings (known once the body is read)."""
        return self._routes.cloud_for(self.provider) if self._routes is not None else None

    def by_model(self, model: str | None) -> str | None:
        """The provider a model rule sends this request to (``None``: the route's own).
        Envoy re-picks the route from a header the server sets; see
        ``sluice.envoy.contract.PROVIDER_HEADER``."""
        if self._routes is None:
            return None
        self.routed_to = self._routes.provider_for_model(self.path, model)
        if self.routed_to is not None:
            self.provider = self.routed_to
        return self.routed_to
