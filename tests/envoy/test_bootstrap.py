from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from sluice.config import GatewayConfig, load_config
from sluice.envoy import ENVOY_VERSION, envoy_binary, render_bootstrap
from tests.envoy.validate import validate

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
    validate(render_bootstrap(load_config(ROOT / path)), tmp_path)


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
        assert table[name]["match"]["headers"] == [
            {"name": ":method", "string_match": {"exact": "POST"}}  # a GET has no body to read
        ]
        assert "accept-encoding" in table[name]["request_headers_to_remove"]
        assert table[name]["response_headers_to_remove"] == ["content-length"]
        assert table[name]["route"]["timeout"] == "0s"
        assert "typed_per_filter_config" not in table[name]


def hcm(bootstrap: dict[str, Any]) -> dict[str, Any]:
    listener = bootstrap["static_resources"]["listeners"][0]
    typed: dict[str, Any] = listener["filter_chains"][0]["filters"][0]["typed_config"]
    return typed


def test_passthrough_is_a_list_of_known_endpoints_then_everything_else_is_refused() -> None:
    table = routes(render_bootstrap(config()))
    passthrough = {name: route["match"] for name, route in table.items() if "passthrough" in name}
    assert passthrough == {
        "passthrough:anthropic:/v1/models": {
            "path": "/v1/models",
            "headers": [{"name": "anthropic-version", "present_match": True}],
        },
        "passthrough:anthropic:/v1/models/": {
            "prefix": "/v1/models/",
            "headers": [{"name": "anthropic-version", "present_match": True}],
        },
        "passthrough:anthropic:/v1/messages/count_tokens": {"path": "/v1/messages/count_tokens"},
        "passthrough:openai:/v1/models": {"path": "/v1/models"},
        "passthrough:openai:/v1/models/": {"prefix": "/v1/models/"},
    }
    for name in ("probe", *passthrough, "unknown_path"):
        per_route = table[name]["typed_per_filter_config"]["envoy.filters.http.ext_proc"]
        assert per_route["disabled"] is True
    last = list(table.values())[-1]
    assert last["name"] == "unknown_path"
    assert last["match"] == {"prefix": "/"}
    assert last["direct_response"] == {"status": 404}


def test_paths_are_normalised_before_routing() -> None:
    manager = hcm(render_bootstrap(config(envoy={"request_headers_timeout_s": 2.5})))
    assert manager["normalize_path"] is True
    assert manager["merge_slashes"] is True
    assert manager["path_with_escaped_slashes_action"] == "REJECT_REQUEST"
    assert manager["request_headers_timeout"] == "2.5s"
    assert "upgrade_configs" not in manager  # WebSockets are refused (426, see local replies)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"prefix": "/v1/"}, "matches '/v1/messages'"),
        ({"prefix": "/V1/"}, "matches '/v1/messages'"),
        ({"prefix": "/v1/messages/"}, "matches '/v1/messages/'"),
        ({"path": "/v1/responses/"}, "matches '/v1/responses/'"),
        ({"path": "/v1/Chat/Completions"}, "matches '/v1/chat/completions'"),
        ({"prefix": "/v1/models"}, "must end in /"),
        ({"path": "v1/models"}, "must start with /"),
        ({"path": "/v1/models", "prefix": "/v1/models/"}, "exactly one of"),
        ({}, "exactly one of"),
    ],
)
def test_passthrough_never_covers_an_llm_route(entry: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        config(passthrough=[entry | {"provider": "openai"}])


def expression(mapper: dict[str, Any]) -> str:
    text: str = mapper["filter"]["extension_filter"]["typed_config"]["expression"]
    return text


def test_unknown_paths_websockets_and_escaped_slashes_are_refused_in_the_clients_format() -> None:
    mappers = hcm(render_bootstrap(config()))["local_reply_config"]["mappers"]

    def mapper(details: str, anthropic: bool) -> dict[str, Any]:
        """The mapper for Envoy's ``details``, for Anthropic or for OpenAI clients."""
        client = " && (" if anthropic else " && !("
        start = f"response.code_details == '{details}'{client}"
        [found] = [m for m in mappers if expression(m).startswith(start)]
        return found

    unknown = mapper("direct_response", anthropic=True)["body_format_override"]["json_format"]
    assert unknown["error"]["type"] == "not_found_error"
    unknown = mapper("direct_response", anthropic=False)["body_format_override"]["json_format"]
    assert unknown["error"]["type"] == "invalid_request_error"
    assert "%REQ(:PATH)%" in unknown["error"]["message"]
    assert mapper("upgrade_failed", anthropic=True)["status_code"] == 426
    assert mapper("upgrade_failed", anthropic=False)["status_code"] == 426
    assert "status_code" not in mapper("path_normalization_failed", anthropic=True)


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


FAILOVER = {
    "auth": {"allow_anonymous": True},
    "providers": {
        "anthropic": {"base_url": "https://api.anthropic.com"},
        "openai": {"base_url": "https://api.openai.com"},
        "bedrock": {"bedrock": {"region": "us-east-1"}},
    },
    "routes": [
        {
            "path": "/v1/messages",
            "format": "anthropic",
            "provider": "anthropic",
            "failover": ["bedrock"],
        }
    ],
}


def test_a_failover_list_adds_the_sidecars_own_listener_on_a_unix_socket(tmp_path: Path) -> None:
    bootstrap = render_bootstrap(config(**FAILOVER))
    listeners = {item["name"]: item for item in bootstrap["static_resources"]["listeners"]}
    failover = listeners["llm_failover"]
    assert failover["address"] == {"pipe": {"path": "/srv/sluice/var/run/envoy-failover.sock"}}

    def manager(listener: dict[str, Any]) -> dict[str, Any]:
        typed: dict[str, Any] = listener["filter_chains"][0]["filters"][0]["typed_config"]
        return typed

    def removed(listener: dict[str, Any]) -> list[str]:
        early = manager(listener)["early_header_mutation_extensions"][0]["typed_config"]
        return [m["remove"] for m in early["mutations"]]

    # Clients cannot ask for a provider: only the sidecar, on its own socket.
    assert "x-sluice-failover" in removed(listeners["llm_egress"])
    assert "x-sluice-failover" not in removed(failover)
    # Checked, limited and charged once, on the client's listener.
    names = [f["name"] for f in manager(failover)["http_filters"]]
    assert not any("jwt" in name or "ratelimit" in name for name in names)
    # Bedrock's entry (picked by the sidecar's header) is on the route, and its response
    # headers come to the sidecar, which decides on them.
    entries = routes(bootstrap)
    assert "anthropic:/v1/messages:bedrock" in entries
    overrides = entries["anthropic:/v1/messages"]["typed_per_filter_config"][
        "envoy.filters.http.ext_proc"
    ]["overrides"]
    assert overrides["processing_mode"]["response_header_mode"] == "SEND"
    validate(bootstrap, tmp_path)


def test_no_failover_no_second_listener() -> None:
    bootstrap = render_bootstrap(config())
    names = [item["name"] for item in bootstrap["static_resources"]["listeners"]]
    assert "llm_failover" not in names
