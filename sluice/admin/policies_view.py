"""The policies as the API shows them: chains with each policy's schema, versions, diffs.

Pure functions. Every config passes through :func:`sluice.policyset.mask_secrets` before it
is shown or stored, so a secret never leaves the gateway through here.
"""

from __future__ import annotations

import difflib
import inspect
import json
from typing import Any

from sluice.admin._gateway import ChainSet, chain_for
from sluice.config import GatewayConfig, PolicyRef
from sluice.policies import BUILTINS
from sluice.policy import Policy, PolicyError, load_policy_class
from sluice.policyset import PolicySettings, mask_secrets, settings_of
from sluice.store.policies import StoredVersion

__all__ = [
    "available_json",
    "masked_json",
    "settings_diff",
    "settings_json",
    "version_json",
]

JSON = dict[str, Any]


def _class(name: str) -> type[Policy[Any]] | None:
    try:
        return load_policy_class(name, BUILTINS)
    except PolicyError:
        return None


def _about(cls: type[Policy[Any]] | None) -> JSON:
    if cls is None:
        return {"description": "", "hooks": [], "schema": None}
    return {
        "description": (inspect.getdoc(cls) or "").split("\n")[0],
        "hooks": sorted(cls.declared_hooks()),
        "schema": cls.Config.model_json_schema(),
    }


def _entry(ref: PolicyRef) -> JSON:
    return {"name": ref.name, "config": ref.config, **_about(_class(ref.name))}


def masked_json(settings: PolicySettings) -> JSON:
    """The three settings as the config file writes them, secrets masked."""
    return mask_secrets(settings).model_dump(mode="json")


def settings_json(config: GatewayConfig, chains: ChainSet) -> JSON:
    """The policies in force: each chain's entries (name, masked config, schema), the
    select rules, and which chain each route gets when no rule names a client or team."""
    settings = mask_secrets(settings_of(config))
    return {
        "policies": [_entry(ref) for ref in settings.policies],
        "chains": {name: [_entry(ref) for ref in refs] for name, refs in settings.chains.items()},
        "select": [rule.model_dump(mode="json") for rule in settings.select],
        "approvals": [a.model_dump(mode="json") for a in settings.approvals],
        "routes": [
            {
                "path": route.path,
                "format": route.format.value,
                "provider": route.provider,
                "chain": chain_for(chains, route.path).name,
            }
            for route in config.routes
        ],
        "team_header": config.team_header,
        "chain_header": config.chain_header.model_dump(mode="json"),
    }


def available_json(config: GatewayConfig) -> JSON:
    """Every policy the API may use: the built-ins and the ``module:Class`` ones the config
    file names, each with its description, hooks and config schema."""
    names = sorted(BUILTINS) + sorted(
        {ref.name for _, _, ref in settings_of(config).entries() if ":" in ref.name}
    )
    return {"policies": {name: _about(_class(name)) for name in names}}


def _pretty(value: Any) -> list[str]:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def settings_diff(before: JSON, after: JSON, names: tuple[str, str]) -> str:
    """A unified diff of two masked settings."""
    return "\n".join(difflib.unified_diff(_pretty(before), _pretty(after), *names, lineterm=""))


def version_json(version: StoredVersion, *, with_config: bool = False) -> JSON:
    """One version: the audit entry (who, when, what, the diff), and maybe its config."""
    shown: JSON = {
        "id": version.id,
        "created_at": version.created_at.isoformat(),
        "action": version.action,
        "reverted_to": version.reverted_to,
        "author": {"role": version.author_role, "key": version.author_key},
        "comment": version.comment,
        "diff": version.diff,
    }
    if with_config:
        shown["config"] = version.config
    return shown
