"""``python -m sluice.fake_upstream`` as a process."""

from __future__ import annotations

import asyncio
import re
import signal
import sys

import aiohttp


async def test_serves_until_sigterm() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sluice.fake_upstream",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=10)).decode()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:(\d+))\n", line)
        assert match is not None, line
        assert int(match[2]) > 0
        async with aiohttp.ClientSession() as session, session.head(match[1]) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(process.wait(), timeout=10)

    assert returncode == 0
