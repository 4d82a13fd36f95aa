from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sluice.config import GatewayConfig, load_config
from sluice.envoy import ENVOY_VERSION, envoy_binary, render_bootstrap

ROOT = Path(__file__).resolve().parents[2]


def config(**raw: Any) -> GatewayConfig:
    return GatewayConfig.model_validate(raw).resolve_paths(Path("/srv/sluice"))


def routes(bootstrap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    hcm = bootstrap["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
    vhost = hcm["typed_config"]["route_config"]["virtual_hosts"][0]
    return {route["name"]: route for route in vhost["routes"]}


def http_filter(bootstrap: dict[str, Any], name: str) -> dict[str, Any]:
    hcm = bootstrap["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]
    filters = {f["name"]: f["typed_config"] for f in hcm["typed_config"]["http_filters"]}
    typed: dict[str, Any] = filters[name]
    return typed


def ext_proc(bootstrap: dict[str, Any]) -> dict[str, Any]:
    return http_filter(bootstrap, "envoy.filters.http.ext_proc")


def cluster(bootstrap: dict[str, Any], name: str) -> dict[str, Any]:
    clusters = {c["name"]: c for c in bootstrap["static_resources"]["clusters"]}
    return clusters[name]


@pytest.mark.parametrize("path", ["sluice.example.yaml", "examples/demo.yaml"])
def test_shipped_configs_pass_envoy_validate(path: str, tmp_path: Path) -> None:
    bootstrap = tmp_path / "envoy.json"
    bootstrap.write_text(json.dumps(render_bootstrap(load_config(ROOT / path))))
    result = subprocess.run(
        [str(envoy_binary()), "--mode", "validate", "--config-path", str(bootstrap)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "OK" in result.stdout + result.stderr


def test_pinned_envoy_is_the_one_installed() -> None:
    out = subprocess.run([str(envoy_binary()), "--version"], capture_output=True, text=True)
    assert f"/{ENVOY_VERSION}/" in out.stdout


def test_llm_routes_buffer_requests_and_stream_responses() -> None:
    filter_config = ext_proc(render_bootstrap(config()))
    assert filter_config["processing_mode"] == {
        "request_header_mode": "SKIP",
        "request_body_mode": "BUFFERED",
        "request_trailer_mode": "SKIP",
        "response_header_mode": "SKIP",
        "response_body_mode": "FULL_DUPLEX_STREAMED",
        "response_trailer_mode": "SEND",
    }
    assert filter_config["failure_mode_allow"] is False
    # What the skipped header messages would have told the sidecar comes with the bodies.
    assert filter_config["request_attributes"] == ["request.path"]
    assert filter_config["response_attributes"] == ["response.code"]
    forwarded = filter_config["metadata_options"]["forwarding_namespaces"]["untyped"]
    assert forwarded == ["sluice.headers"]


def test_the_headers_the_sidecar_reads_travel_as_metadata() -> None:
    raw = {"team_header": "X-Team", "chain_header": {"enabled": True}}
    rules = http_filter(render_bootstrap(config(**raw)), "envoy.filters.http.header_to_metadata")
    requested = [rule["header"] for rule in rules["request_rules"]]
    assert {"x-api-key", "authorization", "x-claude-code-session-id"} <= set(requested)
    assert requested[-2:] == ["x-team", "x-sluice-chain"]
    assert [rule["header"] for rule in rules["response_rules"]] == ["content-type"]
    assert all(rule["remove"] is False for rule in rules["request_rules"])


def test_fail_open_is_explicit() -> None:
    filter_config = ext_proc(render_bootstrap(config(sidecar={"failure_mode": "open"})))
    assert filter_config["failure_mode_allow"] is True


def test_llm_routes_strip_accept_encoding_and_never_time_out() -> None:
    table = routes(render_bootstrap(config()))
    for name in ("anthropic:/v1/messages", "openai_chat:/v1/chat/completions"):
        assert "accept-encoding" in table[name]["request_headers_to_remove"]
        assert table[name]["response_headers_to_remove"] == ["content-length"]
        assert table[name]["route"]["timeout"] == "0s"
        assert "typed_per_filter_config" not in table[name]


def test_passthrough_and_probe_skip_the_sidecar() -> None:
    table = routes(render_bootstrap(config()))
    for name in ("probe", "passthrough:anthropic:/v1/", "passthrough:openai:/v1/"):
        per_route = table[name]["typed_per_filter_config"]["envoy.filters.http.ext_proc"]
        assert per_route["disabled"] is True
    assert table["passthrough:anthropic:/v1/"]["match"]["headers"] == [
        {"name": "anthropic-version", "present_match": True}
    ]


def test_https_provider_verifies_certificate_and_sends_sni() -> None:
    provider = cluster(render_bootstrap(config()), "provider_anthropic")
    tls = provider["transport_socket"]["typed_config"]
    assert tls["sni"] == "api.anthropic.com"
    validation = tls["common_tls_context"]["validation_context"]
    assert validation["trusted_ca"] == {"filename": "/etc/ssl/certs/ca-certificates.crt"}
    assert validation["match_typed_subject_alt_names"][0]["matcher"] == {
        "exact": "api.anthropic.com"
    }
    assert provider["type"] == "LOGICAL_DNS"


def test_http_provider_on_a_literal_ip_is_static_plain_http() -> None:
    raw = {
        "providers": {
            "anthropic": {"base_url": "http://127.0.0.1:8081"},
            "openai": {"base_url": "http://127.0.0.1:8081"},
        }
    }
    bootstrap = render_bootstrap(config(**raw))
    provider = cluster(bootstrap, "provider_anthropic")
    assert provider["type"] == "STATIC"
    assert "transport_socket" not in provider
    assert routes(bootstrap)["anthropic:/v1/messages"]["route"]["host_rewrite_literal"] == (
        "127.0.0.1:8081"
    )


def test_one_sidecar_endpoint_per_worker_over_http2() -> None:
    sidecar = cluster(render_bootstrap(config(sidecar={"workers": 2})), "sluice_sidecar")
    endpoints = sidecar["load_assignment"]["endpoints"][0]["lb_endpoints"]
    assert [e["endpoint"]["address"]["pipe"]["path"] for e in endpoints] == [
        "/srv/sluice/var/run/sidecar-0.sock",
        "/srv/sluice/var/run/sidecar-1.sock",
    ]
    options = sidecar["typed_extension_protocol_options"]
    http = options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
    assert "http2_protocol_options" in http["explicit_http_config"]
