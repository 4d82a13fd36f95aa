"""Server-side API keys: the provider key the gateway holds replaces the client's.

Where the key lives decides who can leak it. It is never written into the bootstrap, so
neither ``sluice envoy-config`` nor a bootstrap file shared for debugging shows it. Instead,
before Envoy starts, :func:`write_key_files` reads each provider's :class:`~sluice.config.Secret`
and writes the finished header value (``Bearer sk-...``) into an SDS file of its own
(``<socket_dir>/keys/<provider>.yaml``, mode 0600, in a 0700 directory, replaced
atomically). The bootstrap only names that file; Envoy loads it as a generic secret and
watches it, so rewriting the file rotates the key without a restart. Envoy redacts secrets
in its admin ``/config_dump`` and never logs header values at the default log level.

Why not have Envoy read the environment variable or the key file itself (a ``DataSource``)?
Envoy's credential injector cannot add a prefix, so ``Authorization: Bearer`` would need the
prefix inside the secret, and a key file's trailing newline would end up in the header.

A Vertex AI provider's file holds an access token the supervisor keeps fresh
(``sluice.cloud_tokens``). Envoy refuses to start on an SDS file that does not exist, and in
Kubernetes the sidecar container, which gets the token, may start after Envoy's: so
:func:`write_key_files` also gives each Vertex AI provider a placeholder
(:data:`NO_TOKEN_YET`) when its file is missing, and never replaces a token already there.

The injection itself is an upstream HTTP filter of the provider's cluster: whichever route
(or model rule) picks the provider, its key goes with it. The client's key headers are
removed first (``clusters``), so the provider never sees them.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from sluice.config import GatewayConfig
from sluice.model import Format

__all__ = [
    "CLIENT_KEY_HEADERS",
    "NO_TOKEN_YET",
    "key_file",
    "key_filters",
    "key_header",
    "secret_name",
    "write_key_file",
    "write_key_files",
]

JSONDict = dict[str, Any]

# Every header a client may carry its own key in.
CLIENT_KEY_HEADERS = ("x-api-key", "authorization", "api-key")
# A Vertex AI provider's header value until a first access token is obtained: Vertex AI
# answers 401, which the client reads as an authentication error.
NO_TOKEN_YET = "Bearer sluice-no-vertex-token-yet"

_SECRET = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
_INJECTOR = (
    "type.googleapis.com/envoy.extensions.filters.http.credential_injector.v3.CredentialInjector"
)
_GENERIC = "type.googleapis.com/envoy.extensions.http.injected_credentials.generic.v3.Generic"


def key_header(config: GatewayConfig, provider_name: str) -> tuple[str, str]:
    """The header and value prefix ``provider_name``'s key travels in.

    >>> key_header(GatewayConfig(), "anthropic"), key_header(GatewayConfig(), "openai")
    (('x-api-key', ''), ('authorization', 'Bearer '))
    """
    if config.providers[provider_name].vertex is not None:
        return "authorization", "Bearer "  # an OAuth access token (sluice.cloud_tokens)
    key = config.providers[provider_name].api_key
    header = key.header if key is not None else None
    if header is None:
        declared = config.providers[provider_name].format  # a translated provider's own
        formats = (
            {declared}
            if declared is not None
            else {r.format for r in config.routes if r.provider == provider_name}
        )
        header = "x-api-key" if formats == {Format.ANTHROPIC} else "authorization"
    prefix = key.prefix if key is not None else None
    if prefix is None:
        prefix = "Bearer " if header == "authorization" else ""
    return header, prefix


def key_file(config: GatewayConfig, provider_name: str) -> Path:
    """The SDS file holding ``provider_name``'s key header value."""
    return config.sidecar.socket_dir / "keys" / f"{provider_name}.yaml"


def secret_name(provider_name: str) -> str:
    return f"provider_{provider_name}_key"


def key_filters(config: GatewayConfig, provider_name: str) -> list[JSONDict]:
    """The provider cluster's upstream HTTP filter that adds the gateway's key.

    Empty when the provider has no ``api_key`` (in passthrough the client's key then goes
    through). The cluster removes the client's key headers first (:data:`CLIENT_KEY_HEADERS`)
    whenever the gateway holds a key or authenticates its clients. A Vertex AI provider's
    value is its access token, kept fresh by ``sluice.cloud_tokens``.
    """
    provider = config.providers[provider_name]
    if provider.api_key is None and provider.vertex is None:
        return []
    header, _ = key_header(config, provider_name)
    secret = {
        "name": secret_name(provider_name),
        "sds_config": {"path_config_source": {"path": str(key_file(config, provider_name))}},
    }
    return [
        {
            "name": "envoy.filters.http.credential_injector",
            "typed_config": {
                "@type": _INJECTOR,
                "overwrite": True,  # default false keeps a key the client sent in that header
                "credential": {
                    "name": "envoy.http.injected_credentials.generic",
                    "typed_config": {"@type": _GENERIC, "credential": secret, "header": header},
                },
            },
        },
    ]


def write_key_files(config: GatewayConfig) -> list[Path]:
    """Read each provider key and write its SDS file, and give each Vertex AI provider
    without a token file yet a placeholder (see the module docstring).

    Raises :class:`~sluice.config.ConfigError` naming the source of a key that cannot be
    read. Returns the files written.
    """
    written = []
    for name, provider in config.providers.items():
        if provider.vertex is not None:
            placeholder = _placeholder(config, name)
            if placeholder is not None:
                written.append(placeholder)
        if provider.api_key is None:
            continue
        _, prefix = key_header(config, name)
        value = prefix + provider.api_key.secret.read()
        written.append(write_key_file(config, name, value))
    return written


def write_key_file(config: GatewayConfig, provider_name: str, value: str) -> Path:
    """Write ``value`` (the whole header value) as ``provider_name``'s SDS key file."""
    path = key_file(config, provider_name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_private(path, _sds_file(provider_name, value))
    return path


def _sds_file(provider_name: str, value: str) -> str:
    """The SDS file's text: one generic secret holding ``value``."""
    resource = {
        "@type": _SECRET,
        "name": secret_name(provider_name),
        "generic_secret": {"secret": {"inline_string": value}},
    }
    return json.dumps({"resources": [resource]})


def _placeholder(config: GatewayConfig, provider_name: str) -> Path | None:
    """Create ``provider_name``'s key file holding :data:`NO_TOKEN_YET`, unless it exists.

    Exclusive creation, so that a token the supervisor wrote first (in another container,
    at any moment) is never replaced.
    """
    path = key_file(config, provider_name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None
    with os.fdopen(fd, "w") as file:
        file.write(_sds_file(provider_name, NO_TOKEN_YET))
    return path


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by this user only, replacing ``path`` in one step."""
    temporary = path.with_name(f".{path.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(text)
    os.replace(temporary, path)  # a move: Envoy's file watch sees the new key whole
