"""What the two OpenAI formats share: the error object and how a status names its type."""

from __future__ import annotations

from sluice.sidecar.formats._base import check_status
from sluice.sidecar.formats._json import JSON, dump

__all__ = ["error_body", "error_json", "error_type_for"]

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
}


def error_type_for(status: int) -> str:
    """The error ``type`` OpenAI uses for ``status`` (``server_error`` for any 5xx)."""
    check_status(status)
    return _ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")


def error_json(error_type: str, message: str) -> JSON:
    """``{"error": {...}}`` with every field the SDKs read. A ``rate_limit_exceeded`` also
    carries it as its ``code``, as OpenAI's own 429s (and Envoy's, rewritten) do."""
    code = error_type if error_type == "rate_limit_exceeded" else None
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def error_body(status: int, error_type: str, message: str) -> bytes:
    """An error body as the OpenAI API sends it, e.g. ``error_body(400,
    "invalid_request_error", "blocked by policy")``; the SDK reads ``message`` from it."""
    check_status(status)
    return dump(error_json(error_type, message)).encode()
