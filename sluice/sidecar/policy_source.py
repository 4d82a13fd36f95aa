"""Where a worker's chains come from: the config file, overridden by the newest policy
version applied through the admin API (:mod:`sluice.policyset`).

Every worker of every replica polls the store (:meth:`PolicySource.poll`, every 2 s by
default) and swaps in new chains when a new version appears. A version that cannot be
built here (a policy's config is invalid, a masked secret has no value in this file) is
refused: the running chains stay, and the refusal is logged once per version.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sluice.config import ConfigError, GatewayConfig, load_config
from sluice.policy import ModelClientFactory, PolicyError
from sluice.policyset import effective_config
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.reviews import ReviewDesk
from sluice.store.policies import PolicyVersions, StoredVersion

__all__ = ["PolicySource"]

log = logging.getLogger(__name__)


class PolicySource:
    """The file at ``config_path`` and, when there is a store, its applied versions."""

    def __init__(
        self,
        config_path: Path,
        file_config: GatewayConfig,
        models: ModelClientFactory,
        versions: PolicyVersions | None,
        reviews: ReviewDesk | None = None,
    ) -> None:
        """``reviews``: where the chains send escalated tool calls (none: they block)."""
        self.reviews = reviews
        self.config_path = config_path
        self.file_config = file_config
        self.models = models
        self.versions = versions
        self.applied: StoredVersion | None = None  # the version the running chains follow
        self.seen: int | None = None  # the newest version id looked at, built or refused
        self.unreadable = False  # the last read failed (logged once)

    def _build(self, file_config: GatewayConfig, applied: StoredVersion | None) -> ChainSet:
        config = effective_config(file_config, applied.config if applied else None)
        return ChainSet(config, self.models, reviews=self.reviews)

    async def start(self) -> ChainSet:
        """The chains to start with: the newest version's if it builds, else the file's."""
        await self.poll_store_quietly()
        if self.applied is not None:
            try:
                return self._build(self.file_config, self.applied)
            except (ConfigError, PolicyError) as exc:
                log.error(
                    "policy version %d refused, using the config file's: %s", self.applied.id, exc
                )
                self.applied = None
        return self._build(self.file_config, None)

    async def _latest(self) -> tuple[bool, StoredVersion | None]:
        """(read, the newest version); a failure is logged once until reads work again."""
        if self.versions is None:
            return False, None
        try:
            latest = await self.versions.latest()
        except Exception as exc:  # any driver error: the store is down, traffic goes on
            if not self.unreadable:
                log.warning("policy versions unreadable (keeping the running policies): %r", exc)
            self.unreadable = True
            return False, None
        if self.unreadable:
            log.info("policy versions readable again")
        self.unreadable = False
        return True, latest

    async def poll_store_quietly(self) -> None:
        read, latest = await self._latest()
        if read:
            self.seen = latest.id if latest else None
            self.applied = latest

    async def poll(self) -> ChainSet | None:
        """New chains if a new version was applied and builds; ``None`` to keep the running."""
        read, latest = await self._latest()
        if not read or latest is None or latest.id == self.seen:
            return None
        self.seen = latest.id
        try:
            chains = self._build(self.file_config, latest)
        except (ConfigError, PolicyError) as exc:
            log.error("policy version %d refused, keeping the running policies: %s", latest.id, exc)
            return None
        self.applied = latest
        log.info("policy version %d applied (%s)", latest.id, latest.action)
        return chains

    def reload_file(self) -> ChainSet | None:
        """The config file changed: new chains from it (and the applied version, if any)."""
        try:
            file_config = load_config(self.config_path)
            chains = self._build(file_config, self.applied)
        except (ConfigError, PolicyError) as exc:
            log.error("policy reload refused, keeping the running policies: %s", exc)
            return None
        self.file_config = file_config
        return chains
