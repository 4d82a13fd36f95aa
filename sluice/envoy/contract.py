"""The names Envoy's bootstrap and the sidecar must agree on, kept in one place.

The sidecar does not receive header messages (they would cost two round trips before the
first byte of every response). Instead Envoy hands it what it needs with the messages it
sends anyway: the request path as an attribute of the request body message, the headers
the sidecar reads copied into dynamic metadata by a header-to-metadata filter, and the
response status and content type with the first response body chunk.
"""

from __future__ import annotations

from sluice.config import GatewayConfig

__all__ = [
    "ATTRIBUTES_KEY",
    "CLIENT_KEY",
    "CONTENT_TYPE",
    "COST_KEY",
    "FAILOVER_HEADER",
    "HEADERS_NAMESPACE",
    "INTERNAL_HEADER_PREFIX",
    "JWT_NAMESPACE",
    "JWT_PAYLOAD_KEY",
    "MAX_MESSAGE_TIMEOUT_S",
    "METADATA_NAMESPACE",
    "MODEL_KEY",
    "PATH_ATTRIBUTE",
    "PROVIDER_HEADER",
    "SIDECAR_REPLY_DETAILS",
    "STATUS_ATTRIBUTE",
    "TEAM_KEY",
    "TOKENS_KEY",
    "UNAUTHENTICATED",
    "forwarded_headers",
]

# ProcessingRequest.attributes is keyed by the filter's name.
ATTRIBUTES_KEY = "envoy.filters.http.ext_proc"
PATH_ATTRIBUTE = "request.path"  # with the query string
STATUS_ATTRIBUTE = "response.code"
# Dynamic metadata holding the request headers the sidecar reads, and the response's
# content type (a response header, added when the response begins).
HEADERS_NAMESPACE = "sluice.headers"
CONTENT_TYPE = "content-type"
# The sidecar's immediate responses carry this in Envoy's response-code details, so the
# local-reply rewriting leaves them alone.
SIDECAR_REPLY_DETAILS = "sluice"
# The provider a model rule picked: the sidecar sets this request header (and clears the
# route cache) so that Envoy re-picks the route. Envoy removes it from clients' requests.
PROVIDER_HEADER = "x-sluice-provider"
# The sidecar's request to the next provider of a failover list carries this header, naming
# the provider, on the failover listener (a Unix socket in the pod); the client listener
# removes it from clients' requests, so only the sidecar can ask for a provider this way.
FAILOVER_HEADER = "x-sluice-failover"
# Headers starting with this (the chain header, the provider header, any a client invents)
# are the gateway's: the provider clusters remove them from every request they send.
INTERNAL_HEADER_PREFIX = "x-sluice-"
# Dynamic metadata the sidecar sets: ``tokens``, what the exchange used (input and output),
# which the rate-limit filter charges to the budgets when the stream is done.
METADATA_NAMESPACE = "sluice"
TOKENS_KEY = "tokens"
# Also there, for the access log: the model the request named, the input and output tokens
# the provider reported (``input_tokens``, ``output_tokens``), the exchange's outcome and
# its cost in US dollars (``cost_usd``, when its model has a price).
MODEL_KEY = "model"
OUTCOME_KEY = "outcome"
COST_KEY = "cost_usd"
# Set in the same namespace with the reply to the request body (when limits are kept), for
# the rate-limit filters after ext_proc: the client and team the sidecar decided (never a
# key) and the model the body names. Metadata, not headers: a client cannot forge it, and Envoy
# drops header changes in a body reply when it sent the sidecar no header message.
CLIENT_KEY = "client"
TEAM_KEY = "team"
MODEL_KEY = "model"
# ext_proc's ``max_message_timeout``: while a request hook runs, the sidecar extends the
# request body message's deadline (``override_message_timeout``) up to this many seconds.
MAX_MESSAGE_TIMEOUT_S = 300

# Envoy's jwt_authn filter puts the verified token's payload here (under the filter's own
# name); ext_proc forwards the namespace to the sidecar. Never a header: a client sets those.
JWT_NAMESPACE = "envoy.filters.http.jwt_authn"
JWT_PAYLOAD_KEY = "payload"
# The one thing a refused client learns, whatever was wrong with its credential.
UNAUTHENTICATED = "Sluice gateway: invalid or expired key"

_ALWAYS = (
    "x-api-key",  # Anthropic clients' key: its fingerprint identifies the client
    "authorization",  # OpenAI clients' key (Bearer)
    "api-key",  # Azure OpenAI's key header
    "x-claude-code-session-id",
    "user-agent",
    "anthropic-version",
    "anthropic-beta",
    FAILOVER_HEADER,
)


def forwarded_headers(config: GatewayConfig) -> list[str]:
    """The request headers the sidecar needs, lower case, in a stable order."""
    names = list(_ALWAYS)
    if config.team_header and not config.auth.authenticates:  # else the key names the team
        names.append(config.team_header.lower())
    if config.chain_header.enabled:
        names.append(config.chain_header.name.lower())
    return list(dict.fromkeys(names))
