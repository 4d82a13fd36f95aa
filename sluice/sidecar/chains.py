"""Every chain the config defines, and the rule that picks one for a request.

Built once per config load; a reload builds a new :class:`ChainSet` and swaps it in whole,
so an exchange keeps the chains it started with. The set also carries the metrics its
chains and exchanges report to (``None`` when ``sidecar.metrics`` is off).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

from sluice.config import GatewayConfig
from sluice.policy import ModelClientFactory
from sluice.sidecar.chain import Chain, build_chain
from sluice.sidecar.metrics import SidecarMetrics, worker_metrics
from sluice.sidecar.reviews import ReviewDesk

__all__ = ["ChainSet", "Selection"]


@dataclass(frozen=True, slots=True)
class Selection:
    """What a chain is chosen by: the route's path and who asks (as authenticated)."""

    path: str
    client: str | None = None
    user: str | None = None
    team: str | None = None
    requested: str | None = None  # the chain header's value, when the config honours it


class ChainSet:
    """The default chain, the named chains, and the selection rules."""

    def __init__(
        self,
        config: GatewayConfig,
        models: ModelClientFactory,
        metrics: SidecarMetrics | None = None,
        reviews: ReviewDesk | None = None,
    ) -> None:
        """``metrics``: where to count (default: this process's :func:`worker_metrics`);
        ``reviews``: where escalated tool calls wait (none: an escalation blocks)."""
        self.metrics: SidecarMetrics | None = None
        if config.sidecar.metrics:
            self.metrics = metrics if metrics is not None else worker_metrics()
            sidecar = config.sidecar
            self.metrics.bound_labels(sidecar.metrics_label_limit, sidecar.metrics_teams)
            models = self.metrics.instrument(models)
        for path in config.policy_paths:  # your own policies: import paths from the config
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))
        self.reviews = reviews
        approvals = config.approvals
        self.default = build_chain(
            config.policies, models, "default", self.metrics, reviews, approvals
        )
        self.named: Mapping[str, Chain] = {
            name: build_chain(refs, models, name, self.metrics, reviews, approvals)
            for name, refs in config.chains.items()
        }
        # For a failover's second request: the client's request was checked once already.
        self.unchecked = build_chain([], models, "failover", self.metrics)
        self.rules = config.select
        self.chain_header = (
            config.chain_header.name.lower() if config.chain_header.enabled else None
        )

    def select(self, selection: Selection) -> Chain:
        """The chain for a request: the requested one (if allowed and known), else the first
        matching rule's, else the default."""
        if selection.requested and selection.requested in self.named:
            return self.named[selection.requested]
        for rule in self.rules:
            if (
                (rule.route is None or rule.route == selection.path)
                and (rule.client is None or rule.client == selection.client)
                and (rule.user is None or rule.user == selection.user)
                and (rule.team is None or rule.team == selection.team)
            ):
                return self.named[rule.chain]
        return self.default
