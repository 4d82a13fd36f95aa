"""The policies in force: the config file's, or a version applied through the admin API.

The config file is the baseline. A version applied through the admin API replaces its
policy settings (``policies``, ``chains``, ``select``, ``approvals``) until it is reverted; every
other setting stays the file's. The admin server (to validate) and every sidecar worker
(to serve) build chains from the same :func:`effective_config`, so a version the admin
server accepts is one the workers accept.

Two rules keep the API from widening what the config file allows:

- Code: through the API a policy is a built-in, or a ``module:Class`` the config file
  already names. Nothing sent over the API makes the gateway import a new module.
- Secrets: a config property whose JSON Schema says ``writeOnly: true`` is secret
  (pydantic writes that for ``SecretStr``: the judge's ``api_key``). The API shows it as
  :data:`MASK` and never stores it; sent back as :data:`MASK`, it means "keep the value
  the config file gives the same policy" (same chain, same policy name, same occurrence).
  A new secret value is refused: put it in the config file or in an environment
  variable (``api_key_env``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from sluice.config import ConfigError, GatewayConfig, PolicyRef, PolicySettings
from sluice.policies import BUILTINS
from sluice.policy import PolicyError, load_policy_class

__all__ = [
    "MASK",
    "PolicySettings",
    "check_code",
    "effective_config",
    "mask_secrets",
    "settings_of",
    "validate_settings",
]

MASK = "********"

JSON = dict[str, Any]


def settings_of(config: GatewayConfig) -> PolicySettings:
    """The policy settings of a gateway config."""
    return PolicySettings(
        policies=config.policies,
        chains=config.chains,
        select=config.select,
        approvals=config.approvals,
    )


def _errors(exc: ValidationError) -> list[str]:
    out = []
    for item in exc.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        out.append(message if message.startswith(("select[", where)) else f"{where}: {message}")
    return out


def validate_settings(raw: Any) -> PolicySettings:
    """Parse proposed settings; :class:`ConfigError` lists every problem with its key."""
    try:
        return PolicySettings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError("; ".join(_errors(exc))) from None


# --- secrets -------------------------------------------------------------------------------


def _resolve(schema: JSON, defs: JSON) -> JSON:
    while "$ref" in schema:
        schema = defs.get(schema["$ref"].rpartition("/")[2], {})
    return schema


def _walk(value: Any, schema: JSON, defs: JSON, path: str, visit: Callable[[str, Any], Any]) -> Any:
    """``value`` with ``visit(path, secret)`` applied to each secret in it (per ``schema``)."""
    schema = _resolve(schema, defs)
    if value is None:
        return None
    if schema.get("writeOnly"):
        return visit(path, value)
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        option = _resolve(option, defs)
        if option.get("writeOnly") and isinstance(value, str):
            return visit(path, value)
        if option.get("type") == "object" and isinstance(value, dict):
            return _walk(value, option, defs, path, visit)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            key: _walk(
                item,
                props.get(key, extra if isinstance(extra, dict) else {}),
                defs,
                f"{path}.{key}",
                visit,
            )
            for key, item in value.items()
        }
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [
            _walk(item, schema["items"], defs, f"{path}[{i}]", visit)
            for i, item in enumerate(value)
        ]
    return value


def _schema(name: str) -> JSON | None:
    try:
        return load_policy_class(name, BUILTINS).Config.model_json_schema()
    except PolicyError:
        return None  # validation says what is wrong with the name


def _map_secrets(ref: PolicyRef, where: str, visit: Callable[[str, Any], Any]) -> PolicyRef:
    schema = _schema(ref.name)
    if schema is None:
        return ref
    config = _walk(ref.config, schema, schema.get("$defs", {}), f"{where}.config", visit)
    return ref.model_copy(update={"config": config})


def _rebuild(
    settings: PolicySettings, change: Callable[[str, int, PolicyRef], PolicyRef]
) -> PolicySettings:
    policies = list(settings.policies)
    chains = {name: list(refs) for name, refs in settings.chains.items()}
    for where, i, ref in settings.entries():
        target = policies if where == "policies" else chains[where.removeprefix("chains.")]
        target[i] = change(where, i, ref)
    return settings.model_copy(update={"policies": policies, "chains": chains})


def mask_secrets(settings: PolicySettings) -> PolicySettings:
    """``settings`` with every secret value replaced by :data:`MASK`."""
    return _rebuild(
        settings, lambda where, i, ref: _map_secrets(ref, f"{where}[{i}]", lambda p, v: MASK)
    )


def _slots(settings: PolicySettings) -> dict[tuple[str, str, int], PolicyRef]:
    """Each entry keyed by (chain, policy name, occurrence of that name in the chain)."""
    seen: dict[tuple[str, str], int] = {}
    slots = {}
    for where, _, ref in settings.entries():
        n = seen[where, ref.name] = seen.get((where, ref.name), -1) + 1
        slots[where, ref.name, n] = ref
    return slots


def _secret_at(ref: PolicyRef, path: list[str]) -> Any:
    value: Any = ref.config
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _unmask(proposed: PolicySettings, baseline: PolicySettings) -> PolicySettings:
    """Masked secrets replaced by the baseline's; a new secret value is refused."""
    base_slots = _slots(baseline)
    seen: dict[tuple[str, str], int] = {}
    problems: list[str] = []

    def change(where: str, i: int, ref: PolicyRef) -> PolicyRef:
        n = seen[where, ref.name] = seen.get((where, ref.name), -1) + 1
        counterpart = base_slots.get((where, ref.name, n))
        prefix = f"{where}[{i}].config."

        def visit(path: str, value: Any) -> Any:
            if value != MASK:
                problems.append(
                    f"{path}: secrets cannot be set through the API; put the value in the "
                    "config file, or name an environment variable (e.g. api_key_env)"
                )
                return value
            keys = path.removeprefix(prefix).split(".")
            kept = _secret_at(counterpart, keys) if counterpart is not None else None
            if kept is None:
                problems.append(f"{path}: masked, but the config file has no value to keep")
            return kept

        return _map_secrets(ref, f"{where}[{i}]", visit)

    resolved = _rebuild(proposed, change)
    if problems:
        raise ConfigError("; ".join(problems))
    return resolved


# --- the config in force --------------------------------------------------------------------


def check_code(settings: PolicySettings, baseline: PolicySettings) -> None:
    """Refuse a ``module:Class`` the config file does not name (before anything imports it)."""
    allowed = {ref.name for _, _, ref in baseline.entries() if ":" in ref.name}
    for where, i, ref in settings.entries():
        if ":" in ref.name and ref.name not in allowed:
            raise ConfigError(
                f"{where}[{i}].name: {ref.name!r} is not named in the config file; through "
                "the API only built-in policies and those the config file loads may be used"
            )


def effective_config(file_config: GatewayConfig, applied: JSON | None) -> GatewayConfig:
    """The gateway config in force: ``file_config`` with an applied version's (masked)
    policy settings, or the file's own when ``applied`` is ``None``.

    Raises :class:`ConfigError` naming the key when the version cannot apply to this file.
    Building the chains (``ChainSet``) then checks each policy's own config.
    """
    if applied is None:
        return file_config
    baseline = settings_of(file_config)
    settings = validate_settings(applied)
    check_code(settings, baseline)
    settings = _unmask(settings, baseline)
    return file_config.model_copy(
        update={
            "policies": settings.policies,
            "chains": settings.chains,
            "select": settings.select,
            "approvals": settings.approvals,
        }
    )
