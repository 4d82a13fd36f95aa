"""Envoy's ``jwt_authn`` filter from ``auth.jwt``: bearer tokens verified before ext_proc.

Envoy checks the signature (keys from a JWKS file or URL), the issuer, the audience and the
expiry, and puts the verified payload in the dynamic metadata (``JWT_NAMESPACE``,
``JWT_PAYLOAD_KEY``). ext_proc forwards that namespace to the sidecar with the request body
message, where the configured claims become the user and the team. A header would not do:
a client could send it. Envoy removes the token from the request after verification.

- ``jwt`` mode: a request without a valid token is refused here, 401 (rewritten into the
  client's error format by ``local_replies``).
- ``keys+jwt``: a request without a valid token goes on without the payload, and the
  sidecar's key check decides (a Sluice key also travels as ``Authorization: Bearer``).

Claude Code's ``HEAD /`` probe needs no token.
"""

from __future__ import annotations

from typing import Any

from pydantic import HttpUrl

from sluice.config import GatewayConfig, JwtConfig, ProviderConfig
from sluice.envoy.contract import JWT_NAMESPACE, JWT_PAYLOAD_KEY
from sluice.envoy.tls import upstream_tls

__all__ = [
    "JWKS_CLUSTER",
    "JWT_DETAILS",
    "JWT_FILTER",
    "jwks_clusters",
    "jwt_filters",
]

JSONDict = dict[str, Any]

JWT_FILTER = JWT_NAMESPACE  # the filter writes the payload under its own name
JWKS_CLUSTER = "sluice_jwks"
# Envoy's response-code details of the filter's 401/403: how local replies recognise them.
JWT_DETAILS = "jwt_authn_access_denied"

_JWT = "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication"
_PROVIDER = "sluice"


def jwt_filters(config: GatewayConfig) -> list[JSONDict]:
    """The ``jwt_authn`` filter to put before ext_proc (none unless a jwt mode is on)."""
    jwt = config.auth.jwt
    if not config.auth.mode.jwt or jwt is None:
        return []
    # keys+jwt: a missing or failed token leaves the decision to the sidecar's key check.
    requires: JSONDict = (
        {"allow_missing_or_failed": {}} if config.auth.mode.keys else {"provider_name": _PROVIDER}
    )
    probe = {"path": "/", "headers": [{"name": ":method", "string_match": {"exact": "HEAD"}}]}
    return [
        {
            "name": JWT_FILTER,
            "typed_config": {
                "@type": _JWT,
                "providers": {_PROVIDER: _provider(jwt)},
                "rules": [
                    {"match": probe},  # no requirement: Claude Code's probe carries no token
                    {"match": {"prefix": "/"}, "requires": requires},
                ],
            },
        }
    ]


def _provider(jwt: JwtConfig) -> JSONDict:
    provider: JSONDict = {
        "issuer": jwt.issuer,
        "audiences": jwt.audiences,
        # Default also reads an access_token query parameter; clients send the header only.
        "from_headers": [{"name": "authorization", "value_prefix": "Bearer "}],
        # For the sidecar, through ext_proc's forwarded metadata (never a header).
        "payload_in_metadata": JWT_PAYLOAD_KEY,
    }
    if jwt.jwks_file is not None:
        provider["local_jwks"] = {"filename": str(jwt.jwks_file)}
    else:
        assert jwt.jwks_url is not None  # the config requires one source
        provider["remote_jwks"] = {
            "http_uri": {"uri": str(jwt.jwks_url), "cluster": JWKS_CLUSTER, "timeout": "5s"},
            "cache_duration": f"{jwt.jwks_cache_s}s",
            # Default: fetched on the first request, which then waits. Fetch at start.
            "async_fetch": {},
        }
    return provider


def jwks_clusters(config: GatewayConfig) -> list[JSONDict]:
    """The cluster Envoy fetches the signing keys through, when they come from a URL."""
    jwt = config.auth.jwt
    if not config.auth.mode.jwt or jwt is None or jwt.jwks_url is None:
        return []
    url = jwt.jwks_url
    assert url.host is not None  # HttpUrl requires a host
    https = url.scheme == "https"
    port = url.port or (443 if https else 80)
    cluster: JSONDict = {
        "name": JWKS_CLUSTER,
        "type": "LOGICAL_DNS",
        "dns_lookup_family": "V4_PREFERRED",  # default V4_ONLY fails on IPv6-only hosts
        "connect_timeout": "5s",
        "load_assignment": {
            "cluster_name": JWKS_CLUSTER,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {
                            "endpoint": {
                                "address": {
                                    "socket_address": {"address": url.host, "port_value": port}
                                }
                            }
                        }
                    ]
                }
            ],
        },
    }
    if https:
        origin = ProviderConfig(base_url=HttpUrl(f"https://{url.host}:{port}"))
        cluster["transport_socket"] = upstream_tls(origin)
    return [cluster]
