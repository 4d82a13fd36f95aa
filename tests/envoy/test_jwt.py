"""The bootstrap for each auth mode: ``jwt_authn`` before ext_proc with the verified payload
forwarded to the sidecar, a JWKS cluster for a URL, the key check on passthrough paths, the
client's credential removed upstream; each validated by the pinned Envoy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from sluice.config import GatewayConfig
from sluice.envoy import render_bootstrap
from tests.envoy.test_bootstrap import cluster, ext_proc, routes
from tests.envoy.validate import validate


def config(tmp_path: Path, **raw: Any) -> GatewayConfig:
    public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    jwk = RSAAlgorithm.to_jwk(public, as_dict=True) | {"kid": "k1", "alg": "RS256"}
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    return GatewayConfig.model_validate(raw).resolve_paths(tmp_path)


def http_filters(bootstrap: dict[str, Any]) -> list[dict[str, Any]]:
    hcm = bootstrap["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
    filters: list[dict[str, Any]] = hcm["typed_config"]["http_filters"]
    return filters


def jwt(**extra: Any) -> dict[str, Any]:
    return {"issuer": "https://idp.test/", "audiences": ["sluice"], **extra}


def test_jwt_mode_verifies_tokens_before_ext_proc_and_forwards_the_payload(
    tmp_path: Path,
) -> None:
    bootstrap = render_bootstrap(
        config(tmp_path, auth={"mode": "jwt", "jwt": jwt(jwks_file="jwks.json")})
    )
    names = [f["name"] for f in http_filters(bootstrap)]
    assert names.index("envoy.filters.http.jwt_authn") < names.index("envoy.filters.http.ext_proc")
    authn = http_filters(bootstrap)[names.index("envoy.filters.http.jwt_authn")]["typed_config"]
    provider = authn["providers"]["sluice"]
    assert provider["issuer"] == "https://idp.test/"
    assert provider["audiences"] == ["sluice"]
    assert provider["local_jwks"] == {"filename": str(tmp_path / "jwks.json")}
    assert provider["payload_in_metadata"] == "payload"
    assert "forward" not in provider  # the token is removed once verified
    probe, everything = authn["rules"]
    assert "requires" not in probe  # Claude Code's HEAD / probe carries no token
    assert everything["requires"] == {"provider_name": "sluice"}
    forwarded = ext_proc(bootstrap)["metadata_options"]["forwarding_namespaces"]["untyped"]
    assert forwarded == ["sluice.headers", "envoy.filters.http.jwt_authn"]
    validate(bootstrap, tmp_path)


def test_keys_and_jwt_leave_a_missing_token_to_the_key_check(tmp_path: Path) -> None:
    url = "https://idp.test:8443/.well-known/jwks.json"
    bootstrap = render_bootstrap(
        config(tmp_path, auth={"mode": "keys+jwt", "jwt": jwt(jwks_url=url)})
    )
    authn = http_filters(bootstrap)[1]["typed_config"]
    assert authn["rules"][1]["requires"] == {"allow_missing_or_failed": {}}
    remote = authn["providers"]["sluice"]["remote_jwks"]
    assert remote["http_uri"] == {"uri": url, "cluster": "sluice_jwks", "timeout": "5s"}
    jwks = cluster(bootstrap, "sluice_jwks")
    address = jwks["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]
    assert address["socket_address"] == {"address": "idp.test", "port_value": 8443}
    assert jwks["transport_socket"]["typed_config"]["sni"] == "idp.test"
    validate(bootstrap, tmp_path)


@pytest.mark.parametrize("mode", ["passthrough", "keys"])
def test_passthrough_paths_are_key_checked_in_keys_mode(tmp_path: Path, mode: str) -> None:
    bootstrap = render_bootstrap(config(tmp_path, auth={"mode": mode}))
    passthrough = routes(bootstrap)["passthrough:anthropic:/v1/messages/count_tokens"]
    per_route = passthrough["typed_per_filter_config"]["envoy.filters.http.ext_proc"]
    if mode == "passthrough":
        assert per_route["disabled"] is True
    else:
        processing = per_route["overrides"]["processing_mode"]
        assert processing["request_header_mode"] == "SEND"
        assert processing["request_body_mode"] == "NONE"
        assert processing["response_body_mode"] == "NONE"
    assert all(f["name"] != "envoy.filters.http.jwt_authn" for f in http_filters(bootstrap))
    validate(bootstrap, tmp_path)


def test_a_clients_key_never_goes_upstream_when_the_gateway_authenticates(
    tmp_path: Path,
) -> None:
    bootstrap = render_bootstrap(config(tmp_path, auth={"mode": "keys"}))  # no provider key
    options = cluster(bootstrap, "provider_anthropic")["typed_extension_protocol_options"]
    protocol = next(iter(options.values()))
    strip, codec = protocol["http_filters"]
    mutations = strip["typed_config"]["mutations"]["request_mutations"]
    removed = [m["remove"] for m in mutations if "remove" in m]
    assert removed == ["x-api-key", "authorization", "api-key"]
    assert codec["name"] == "envoy.filters.http.upstream_codec"


def test_built_in_budgets_cost_no_envoy_filter(tmp_path: Path) -> None:
    budgets = {"tokens_per_client": [{"tokens": 1000}]}
    built_in = [f["name"] for f in http_filters(render_bootstrap(config(tmp_path, limits=budgets)))]
    assert "envoy.filters.http.ratelimit" not in built_in
    assert "envoy.filters.http.buffer" not in built_in
    external = budgets | {"rate_limit_service": {"address": "ratelimit:8081"}}
    names = [f["name"] for f in http_filters(render_bootstrap(config(tmp_path, limits=external)))]
    assert "envoy.filters.http.ratelimit" in names
