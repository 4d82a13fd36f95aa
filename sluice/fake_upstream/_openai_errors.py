"""OpenAI error bodies, shared by Chat Completions and Responses.

Every OpenAI error is ``{"error": {"message", "type", "param", "code"}}``; the SDKs read
the request id from the ``x-request-id`` header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._errors import ErrorKind, InvalidRequest

if TYPE_CHECKING:
    from ._wire import JSON

__all__ = ["openai_error"]

_ERRORS: dict[ErrorKind, tuple[int, str, str, str | None]] = {
    ErrorKind.RATE_LIMIT: (
        429,
        "requests",
        "Rate limit reached in organization org-fake on requests per min (RPM): Limit 500, "
        "Used 500, Requested 1. Please try again in 1s. Visit "
        "https://platform.openai.com/account/rate-limits to learn more.",
        "rate_limit_exceeded",
    ),
    ErrorKind.SERVER: (
        500,
        "server_error",
        "The server had an error while processing your request. Sorry about that!",
        None,
    ),
    ErrorKind.OVERLOADED: (
        503,
        "server_error",
        "The server is overloaded or not ready yet.",
        None,
    ),
    ErrorKind.NOT_FOUND: (404, "invalid_request_error", "Invalid URL", None),
}


def openai_error(
    kind: ErrorKind, detail: InvalidRequest | None, too_long: InvalidRequest
) -> tuple[int, JSON]:
    """Status and body of an OpenAI error.

    ``detail`` words the error; without it, an invalid request is ``too_long``, the
    endpoint's context-length refusal, and other kinds get the API's usual message.
    """
    if kind is ErrorKind.INVALID_REQUEST:
        reason = detail or too_long
        return 400, _body(reason.message, "invalid_request_error", reason.param, reason.code)
    status, error_type, message, code = _ERRORS[kind]
    return status, _body(detail.message if detail else message, error_type, None, code)


def _body(message: str, error_type: str, param: str | None, code: str | None) -> JSON:
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}
