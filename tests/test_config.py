from __future__ import annotations

from pathlib import Path

import pytest

from sluice.config import ConfigError, FailureMode, GatewayConfig, load_config
from sluice.model import Format

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sluice.yaml"
    path.write_text(text)
    return path


def test_example_config_is_the_default_config() -> None:
    example = load_config(ROOT / "sluice.example.yaml")
    defaults = GatewayConfig().resolve_paths(ROOT)
    assert example == defaults


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert [r.format for r in config.routes] == list(Format)
    assert config.sidecar.failure_mode is FailureMode.CLOSED
    assert config.sidecar.socket_dir == tmp_path / "var/run"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("listener: {port: 99999}", "listener.port: Input should be less than or equal to 65535"),
        ("listener: {prot: 80}", "listener.prot: Extra inputs are not permitted"),
        (
            "providers: {anthropic: {base_url: 'ftp://x'}}",
            "providers.anthropic.base_url: URL scheme should be 'http' or 'https'",
        ),
        (
            "providers: {anthropic: {base_url: 'https://x.com/v1'}}",
            "providers.anthropic.base_url: Value error, must not end in /v1",
        ),
        (
            "routes: [{path: /v1/messages, format: anthropic, provider: nope}]",
            "routes[0].provider: unknown provider 'nope' (known: anthropic, openai)",
        ),
        (
            "routes: [{path: /x, format: gemini, provider: openai}]",
            "routes.0.format: Input should be 'anthropic', 'openai_chat' or 'openai_responses'",
        ),
        ("sidecar: {failure_mode: maybe}", "sidecar.failure_mode: Input should be 'closed' or"),
        (
            "{store_queue_bytes: 2000000, store_capture_bytes: 4000000}",
            "store_queue_bytes (2000000) must hold at least one capture",
        ),
        ("store_frame_bytes: 1000", "store_frame_bytes: Input should be greater than or equal"),
        ("- 1", "expected a mapping at the top level"),
        ("listener: [", "not valid YAML"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value)
    assert str(tmp_path / "sluice.yaml") in str(info.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="No such file"):
        load_config(tmp_path / "absent.yaml")


def test_one_socket_per_worker(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sidecar: {workers: 3, socket_dir: /run/s}"))
    assert [str(p) for p in config.sidecar.socket_paths()] == [
        "/run/s/sidecar-0.sock",
        "/run/s/sidecar-1.sock",
        "/run/s/sidecar-2.sock",
    ]


def test_the_frame_bound_follows_the_capture_bound(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "store_capture_bytes: 2000000"))
    assert config.frame_limit == 2000000 + (1 << 20)
    config = load_config(write(tmp_path, "store_frame_bytes: 3000000"))
    assert config.frame_limit == 3000000


@pytest.mark.parametrize("address", ["0.0.0.0", "10.1.2.3", "::", "admin.example"])
def test_a_demo_refuses_a_non_loopback_address(tmp_path: Path, address: str) -> None:
    text = f"admin: {{demo: true, address: '{address}'}}"
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert "admin: Value error, demo: true serves the API and UI without a key" in str(info.value)
    assert f"not {address!r}" in str(info.value)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_a_demo_on_a_loopback_address_is_fine(tmp_path: Path, address: str) -> None:
    assert load_config(write(tmp_path, f"admin: {{demo: true, address: '{address}'}}")).admin.demo
