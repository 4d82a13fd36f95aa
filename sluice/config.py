"""The gateway config: one YAML file, validated with pydantic, the single source of truth.

Envoy's bootstrap (``sluice.envoy``), the sidecar and the CLI are all driven by a
:class:`GatewayConfig`. Load one with :func:`load_config`; a mistake is reported with the key
that holds it::

    $ sluice envoy-config --config bad.yaml
    sluice: bad.yaml: providers.anthropic.base_url: URL scheme should be 'http' or 'https'
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    field_validator,
    model_validator,
)

from sluice.model import Format

__all__ = [
    "ChainHeader",
    "ChainRule",
    "ConfigError",
    "FailureMode",
    "GatewayConfig",
    "ListenerConfig",
    "PassthroughRoute",
    "PolicyRef",
    "ProviderConfig",
    "Route",
    "SidecarConfig",
    "load_config",
]


class ConfigError(Exception):
    """The config file is missing, not YAML, or not a valid gateway config."""


class _Model(BaseModel):
    # A misspelt key is an error, not a silently ignored setting.
    model_config = ConfigDict(extra="forbid", frozen=True)


Port = Annotated[int, Field(ge=0, le=65535)]


class FailureMode(StrEnum):
    """What Envoy does with a request when the sidecar cannot be reached."""

    CLOSED = "closed"  # answer 500 (the sidecar is part of the security boundary)
    OPEN = "open"  # forward the request unchecked and unrecorded


class ListenerConfig(_Model):
    """Where clients connect."""

    address: str = Field("127.0.0.1", description="Address Envoy listens on for clients.")
    port: Port = Field(8080, description="Port Envoy listens on for clients.")


class EnvoyConfig(_Model):
    """Envoy process settings."""

    admin_address: str = Field("127.0.0.1", description="Envoy admin API address.")
    admin_port: Port = Field(9901, description="Envoy admin API port (keep it private).")
    log_level: Literal["trace", "debug", "info", "warning", "error", "critical", "off"] = Field(
        "warning", description="Envoy's log level."
    )
    buffer_limit_bytes: int = Field(
        32 * 1024 * 1024,
        ge=1024 * 1024,
        description="Per-connection buffer limit; it also bounds a buffered request body.",
    )
    stream_idle_timeout_s: int = Field(
        600, ge=1, description="A stream with no bytes either way for this long is closed."
    )
    connect_timeout_s: float = Field(10, gt=0, description="Upstream connect timeout.")
    max_connections: int = Field(
        10_000, ge=1, description="Client connections Envoy accepts at once; more are refused."
    )


class SidecarConfig(_Model):
    """The ext_proc sidecar."""

    socket_dir: Path = Field(
        Path("var/run"),
        description="Directory of the sidecar's Unix sockets, one per worker "
        "(sidecar-0.sock, ...); relative paths are taken from the config file's directory.",
    )
    workers: int = Field(1, ge=1, le=64, description="Worker processes; one per core is best.")
    grace_period_s: float = Field(
        30, ge=0, description="On shutdown, how long streams in flight may take to finish."
    )
    message_timeout_ms: int = Field(
        5000, ge=200, description="How long Envoy waits for the sidecar's reply to a message."
    )
    failure_mode: FailureMode = Field(
        FailureMode.CLOSED, description="What Envoy does when the sidecar is unreachable."
    )
    keepalive_s: float = Field(
        5,
        gt=0,
        description="While a policy holds a stream, send the client an SSE comment "
        "this often so it does not time out.",
    )
    admin_address: str = Field("127.0.0.1", description="Sidecar admin HTTP address (health).")
    admin_port: Port = Field(9902, description="Sidecar admin HTTP port.")

    def socket_paths(self) -> list[Path]:
        """The Unix socket of each worker, in worker order."""
        return [self.socket_dir / f"sidecar-{i}.sock" for i in range(self.workers)]


class ProviderConfig(_Model):
    """An upstream LLM API."""

    base_url: HttpUrl = Field(description="Scheme, host and optional port, e.g. https://api.x.com")
    sni: str | None = Field(None, description="TLS server name; defaults to the URL's host.")
    ca_file: Path | None = Field(
        None, description="CA bundle to verify the provider; defaults to the system bundle."
    )

    @field_validator("base_url")
    @classmethod
    def _no_path(cls, url: HttpUrl) -> HttpUrl:
        if url.path not in (None, "", "/") or url.query:
            raise ValueError("must hold only scheme, host and port (the request keeps its path)")
        return url

    @property
    def tls(self) -> bool:
        return self.base_url.scheme == "https"

    @property
    def host(self) -> str:
        assert self.base_url.host is not None  # HttpUrl requires a host
        return self.base_url.host

    @property
    def port(self) -> int:
        return self.base_url.port or (443 if self.tls else 80)


class Route(_Model):
    """An LLM API path whose exchanges the sidecar reads: request body and streamed response."""

    path: str = Field(description="Exact request path, without query string.")
    format: Format = Field(description="Wire format spoken on this path.")
    provider: str = Field(description="Name of the provider (a key of `providers`).")


class PassthroughRoute(_Model):
    """A path prefix forwarded to a provider untouched (model lists, token counting)."""

    prefix: str = Field(description="Path prefix to match.")
    provider: str = Field(description="Name of the provider (a key of `providers`).")
    header: str | None = Field(
        None, description="Only when this request header is present (e.g. anthropic-version)."
    )


class PolicyRef(_Model):
    """One entry of the policy chain."""

    name: str = Field(description="A built-in policy name, or `module:Class` for your own.")
    config: dict[str, Any] = Field(default_factory=dict, description="The policy's settings.")


class ChainRule(_Model):
    """Picks a named chain for the requests it matches; every condition given must hold."""

    chain: str = Field(description="Name of the chain (a key of `chains`).")
    route: str | None = Field(None, description="Request path of the route, e.g. /v1/messages.")
    client: str | None = Field(
        None, description="API-key fingerprint (as shown in logs and the admin UI)."
    )
    team: str | None = Field(None, description="Value of the `team_header` request header.")


class ChainHeader(_Model):
    """A request header naming the chain to use: for testing chains, off by default."""

    enabled: bool = Field(False, description="Honour the header. Never enable in production.")
    name: str = Field("x-sluice-chain", description="The header's name.")


def _default_providers() -> dict[str, ProviderConfig]:
    return {
        "anthropic": ProviderConfig(base_url=HttpUrl("https://api.anthropic.com")),
        "openai": ProviderConfig(base_url=HttpUrl("https://api.openai.com")),
    }


def _default_routes() -> list[Route]:
    return [
        Route(path="/v1/messages", format=Format.ANTHROPIC, provider="anthropic"),
        Route(path="/v1/chat/completions", format=Format.OPENAI_CHAT, provider="openai"),
        Route(path="/v1/responses", format=Format.OPENAI_RESPONSES, provider="openai"),
    ]


def _default_passthrough() -> list[PassthroughRoute]:
    return [
        # Anthropic's SDKs and Claude Code always send anthropic-version; OpenAI's never do.
        PassthroughRoute(prefix="/v1/", provider="anthropic", header="anthropic-version"),
        PassthroughRoute(prefix="/v1/", provider="openai"),
    ]


class GatewayConfig(_Model):
    """The whole gateway: what Envoy listens on, where it sends, what the sidecar enforces."""

    listener: ListenerConfig = Field(default_factory=ListenerConfig)
    envoy: EnvoyConfig = Field(default_factory=EnvoyConfig)
    sidecar: SidecarConfig = Field(default_factory=SidecarConfig)
    providers: dict[str, ProviderConfig] = Field(default_factory=_default_providers)
    routes: list[Route] = Field(default_factory=_default_routes)
    passthrough: list[PassthroughRoute] = Field(default_factory=_default_passthrough)
    store_url: str | None = Field(
        "sqlite:///var/sluice.db",
        description="The event log: `sqlite:///PATH` (a file, relative to this config file; "
        "created at start) or `postgresql://USER:PASS@HOST/DB` (run `sluice db upgrade` "
        "first). `null`: record nothing.",
    )
    store_queue: int = Field(
        10_000,
        ge=100,
        description="Exchanges waiting for the event log while it is slow or down; beyond "
        "this the oldest are dropped (and counted).",
    )
    policies: list[PolicyRef] = Field(
        default_factory=lambda: [PolicyRef(name="noop")],
        description="The default policy chain, applied in order.",
    )
    chains: dict[str, list[PolicyRef]] = Field(
        default_factory=dict, description="Named chains that `select` rules can pick."
    )
    select: list[ChainRule] = Field(
        default_factory=list,
        description="Rules choosing a named chain per route, client or team; first match wins.",
    )
    team_header: str | None = Field(
        None, description="Request header whose value names the client's team (e.g. x-team)."
    )
    chain_header: ChainHeader = Field(default_factory=ChainHeader)
    policy_paths: list[Path] = Field(
        default_factory=list,
        description="Directories searched for your own policy modules (`module:Class`); "
        "relative to this file.",
    )

    @model_validator(mode="after")
    def _providers_exist(self) -> GatewayConfig:
        named: list[tuple[str, Sequence[Route | PassthroughRoute]]] = [
            ("routes", self.routes),
            ("passthrough", self.passthrough),
        ]
        for kind, entries in named:
            for i, entry in enumerate(entries):
                if entry.provider not in self.providers:
                    known = ", ".join(sorted(self.providers)) or "none"
                    raise ValueError(
                        f"{kind}[{i}].provider: unknown provider {entry.provider!r} "
                        f"(known: {known})"
                    )
        paths = [r.path for r in self.routes]
        if len(set(paths)) != len(paths):
            raise ValueError("routes: each path may appear once")
        for i, rule in enumerate(self.select):
            if rule.chain not in self.chains:
                known = ", ".join(sorted(self.chains)) or "none"
                raise ValueError(
                    f"select[{i}].chain: unknown chain {rule.chain!r} (known: {known})"
                )
        return self

    def resolve_paths(self, base: Path) -> GatewayConfig:
        """Return a copy whose relative file paths are taken from ``base``."""
        sidecar = self.sidecar
        if not sidecar.socket_dir.is_absolute():
            sidecar = sidecar.model_copy(update={"socket_dir": base / sidecar.socket_dir})
        policy_paths = [path if path.is_absolute() else base / path for path in self.policy_paths]
        store_url = self.store_url
        sqlite, _, path = (store_url or "").partition(":///")
        if sqlite.startswith("sqlite") and path and not path.startswith("/"):
            store_url = f"{sqlite}:///{base / path}"
        return self.model_copy(
            update={"sidecar": sidecar, "policy_paths": policy_paths, "store_url": store_url}
        )


def _format_error(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"{where}: {item['msg']}")
    return "; ".join(lines)


def load_config(path: Path) -> GatewayConfig:
    """Read and validate the gateway config at ``path``.

    Raises :class:`ConfigError` naming the file and the offending key.
    """
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        config = GatewayConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_format_error(exc)}") from None
    return config.resolve_paths(path.resolve().parent)
