"""A launchd job the line writes is read for what it runs; one that is no plist (XML with
more after its document, an encoding Python does not know) runs nothing the rules can
name, and is judged without error, not as a failure of the gateway."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash

_AGENT = "~/Library/LaunchAgents/com.x.plist"
_JOB = (
    '<plist version="1.0"><dict><key>Label</key><string>com.x</string>'
    "<key>ProgramArguments</key><array><string>{}</string></array></dict></plist>"
)


def _written_and_loaded(text: str) -> str:
    return f"cat > {_AGENT} <<'EOF'\n{text}\nEOF\nlaunchctl load -w {_AGENT}"


@pytest.mark.parametrize(
    "text",
    [
        _JOB.format("/usr/bin/true") + "\n<plist/>",
        '<?xml version="1.0" encoding="ebcdic"?>' + _JOB.format("/usr/bin/true"),
        "<plist><dict><key>Label</key>",
    ],
)
def test_a_launch_agent_that_is_no_plist_is_judged_without_error(text: str) -> None:
    assert bash(_written_and_loaded(text)) is None


def test_a_readable_launch_agent_is_still_read() -> None:
    assert bash(_written_and_loaded(_JOB.format("rm -rf ~"))) == "wipe_root_or_home"
