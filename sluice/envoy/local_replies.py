"""Errors Envoy itself produces, rewritten into the client's own API error format.

Without this, a client whose request Envoy refused (sidecar unreachable, provider
unreachable, unknown path, WebSocket upgrade) gets an empty ``text/plain`` body its SDK
cannot read. Replies the
sidecar produced (policy refusals) are already in the client's format and pass unchanged.
"""

from __future__ import annotations

from typing import Any

from sluice.config import GatewayConfig
from sluice.envoy.contract import SIDECAR_REPLY_DETAILS, UNAUTHENTICATED
from sluice.envoy.jwt import JWT_DETAILS
from sluice.envoy.ratelimits import BUDGET_DETAILS, RATE_DETAILS
from sluice.model import Format

__all__ = ["local_reply_config"]

JSONDict = dict[str, Any]

_CEL_FILTER = "type.googleapis.com/envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter"

_SIDECAR_DOWN = (
    "Sluice gateway: the policy sidecar is unavailable, so the request was not sent "
    "(fail-closed). Retry shortly; if this persists, tell your platform team."
)


def _cel(expression: str) -> JSONDict:
    return {
        "extension_filter": {
            "name": "envoy.access_loggers.extension_filters.cel",
            "typed_config": {"@type": _CEL_FILTER, "expression": expression},
        }
    }


# Requests refused at the edge, before any route: (Envoy's response-code details, status to
# answer with (None: Envoy's own), message, error type for Anthropic and for OpenAI clients).
_REFUSALS: tuple[tuple[str, int | None, str, dict[str, str]], ...] = (
    (
        # Every path that is neither an LLM route nor a known passthrough endpoint: the
        # bootstrap's last route answers it directly. Both SDKs raise NotFoundError.
        "direct_response",
        None,
        "Sluice gateway: no endpoint %REQ(:METHOD)% %REQ(:PATH)% here. The gateway serves the "
        "LLM APIs and a few known endpoints (model lists, token counting) only.",
        {"anthropic": "not_found_error", "openai": "invalid_request_error"},
    ),
    (
        # An escaped slash (%2F, %5C) in the path: a provider may read it as a slash.
        "path_normalization_failed",
        None,
        # No literal percent sign: Envoy reads the message as a format string.
        "Sluice gateway: the request path holds an escaped slash (a percent-encoded / or "
        "backslash) or cannot be normalised; send the plain path.",
        {"anthropic": "invalid_request_error", "openai": "invalid_request_error"},
    ),
    (
        # A WebSocket (or other protocol) upgrade: the sidecar reads HTTP exchanges only.
        # Envoy answers 403; 426 is what tells Codex to fall back to HTTPS at once.
        "upgrade_failed",
        426,
        "Sluice gateway: WebSocket upgrades are not served here; send the request over "
        "plain HTTP(S).",
        {"anthropic": "invalid_request_error", "openai": "invalid_request_error"},
    ),
)

_RATE_LIMITED = (
    "Sluice gateway: request rate limit reached for this client, team or model. "
    "Retry after the time in the retry-after header."
)
_BUDGET_SPENT = (
    "Sluice gateway: token budget exhausted for this client or team. "
    "Retry after the time in the retry-after header."
)


def _anthropic_body(message: str, error_type: str) -> JSONDict:
    return {"type": "error", "error": {"type": error_type, "message": message}}


def _openai_body(message: str, error_type: str) -> JSONDict:
    code = error_type if error_type == "rate_limit_exceeded" else None
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


# Each client's word for "slow down" (both SDKs raise RateLimitError on any 429).
_RATE_LIMIT_TYPE = {"anthropic": "rate_limit_error", "openai": "rate_limit_exceeded"}


def local_reply_config(config: GatewayConfig) -> JSONDict:
    """The HCM's ``local_reply_config``: one mapper per (cause, client format)."""
    anthropic_paths = [r.path for r in config.routes if r.format is Format.ANTHROPIC]
    is_anthropic = " || ".join(
        [f"request.path.startsWith('{path}')" for path in anthropic_paths]
        + ["'anthropic-version' in request.headers"]
    )
    from_sidecar = f"response.code_details.startsWith('{SIDECAR_REPLY_DETAILS}')"
    sidecar_down = "response.code_details.startsWith('ext_proc_error')"
    mappers = []
    for client, body in (("anthropic", _anthropic_body), ("openai", _openai_body)):
        match = f"({is_anthropic})" if client == "anthropic" else f"!({is_anthropic})"
        mappers.append(
            {
                "filter": _cel(f"{sidecar_down} && {match}"),
                "status_code": 503,
                "body_format_override": {
                    "json_format": body(_SIDECAR_DOWN, "api_error"),
                    "content_type": "application/json",
                },
            }
        )
        for details, status, message, error_types in _REFUSALS:
            refused: JSONDict = {
                "filter": _cel(f"response.code_details == '{details}' && {match}"),
                "body_format_override": {
                    "json_format": body(message, error_types[client]),
                    "content_type": "application/json",
                },
            }
            if status is not None:
                refused["status_code"] = status
            mappers.append(refused)
        if config.auth.mode.jwt:
            # jwt_authn refuses with 401, or 403 for a wrong audience: one 401 for all (the
            # SDKs raise AuthenticationError), the body saying no more than that.
            unverified = f"response.code_details.startsWith('{JWT_DETAILS}')"
            mappers.append(
                {
                    "filter": _cel(f"{unverified} && {match}"),
                    "status_code": 401,
                    "body_format_override": {
                        "json_format": body(UNAUTHENTICATED, "authentication_error"),
                        "content_type": "application/json",
                    },
                }
            )
        for details, message in ((RATE_DETAILS, _RATE_LIMITED), (BUDGET_DETAILS, _BUDGET_SPENT)):
            # Envoy's rate-limit filters answer 429 (with retry-after) and an empty body.
            limited = f"response.code_details == '{details}'"
            mappers.append(
                {
                    "filter": _cel(f"{limited} && {match}"),
                    "body_format_override": {
                        "json_format": body(message, _RATE_LIMIT_TYPE[client]),
                        "content_type": "application/json",
                    },
                }
            )
        mappers.append(
            {
                "filter": _cel(f"!{from_sidecar} && !{sidecar_down} && {match}"),
                "body_format_override": {
                    "json_format": body("Sluice gateway: %LOCAL_REPLY_BODY%", "api_error"),
                    "content_type": "application/json",
                },
            }
        )
    return {"mappers": mappers}
