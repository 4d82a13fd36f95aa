from __future__ import annotations

from typing import Any

import pytest

from sluice.model import Format
from sluice.policies._workdir import reported_cwd
from tests.policies.factories import anthropic_body, context


@pytest.mark.parametrize(
    ("fmt", "body", "cwd"),
    [
        (
            Format.ANTHROPIC,
            anthropic_body(
                system="You are Claude Code.\n<env>\nWorking directory: /Users/jane/app\n"
            ),
            "/Users/jane/app",
        ),
        (
            Format.OPENAI_RESPONSES,
            {
                "model": "gpt-5-codex",
                "input": [
                    {
                        "role": "user",
                        "content": "<environment_context><cwd>/a</cwd></environment_context>",
                    },
                    {
                        "role": "user",
                        "content": "<environment_context><cwd>/b</cwd></environment_context>",
                    },
                ],
            },
            "/b",  # the latest context: Codex repeats it when the folder changes
        ),
        (
            Format.OPENAI_CHAT,
            {
                "model": "gpt-5",
                "messages": [
                    {
                        "role": "system",
                        "content": "The absolute path of the user's workspace is /w/x. Go.",
                    }
                ],
            },
            "/w/x",
        ),
        (  # a long prompt, where "directory" is said before the report, and two reports
            Format.ANTHROPIC,
            anthropic_body(
                system="Use the directory tools. " * 2000
                + "<env>\nWorking directory: /home/dev/app\nIs directory a git repo: Yes\n"
                + "Or <cwd>/not/this</cwd> before it, then Working Directory: /home/dev/b\n"
            ),
            "/home/dev/b",
        ),
        (Format.ANTHROPIC, anthropic_body(), None),
    ],
)
def test_reported_cwd(fmt: Format, body: dict[str, Any], cwd: str | None) -> None:
    assert reported_cwd(context(fmt, body).request) == cwd
