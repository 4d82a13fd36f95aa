"""Who is calling: decided once per request, from what the client cannot forge.

:meth:`Gate.identify` turns a request's credential into an :class:`Identity`, or ``None``
when the request must be refused (401). What counts depends on ``auth.mode``:

==============  ============================================================================
passthrough     nobody is authenticated: the client is its key's fingerprint, the team the
                value of ``team_header`` (a claim the client makes, not an identity)
keys            a Sluice key (``x-api-key``, ``api-key`` or ``Authorization: Bearer``) found
                in the worker's :class:`~sluice.auth.directory.KeyDirectory`: its user, team
                and id
jwt             the payload Envoy's ``jwt_authn`` verified (never a header): the configured
                user claim (required) and team claim
keys+jwt        a verified token if there is one, else a Sluice key
==============  ============================================================================

The identity's ``client`` is what per-client limits and budgets count: the user when one is
authenticated, else the key's fingerprint. A header never changes an authenticated team.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from sluice.auth.directory import KeyDirectory
from sluice.config import AuthConfig, AuthMode, JwtConfig
from sluice.store.records import client_fingerprint

__all__ = ["Gate", "Identity", "credential"]


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a request comes from, and what its key allows (nothing secret in here)."""

    client: str | None = None  # counted by per-client limits: the user, else a fingerprint
    user: str | None = None
    team: str | None = None
    key_id: str | None = None
    models: tuple[str, ...] = ()  # fnmatch patterns the key may call; empty: any
    team_models: tuple[str, ...] = ()  # and those the team may call (``auth.team_models``)
    tokens_per_day: int | None = None  # the key's own daily budget
    usd_per_day: float | None = None  # ... and its own dollar budgets
    usd_per_month: float | None = None

    def allows_model(self, model: str | None) -> bool:
        """Whether this caller may use ``model``: every pattern list that is set (the
        key's, the team's) must match it."""
        return all(
            model is not None and any(fnmatchcase(model, p) for p in patterns)
            for patterns in (self.models, self.team_models)
            if patterns
        )


def credential(headers: Mapping[str, str]) -> str | None:
    """The key or token a client sent, as its SDK sends it: ``x-api-key`` (Anthropic),
    ``api-key`` (Azure OpenAI) or ``Authorization: Bearer`` (OpenAI, Claude Code's
    ``ANTHROPIC_AUTH_TOKEN``).

    >>> credential({"authorization": "Bearer sk-x"}), credential({"x-api-key": "sk-y"})
    ('sk-x', 'sk-y')
    """
    key = headers.get("x-api-key") or headers.get("api-key")
    if key:
        return key.strip()
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


class Gate:
    """The authentication decision for one worker (see the module docstring)."""

    def __init__(
        self,
        auth: AuthConfig,
        directory: KeyDirectory | None = None,
        team_header: str | None = None,
    ) -> None:
        """``directory``: the keys (required in keys modes); ``team_header``: honoured in
        passthrough mode only."""
        if auth.mode.keys and directory is None:
            raise ValueError(f"auth.mode {auth.mode.value!r} needs a key directory")
        self.mode = auth.mode
        self.directory = directory
        self._jwt: JwtConfig | None = auth.jwt
        self._team_models = {team: tuple(models) for team, models in auth.team_models.items()}
        self._team_header = team_header.lower() if team_header else None

    @property
    def authenticates(self) -> bool:
        return self.mode is not AuthMode.PASSTHROUGH

    def identify(
        self, headers: Mapping[str, str], token: Mapping[str, Any] | None = None
    ) -> Identity | None:
        """The caller of a request with these (lower-case) ``headers`` and ``token``, the
        payload Envoy verified (``None``: no valid token); ``None``: refuse it (401)."""
        if self.mode is AuthMode.PASSTHROUGH:
            key = credential(headers)
            team = headers.get(self._team_header) if self._team_header else None
            return Identity(client=client_fingerprint(key) if key else None, team=team or None)
        if token is not None and self._jwt is not None:
            return self._from_token(self._jwt, token)
        if self.directory is None:  # jwt mode: Envoy already refused requests without one
            return None
        secret = credential(headers)
        record = self.directory.lookup(secret) if secret else None
        if record is None:
            return None
        return Identity(
            client=record.user,
            user=record.user,
            team=record.team,
            key_id=record.id,
            models=record.models,
            team_models=self._team_models.get(record.team or "", ()),
            tokens_per_day=record.tokens_per_day,
            usd_per_day=record.usd_per_day,
            usd_per_month=record.usd_per_month,
        )

    async def may_know_soon(self, headers: Mapping[str, str]) -> bool:
        """For a request :meth:`identify` refused: whether its key may be one created since
        the directory's last poll, now loaded (then identify it again)."""
        secret = credential(headers)
        if self.directory is None or not secret:
            return False
        return await self.directory.refresh_for(secret)

    def _from_token(self, jwt: JwtConfig, token: Mapping[str, Any]) -> Identity | None:
        user = _claim(token, jwt.user_claim)
        if user is None:
            return None  # verified, but it does not say who: not an identity
        team = _claim(token, jwt.team_claim) if jwt.team_claim else None
        team_models = self._team_models.get(team or "", ())
        return Identity(client=user, user=user, team=team, team_models=team_models)


def _claim(token: Mapping[str, Any], name: str) -> str | None:
    """A claim as text: a list gives its first entry (``groups``); absent or empty: ``None``."""
    value = token.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, (dict, bool)):
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return text or None
