"""Errors Envoy itself produces, rewritten into the client's own API error format.

Without this, a client whose request Envoy refused (sidecar unreachable, provider
unreachable, no route) gets an empty ``text/plain`` body its SDK cannot read. Replies the
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
        if config.auth.mode.jwt:
            # jwt_authn refuses with 401, or 403 for a wrong audience: one 401 for all (the
            # SDKs raise AuthenticationError), the body saying no more than that.
            refused = f"response.code_details.startsWith('{JWT_DETAILS}')"
            mappers.append(
                {
                    "filter": _cel(f"{refused} && {match}"),
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
