"""TLS contexts: verified origination to providers, and the listener's own certificate."""

from __future__ import annotations

from typing import Any

from sluice.config import ListenerTls, ProviderConfig

__all__ = ["SYSTEM_CA_BUNDLE", "downstream_tls", "upstream_tls"]

JSONDict = dict[str, Any]

SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

_UPSTREAM_TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"
_DOWNSTREAM_TLS = (
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"
)


def upstream_tls(provider: ProviderConfig) -> JSONDict:
    """The provider cluster's transport socket: SNI, ALPN, chain and name verified."""
    name = provider.sni or provider.host
    return {
        "name": "envoy.transport_sockets.tls",
        "typed_config": {
            "@type": _UPSTREAM_TLS,
            "sni": name,  # default: no SNI, which providers refuse
            "common_tls_context": {
                "alpn_protocols": ["h2", "http/1.1"],  # default: none, so never HTTP/2
                # Default: no verification at all. Verify the chain and the name.
                "validation_context": {
                    "trusted_ca": {"filename": str(provider.ca_file or SYSTEM_CA_BUNDLE)},
                    "match_typed_subject_alt_names": [
                        {"san_type": "DNS", "matcher": {"exact": name}}
                    ],
                },
            },
        },
    }


def downstream_tls(tls: ListenerTls) -> JSONDict:
    """The listener's transport socket: clients pick HTTP/2 or HTTP/1.1 by ALPN."""
    return {
        "name": "envoy.transport_sockets.tls",
        "typed_config": {
            "@type": _DOWNSTREAM_TLS,
            "common_tls_context": {
                # Default: no ALPN, so TLS clients could only speak HTTP/1.1.
                "alpn_protocols": ["h2", "http/1.1"],
                "tls_certificates": [
                    {
                        "certificate_chain": {"filename": str(tls.cert_file)},
                        "private_key": {"filename": str(tls.key_file)},
                    }
                ],
            },
        },
    }
