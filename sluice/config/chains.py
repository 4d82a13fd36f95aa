"""Which policies run: the default chain's entries, named chains' selection rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field, model_validator

from sluice.config.base import Model

__all__ = ["ChainHeader", "ChainRule", "PolicyRef", "PolicySettings"]


class PolicyRef(Model):
    """One entry of the policy chain."""

    name: str = Field(description="A built-in policy name, or `module:Class` for your own.")
    config: dict[str, Any] = Field(default_factory=dict, description="The policy's settings.")


class ChainRule(Model):
    """Picks a named chain for the requests it matches; every condition given must hold."""

    chain: str = Field(description="Name of the chain (a key of `chains`).")
    route: str | None = Field(None, description="Request path of the route, e.g. /v1/messages.")
    client: str | None = Field(
        None,
        description="The client limits count: the user when authenticated, else the API-key "
        "fingerprint (as shown in logs and the admin UI).",
    )
    user: str | None = Field(
        None, description="The authenticated user (the key's owner, the token's user claim)."
    )
    team: str | None = Field(
        None,
        description="The team: the key's or the token's; in passthrough mode the value of "
        "the `team_header` request header.",
    )


class ChainHeader(Model):
    """A request header naming the chain to use: for testing chains, off by default."""

    enabled: bool = Field(False, description="Honour the header. Never enable in production.")
    name: str = Field("x-sluice-chain", description="The header's name.")


class PolicySettings(Model):
    """Which policies run: the settings the admin API may change at run time too."""

    policies: list[PolicyRef] = Field(
        default_factory=lambda: [PolicyRef(name="noop")],
        description="The default policy chain, applied in order.",
    )
    chains: dict[str, list[PolicyRef]] = Field(
        default_factory=dict, description="Named chains that `select` rules can pick."
    )
    select: list[ChainRule] = Field(
        default_factory=list,
        description="Rules choosing a named chain per route, client, user or team; first match "
        "wins.",
    )

    @model_validator(mode="after")
    def _chains_exist(self) -> PolicySettings:
        for i, rule in enumerate(self.select):
            if rule.chain not in self.chains:
                known = ", ".join(sorted(self.chains)) or "none"
                raise ValueError(
                    f"select[{i}].chain: unknown chain {rule.chain!r} (known: {known})"
                )
        return self

    def entries(self) -> Iterator[tuple[str, int, PolicyRef]]:
        """Every policy entry with where it is: (``policies`` or ``chains.NAME``, index, ref)."""
        for i, ref in enumerate(self.policies):
            yield "policies", i, ref
        for name, refs in self.chains.items():
            for i, ref in enumerate(refs):
                yield f"chains.{name}", i, ref
