"""Vertex AI access tokens, kept fresh for Envoy by the supervisor (never on the data path).

For each Vertex AI provider, :class:`VertexTokens` gets an OAuth access token with Google's
own library (``google-auth``): from a service account's key file (a JWT bearer grant to the
key's ``token_uri``) or Google's default credentials (``GOOGLE_APPLICATION_CREDENTIALS``,
the metadata server of GKE workload identity or a VM). It writes ``Bearer <token>`` into the
provider's SDS key file (``sluice.envoy.keys``), which Envoy watches and its credential
injector adds to each request; it refreshes the token five minutes before it expires. The
token is never logged, and is neither in the bootstrap nor in Envoy's ``/config_dump``.

Until a first token is obtained, the file holds no valid token: Vertex AI answers 401,
which the client receives as an Anthropic ``authentication_error``.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from sluice.config import GatewayConfig
from sluice.config.cloud import VertexConfig
from sluice.envoy.keys import NO_TOKEN_YET, write_key_file

__all__ = ["VertexTokens"]

log = logging.getLogger(__name__)

_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
_MARGIN = datetime.timedelta(minutes=5)  # refresh this long before the token expires
_RETRY_S = 10.0  # after a failed refresh


class VertexTokens:
    """The access tokens of ``config``'s Vertex AI providers: :meth:`start` gets the first
    ones (writing each key file), :meth:`run` keeps them fresh until cancelled."""

    def __init__(self, config: GatewayConfig) -> None:
        self._config = config
        self._vertex: Mapping[str, VertexConfig] = {
            name: p.vertex for name, p in config.providers.items() if p.vertex is not None
        }
        self._credentials: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self._vertex)

    async def start(self) -> None:
        """Get a first token for each provider (an unobtainable one is logged, retried)."""
        for name, vertex in self._vertex.items():
            write_key_file(self._config, name, NO_TOKEN_YET)
            self._credentials[name] = await asyncio.to_thread(_credentials, vertex)
            await self._refresh(name)

    async def run(self) -> None:
        """Refresh each token before it expires; runs until cancelled."""
        await asyncio.gather(*(self._keep(name) for name in self._vertex))

    async def _keep(self, name: str) -> None:
        while True:
            await asyncio.sleep(self._delay(name))
            await self._refresh(name)

    def _delay(self, name: str) -> float:
        credentials = self._credentials[name]
        expiry = getattr(credentials, "expiry", None)
        if not getattr(credentials, "token", None) or expiry is None:
            return _RETRY_S
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)  # google-auth: naive UTC
        left = expiry - now
        refresh_in = left - _MARGIN if left > 2 * _MARGIN else left / 2
        return max(float(refresh_in.total_seconds()), 1.0)

    async def _refresh(self, name: str) -> bool:
        credentials = self._credentials[name]
        try:
            await asyncio.to_thread(credentials.refresh, _Request())
        except Exception as exc:  # google.auth.exceptions.*, network errors
            # The exception names the failure (bad key, refused grant), never a token.
            log.warning("vertex provider %s: no access token: %s", name, type(exc).__name__)
            return False
        write_key_file(self._config, name, f"Bearer {credentials.token}")
        log.info("vertex provider %s: access token refreshed", name)
        return True


def _credentials(vertex: VertexConfig) -> Any:
    import google.auth
    from google.oauth2 import service_account

    if vertex.credentials_file is not None:
        path = str(vertex.credentials_file)
        factory = service_account.Credentials.from_service_account_file
        return factory(path, scopes=_SCOPES)  # type: ignore[no-untyped-call]
    credentials, _ = google.auth.default(scopes=_SCOPES)
    return credentials


class _Response:
    """google-auth's transport response, from urllib's."""

    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self.status = status
        self.headers = headers
        self.data = data


class _Request:
    """google-auth's transport request over the standard library (no ``requests``)."""

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _Response:
        from google.auth import exceptions

        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(request, timeout=timeout or 30) as response:
                return _Response(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return _Response(error.code, dict(error.headers), error.read())
        except OSError as error:
            raise exceptions.TransportError(str(error)) from error  # type: ignore[no-untyped-call]
