"""Failover: the client's request sent again, to the next provider of its list, when the
first answered 429 or 5xx before its response began.

Envoy's own retries stay with one provider: each provider is its own cluster, with its own
signing and keys, and a request for Bedrock is not the request for Anthropic's API. So the
sidecar, holding the response headers of the failed attempt (nothing has reached the client
yet), sends the approved request once more through Envoy, on the failover listener (a Unix
socket inside the pod, see ``sluice.envoy.bootstrap``), with the ``x-sluice-failover``
header naming the provider. There a second exchange adapts it to that provider like any
request routed there (Bedrock's path and body, Vertex's token, a translation) and checks
nothing again; its response comes back in the client's format, and the first exchange reads
it in place of the failed one: the chain, the event log and the budgets see one exchange.

Once a response has begun, it is never replayed: a stream that fails midway ends in the
client's error event, as without failover.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path

import aiohttp

from sluice.envoy.contract import FAILOVER_HEADER, INTERNAL_HEADER_PREFIX

__all__ = ["Relay", "fails_over", "relayed_headers"]

log = logging.getLogger(__name__)

# Headers that describe the client's connection, not its request, or that Envoy sets again.
_NOT_RELAYED = frozenset(
    {
        "connection",
        "content-length",
        "host",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "accept-encoding",  # the sidecar reads the body: it must come uncompressed
    }
)


def fails_over(status: int) -> bool:
    """Whether a provider's ``status`` sends the request on to the next provider: it is
    busy, limited or failing (a 4xx other than 429 is the request's fault, the same
    anywhere)."""
    return status == 429 or 500 <= status <= 599


def relayed_headers(headers: Mapping[str, str], provider: str) -> dict[str, str]:
    """The client's request headers as the failover request carries them, naming
    ``provider``: pseudo-headers, connection headers and the gateway's own left out."""
    relayed = {
        name: value
        for name, value in headers.items()
        if not name.startswith(":")
        and name not in _NOT_RELAYED
        and not name.startswith(INTERNAL_HEADER_PREFIX)
    }
    relayed[FAILOVER_HEADER] = provider
    return relayed


class Relay:
    """Sends failover requests to Envoy's failover listener at ``socket``; one connection
    pool per worker, opened at the first failover."""

    def __init__(self, socket: Path, connect_s: float = 5.0) -> None:
        self._socket = socket
        self._connect_s = connect_s
        self._session: aiohttp.ClientSession | None = None

    async def send(
        self, path: str, headers: Mapping[str, str], body: bytes, timeout_s: float
    ) -> aiohttp.ClientResponse | None:
        """The response's headers (its body is read from the response), or ``None`` when
        Envoy could not be reached or did not answer within ``timeout_s``."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.UnixConnector(path=str(self._socket)),
                # Bytes as they come, no decompression: Envoy passes them on as they are.
                auto_decompress=False,
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self._connect_s),
            )
        try:
            return await asyncio.wait_for(
                self._session.post(
                    f"http://failover{path}", data=body, headers=headers, allow_redirects=False
                ),
                timeout_s,
            )
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("failover request on %s: %s", path, exc)
            return None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
