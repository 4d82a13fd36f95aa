"""Where requests go: the providers, the LLM routes the sidecar reads, and passthrough paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, HttpUrl, field_validator, model_validator

from sluice.config.base import Model
from sluice.config.cloud import BedrockConfig, VertexConfig
from sluice.config.egress import CircuitBreaker, ModelRule, ProviderKey, Retries
from sluice.config.runtime import FailureMode
from sluice.model import Format

__all__ = ["PassthroughRoute", "ProviderConfig", "Route"]


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
    failure_mode: FailureMode | None = Field(
        None, description="When the sidecar is unreachable; default: `sidecar.failure_mode`."
    )


class PassthroughRoute(Model):
    """A path prefix forwarded to a provider untouched (model lists, token counting)."""

    prefix: str = Field(description="Path prefix to match.")
    provider: str = Field(description="Name of the provider (a key of `providers`).")
    header: str | None = Field(
        None, description="Only when this request header is present (e.g. anthropic-version)."
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
    return [
        # Anthropic's SDKs and Claude Code always send anthropic-version; OpenAI's never do.
        PassthroughRoute(prefix="/v1/", provider="anthropic", header="anthropic-version"),
        PassthroughRoute(prefix="/v1/", provider="openai"),
    ]
