"""Where one request goes and which chain checks it: the route's format and provider, the
model rules, who is calling, and the chain chosen for them.

An :class:`~sluice.sidecar.exchange.Exchange` keeps one :class:`Routing`, set from the
request's headers and refined once the body names the model. Everything an exchange knows
about its caller lives in one :class:`~sluice.auth.identity.Identity`, decided by the
worker's :class:`~sluice.auth.identity.Gate` from the key or the verified token (``None``:
the request is refused, 401), before any chain is chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sluice.auth.identity import Gate, Identity
from sluice.config.cloud import BedrockConfig, VertexConfig
from sluice.envoy.contract import FAILOVER_HEADER
from sluice.model import Format
from sluice.sidecar.chain import Chain
from sluice.sidecar.chains import ChainSet, Selection
from sluice.sidecar.routes import RouteTable, Target

__all__ = ["ANONYMOUS", "Routing"]

ANONYMOUS = Identity()


class Routing:
    """One request's route, provider and chain.

    Until :meth:`on_headers` finds an LLM route, :attr:`format` is ``None`` (the exchange is
    passed through) and :attr:`chain` is the default chain.
    """

    __slots__ = (
        "_chains",
        "_gate",
        "_routes",
        "caller",
        "chain",
        "failover_to",
        "format",
        "headers",
        "path",
        "provider",
        "route",
        "routed_to",
        "target",
    )

    def __init__(self, chains: ChainSet, gate: Gate) -> None:
        self._chains = chains  # fixed for the exchange: a reload applies to the next request
        self._gate = gate
        self._routes: RouteTable | None = None
        self.headers: Mapping[str, str] = {}
        self.path = ""  # as requested, with its query string
        self.route = ""  # the path without the query string: the route's name
        self.format: Format | None = None  # None: not an LLM route (passthrough)
        self.provider: str | None = None
        self.routed_to: str | None = None  # the provider a model rule picked
        # Where the request goes, once the body named the model; its format may differ
        # from the route's (the exchange is then translated).
        self.target: Target | None = None
        self.caller: Identity | None = ANONYMOUS  # None: not authenticated (refused)
        self.chain: Chain = chains.default
        # The provider this request is sent to again, as the sidecar's failover (it came
        # on the failover listener; the client's own request was checked and recorded).
        self.failover_to: str | None = None

    def on_headers(
        self,
        routes: RouteTable,
        headers: Mapping[str, str],
        token: Mapping[str, Any] | None = None,
    ) -> None:
        """The request's headers (``:path`` with its query string, and the headers the
        sidecar reads) and the verified token's payload, if any: find the route's format
        and provider, the caller, the chain."""
        self.headers = headers
        self.path = headers.get(":path", "")
        self.format = routes.format_for(self.path)
        gate = self._gate
        if self.format is None:
            # Not read, but in keys mode still checked (Envoy sends only its headers).
            if gate.authenticates:
                self.caller = gate.identify(headers, token)
            return
        self._routes = routes
        self.route = routes.route_for(self.path)
        self.provider = routes.provider_for(self.path)
        failover = headers.get(FAILOVER_HEADER)
        if failover is not None and failover in routes.providers_of(self.path):
            self.failover_to = failover
            self.chain = self._chains.unchecked
            return  # the caller is the client's, as the gateway decided on its way in
        caller = self.caller = gate.identify(headers, token)
        if caller is None:
            return
        chains = self._chains
        self.chain = chains.select(
            Selection(
                path=self.route,
                client=caller.client,
                user=caller.user,
                team=caller.team,
                requested=headers.get(chains.chain_header) if chains.chain_header else None,
            )
        )

    async def identify_again(
        self,
        routes: RouteTable,
        headers: Mapping[str, str],
        token: Mapping[str, Any] | None = None,
    ) -> None:
        """After :meth:`on_headers` refused the caller: once more, if the key may be one
        created since the worker last loaded the keys (and now loaded)."""
        if await self._gate.may_know_soon(headers):
            self.on_headers(routes, headers, token)

    @property
    def cloud(self) -> BedrockConfig | VertexConfig | None:
        """The provider's Bedrock or Vertex AI settings (known once the body is read)."""
        return self._routes.cloud_for(self.provider) if self._routes is not None else None

    def failovers(self, model: str | None) -> list[str]:
        """The providers to try next, in order, if the provider answers 429 or 5xx before
        its response began (none for a failover's own request)."""
        if self._routes is None or self.failover_to is not None:
            return []
        return self._routes.failover(self.path, model)

    def by_model(self, model: str | None) -> str | None:
        """The provider a model rule sends this request to (``None``: the route's own).
        Envoy re-picks the route from a header the server sets; see
        ``sluice.envoy.contract.PROVIDER_HEADER``."""
        if self._routes is None:
            return None
        if self.failover_to is not None:
            self.target = self._routes.target(self.path, model, provider=self.failover_to)
            self.routed_to = self.provider = self.failover_to
            return self.routed_to
        self.target = self._routes.target(self.path, model)
        self.routed_to = self._routes.provider_for_model(self.path, model)
        if self.routed_to is not None:
            self.provider = self.routed_to
        return self.routed_to
