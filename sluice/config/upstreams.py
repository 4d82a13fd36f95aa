"""Where requests go: the providers, the LLM routes the sidecar reads, and the known
endpoints that pass through untouched."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field, HttpUrl, field_validator, model_validator

from sluice.config.base import Model
from sluice.config.cloud import BedrockConfig, VertexConfig
from sluice.config.egress import CircuitBreaker, ModelRule, ProviderKey, Retries
from sluice.config.runtime import FailureMode
from sluice.model import Format

__all__ = [
    "FORMAT_PATHS",
    "TRANSLATIONS",
    "PassthroughRoute",
    "ProviderConfig",
    "Route",
    "check_passthrough",
]

# The path each wire format is served on, where a translated request is sent.
FORMAT_PATHS = {
    Format.ANTHROPIC: "/v1/messages",
    Format.OPENAI_CHAT: "/v1/chat/completions",
    Format.OPENAI_RESPONSES: "/v1/responses",
}
# The (client format, provider format) pairs the sidecar translates.
TRANSLATIONS = frozenset(
    {(Format.ANTHROPIC, Format.OPENAI_CHAT), (Format.OPENAI_CHAT, Format.ANTHROPIC)}
)


class ProviderConfig(Model):
    """An upstream LLM API."""

    base_url: HttpUrl = Field(
        description="Scheme, host, optional port and optional path prefix put before each "
        "request's own path, e.g. https://api.x.com or https://x.openai.azure.com/openai"
    )
    sni: str | None = Field(None, description="TLS server name; defaults to the URL's host.")
    ca_file: Path | None = Field(
        None, description="CA bundle to verify the provider; defaults to the system bundle."
    )
    api_key: ProviderKey | None = Field(
        None, description="The gateway's own key for this provider, replacing the client's."
    )
    format: Format | None = Field(
        None,
        description="Wire format the provider speaks, when it differs from the routes sending "
        "to it (e.g. `openai_chat` for a vLLM or Ollama server behind `/v1/messages`): "
        "requests and responses are then translated. Default: each route's own format.",
    )
    retries: Retries = Field(default_factory=Retries)
    circuit_breaker: CircuitBreaker = Field(default_factory=CircuitBreaker)
    bedrock: BedrockConfig | None = Field(
        None,
        description="AWS Bedrock (Anthropic routes only): the sidecar adapts the request and "
        "the response, Envoy signs it. base_url defaults to the region's runtime endpoint.",
    )

    vertex: VertexConfig | None = Field(
        None,
        description="Google Vertex AI (Anthropic routes only): the sidecar adapts the request, "
        "Envoy adds the access token the supervisor keeps fresh. base_url defaults to the "
        "region's endpoint.",
    )

    @model_validator(mode="before")
    @classmethod
    def _cloud_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and "base_url" not in data:
            bedrock, vertex = data.get("bedrock"), data.get("vertex")
            if isinstance(bedrock, dict) and isinstance(bedrock.get("region"), str):
                data = {**data, "base_url": BedrockConfig(region=bedrock["region"]).base_url}
            elif isinstance(vertex, dict):
                data = {**data, "base_url": VertexConfig.model_validate(vertex).base_url}
        return data

    @property
    def cloud(self) -> bool:
        """Whether this is a cloud provider (Bedrock or Vertex AI) the sidecar adapts for."""
        return self.bedrock is not None or self.vertex is not None

    @field_validator("base_url")
    @classmethod
    def _prefix_only(cls, url: HttpUrl) -> HttpUrl:
        if url.query or url.fragment:
            raise ValueError("must not hold a query or fragment (the request keeps its own)")
        if (url.path or "").rstrip("/").endswith("/v1"):
            raise ValueError(
                "must not end in /v1: requests keep their own path (/v1/messages, ...), "
                "so give the base URL without it"
            )
        return url

    @property
    def path_prefix(self) -> str:
        """What goes before each request's path upstream: ``""`` or e.g. ``/openai``."""
        return (self.base_url.path or "").rstrip("/")

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

    def resolve(self, base: Path) -> ProviderConfig:
        """A copy whose relative file paths are taken from ``base``."""
        ca_file = self.ca_file
        if ca_file is not None and not ca_file.is_absolute():
            ca_file = base / ca_file
        update: dict[str, object] = {"ca_file": ca_file}
        if self.vertex is not None and self.vertex.credentials_file is not None:
            found = self.vertex.credentials_file
            if not found.is_absolute():
                vertex = self.vertex.model_copy(update={"credentials_file": base / found})
                update["vertex"] = vertex
        if self.api_key is not None:
            key = self.api_key
            update["api_key"] = key.model_copy(update={"secret": key.secret.resolve(base)})
        return self.model_copy(update=update)


class Route(Model):
    """An LLM API path whose exchanges the sidecar reads: request body and streamed response."""

    path: str = Field(description="Exact request path, without query string.")
    format: Format = Field(description="Wire format spoken on this path.")
    provider: str = Field(description="Name of the provider (a key of `providers`).")
    models: list[ModelRule] = Field(
        default_factory=list,
        description="Other providers by the body's model, first match wins; else `provider`.",
    )
    failover: list[str] = Field(
        default_factory=list,
        description="Providers to try in this order when `provider` answers 429 or 5xx "
        "before the response began (never once it began); a model rule has its own.",
    )
    failure_mode: FailureMode | None = Field(
        None, description="When the sidecar is unreachable; default: `sidecar.failure_mode`."
    )

    @property
    def provider_names(self) -> list[str]:
        """Every provider this route may send to: its own, its model rules', their
        failovers', each once."""
        names = [self.provider, *self.failover]
        for rule in self.models:
            names += [rule.provider, *rule.failover]
        return list(dict.fromkeys(names))

    @property
    def fails_over(self) -> bool:
        """Some provider of this route has a failover list."""
        return bool(self.failover) or any(rule.failover for rule in self.models)

    def format_of(self, provider: ProviderConfig) -> Format:
        """The format ``provider`` speaks when this route sends to it."""
        return provider.format or self.format


class PassthroughRoute(Model):
    """A known endpoint forwarded to a provider untouched (model lists, token counting).

    Give ``path`` (one endpoint) or ``prefix`` (a folder of endpoints, ending in ``/``).
    Any path that is neither an LLM route nor a passthrough endpoint is refused, so a
    passthrough entry must never cover an LLM route: see :func:`check_passthrough`.
    """

    path: str | None = Field(None, description="Exact path to match (without query string).")
    prefix: str | None = Field(
        None, description="Path prefix to match, ending in `/` (e.g. /v1/models/)."
    )
    provider: str = Field(description="Name of the provider (a key of `providers`).")
    header: str | None = Field(
        None, description="Only when this request header is present (e.g. anthropic-version)."
    )

    @model_validator(mode="after")
    def _one_match(self) -> PassthroughRoute:
        if (self.path is None) == (self.prefix is None):
            raise ValueError("give exactly one of `path` (an endpoint) or `prefix` (a folder)")
        match = self.match
        if not match.startswith("/"):
            raise ValueError(f"{match!r} must start with /")
        if self.prefix is not None and not self.prefix.endswith("/"):
            raise ValueError(
                f"prefix {self.prefix!r} must end in / (a folder of endpoints); "
                "use `path` for one endpoint"
            )
        return self

    @property
    def match(self) -> str:
        """The path or prefix this entry matches."""
        match = self.path if self.path is not None else self.prefix
        assert match is not None  # _one_match
        return match

    def covers(self, path: str) -> bool:
        """Whether this entry would match ``path`` in any letter case.

        Envoy matches paths case-sensitively, but a provider may not: an entry that matches
        another spelling of an LLM path would send it there unchecked.
        """
        path, match = path.lower(), self.match.lower()
        return path == match if self.path is not None else path.startswith(match)


def check_passthrough(routes: Sequence[Route], passthrough: Sequence[PassthroughRoute]) -> None:
    """Raise ``ValueError`` if a passthrough entry matches an LLM route's path, with or
    without a trailing slash: those requests would skip the sidecar."""
    for i, entry in enumerate(passthrough):
        for route in routes:
            for spelling in (route.path, route.path.rstrip("/") + "/"):
                if entry.covers(spelling):
                    raise ValueError(
                        f"passthrough[{i}]: {entry.match!r} matches {spelling!r}, a spelling "
                        f"of the LLM route {route.path!r}, which would then skip the policies"
                    )


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
    anthropic = "anthropic-version"  # Anthropic's SDKs and Claude Code always send it
    return [
        PassthroughRoute(path="/v1/models", provider="anthropic", header=anthropic),
        PassthroughRoute(prefix="/v1/models/", provider="anthropic", header=anthropic),
        PassthroughRoute(path="/v1/messages/count_tokens", provider="anthropic"),
        PassthroughRoute(path="/v1/models", provider="openai"),
        PassthroughRoute(prefix="/v1/models/", provider="openai"),
    ]
