"""The processes' own settings: the listener, Envoy, the sidecar workers and the admin server."""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from sluice.config.base import Model, Port, Secret

__all__ = [
    "AdminConfig",
    "EnvoyConfig",
    "FailureMode",
    "ListenerConfig",
    "ListenerTls",
    "SidecarConfig",
]


class FailureMode(StrEnum):
    """What Envoy does with a request when the sidecar cannot be reached."""

    CLOSED = "closed"  # answer 500 (the sidecar is part of the security boundary)
    OPEN = "open"  # forward the request unchecked and unrecorded


class ListenerTls(Model):
    """The listener's own certificate: clients then connect over TLS (HTTP/2 or HTTP/1.1)."""

    cert_file: Path = Field(description="PEM certificate chain; relative to the config file.")
    key_file: Path = Field(description="PEM private key; relative to the config file.")

    def resolve(self, base: Path) -> ListenerTls:
        """A copy whose relative file paths are taken from ``base``."""
        return ListenerTls(cert_file=base / self.cert_file, key_file=base / self.key_file)


class ListenerConfig(Model):
    """Where clients connect."""

    address: str = Field("127.0.0.1", description="Address Envoy listens on for clients.")
    port: Port = Field(8080, description="Port Envoy listens on for clients.")
    tls: ListenerTls | None = Field(None, description="Serve TLS; null: cleartext.")


class EnvoyConfig(Model):
    """Envoy process settings."""

    admin_address: str = Field("127.0.0.1", description="Envoy admin API address.")
    admin_port: Port = Field(9901, description="Envoy admin API port (keep it private).")
    stats_address: str = Field(
        "127.0.0.1", description="Address serving Envoy's /stats/prometheus and /ready only."
    )
    stats_port: Port | None = Field(
        9903, description="Port for Envoy's statistics (safe to expose to scrapers); null: off."
    )
    concurrency: int | None = Field(
        None, ge=1, description="Envoy worker threads; default: half the machine's cores."
    )
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
    request_headers_timeout_s: float = Field(
        10,
        gt=0,
        description="A request whose headers have not all arrived this long after their "
        "first byte is refused (408), so half-sent requests cannot hold connections.",
    )
    connect_timeout_s: float = Field(10, gt=0, description="Upstream connect timeout.")
    max_connections: int = Field(
        10_000, ge=1, description="Client connections Envoy accepts at once; more are refused."
    )
    access_log: str | None = Field(
        "stdout",
        description="Envoy's access log, one JSON object a request: `stdout`, a file path, "
        "or null (off).",
    )


class SidecarConfig(Model):
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
    max_streams: int = Field(
        1000,
        ge=1,
        description="Requests in flight per worker; beyond, Envoy answers 503 at once "
        "(or forwards unchecked where the failure mode is open).",
    )
    keepalive_s: float = Field(
        5,
        gt=0,
        description="While a policy holds a stream, send the client an SSE comment "
        "this often so it does not time out.",
    )
    max_sse_event_bytes: int = Field(
        8 * 1024 * 1024,
        ge=1024,
        description="The largest single event of a response stream the sidecar reads "
        "(Responses API `response.completed` repeats the whole answer); a larger one ends "
        "the stream with an error event.",
    )
    max_held_bytes: int = Field(
        16 * 1024 * 1024,
        ge=1024,
        description="Bytes of one response stream the sidecar may hold at a time (received "
        "from the provider, not yet sent on: a block a policy reads whole, tool calls kept "
        "for the end); beyond, the stream ends with an error event.",
    )
    max_response_bytes: int = Field(
        32 * 1024 * 1024,
        ge=1024,
        description="The largest whole (non-streamed) response the sidecar reads for its "
        "policies; a larger one is replaced by an error body.",
    )
    metrics: bool = Field(
        True, description="Export the sidecar's Prometheus metrics on the admin server."
    )
    metrics_teams: list[str] = Field(
        default_factory=list,
        description="The `team` label's allowed values (the authenticated team, or "
        "`team_header` in passthrough mode); any other "
        "becomes `other`. Empty: the first `metrics_label_limit` teams each worker sees.",
    )
    metrics_label_limit: int = Field(
        50,
        ge=1,
        le=1000,
        description="Distinct `model` (and, without `metrics_teams`, `team`) label values "
        "per worker; later ones are counted as `other`.",
    )

    def socket_paths(self) -> list[Path]:
        """The Unix socket of each worker, in worker order."""
        return [self.socket_dir / f"sidecar-{i}.sock" for i in range(self.workers)]

    @property
    def failover_socket(self) -> Path:
        """Envoy's failover listener, beside the workers' sockets (routes with `failover`)."""
        return self.socket_dir / "envoy-failover.sock"


class AdminConfig(Model):
    """The admin HTTP server: health, metrics, the history API and the web UI."""

    address: str = Field("127.0.0.1", description="Address the admin server listens on.")
    port: Port = Field(9902, description="Port of the admin server.")
    key: Secret | None = Field(
        None,
        description="The admin key (full access); the API and UI refuse to start without one "
        "unless `demo` is true.",
    )
    viewer_key: Secret | None = Field(None, description="A read-only key for viewers.")
    reviewer_key: Secret | None = Field(
        None,
        description="A key for reviewers: read only, and may approve or deny the tool calls "
        "waiting in the review queue (`reviews:`).",
    )
    demo: bool = Field(
        False,
        description="Local demo only: serve the API and UI without a key. Never in production; "
        "refused unless `address` is a loopback address.",
    )

    @model_validator(mode="after")
    def _demo_stays_local(self) -> AdminConfig:
        if self.demo and not _loopback(self.address):
            raise ValueError(
                f"demo: true serves the API and UI without a key, so address must be a "
                f"loopback address (127.0.0.1, ::1 or localhost), not {self.address!r}"
            )
        return self


def _loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: it may resolve anywhere
        return False
