"""Which policies run: the default chain's entries, named chains' selection rules."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from sluice.config.base import Model

__all__ = ["ChainHeader", "ChainRule", "PolicyRef"]


class PolicyRef(Model):
    """One entry of the policy chain."""

    name: str = Field(description="A built-in policy name, or `module:Class` for your own.")
    config: dict[str, Any] = Field(default_factory=dict, description="The policy's settings.")


class ChainRule(Model):
    """Picks a named chain for the requests it matches; every condition given must hold."""

    chain: str = Field(description="Name of the chain (a key of `chains`).")
    route: str | None = Field(None, description="Request path of the route, e.g. /v1/messages.")
    client: str | None = Field(
        None, description="API-key fingerprint (as shown in logs and the admin UI)."
    )
    team: str | None = Field(None, description="Value of the `team_header` request header.")


class ChainHeader(Model):
    """A request header naming the chain to use: for testing chains, off by default."""

    enabled: bool = Field(False, description="Honour the header. Never enable in production.")
    name: str = Field("x-sluice-chain", description="The header's name.")
