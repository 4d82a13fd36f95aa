"""OpenTelemetry traces: where they go and how many requests are traced (off by default)."""

from __future__ import annotations

from pydantic import Field, HttpUrl, field_validator

from sluice.config.base import Model

__all__ = ["TracingConfig"]


class TracingConfig(Model):
    """OpenTelemetry traces, one per request: Envoy's spans and the sidecar's in one trace,
    exported over OTLP/gRPC to a collector. Off while ``endpoint`` is null: then neither
    Envoy nor the sidecar creates a span or an exporter."""

    endpoint: HttpUrl | None = Field(
        None,
        description="The OTLP/gRPC collector with its port, e.g. `http://otel-collector:4317` "
        "(`https://` for TLS, its certificate verified); null: tracing off.",
    )
    sampling: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Share of requests traced when the client sent no `traceparent` "
        "(0 to 1). A client's `traceparent` decides for its own requests.",
    )
    service_name: str = Field(
        "sluice",
        min_length=1,
        description="`service.name` of the sidecar's spans; Envoy's carry it with `-envoy` "
        "appended, the event-log writer's with `-event-log`.",
    )

    @field_validator("endpoint")
    @classmethod
    def _host_and_port(cls, url: HttpUrl | None) -> HttpUrl | None:
        if url is not None and (url.path or "/") != "/":
            raise ValueError("OTLP/gRPC takes a host and port only, no path")
        return url

    @property
    def enabled(self) -> bool:
        """Whether requests are traced at all."""
        return self.endpoint is not None

    @property
    def tls(self) -> bool:
        return self.endpoint is not None and self.endpoint.scheme == "https"

    @property
    def host(self) -> str:
        assert self.endpoint is not None
        assert self.endpoint.host is not None
        return self.endpoint.host

    @property
    def port(self) -> int:
        assert self.endpoint is not None
        assert self.endpoint.port is not None
        return self.endpoint.port
