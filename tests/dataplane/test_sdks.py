"""The official SDKs through real Envoy + sidecar read exactly what they read directly."""

from __future__ import annotations

import pytest

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.harness import FakeUpstream, Gateway

SCRIPTS = ["text", "tools", "thinking"]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize("fmt", list(Format))
async def test_sdk_reads_the_same_through_the_gateway(
    gateway: Gateway, upstream: FakeUpstream, fmt: Format, stream: bool, script: str
) -> None:
    through = await ask(gateway.url, fmt, stream=stream, script=script)
    direct = await ask(upstream.url, fmt, stream=stream, script=script)
    assert through == direct
    assert through.text
    if script == "tools":
        assert [name for name, _ in through.tool_calls] == ["Bash", "Read"]
        assert through.tool_calls[1][1] == {"file_path": "/etc/hosts"}
    if script == "thinking" and fmt is Format.ANTHROPIC:
        assert through.thinking
        assert all(through.signatures)
