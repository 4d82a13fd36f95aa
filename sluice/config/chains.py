"""Which policies run: the default chain's entries, named chains' selection rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic import Field, model_validator

from sluice.config.base import Model

__all__ = ["ChainHeader", "ChainRule", "PolicyRef", "PolicySettings", "StandingApproval"]


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


class StandingApproval(Model):
    """A tool call a reviewer approved for good, within a team or a session: an identical
    call (same tool, same arguments) there is approved without asking again."""

    tool: str = Field(description="The tool's name.")
    arguments: str = Field(
        description="The call's arguments as canonical JSON (keys sorted, no spaces), or the "
        "raw text when they are not JSON."
    )
    team: str | None = Field(None, description="The team it is approved for.")
    session: str | None = Field(None, description="Or the session it is approved for.")
    approved_by: str = Field(description="The reviewer who turned the approval into a rule.")
    review: str | None = Field(None, description="The review it came from.")
    note: str = Field("", description="The reviewer's note.")

    @model_validator(mode="after")
    def _one_scope(self) -> StandingApproval:
        if (self.team is None) == (self.session is None):
            raise ValueError("a standing approval names exactly one of `team` or `session`")
        return self

    @staticmethod
    def canonical(arguments: str) -> str:
        """``arguments`` (JSON text) with keys sorted and no spaces; not JSON: as it is.

        >>> StandingApproval.canonical('{"b": 1, "a": [1, 2]}')
        '{"a":[1,2],"b":1}'
        """
        try:
            value = json.loads(arguments)
        except ValueError:
            return arguments
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def covers(self, tool: str, arguments: str, team: str | None, session: str | None) -> bool:
        """Whether this approval covers a call of ``tool`` with ``arguments`` (JSON text) by
        a caller of ``team`` in ``session``."""
        if tool != self.tool or self.canonical(arguments) != self.arguments:
            return False
        if self.team is not None:
            return team == self.team
        return session == self.session


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
    approvals: list[StandingApproval] = Field(
        default_factory=list,
        description="Tool calls reviewers approved for good (the Review page's \"approve and "
        'remember"): an escalated call matching one is approved without asking. Revoke one '
        "by removing it.",
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
