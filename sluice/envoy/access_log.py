"""Envoy's access log: one JSON object per request, with what the sidecar learned of it.

The sidecar returns its findings as dynamic metadata in the ``sluice`` namespace with the
exchange's last reply (see ``sluice.envoy.contract``); Envoy writes the line when the
request is done, so the model, the tokens and the policy outcome are in it.
"""

from __future__ import annotations

from typing import Any

from sluice.config import GatewayConfig
from sluice.envoy.contract import (
    COST_KEY,
    METADATA_NAMESPACE,
    MODEL_KEY,
    OUTCOME_KEY,
    TOKENS_KEY,
)

__all__ = ["FIELDS", "access_log"]

JSONDict = dict[str, Any]

_STDOUT = "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog"
_FILE = "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog"
_NO_QUERY = "type.googleapis.com/envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery"


def _sidecar(key: str) -> str:
    return f"%DYNAMIC_METADATA({METADATA_NAMESPACE}:{key})%"


# Never a credential, a user id or a body: the path without the query string, and the
# sidecar's bounded facts.
FIELDS: JSONDict = {
    "start_time": "%START_TIME%",
    "method": "%REQ(:METHOD)%",
    "path": "%REQ_WITHOUT_QUERY(:PATH)%",
    "protocol": "%PROTOCOL%",
    "status": "%RESPONSE_CODE%",
    "response_flags": "%RESPONSE_FLAGS%",
    "details": "%RESPONSE_CODE_DETAILS%",
    "bytes_received": "%BYTES_RECEIVED%",
    "bytes_sent": "%BYTES_SENT%",
    "duration_ms": "%DURATION%",
    "upstream_ms": "%RESPONSE_DURATION%",
    "upstream_cluster": "%UPSTREAM_CLUSTER%",
    "upstream_host": "%UPSTREAM_HOST%",
    "request_id": "%REQ(X-REQUEST-ID)%",
    "user_agent": "%REQ(USER-AGENT)%",
    "model": _sidecar(MODEL_KEY),
    "input_tokens": _sidecar("input_tokens"),
    "output_tokens": _sidecar("output_tokens"),
    "tokens": _sidecar(TOKENS_KEY),
    "cost_usd": _sidecar(COST_KEY),
    "outcome": _sidecar(OUTCOME_KEY),
}


def access_log(config: GatewayConfig) -> list[JSONDict]:
    """The listener's ``access_log`` entries: none, stdout, or a file (``envoy.access_log``)."""
    target = config.envoy.access_log
    if target is None:
        return []
    fields = FIELDS
    if config.tracing.enabled:  # a line leads to its trace, and back
        fields = {**FIELDS, "trace_id": "%TRACE_ID%"}
    log_format = {
        "json_format": fields,
        # REQ_WITHOUT_QUERY is an extension: a query string may carry anything.
        "formatters": [
            {"name": "envoy.formatter.req_without_query", "typed_config": {"@type": _NO_QUERY}}
        ],
    }
    if target == "stdout":
        return [
            {
                "name": "envoy.access_loggers.stdout",
                "typed_config": {"@type": _STDOUT, "log_format": log_format},
            }
        ]
    return [
        {
            "name": "envoy.access_loggers.file",
            "typed_config": {"@type": _FILE, "path": target, "log_format": log_format},
        }
    ]
