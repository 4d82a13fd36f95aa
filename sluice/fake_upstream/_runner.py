"""Serving the fake upstream on a local port, in-process or as a process."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

from aiohttp import web

from ._app import REQUEST_LOG, create_app

if TYPE_CHECKING:
    from types import TracebackType

    from ._record import RequestLog

__all__ = ["FakeUpstream"]


class FakeUpstream:
    """The fake upstream listening on ``host:port`` (port 0: any free port) while entered.

    Example::

        async with FakeUpstream() as upstream:
            client = anthropic.AsyncAnthropic(base_url=upstream.url, api_key="test")
            openai_client = openai.AsyncOpenAI(base_url=f"{upstream.url}/v1", api_key="test")
            ...
            assert upstream.requests.last.path == "/v1/messages"
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        history: int = 100,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.app = create_app(history=history)
        self._host = host
        self._port = port
        self._ssl_context = ssl_context  # serve HTTPS (HTTP/1.1) with this context
        # Streams paced by a test may still be running at exit; don't wait a minute for them.
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)

    @property
    def port(self) -> int:
        """The bound port (known once started)."""
        return self._port

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:41234`` (OpenAI clients append ``/v1``)."""
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://{self._host}:{self._port}"

    @property
    def requests(self) -> RequestLog:
        """The requests received so far, oldest first."""
        return self.app[REQUEST_LOG]

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port, ssl_context=self._ssl_context)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def __aenter__(self) -> FakeUpstream:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
