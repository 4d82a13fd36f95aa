"""The real :class:`~sluice.policy.ModelClient`: asks an LLM endpoint one question over HTTP.

Policies never import this module: the chain hands them :func:`model_client` (or a shared
:class:`ModelClients`) as ``self.models``, and a policy calls ``self.models(endpoint)`` to
get a client::

    client = model_client(ModelEndpoint(api="anthropic", base_url="https://api.anthropic.com",
                                        api_key_env="ANTHROPIC_API_KEY", model="claude-haiku-4-5"))
    answer = await client.complete("Answer in one word.", "Is the sky blue?")
    await client.aclose()

Calls are not streamed. ``api: openai`` posts to ``{base_url}/v1/chat/completions`` (a
``base_url`` that already ends in ``/v1`` is accepted), ``api: anthropic`` to
``{base_url}/v1/messages``. The caller bounds each call (the chain runs hooks under
``asyncio.wait_for``; cancelling a call is safe); ``timeout_s`` is only a backstop.

Exceptions, all carrying a message that names the endpoint and never the key::

    ModelError                  nothing usable came back
    ├── ModelKeyError           the configured key's environment variable is unset or empty
    ├── ModelConnectionError    the endpoint could not be reached (DNS, refused, TLS, reset)
    ├── ModelStatusError        it answered with an HTTP error: ``status`` and the provider's
    │                           own error ``message``
    └── ModelAnswerError        a 2xx answer without text (malformed, empty, cut at max_tokens)
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import TYPE_CHECKING, Any

import aiohttp

from sluice.policy import ModelClient, ModelEndpoint

if TYPE_CHECKING:
    from sluice.sidecar.tracing import ModelCallSpan, Tracing

__all__ = [
    "HttpModelClient",
    "ModelAnswerError",
    "ModelClients",
    "ModelConnectionError",
    "ModelError",
    "ModelKeyError",
    "ModelStatusError",
    "model_client",
]

ANTHROPIC_VERSION = "2023-06-01"
_BACKSTOP_TIMEOUT_S = 120.0  # the caller's deadline applies first; this only stops leaks
_ERROR_EXCERPT = 300  # characters of a non-JSON error body quoted in an exception


class ModelError(Exception):
    """A model endpoint gave no usable answer; the message says which endpoint and why."""


class ModelKeyError(ModelError):
    """The endpoint's key is configured through an environment variable that is not set."""


class ModelConnectionError(ModelError):
    """The endpoint could not be reached, or the connection broke before an answer."""


class ModelStatusError(ModelError):
    """The endpoint answered with an HTTP error status.

    ``status`` is the HTTP status, ``message`` the provider's error message (or an excerpt
    of the body when it is not the provider's JSON error).
    """

    def __init__(self, url: str, status: int, message: str) -> None:
        super().__init__(f"{url} answered {status}: {message}")
        self.status = status
        self.message = message


class ModelAnswerError(ModelError):
    """The endpoint answered 2xx, but not with a text answer in its API's shape."""


class HttpModelClient:
    """A :class:`~sluice.policy.ModelClient` for one :class:`~sluice.policy.ModelEndpoint`.

    One ``aiohttp.ClientSession`` (connection pool) is created at the first call, in the
    running event loop, and kept until :meth:`aclose`. Also an async context manager.
    """

    def __init__(
        self,
        endpoint: ModelEndpoint,
        *,
        timeout_s: float = _BACKSTOP_TIMEOUT_S,
        tracing: Tracing | None = None,
    ) -> None:
        """``tracing``: the worker's tracer; a call made in a traced hook gets a span."""
        self._tracing = tracing
        self.endpoint = endpoint
        self.url = _url(endpoint)
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"HttpModelClient({self.endpoint.api}, {self.url}, model={self.endpoint.model!r})"

    async def complete(self, system: str, prompt: str) -> str:
        """The model's text answer to ``prompt`` under ``system``; raises :class:`ModelError`."""
        if self._tracing is None:
            return await self._complete(system, prompt, None)
        endpoint = self.endpoint
        with self._tracing.model_call(endpoint.api, endpoint.model, self.url) as span:
            try:
                return await self._complete(system, prompt, span)
            except ModelError as exc:
                if span is not None:
                    span.failed(str(exc))
                raise

    async def _complete(self, system: str, prompt: str, span: ModelCallSpan | None) -> str:
        key = self._key()
        body, headers = _request(self.endpoint, system, prompt, key)
        if span is not None:  # the judge's own tracing, if any, joins the request's trace
            headers.update(span.headers)
        try:
            async with self._open().post(self.url, json=body, headers=headers) as response:
                raw = await response.read()
                status = response.status
        except aiohttp.ClientError as exc:
            raise ModelConnectionError(
                f"cannot reach {self.url}: {_redact(str(exc) or type(exc).__name__, key)}"
            ) from None
        if status >= 400:
            if span is not None:
                span.answered(status, None)
            raise ModelStatusError(self.url, status, _redact(_error_message(raw), key))
        try:
            answer = json.loads(raw)
        except ValueError:
            raise ModelAnswerError(f"{self.url} answered {status} with non-JSON") from None
        if span is not None:
            span.answered(status, answer)
        if self.endpoint.api == "anthropic":
            return _anthropic_text(self.url, answer)
        return _openai_text(self.url, answer)

    async def aclose(self) -> None:
        """Close the connection pool; a later call opens a new one."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def __aenter__(self) -> HttpModelClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    def _key(self) -> str | None:
        # Read at each call, so a rotated key in the environment is picked up.
        if self.endpoint.api_key is not None:
            return self.endpoint.api_key.get_secret_value()
        name = self.endpoint.api_key_env
        if name is None:
            return None  # a local OpenAI-compatible server may need no key
        key = os.environ.get(name)
        if not key:
            raise ModelKeyError(f"{self.url}: environment variable {name} (api_key_env) is unset")
        return key


def model_client(endpoint: ModelEndpoint) -> ModelClient:
    """A new :class:`HttpModelClient` for ``endpoint``: the default ``ModelClientFactory``."""
    return HttpModelClient(endpoint)


class ModelClients:
    """A ``ModelClientFactory`` that shares one client per endpoint and closes them all.

    Give one to the chains of a worker and close it at shutdown, so that reloading the
    config reuses connection pools instead of leaking them::

        clients = ModelClients()
        chains = ChainSet(config, models=clients)
        ...
        await clients.aclose()
    """

    def __init__(self, tracing: Tracing | None = None) -> None:
        """``tracing``: the worker's tracer, handed to every client."""
        self._tracing = tracing
        self._clients: dict[ModelEndpoint, HttpModelClient] = {}

    def __call__(self, endpoint: ModelEndpoint) -> ModelClient:
        client = self._clients.get(endpoint)
        if client is None:
            client = HttpModelClient(endpoint, tracing=self._tracing)
            self._clients[endpoint] = client
        return client

    async def aclose(self) -> None:
        """Close every client made so far."""
        clients, self._clients = list(self._clients.values()), {}
        await asyncio.gather(*(client.aclose() for client in clients))


def _url(endpoint: ModelEndpoint) -> str:
    base = str(endpoint.base_url).rstrip("/")
    if not base.endswith("/v1"):
        base += "/v1"
    return base + ("/messages" if endpoint.api == "anthropic" else "/chat/completions")


def _request(
    endpoint: ModelEndpoint, system: str, prompt: str, key: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    headers: dict[str, str] = {}
    if endpoint.api == "anthropic":
        body: dict[str, Any] = {
            "model": endpoint.model,
            "max_tokens": endpoint.max_tokens,
            "system": system,
            "messages": [{"role": "user", "content": prompt}],
        }
        headers["anthropic-version"] = ANTHROPIC_VERSION
        if key is not None:
            headers["x-api-key"] = key
        return body, headers
    body = {
        "model": endpoint.model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
        "max_completion_tokens": endpoint.max_tokens,
    }
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    return body, headers


def _error_message(raw: bytes) -> str:
    """The provider's error message: both APIs answer ``{"error": {"message": ...}}``."""
    try:
        error = json.loads(raw).get("error")
        message = error.get("message") if isinstance(error, dict) else error
        if isinstance(message, str) and message:
            return message
    except (ValueError, AttributeError):
        pass
    text = raw.decode("utf-8", "replace").strip()
    if len(text) > _ERROR_EXCERPT:
        text = text[:_ERROR_EXCERPT] + "..."
    return text or "(empty body)"


def _redact(text: str, key: str | None) -> str:
    """``text`` without ``key``: providers may echo a (partial) key in their errors."""
    return text.replace(key, "[key]") if key else text


def _openai_text(url: str, answer: Any) -> str:
    try:
        choice = answer["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise ModelAnswerError(f"{url}: no choices[0].message in the answer") from None
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str) and content:
        return content
    refusal = message.get("refusal") if isinstance(message, dict) else None
    if refusal:
        raise ModelAnswerError(f"{url}: the model refused: {refusal}")
    raise _no_text(url, choice.get("finish_reason"), "length")


def _anthropic_text(url: str, answer: Any) -> str:
    content = answer.get("content") if isinstance(answer, dict) else None
    if not isinstance(content, list):
        raise ModelAnswerError(f"{url}: no content in the answer")
    text = "".join(
        block["text"]
        for block in content
        if isinstance(block, dict)
        and block.get("type") == "text"
        and isinstance(block.get("text"), str)
    )
    if text:
        return text
    raise _no_text(url, answer.get("stop_reason"), "max_tokens")


def _no_text(url: str, stop: object, cut: str) -> ModelAnswerError:
    if stop == cut:
        return ModelAnswerError(
            f"{url}: the answer was cut at max_tokens before any text (raise max_tokens; "
            "reasoning models spend tokens thinking first)"
        )
    return ModelAnswerError(f"{url}: the answer holds no text (stop reason {stop!r})")
