"""Envoy: the pinned binary and the bootstrap rendered from the gateway config."""

from sluice.envoy.binary import ENVOY_VERSION, envoy_binary, envoy_command
from sluice.envoy.bootstrap import render_bootstrap

__all__ = ["ENVOY_VERSION", "envoy_binary", "envoy_command", "render_bootstrap"]
