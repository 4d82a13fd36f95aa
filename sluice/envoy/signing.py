"""SigV4 signing of requests to AWS Bedrock, by Envoy's own ``aws_request_signing`` filter.

The filter is an upstream HTTP filter of the Bedrock provider's cluster, like the key
injector of ``sluice.envoy.keys``: it signs what is actually sent (the path and the body
the sidecar produced, after every other filter), each retry attempt afresh, whichever
route or model rule picked the provider. Credentials come from Envoy's default AWS chain
(environment, credentials file and profile, web identity for EKS IRSA, container and
instance roles): no key is in the bootstrap and nothing is signed in Python.
"""

from __future__ import annotations

from typing import Any

from sluice.config import GatewayConfig
from sluice.envoy.keys import CLIENT_KEY_HEADERS

__all__ = ["DROPPED", "signing_filters"]

JSONDict = dict[str, Any]

_SIGNING = (
    "type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning"
)
# The client's Anthropic headers mean nothing to Bedrock (the version is in the body).
DROPPED = (*CLIENT_KEY_HEADERS, "anthropic-version", "anthropic-beta")


def signing_filters(config: GatewayConfig, provider_name: str) -> list[JSONDict]:
    """The Bedrock cluster's signing filter (after the cluster has removed the client's
    credentials and Anthropic headers: :data:`DROPPED`); ``[]`` for another provider."""
    bedrock = config.providers[provider_name].bedrock
    if bedrock is None:
        return []
    return [
        {
            "name": "envoy.filters.http.aws_request_signing",
            "typed_config": {
                "@type": _SIGNING,
                "service_name": "bedrock",
                "region": bedrock.region,
                # Default true would sign UNSIGNED-PAYLOAD; the body's hash is signed instead
                # (the filter buffers it; bounded by the cluster's buffer limit).
                "use_unsigned_payload": False,
                # Headers a proxy on the way may add or change; signing them would break
                # the signature for nothing.
                "match_excluded_headers": [
                    {"prefix": "x-envoy-"},
                    {"prefix": "x-forwarded-"},
                    {"exact": "x-request-id"},
                ],
            },
        },
    ]
