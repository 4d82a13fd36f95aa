"""``noop``: does nothing. A chain of only ``noop`` passes every byte through unparsed."""

from __future__ import annotations

from sluice.policy import Policy, PolicyConfig

__all__ = ["Noop"]


class Noop(Policy[PolicyConfig]):
    """Does nothing; a placeholder for an empty chain."""
