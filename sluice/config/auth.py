"""Who may use the gateway: ``auth`` in the gateway config.

Four modes:

- ``passthrough`` (the default): clients bring their own provider keys; a client is known
  by its key's fingerprint and its team by ``team_header``. Sluice authenticates nobody.
- ``keys``: clients present a Sluice-issued key (``sluice keys create``), checked by the
  sidecar; the gateway's provider keys (``providers.*.api_key``) go upstream instead.
- ``jwt``: clients present an OIDC/JWT bearer token, verified by Envoy's ``jwt_authn``
  filter; its claims name the user and the team.
- ``keys+jwt``: either; a request without a valid token falls to the key check.

A provider ``api_key`` in ``passthrough`` mode would let anyone who reaches the listener
spend it, so the config is refused unless it says ``allow_anonymous: true``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, HttpUrl, model_validator

from sluice.config.base import Model

__all__ = ["AuthConfig", "AuthMode", "JwtConfig"]


class AuthMode(StrEnum):
    """How clients prove who they are."""

    PASSTHROUGH = "passthrough"
    KEYS = "keys"
    JWT = "jwt"
    KEYS_AND_JWT = "keys+jwt"

    @property
    def keys(self) -> bool:
        """Sluice-issued keys are accepted."""
        return self in (AuthMode.KEYS, AuthMode.KEYS_AND_JWT)

    @property
    def jwt(self) -> bool:
        """JWT bearer tokens are accepted."""
        return self in (AuthMode.JWT, AuthMode.KEYS_AND_JWT)


class JwtConfig(Model):
    """The identity provider whose tokens the gateway accepts (checked by Envoy)."""

    issuer: str = Field(description="The tokens' `iss` claim must equal this.")
    audiences: list[str] = Field(
        default_factory=list,
        description="The tokens' `aud` must name one of these; empty: not checked.",
    )
    jwks_file: Path | None = Field(
        None, description="The signing keys (a JWKS JSON file), relative to this file."
    )
    jwks_url: HttpUrl | None = Field(
        None, description="Where to fetch the signing keys (e.g. the issuer's jwks_uri)."
    )
    jwks_cache_s: int = Field(
        600, ge=1, description="How long fetched signing keys are kept before a refetch."
    )
    user_claim: str = Field(
        "sub",
        description="The claim naming the user (e.g. `email`); a token without it is refused.",
    )
    team_claim: str | None = Field(
        None,
        description="The claim naming the team (e.g. `groups`; a list gives its first value).",
    )

    @model_validator(mode="after")
    def _one_source(self) -> JwtConfig:
        if (self.jwks_file is None) == (self.jwks_url is None):
            raise ValueError("give exactly one of `jwks_file` or `jwks_url`")
        return self

    def resolve(self, base: Path) -> JwtConfig:
        """A copy whose relative ``jwks_file`` is taken from ``base``."""
        if self.jwks_file is None or self.jwks_file.is_absolute():
            return self
        return self.model_copy(update={"jwks_file": base / self.jwks_file})


class AuthConfig(Model):
    """How clients authenticate to the gateway. Default: not at all (passthrough)."""

    mode: AuthMode = Field(
        AuthMode.PASSTHROUGH,
        description="`passthrough` (clients' own provider keys; nobody is authenticated), "
        "`keys` (Sluice-issued keys), `jwt` (OIDC/JWT bearer tokens) or `keys+jwt`.",
    )
    allow_anonymous: bool = Field(
        False,
        description="In passthrough mode, accept that a provider `api_key` is spent by "
        "anyone who reaches the listener.",
    )
    jwt: JwtConfig | None = Field(None, description="The token issuer (jwt modes).")
    team_models: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Models each team may call (`fnmatch` patterns, e.g. `claude-*`); a team "
        "not listed may call any. Keys may narrow this further (`--models`).",
    )
    refresh_interval_s: float = Field(
        1.0,
        gt=0,
        le=4,
        description="How often each sidecar worker looks for created, revoked or expired "
        "keys in the store (a revoked key stops working within this plus a second).",
    )

    @model_validator(mode="after")
    def _jwt_when_needed(self) -> AuthConfig:
        if self.mode.jwt and self.jwt is None:
            raise ValueError(f"mode {self.mode.value!r} needs `jwt` (issuer and signing keys)")
        if not self.mode.jwt and self.jwt is not None:
            raise ValueError(f"`jwt` is set but mode {self.mode.value!r} does not use it")
        return self

    @property
    def authenticates(self) -> bool:
        """Clients must prove who they are (any mode but passthrough)."""
        return self.mode is not AuthMode.PASSTHROUGH

    def resolve(self, base: Path) -> AuthConfig:
        """A copy whose relative file paths are taken from ``base``."""
        if self.jwt is None:
            return self
        return self.model_copy(update={"jwt": self.jwt.resolve(base)})
