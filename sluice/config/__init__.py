"""The gateway config: one YAML file, validated with pydantic, the single source of truth.

Envoy's bootstrap (``sluice.envoy``), the sidecar and the CLI are all driven by a
:class:`GatewayConfig`. Load one with :func:`load_config`; a mistake is reported with the key
that holds it::

    $ sluice envoy-config --config bad.yaml
    sluice: bad.yaml: providers.anthropic.base_url: URL scheme should be 'http' or 'https'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import Field, ValidationError, model_validator

from sluice.config.auth import AuthConfig, AuthMode, JwtConfig
from sluice.config.base import ConfigError, Model, Port, Secret
from sluice.config.chains import (
    ChainHeader,
    ChainRule,
    PolicyRef,
    PolicySettings,
    StandingApproval,
)
from sluice.config.cloud import BEDROCK_CLIENT_PATH, VERTEX_CLIENT_PATH
from sluice.config.egress import CircuitBreaker, ModelRule, ProviderKey, Retries
from sluice.config.limits import DollarBudget, LimitsConfig, Period, Rate, Span, TokenBudget
from sluice.config.prices import CostsConfig, ModelPrice
from sluice.config.reviews import ReviewsConfig, ReviewWebhook
from sluice.config.runtime import (
    AdminConfig,
    EnvoyConfig,
    FailureMode,
    ListenerConfig,
    ListenerTls,
    SidecarConfig,
)
from sluice.config.titles import SessionTitles
from sluice.config.tracing import TracingConfig
from sluice.config.upstreams import (
    FORMAT_PATHS,
    TRANSLATIONS,
    PassthroughRoute,
    ProviderConfig,
    Route,
    _default_passthrough,
    _default_providers,
    _default_routes,
    check_passthrough,
)

__all__ = [
    "FORMAT_PATHS",
    "TRANSLATIONS",
    "AdminConfig",
    "AuthConfig",
    "AuthMode",
    "ChainHeader",
    "ChainRule",
    "CircuitBreaker",
    "ConfigError",
    "CostsConfig",
    "DollarBudget",
    "EnvoyConfig",
    "FailureMode",
    "GatewayConfig",
    "JwtConfig",
    "LimitsConfig",
    "ListenerConfig",
    "ListenerTls",
    "Model",
    "ModelPrice",
    "ModelRule",
    "PassthroughRoute",
    "Period",
    "PolicyRef",
    "PolicySettings",
    "Port",
    "ProviderConfig",
    "ProviderKey",
    "Rate",
    "Retries",
    "ReviewWebhook",
    "ReviewsConfig",
    "Route",
    "Secret",
    "SessionTitles",
    "SidecarConfig",
    "Span",
    "StandingApproval",
    "TokenBudget",
    "TracingConfig",
    "load_config",
]


class GatewayConfig(PolicySettings):
    """The whole gateway: what Envoy listens on, where it sends, what the sidecar enforces."""

    listener: ListenerConfig = Field(default_factory=ListenerConfig)
    envoy: EnvoyConfig = Field(default_factory=EnvoyConfig)
    sidecar: SidecarConfig = Field(default_factory=SidecarConfig)
    admin: AdminConfig = Field(default_factory=AdminConfig)
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
        ge=1,
        description="Exchanges waiting for the event log while it is slow or down; beyond "
        "this the oldest are dropped (and counted).",
    )
    store_queue_bytes: int = Field(
        128 << 20,
        ge=1 << 20,
        description="Bytes of exchanges waiting for the event log, in each worker and in the "
        "writer; beyond this the oldest are dropped (and counted).",
    )
    store_capture_bytes: int = Field(
        8 << 20,
        ge=64 << 10,
        description="Bytes of one exchange's request and response kept for the event log; "
        "beyond this the capture is cut, marked as such in the history and counted (the "
        "client is unaffected).",
    )
    store_frame_bytes: int | None = Field(
        None,
        ge=64 << 10,
        description="Largest capture a worker hands the event-log writer; a larger one is "
        "refused (logged and counted). null: `store_capture_bytes` plus 1 MiB for the "
        "exchange's decisions.",
    )
    store_retention_days: int | None = Field(
        None,
        ge=1,
        description="Delete exchanges older than this many days (checked hourly by the "
        "event-log writer, like `sluice db prune`); null keeps everything.",
    )
    session_titles: SessionTitles = Field(default_factory=SessionTitles)
    auth: AuthConfig = Field(default_factory=AuthConfig)
    team_header: str | None = Field(
        None,
        description="Request header whose value names the client's team (e.g. x-team); "
        "passthrough mode only (otherwise the key or token names the team).",
    )
    chain_header: ChainHeader = Field(default_factory=ChainHeader)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    tracing: TracingConfig = Field(default_factory=TracingConfig)
    costs: CostsConfig = Field(default_factory=CostsConfig)
    reviews: ReviewsConfig = Field(default_factory=ReviewsConfig)
    policy_paths: list[Path] = Field(
        default_factory=list,
        description="Directories searched for your own policy modules (`module:Class`); "
        "relative to this file.",
    )

    @property
    def frame_limit(self) -> int:
        """The largest frame on the worker-writer socket (``store_frame_bytes`` or derived)."""
        if self.store_frame_bytes is not None:
            return self.store_frame_bytes
        return self.store_capture_bytes + (1 << 20)

    @property
    def fails_over(self) -> bool:
        """Some route has a failover list: Envoy gets the failover listener, the workers a
        relay to it."""
        return any(route.fails_over for route in self.routes)

    @model_validator(mode="after")
    def _reviews_have_a_store(self) -> GatewayConfig:
        if self.reviews.enabled and not self.store_url:
            raise ValueError("reviews.enabled: the review queue lives in the store; set store_url")
        # A whole (non-streamed) response sends nothing while its call waits: Envoy's idle
        # timeout would cut it first.
        idle = self.envoy.stream_idle_timeout_s
        for key in ("deadline_s", "max_deadline_s"):
            if getattr(self.reviews, key) >= idle:
                raise ValueError(
                    f"reviews.{key} ({getattr(self.reviews, key):g}) must be below "
                    f"envoy.stream_idle_timeout_s ({idle})"
                )
        return self

    @model_validator(mode="after")
    def _queue_holds_a_frame(self) -> GatewayConfig:
        if self.store_queue_bytes < self.frame_limit:
            raise ValueError(
                f"store_queue_bytes ({self.store_queue_bytes}) must hold at least one capture "
                f"(store_frame_bytes: {self.frame_limit})"
            )
        return self

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
        for i, route in enumerate(self.routes):
            named_by = [(f"routes[{i}].failover", name) for name in route.failover]
            for j, by_model in enumerate(route.models):
                named_by.append((f"routes[{i}].models[{j}].provider", by_model.provider))
                named_by += [(f"routes[{i}].models[{j}].failover", n) for n in by_model.failover]
            for key, name in named_by:
                if name not in self.providers:
                    raise ValueError(f"{key}: unknown provider {name!r}")
            lists = [(f"routes[{i}]", route.provider, route.failover)]
            lists += [
                (f"routes[{i}].models[{j}]", r.provider, r.failover)
                for j, r in enumerate(route.models)
            ]
            for key, first, failover in lists:
                if first in failover or len(set(failover)) != len(failover):
                    raise ValueError(
                        f"{key}.failover: each provider once, and not {first!r} itself"
                    )
            if route.fails_over and route.path in (BEDROCK_CLIENT_PATH, VERTEX_CLIENT_PATH):
                raise ValueError(
                    f"routes[{i}].failover: not for clients in a cloud mode (their requests "
                    "name one cloud's model path)"
                )
            for name in route.provider_names:
                target = route.format_of(self.providers[name])
                if target != route.format and (route.format, target) not in TRANSLATIONS:
                    raise ValueError(
                        f"routes[{i}]: provider {name!r} speaks {target}; translating "
                        f"{route.format} to it is not supported"
                    )
        paths = [r.path for r in self.routes]
        if len(set(paths)) != len(paths):
            raise ValueError("routes: each path may appear once")
        check_passthrough(self.routes, self.passthrough)
        limits = self.limits
        per_team = limits.tokens_per_team or limits.usd_per_team or limits.requests.per_team
        if per_team and not self.team_header and not self.auth.authenticates:
            raise ValueError("limits: a per-team limit needs `team_header` (or `auth.mode`)")
        if limits.usd_per_key and not self.auth.mode.keys:
            raise ValueError("limits.usd_per_key: needs an `auth.mode` with Sluice keys")
        for name in self.costs.providers:
            if name not in self.providers:
                known = ", ".join(sorted(self.providers)) or "none"
                raise ValueError(f"costs.providers.{name}: unknown provider (known: {known})")
        self._no_open_relay()
        if self.auth.mode.keys and not self.store_url:
            raise ValueError(
                f"auth.mode {self.auth.mode.value!r}: keys live in the store, "
                "so `store_url` must be set"
            )
        return self

    def _no_open_relay(self) -> None:
        """A provider key behind an unauthenticated listener is spent by anyone."""
        if self.auth.authenticates or self.auth.allow_anonymous:
            return
        # A cloud provider is reached with the gateway's own cloud credentials, like a key.
        holding = [
            f"providers.{name}."
            + ("api_key" if p.api_key is not None else "bedrock" if p.bedrock else "vertex")
            for name, p in sorted(self.providers.items())
            if p.api_key is not None or p.cloud
        ]
        if holding:
            raise ValueError(
                f"auth.mode is 'passthrough' but {', '.join(holding)} is set: anyone who "
                "reaches the listener would spend the gateway's credentials. Set auth.mode to "
                "'keys', 'jwt' or 'keys+jwt', or set auth.allow_anonymous: true to accept an "
                "open relay"
            )

    @model_validator(mode="after")
    def _cloud_providers(self) -> GatewayConfig:
        for i, route in enumerate(self.routes):
            route_providers = route.provider_names
            for name in route_providers:
                if self.providers[name].cloud and route.format != "anthropic":
                    raise ValueError(
                        f"routes[{i}]: provider {name!r} is Bedrock or Vertex AI, which serve "
                        "only anthropic routes"
                    )
            if route.path == VERTEX_CLIENT_PATH and (
                route.format != "anthropic"
                or any(self.providers[name].vertex is None for name in route_providers)
            ):
                raise ValueError(
                    f"routes[{i}]: clients in Vertex AI mode are served by Vertex AI providers "
                    "(format anthropic)"
                )
            if route.path == BEDROCK_CLIENT_PATH and (
                route.format != "anthropic"
                or any(self.providers[name].bedrock is None for name in route_providers)
            ):
                raise ValueError(
                    f"routes[{i}]: clients in Bedrock mode are served by Bedrock providers "
                    "(format anthropic)"
                )
        for name, provider in self.providers.items():
            if provider.cloud and provider.api_key is not None:
                raise ValueError(f"providers.{name}: a cloud provider's credentials are its own")
            if provider.bedrock is not None and provider.vertex is not None:
                raise ValueError(f"providers.{name}: either bedrock or vertex, not both")
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
        admin = self.admin.model_copy(
            update={
                "key": self.admin.key and self.admin.key.resolve(base),
                "viewer_key": self.admin.viewer_key and self.admin.viewer_key.resolve(base),
            }
        )
        listener = self.listener
        if listener.tls is not None:
            listener = listener.model_copy(update={"tls": listener.tls.resolve(base)})
        providers = {name: p.resolve(base) for name, p in self.providers.items()}
        return self.model_copy(
            update={
                "auth": self.auth.resolve(base),
                "listener": listener,
                "providers": providers,
                "sidecar": sidecar,
                "admin": admin,
                "policy_paths": policy_paths,
                "store_url": store_url,
            }
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
