"""The egress edge as rendered: keys, model routes, retries, circuits, failure modes, TLS."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from sluice.config import GatewayConfig
from sluice.envoy import render_bootstrap
from sluice.envoy.keys import NO_TOKEN_YET, key_file, key_header, write_key_file, write_key_files
from tests.envoy.test_bootstrap import cluster, config, ext_proc, routes


def hcm(bootstrap: dict[str, Any]) -> dict[str, Any]:
    listener = bootstrap["static_resources"]["listeners"][0]
    typed: dict[str, Any] = listener["filter_chains"][0]["filters"][0]["typed_config"]
    return typed


def http_options(provider: dict[str, Any]) -> dict[str, Any]:
    options = provider["typed_extension_protocol_options"]
    typed: dict[str, Any] = options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
    return typed


def keyed(tmp_path: Path, **key: Any) -> GatewayConfig:
    (tmp_path / "key").write_text("sk-provider\n")
    raw = {
        "auth": {"allow_anonymous": True},
        "sidecar": {"socket_dir": str(tmp_path / "run")},
        "providers": {
            "anthropic": {"base_url": "https://api.anthropic.com"},
            "openai": {
                "base_url": "https://api.openai.com",
                "api_key": {"secret": {"file": str(tmp_path / "key")}, **key},
            },
        },
    }
    return GatewayConfig.model_validate(raw)


@pytest.mark.parametrize(
    ("key", "header", "value"),
    [
        ({}, "authorization", "Bearer sk-provider"),
        ({"header": "api-key"}, "api-key", "sk-provider"),
        ({"header": "Authorization", "prefix": "Token "}, "authorization", "Token sk-provider"),
    ],
)
def test_provider_key_is_injected_from_a_private_file_never_the_bootstrap(
    tmp_path: Path, key: dict[str, str], header: str, value: str
) -> None:
    gateway = keyed(tmp_path, **key)
    bootstrap = render_bootstrap(gateway)
    assert "sk-provider" not in json.dumps(bootstrap)
    filters = http_options(cluster(bootstrap, "provider_openai"))["http_filters"]
    names = [f["name"] for f in filters]
    assert names == [
        "envoy.filters.http.header_mutation",
        "envoy.filters.http.credential_injector",
        "envoy.filters.http.upstream_codec",
    ]
    removed = filters[0]["typed_config"]["mutations"]["request_mutations"]
    assert removed == [
        {"remove_on_match": {"key_matcher": {"prefix": "x-sluice-"}}},
        {"remove": "x-api-key"},
        {"remove": "authorization"},
        {"remove": "api-key"},
    ]
    generic = filters[1]["typed_config"]["credential"]["typed_config"]
    assert generic["header"] == header
    [written] = write_key_files(gateway)
    assert generic["credential"]["sds_config"]["path_config_source"]["path"] == str(written)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    [secret] = json.loads(written.read_text())["resources"]
    assert secret["generic_secret"]["secret"]["inline_string"] == value
    # The provider without a key passes the client's through (only the gateway's own
    # x-sluice-* headers are removed).
    filters = http_options(cluster(bootstrap, "provider_anthropic"))["http_filters"]
    assert [f["name"] for f in filters] == [
        "envoy.filters.http.header_mutation",
        "envoy.filters.http.upstream_codec",
    ]
    assert filters[0]["typed_config"]["mutations"]["request_mutations"] == removed[:1]


def test_a_vertex_token_file_exists_before_envoy_starts_and_a_token_is_never_replaced(
    tmp_path: Path,
) -> None:
    """In Kubernetes, Envoy's container (``sluice envoy``) may start before the sidecar's
    supervisor has written a token: Envoy needs the file to start at all."""
    raw = {
        "auth": {"allow_anonymous": True},
        "sidecar": {"socket_dir": str(tmp_path / "run")},
        "providers": {"vertex": {"vertex": {"project": "acme", "region": "us-east5"}}},
        "routes": [{"path": "/v1/messages", "format": "anthropic", "provider": "vertex"}],
        "passthrough": [],
    }
    gateway = GatewayConfig.model_validate(raw)

    def held() -> str:
        [secret] = json.loads(key_file(gateway, "vertex").read_text())["resources"]
        value: str = secret["generic_secret"]["secret"]["inline_string"]
        return value

    assert write_key_files(gateway) == [key_file(gateway, "vertex")]
    assert held() == NO_TOKEN_YET
    assert stat.S_IMODE(key_file(gateway, "vertex").stat().st_mode) == 0o600
    write_key_file(gateway, "vertex", "Bearer ya29.token")  # the supervisor's first token
    assert write_key_files(gateway) == []  # Envoy's container restarted: the token stays
    assert held() == "Bearer ya29.token"


def test_key_header_defaults_follow_the_routes_format() -> None:
    assert key_header(GatewayConfig(), "anthropic") == ("x-api-key", "")
    assert key_header(GatewayConfig(), "openai") == ("authorization", "Bearer ")


def test_model_rules_add_a_route_per_provider_before_the_default() -> None:
    raw = {
        "auth": {"allow_anonymous": True},
        "providers": {
            "anthropic": {"base_url": "https://api.anthropic.com"},
            "openai": {"base_url": "https://api.openai.com"},
            "azure": {"base_url": "https://x.openai.azure.com"},
        },
        "routes": [
            {
                "path": "/v1/chat/completions",
                "format": "openai_chat",
                "provider": "openai",
                "models": [{"model": "azure-*", "provider": "azure"}],
            }
        ],
    }
    bootstrap = render_bootstrap(config(**raw))
    table = routes(bootstrap)
    names = list(table)
    by_model = "openai_chat:/v1/chat/completions:azure"
    assert names.index(by_model) < names.index("openai_chat:/v1/chat/completions")
    assert table[by_model]["match"]["headers"] == [
        {"name": ":method", "string_match": {"exact": "POST"}},
        {"name": "x-sluice-provider", "string_match": {"exact": "azure"}},
    ]
    assert table[by_model]["route"]["cluster"] == "provider_azure"
    assert "x-sluice-provider" in table[by_model]["request_headers_to_remove"]
    # Both entries get the request headers message: without it the router would pick the
    # provider before the body's model is read.
    for name in (by_model, "openai_chat:/v1/chat/completions"):
        overrides = table[name]["typed_per_filter_config"]["envoy.filters.http.ext_proc"]
        assert overrides["overrides"]["processing_mode"]["request_header_mode"] == "SEND"
    assert ext_proc(bootstrap)["processing_mode"]["request_header_mode"] == "SKIP"
    # Clients cannot pick a provider themselves: the headers go before routing.
    [early] = hcm(bootstrap)["early_header_mutation_extensions"]
    assert early["typed_config"]["mutations"] == [
        {"remove": "x-sluice-provider"},
        {"remove": "x-sluice-failover"},
    ]


def test_unknown_provider_in_a_model_rule_is_refused() -> None:
    raw = {"routes": [{"path": "/v1/x", "format": "anthropic", "provider": "anthropic"}]}
    raw["routes"][0]["models"] = [{"model": "*", "provider": "nope"}]  # type: ignore[index]
    with pytest.raises(ValueError, match=r"routes\[0\]\.models\[0\]\.provider"):
        config(**raw)


def test_retries_only_where_no_paid_work_was_done() -> None:
    policy = routes(render_bootstrap(config()))["anthropic:/v1/messages"]["route"]["retry_policy"]
    assert set(policy["retry_on"].split(",")) == {
        "connect-failure",
        "refused-stream",
        "reset-before-request",
        "retriable-status-codes",
    }
    assert policy["retriable_status_codes"] == [429, 503, 529]
    assert policy["num_retries"] == 2
    assert policy["rate_limited_retry_back_off"]["reset_headers"] == [
        {"name": "retry-after", "format": "SECONDS"}
    ]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_retrying_a_possibly_paid_status_is_refused(status: int) -> None:
    provider = {"base_url": "https://a.com", "retries": {"on_status": [429, status]}}
    with pytest.raises(ValueError, match="never retried"):
        config(providers={"anthropic": provider, "openai": provider})


def test_no_retries_when_turned_off() -> None:
    provider = {"base_url": "https://a.com", "retries": {"max_retries": 0}}
    bootstrap = render_bootstrap(config(providers={"anthropic": provider, "openai": provider}))
    assert "retry_policy" not in routes(bootstrap)["anthropic:/v1/messages"]["route"]


def test_provider_circuit_opens_on_consecutive_failures_and_fails_fast() -> None:
    provider = cluster(render_bootstrap(config()), "provider_anthropic")
    outlier = provider["outlier_detection"]
    assert outlier["consecutive_5xx"] == 5
    assert outlier["max_ejection_percent"] == 100
    assert outlier["base_ejection_time"] == "10s"
    # Without this, Envoy would "panic" and call the ejected host anyway.
    assert provider["common_lb_config"]["healthy_panic_threshold"] == {"value": 0}
    [thresholds] = provider["circuit_breakers"]["thresholds"]
    assert thresholds["max_requests"] == 10_000
    assert "retry_budget" in thresholds


def test_failure_mode_per_route_overrides_the_filter() -> None:
    raw = {
        "auth": {"allow_anonymous": True},
        "sidecar": {"failure_mode": "closed"},
        "routes": [
            {"path": "/v1/messages", "format": "anthropic", "provider": "anthropic"},
            {
                "path": "/v1/chat/completions",
                "format": "openai_chat",
                "provider": "openai",
                "failure_mode": "open",
            },
        ],
    }
    bootstrap = render_bootstrap(config(**raw))
    assert ext_proc(bootstrap)["failure_mode_allow"] is False
    table = routes(bootstrap)
    per_route = table["openai_chat:/v1/chat/completions"]["typed_per_filter_config"]
    assert per_route["envoy.filters.http.ext_proc"]["overrides"] == {"failure_mode_allow": True}
    assert "typed_per_filter_config" not in table["anthropic:/v1/messages"]


def test_sidecar_streams_are_bounded_per_worker() -> None:
    sidecar = cluster(
        render_bootstrap(config(sidecar={"workers": 3, "max_streams": 50})), "sluice_sidecar"
    )
    assert sidecar["circuit_breakers"]["thresholds"][0]["max_requests"] == 150


def test_listener_tls_offers_http2_and_http11() -> None:
    tls = {"cert_file": "tls/server.pem", "key_file": "tls/server.key"}
    bootstrap = render_bootstrap(config(listener={"tls": tls}))
    chain = bootstrap["static_resources"]["listeners"][0]["filter_chains"][0]
    context = chain["transport_socket"]["typed_config"]["common_tls_context"]
    assert context["alpn_protocols"] == ["h2", "http/1.1"]
    assert context["tls_certificates"] == [
        {
            "certificate_chain": {"filename": "/srv/sluice/tls/server.pem"},
            "private_key": {"filename": "/srv/sluice/tls/server.key"},
        }
    ]
    plain = render_bootstrap(config())["static_resources"]["listeners"][0]["filter_chains"][0]
    assert "transport_socket" not in plain


def test_relative_ca_file_is_taken_from_the_config_directory() -> None:
    provider = {"base_url": "https://a.com", "ca_file": "ca.pem"}
    gateway = config(providers={"anthropic": provider, "openai": provider})
    tls = cluster(render_bootstrap(gateway), "provider_anthropic")["transport_socket"]
    validation = tls["typed_config"]["common_tls_context"]["validation_context"]
    assert validation["trusted_ca"] == {"filename": "/srv/sluice/ca.pem"}


def test_a_base_url_path_is_put_before_each_request_path() -> None:
    azure = {"base_url": "https://x.openai.azure.com/openai/"}
    anthropic = {"base_url": "https://api.anthropic.com"}
    bootstrap = render_bootstrap(config(providers={"openai": azure, "anthropic": anthropic}))
    forward = routes(bootstrap)["openai_chat:/v1/chat/completions"]["route"]
    assert forward["regex_rewrite"] == {"pattern": {"regex": "^/"}, "substitution": "/openai/"}
    assert forward["host_rewrite_literal"] == "x.openai.azure.com"
    plain = routes(render_bootstrap(config()))["anthropic:/v1/messages"]["route"]
    assert "regex_rewrite" not in plain


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://api.openai.com/v1", "must not end in /v1"),
        ("https://api.openai.com/v1/", "must not end in /v1"),
        ("https://api.x.com/?a=b", "must not hold a query"),
    ],
)
def test_base_urls_that_would_break_every_path_are_refused(url: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        config(providers={"openai": {"base_url": url}, "anthropic": {"base_url": "http://a"}})


def translating(provider: str = "anthropic", **rule: Any) -> dict[str, Any]:
    return {
        "providers": {
            "anthropic": {"base_url": "https://api.anthropic.com"},
            "openai": {"base_url": "https://api.openai.com"},
            "local": {"base_url": "http://vllm.internal:8000/api", "format": "openai_chat"},
        },
        "routes": [
            {
                "path": "/v1/messages",
                "format": "anthropic",
                "provider": provider,
                "models": [{"model": "claude-*", "provider": "local", **rule}],
            }
        ],
    }


def test_a_provider_of_another_format_gets_its_own_path() -> None:
    """The sidecar translates the body; Envoy sends it to the provider's format's path
    (after the base URL's own path), keeping the query string."""
    table = routes(render_bootstrap(config(**translating())))
    rewrite = table["anthropic:/v1/messages:local"]["route"]["regex_rewrite"]
    assert rewrite == {"pattern": {"regex": "^.*$"}, "substitution": "/api/v1/chat/completions"}
    assert "regex_rewrite" not in table["anthropic:/v1/messages"]["route"]
    for name in ("anthropic:/v1/messages:local", "anthropic:/v1/messages"):
        overrides = table[name]["typed_per_filter_config"]["envoy.filters.http.ext_proc"]
        # Header edits (the key as a bearer token) in the body reply need the headers sent.
        assert overrides["overrides"]["processing_mode"]["request_header_mode"] == "SEND"


def test_a_route_whose_own_provider_speaks_another_format_is_translated() -> None:
    raw = translating(provider="local")
    raw["routes"][0]["models"] = []
    table = routes(render_bootstrap(config(**raw)))
    route = table["anthropic:/v1/messages"]
    assert route["route"]["regex_rewrite"]["substitution"] == "/api/v1/chat/completions"
    overrides = route["typed_per_filter_config"]["envoy.filters.http.ext_proc"]["overrides"]
    assert overrides["processing_mode"]["request_header_mode"] == "SEND"


def test_a_pair_the_sidecar_cannot_translate_is_refused() -> None:
    raw = translating()
    raw["providers"]["local"]["format"] = "openai_responses"
    with pytest.raises(ValueError, match=r"routes\[0\]: provider 'local' speaks openai_responses"):
        config(**raw)


def test_a_translated_provider_s_key_travels_in_its_own_format_s_header(tmp_path: Path) -> None:
    raw = translating(provider="local")
    (tmp_path / "key").write_text("sk-local\n")
    raw["providers"]["local"]["api_key"] = {"secret": {"file": str(tmp_path / "key")}}
    raw["routes"][0]["models"] = []
    raw["auth"] = {"allow_anonymous": True}
    assert key_header(config(**raw), "local") == ("authorization", "Bearer ")
