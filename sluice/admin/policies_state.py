"""What the policies API works on: the config file's settings, the applied versions, and
the one check every proposal goes through (:meth:`PolicyAdmin.check`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sluice.admin._gateway import ChainSet
from sluice.config import ConfigError, GatewayConfig
from sluice.policies import BUILTINS
from sluice.policy import ModelClientFactory, PolicyError, load_policy_class
from sluice.policyset import (
    PolicySettings,
    check_code,
    effective_config,
    settings_of,
    validate_settings,
)
from sluice.store.policies import PolicyVersions, StoredVersion

__all__ = ["Active", "Invalid", "PolicyAdmin"]


class Invalid(Exception):
    """A proposed policy config was refused; ``errors`` name each key that is wrong."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Active:
    """The policies in force as the workers build them."""

    config: GatewayConfig
    chains: ChainSet
    version: StoredVersion | None  # None: the config file's own
    refused: StoredVersion | None = None  # the newest version, when it cannot apply


def _entry_errors(settings: PolicySettings) -> list[str]:
    """Each policy's own config checked, every problem named by its full key."""
    errors = []
    for where, i, ref in settings.entries():
        try:
            cls = load_policy_class(ref.name, BUILTINS)
        except PolicyError as exc:
            errors.append(f"{where}[{i}].name: {exc}")
            continue
        try:
            cls.Config.model_validate(ref.config)
        except ValidationError as exc:
            for item in exc.errors():
                key = ".".join(str(part) for part in item["loc"])
                errors.append(f"{where}[{i}].config{'.' + key if key else ''}: {item['msg']}")
    return errors


@dataclass(slots=True)
class PolicyAdmin:
    """The file's config, the store's versions (``None``: no store, nothing can be applied)
    and the model clients chains are built with (validation never calls them)."""

    file_config: GatewayConfig
    versions: PolicyVersions | None
    models: ModelClientFactory

    def check(self, raw: Any) -> tuple[GatewayConfig, ChainSet]:
        """The config and chains ``raw`` (masked settings) would give, built exactly as a
        worker builds them; :class:`Invalid` lists what is wrong, by key."""
        try:
            settings = validate_settings(raw)
            check_code(settings, self.file_settings())  # before anything imports a module
        except ConfigError as exc:
            raise Invalid(str(exc).split("; ")) from None
        errors = _entry_errors(settings)
        if errors:
            raise Invalid(errors)
        return self.build(settings.model_dump(mode="json"))

    def build(self, applied: dict[str, Any] | None) -> tuple[GatewayConfig, ChainSet]:
        try:
            config = effective_config(self.file_config, applied)
            return config, ChainSet(config, self.models)
        except (ConfigError, PolicyError) as exc:
            raise Invalid(str(exc).split("; ")) from None

    async def active(self) -> Active:
        """What every worker runs: the newest version if it builds, else the file's."""
        latest = await self.versions.latest() if self.versions is not None else None
        if latest is not None and latest.config is not None:
            try:
                return Active(*self.build(latest.config), latest)
            except Invalid:
                return Active(*self.build(None), None, refused=latest)
        return Active(*self.build(None), latest)

    def file_settings(self) -> PolicySettings:
        return settings_of(self.file_config)
