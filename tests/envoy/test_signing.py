"""A Bedrock provider in the rendered bootstrap: signed by Envoy, its routes wait for the
sidecar's path, and the whole passes ``envoy --mode validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sluice.envoy import render_bootstrap
from tests.envoy.test_bootstrap import cluster, config, routes
from tests.envoy.validate import validate

RAW: dict[str, Any] = {
    "auth": {"allow_anonymous": True},  # the cloud credentials are the gateway's
    "providers": {
        "anthropic": {"base_url": "https://api.anthropic.com"},
        "openai": {"base_url": "https://api.openai.com"},
        "bedrock": {"bedrock": {"region": "eu-west-1"}},
    },
    "routes": [
        {
            "path": "/v1/messages",
            "format": "anthropic",
            "provider": "anthropic",
            "models": [{"model": "claude-*", "provider": "bedrock"}],
        },
        {"path": "/v1/chat/completions", "format": "openai_chat", "provider": "openai"},
    ],
}


def upstream_filters(bootstrap: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    options = cluster(bootstrap, name)["typed_extension_protocol_options"]
    [protocol] = options.values()
    return {f["name"]: f.get("typed_config", {}) for f in protocol.get("http_filters", [])}


def test_bedrock_cluster_signs_and_drops_the_clients_key() -> None:
    bootstrap = render_bootstrap(config(**RAW))
    filters = upstream_filters(bootstrap, "provider_bedrock")
    signing = filters["envoy.filters.http.aws_request_signing"]
    assert signing["service_name"] == "bedrock"
    assert signing["region"] == "eu-west-1"
    assert signing["use_unsigned_payload"] is False
    assert "credential_provider" not in signing  # Envoy's default chain: env, file, IRSA
    removed = filters["envoy.filters.http.header_mutation"]["mutations"]["request_mutations"]
    assert {"remove": "x-api-key"} in removed
    assert {"remove": "authorization"} in removed
    assert list(filters)[-1] == "envoy.filters.http.upstream_codec"
    endpoint = cluster(bootstrap, "provider_bedrock")["load_assignment"]["endpoints"][0]
    address = endpoint["lb_endpoints"][0]["endpoint"]["address"]["socket_address"]
    assert address == {"address": "bedrock-runtime.eu-west-1.amazonaws.com", "port_value": 443}
    assert "envoy.filters.http.aws_request_signing" not in upstream_filters(
        bootstrap, "provider_openai"
    )


def test_routes_to_bedrock_send_headers_to_the_sidecar() -> None:
    table = routes(render_bootstrap(config(**RAW)))
    by_model = table["anthropic:/v1/messages:bedrock"]
    # The sidecar rewrote the path to Bedrock's: the header alone picks this entry.
    assert by_model["match"]["prefix"] == "/"
    assert by_model["match"]["headers"][-1]["string_match"] == {"exact": "bedrock"}
    for name in ("anthropic:/v1/messages:bedrock", "anthropic:/v1/messages"):
        mode = table[name]["typed_per_filter_config"]["envoy.filters.http.ext_proc"]["overrides"]
        assert mode["processing_mode"]["request_header_mode"] == "SEND"
        assert mode["processing_mode"]["response_header_mode"] == "SEND"
    assert "typed_per_filter_config" not in table["openai_chat:/v1/chat/completions"]


def test_bedrock_bootstrap_passes_envoy_validate(tmp_path: Path) -> None:
    validate(render_bootstrap(config(**RAW)), tmp_path)


def test_vertex_cluster_injects_the_token_file_and_its_routes_wait_for_the_path() -> None:
    raw = {
        "auth": {"allow_anonymous": True},
        "providers": {
            "anthropic": {"base_url": "https://api.anthropic.com"},
            "openai": {"base_url": "https://api.openai.com"},
            "vertex": {"vertex": {"project": "acme", "region": "us-east5"}},
        },
        "routes": [{"path": "/v1/messages", "format": "anthropic", "provider": "vertex"}],
    }
    bootstrap = render_bootstrap(config(**raw))
    filters = upstream_filters(bootstrap, "provider_vertex")
    injector = filters["envoy.filters.http.credential_injector"]["credential"]["typed_config"]
    assert injector["header"] == "authorization"
    assert injector["credential"]["sds_config"]["path_config_source"]["path"].endswith(
        "keys/vertex.yaml"
    )
    endpoint = cluster(bootstrap, "provider_vertex")["load_assignment"]["endpoints"][0]
    address = endpoint["lb_endpoints"][0]["endpoint"]["address"]["socket_address"]
    assert address["address"] == "us-east5-aiplatform.googleapis.com"
    entry = routes(bootstrap)["anthropic:/v1/messages"]
    mode = entry["typed_per_filter_config"]["envoy.filters.http.ext_proc"]["overrides"]
    assert mode["processing_mode"]["request_header_mode"] == "SEND"
    assert mode["processing_mode"]["response_header_mode"] == "SKIP"  # errors: body only
